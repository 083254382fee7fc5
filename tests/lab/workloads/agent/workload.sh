# The guest agent: the workload of the lab tests that drive their guests
# from dom0 step by step (faults, surplus, repay, scan; and the repay and
# scan benches). It mounts its disk read-write (each guest's disk is its own
# copy-on-write view), says "SATORI-GUEST agent ready", and obeys dom0's
# commands on the console, one line each; every answer is one
# "SATORI-GUEST <command> ..." line:
#   read FIRST LAST  checksum files FIRST..LAST of the list (they stay in
#                    the page cache) and remember their sums
#   readnow FIRST LAST  the same, answering as soon as the last byte was
#                    read (the bench times what happens after the reads)
#   private MB       write MB of random data to a file of its own, evict
#                    it, read it back and remember its sum
#   evict            sync and drop the page cache (clean pages go to
#                    the volatile cache)
#   verify           evict, then read every remembered file again and
#                    compare with its sum
#   loop SECONDS     verify over and over for SECONDS (a second between
#                    the eviction and the reads)
#   rewrite K        overwrite the first K remembered list files in place
#                    with random bytes of the same size (new sums)
#   truncate K       cut the next K to half their size (new sums)
#   delete K         delete the next K (forgotten)
#   create K KB      write K new files of KB random bytes (blocks that the
#                    deleted and truncated files gave back)
#   evictfiles F L   drop list files F..L from the page cache (their clean
#                    pages go to the volatile cache, in that order)
#   probe F L        read list files F..L (evicted before) and report the
#                    pages restored from volatile frames and missed, and
#                    the files whose sum is wrong
#   repay on|off     answer the hypervisor's repayment requests, or not
#   run SUB ARGS...  satori_attack SUB ARGS from /mnt (a guest booted with
#                    xen_privcmd.unrestricted=1: its root attacks Xen);
#                    answers "run-done sub=SUB rc=RC"
#   rewrite_pages N  overwrite remembered list files in place (from the
#                    next one rewrite would take) until N pages are written
#   cowtime_pages N  time the first write to N pages of list files, from
#                    the next one neither cowtime_pages nor rewrite took (the same byte
#                    again: a copy-on-write break where the page is shared;
#                    see cow_time.c), then sync
#   counts           answers "counts registered=N shared=N rescans=N
#                    rescan_pages=N kernel_image_walks=N module_pages=N
#                    stable_sent=N": the guest's pages registered and
#                    merged so far, its page-cache walks and the pages
#                    they queued, its kernel-image walks, the module pages
#                    queued and the kernel's and modules' pages sent (sysfs)
#   fill PERCENT     fill PERCENT of the available memory with data of
#                    its own and check it (fill_memory.c): every page
#                    the guest reported free is written again; answers
#                    "fill pages=N wrong=N write_ms=N check_ms=N
#                    reported=N refaulted=N zero=N" (sysfs after)
#   modload          load the project kernel's ext2 module; answers
#                    "modload rc=RC pages=N shared=N released=N": the
#                    module pages registered, kernel-image pages newly
#                    merged and pages released meanwhile (sysfs deltas)
#   modunload        unload it; answers "modunload rc=RC ..." likewise
#   moduse           make, mount, write, remount and read an ext2 file
#                    system on a loop file (the module at work); answers
#                    "moduse rc=RC" (0: the file read back right)
#   latency DEV N    N random 4 KiB direct reads of /dev/DEV, one at a
#                    time (read_latency); answers "latency read-latency:
#                    dev=... mean_us=X p50_us=X p99_us=X ..." (the storage
#                    model's probe: tests/lab/scenarios/storage.sh)
#   reboot           reboot the guest from inside (no answer: the
#                    next boot's "agent ready" is the answer)
#   done             end the workload ("SATORI-GUEST agent finished")
# Files are numbered from 1 in sorted order; every guest sees the same list.
say() { echo "SATORI-GUEST $*"; }
sysfs() { cat "/sys/kernel/mm/satori/$1" 2>/dev/null || echo -1; }
vol() {
	local k out=""
	for k in stored restored refreshed missed invalidated taken replaced held entitled owed requests repaid forced not_kept errors evict_max_ns evict_ns evict_runs; do
		out="$out $k=$(sysfs "volatile/$k")"
	done
	echo "$out"
}

mount -t ext4 /dev/xvda /mnt || { say "agent error=mount"; exit 1; }
find /mnt/usr/lib/x86_64-linux-gnu -type f -size +16k | sort | head -200 >/tmp/files
: >/tmp/sums # "md5  path" of every file remembered
n=$(wc -l </tmp/files)
say "agent ready files=$n"

# remember FILE...: (re)record the sums of FILEs.
remember() {
	md5sum "$@" >/tmp/new
	awk 'FILENAME == ARGV[1] { new[$2] = 1; next } !($2 in new)' /tmp/new /tmp/sums >/tmp/keep
	cat /tmp/keep /tmp/new >/tmp/sums
}
evict() { sync; echo 3 >/proc/sys/vm/drop_caches; }
# wrong: files whose sum differs from the remembered one, or unreadable.
wrong() {
	[ -s /tmp/sums ] || { echo 0; return; }
	# shellcheck disable=SC2046 # one path a line, no spaces
	md5sum $(awk '{ print $2 }' /tmp/sums) 2>/dev/null | diff /tmp/sums - | grep -c '^-[0-9a-f]'
}
# kimage_now: "pages shared released" now (the module and kernel-image
# counters of satori_kimage.c and registration).
kimage_now() { echo "$(sysfs module_pages) $(sysfs stable_shared) $(sysfs released)"; }
# kimage_since BEFORE: the deltas since kimage_now said BEFORE.
kimage_since() {
	# shellcheck disable=SC2086,SC2046 # three numbers
	set -- $1 $(kimage_now)
	echo "pages=$(($4 - $1)) shared=$(($5 - $2)) released=$(($6 - $3))"
}
# ext2_check: the ext2 module at work on a loop file; 0 if a file written
# and read back through an unmount is right.
ext2_check() {
	rm -f /tmp/e2.img && mkdir -p /tmp/e2 &&
		dd if=/dev/zero of=/tmp/e2.img bs=1k count=2048 2>/dev/null &&
		mke2fs -F /tmp/e2.img >/dev/null 2>&1 &&
		mount -o loop -t ext2 /tmp/e2.img /tmp/e2 &&
		{ seq 1 20000 >/tmp/e2/data; umount /tmp/e2; } &&
		mount -o loop,ro -t ext2 /tmp/e2.img /tmp/e2 &&
		{ [ "$(md5sum </tmp/e2/data)" = "$(seq 1 20000 | md5sum)" ]; r=$?; umount /tmp/e2; return $r; }
}
next=1     # the next list file rewrite/truncate/delete takes
cow_next=1 # the next list file cowtime_pages takes

while read -r cmd args </dev/hvc0; do
	# shellcheck disable=SC2086 # the arguments are words
	set -- $args
	case "$cmd" in
	read)
		# shellcheck disable=SC2046
		remember $(sed -n "$1,$2p" /tmp/files)
		sleep 2 # Satori registers behind the reads
		say "read first=$1 last=$2 registered=$(sysfs registered) shared=$(sysfs shared)"
		;;
	readnow)
		# shellcheck disable=SC2046
		remember $(sed -n "$1,$2p" /tmp/files)
		say "readnow first=$1 last=$2"
		;;
	private)
		dd if=/dev/urandom of=/mnt/private bs=1M count="$1" 2>/dev/null
		evict
		remember /mnt/private
		sleep 2
		say "private mb=$1 registered=$(sysfs registered) shared=$(sysfs shared)"
		;;
	evict)
		evict
		say "evict$(vol)"
		;;
	run)
		(cd /mnt && satori_attack "$@")
		say "run-done sub=$1 rc=$?"
		;;
	verify)
		evict
		say "verify wrong=$(wrong) files=$(wc -l </tmp/sums)$(vol)"
		;;
	loop)
		end=$(($(cut -d. -f1 /proc/uptime) + $1))
		rounds=0 bad=0
		while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
			evict
			sleep 1 # held in volatile frames meanwhile: dom0 takes some
			bad=$((bad + $(wrong)))
			rounds=$((rounds + 1))
		done
		say "loop rounds=$rounds wrong=$bad$(vol)"
		;;
	rewrite | truncate | delete)
		files=$(sed -n "$next,$((next + $1 - 1))p" /tmp/files)
		next=$((next + $1))
		for f in $files; do
			size=$(stat -c %s "$f")
			case "$cmd" in
			rewrite) dd if=/dev/urandom of="$f" bs="$size" count=1 conv=notrunc 2>/dev/null ;;
			truncate) truncate -s $((size / 2)) "$f" ;;
			delete)
				rm -f "$f"
				grep -v " $f\$" /tmp/sums >/tmp/keep
				cp /tmp/keep /tmp/sums
				;;
			esac
		done
		[ "$cmd" = delete ] || remember $files
		sync
		say "$cmd files=$1$(vol)"
		;;
	create)
		i=0
		while [ $i -lt "$1" ]; do
			dd if=/dev/urandom of="/mnt/new-$i" bs=1K count="$2" 2>/dev/null
			remember "/mnt/new-$i"
			i=$((i + 1))
		done
		sync
		say "create files=$1$(vol)"
		;;
	evictfiles)
		# shellcheck disable=SC2046
		drop_files $(sed -n "$1,$2p" /tmp/files)
		sleep 1 # the staged puts go out
		say "evictfiles first=$1 last=$2$(vol)"
		;;
	probe)
		r0=$(sysfs volatile/restored) m0=$(sysfs volatile/missed)
		files=$(sed -n "$1,$2p" /tmp/files)
		# shellcheck disable=SC2086
		bad=$(grep -F "$(printf ' %s\n' $files)" /tmp/sums | md5sum -c 2>&1 | grep -vc ': OK$')
		say "probe first=$1 last=$2 wrong=$bad restored_now=$(($(sysfs volatile/restored) - r0)) missed_now=$(($(sysfs volatile/missed) - m0))$(vol)"
		;;
	repay)
		[ "$1" = on ] && v=1 || v=0
		echo $v >/sys/module/xen_blkfront/parameters/satori_repay
		say "repay now=$(cat /sys/module/xen_blkfront/parameters/satori_repay)"
		;;
	rewrite_pages)
		pages=0 nfiles=0
		while [ $pages -lt "$1" ] && [ "$next" -le "$(wc -l </tmp/files)" ]; do
			f=$(sed -n "${next}p" /tmp/files)
			next=$((next + 1))
			size=$(stat -c %s "$f")
			dd if=/dev/urandom of="$f" bs="$size" count=1 conv=notrunc 2>/dev/null
			remember "$f"
			pages=$((pages + (size + 4095) / 4096))
			nfiles=$((nfiles + 1))
		done
		sync
		say "rewrite_pages files=$nfiles pages=$pages$(vol)"
		;;
	cowtime_pages)
		# Files rewrite took are private now: no break to time there.
		[ "$cow_next" -lt "$next" ] && cow_next=$next
		# shellcheck disable=SC2046
		line=$(cow_time -n "$1" $(sed -n "$cow_next,\$p" /tmp/files))
		cow_next=$((cow_next + $(echo "$line" | tr ' ' '\n' | sed -n 's/^files=//p')))
		sync
		say "cowtime_pages $line"
		;;
	modload | modunload)
		before=$(kimage_now)
		if [ "$cmd" = modload ]; then
			insmod /lib/modules/satori/ext2.ko
		else
			rmmod ext2
		fi
		rc=$?
		say "$cmd rc=$rc $(kimage_since "$before")"
		;;
	moduse)
		ext2_check
		say "moduse rc=$?"
		;;
	counts)
		say "counts registered=$(sysfs registered) shared=$(sysfs shared) rescans=$(sysfs rescans) rescan_pages=$(sysfs rescan_pages) kernel_image_walks=$(sysfs kernel_image_walks) module_pages=$(sysfs module_pages) stable_sent=$(sysfs stable_sent)"
		;;
	fill)
		say "fill $(fill_memory "$1") reported=$(sysfs reported) refaulted=$(sysfs refaulted) zero=$(sysfs zero)"
		;;
	latency)
		say "latency $(read_latency "/dev/$1" "$2" 2>&1)"
		;;
	reboot)
		say "rebooting"
		sync
		reboot -f
		;;
	done) break ;;
	esac
done
say "agent finished"
umount /mnt
