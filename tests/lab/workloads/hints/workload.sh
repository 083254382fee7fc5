# Guest workload for the block-hint test: read (and checksum) the same real
# binaries and libraries as read-files, counting the block hints the guest's
# blkfront received meanwhile; then obey dom0's commands on the console (one
# line each), so that timings run while the other guests are idle:
#   bench MB     drop caches, read the first MB MiB of xvda sequentially
#                (dd, 1 MiB blocks), report seconds and hints received;
#                the volatile cache is switched off from the first bench on
#   hints 0|1    set xen_blkfront's satori_hints parameter at run time
#   done         end the workload
say() { echo "SATORI-GUEST $*"; }
hints() { cat /sys/kernel/mm/satori/hints_received 2>/dev/null || echo -1; }
param() { cat /sys/module/xen_blkfront/parameters/satori_hints 2>/dev/null || echo none; }
now() { cut -d' ' -f1 /proc/uptime; }
secs() { awk -v a="$2" -v b="$1" 'BEGIN { printf "%.2f", a - b }'; }

mount -t ext4 -o ro /dev/xvda /mnt || { say "hintread error=mount"; exit 1; }
# Whether dpkg installed the running kernel's release on this disk (the
# packaged kernel's guest: the same vmlinuz, and its modules beside it).
k=$(uname -r)
say "disk-kernel release=$k vmlinuz=$([ -f "/mnt/boot/vmlinuz-$k" ] && echo yes || echo no) modules=$(find "/mnt/lib/modules/$k" -name '*.ko' 2>/dev/null | wc -l)"
set -- /mnt/usr/bin /mnt/usr/sbin /mnt/usr/lib/x86_64-linux-gnu
h0=$(hints)
t0=$(now)
# Reading every file whole is what md5sum does; its sums prove the data.
find "$@" -type f -exec md5sum {} + >/tmp/sums
t1=$(now)
h1=$(hints)
files=$(wc -l </tmp/sums)
# Pages of file data read from disk: each distinct inode (hard links are
# read once) rounded up to whole 4 KiB pages.
find "$@" -type f -exec stat -c '%i %s' {} + | sort -u >/tmp/sizes
bytes=$(awk '{ s += $2 } END { printf "%d", s }' /tmp/sizes)
pages=$(awk '{ p += int(($2 + 4095) / 4096) } END { printf "%d", p }' /tmp/sizes)
sum=$(sort /tmp/sums | md5sum | cut -d' ' -f1)
say "hintread files=$files bytes=$bytes pages=$pages hints=$((h1 - h0)) sum=$sum seconds=$(secs "$t0" "$t1") param=$(param)"
# The disk stays mounted until "done": its pages stay in the page cache, and
# shared, while dom0 counts what each guest shares.
# The kernel's own text and read-only data (satori_kimage.c).
sys=/sys/kernel/mm/satori
say "kimage $(for f in kernel_image_walks kernel_image_pages stable_sent stable_shared; do printf '%s=%s ' $f "$(cat $sys/$f)"; done)"

while read -r cmd arg </dev/hvc0; do
	case "$cmd" in
	bench)
		# Block hints alone: reads the volatile cache served would
		# never reach the backend, nor get a hint.
		echo 0 >/sys/module/xen_blkfront/parameters/satori_volatile
		sync
		echo 3 >/proc/sys/vm/drop_caches
		h0=$(hints)
		t0=$(now)
		dd if=/dev/xvda of=/dev/null bs=1M count="$arg" 2>/dev/null
		t1=$(now)
		h1=$(hints)
		say "hintbench mb=$arg seconds=$(secs "$t0" "$t1") hints=$((h1 - h0)) param=$(param)"
		;;
	hints)
		echo "$arg" >/sys/module/xen_blkfront/parameters/satori_hints
		say "hintparam param=$(param)"
		;;
	done) break ;;
	esac
done
umount /mnt
say "hints finished"
