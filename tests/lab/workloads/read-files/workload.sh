# Guest workload: read the same real binaries and libraries from the guest's
# own disk, and report what was read and what memory looks like.
say() { echo "SATORI-GUEST $*"; }
mem() { awk '/^(MemFree|Cached):/ { printf "%s=%skB ", $1, $2 }' /proc/meminfo | tr -d ':'; }

mount -t ext4 -o ro /dev/xvda /mnt || { say "read error=mount"; exit 1; }
say "mem-before $(mem)"
t0=$(cut -d' ' -f1 /proc/uptime)
set -- /mnt/usr/bin /mnt/usr/sbin /mnt/usr/lib/x86_64-linux-gnu
files=$(find "$@" -type f | wc -l)
bytes=$(find "$@" -type f -exec cat {} + | wc -c)
t1=$(cut -d' ' -f1 /proc/uptime)
say "read files=$files bytes=$bytes seconds=$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')"
say "mem-after $(mem)"
say "satori status=$(cat /sys/kernel/mm/satori/status)"
# Registration runs behind the reads; give its worker a moment, then report.
# The disk stays mounted: its pages stay in the page cache, and shared, for
# dom0 to measure.
sleep 2
sys=/sys/kernel/mm/satori
say "sharing $(for f in hints_received registered shared released errors skipped; do printf '%s=%s ' $f "$(cat $sys/$f)"; done)"
say "detect $(cat $sys/detect_us)"
# The kernel's own text and read-only data (satori_kimage.c).
say "kimage $(for f in kernel_image_walks kernel_image_pages kernel_image_done_ms stable_sent stable_shared; do printf '%s=%s ' $f "$(cat $sys/$f)"; done)"

# The guest must stay sane while others run beside it: fork and check.
bad=0
for i in $(seq 1 200); do
	x=$(dirname /a/b/c)
	[ "$x" = /a/b ] || bad=$((bad + 1))
done
say "forkcheck forks=200 bad=$bad segfaults=$(dmesg | grep -c segfault)"
