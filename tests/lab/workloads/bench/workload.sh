# Guest workload for `make bench`: read the same binaries and libraries as
# read-files (Satori registers them as they arrive), report, then obey
# dom0's commands on the console (one line each):
#   seqread MB   sequential read of the first MB MiB of the raw disk, cold
#                cache, 3 rounds alternating hints on and off (the blkfront
#                parameter also stops dom0's hashing), one line per read
#   seqfiles     the same rounds reading every userland file read above:
#                data the other guests hold, so every page read merges
#   seqnew MB    write MB MiB of random bytes to a new file, then the same
#                rounds reading it: data nobody else has, nothing merges
#   tree MB      write a private tree of MB MiB (4 MiB files of random
#                bytes) to /mnt/private, on the guest's own disk
#   latency DEV N N random 4 KiB direct reads of /dev/DEV, one at a time
#                (read_latency): "latency read-latency: ... mean_us=X ..."
#   hold PERCENT keep the first PERCENT% of the userland files read above
#                locked in memory (hold_files), so they stay shared; the
#                rest may be evicted
#   free         say how much memory the page cache can use now
#   admit 0|1    turn the volatile cache's admission off or on
#                (xen_blkfront.satori_volatile_admit)
#   pass MODE MB read the first MB MiB of the private tree once, with the
#                volatile cache on (MODE 1) or off (0), timed, with the
#                bytes and requests blkfront read from the backend, the
#                time the cache's own work took (cache_ns), the pages
#                copied for puts (puts), the volatile counters and
#                admission's (admit_*: the volatile/admit file's fields)
#   done         end the workload
say() { echo "SATORI-GUEST $*"; }
now() { cut -d' ' -f1 /proc/uptime; }
sys=/sys/kernel/mm/satori
hints=/sys/module/xen_blkfront/parameters/satori_hints

mount -t ext4 -o ro /dev/xvda /mnt || { say "read error=mount"; exit 1; }
t0=$(now)
set -- /mnt/usr/bin /mnt/usr/sbin /mnt/usr/lib/x86_64-linux-gnu
find "$@" -type f | sort >/tmp/userland
files=$(wc -l </tmp/userland)
bytes=$(find "$@" -type f -exec cat {} + | wc -c)
say "read files=$files bytes=$bytes seconds=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')"
sleep 2
say "sharing $(for f in hints_received registered shared released errors skipped; do printf '%s=%s ' $f "$(cat $sys/$f)"; done)"
say "detect $(cat $sys/detect_us)"
say "bench ready"

# rounds WHAT CMD...: 3 rounds of a cold read (CMD, its output dropped)
# with hints on, then off; the volatile cache off, since it would serve
# some reads. A line "WHAT round=R hints=H seconds=S disk_bytes=N
# disk_requests=N" per read (what blkfront sent the backend), the
# guest's stage counters before and after ("WHAT-costs when=before|after
# NAME=VALUE..."), then "WHAT done".
rounds() {
	what=$1
	shift
	echo 0 >/sys/module/xen_blkfront/parameters/satori_volatile
	say "$what-costs when=before $(costs)"
	for round in 1 2 3; do
		for mode in 1 0; do
			echo "$mode" >"$hints" || say "$what error=hints-param"
			sync
			echo 3 >/proc/sys/vm/drop_caches
			reads0=$(backend_reads)
			t0=$(now)
			"$@" >/dev/null 2>&1
			t=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
			say "$what round=$round hints=$mode seconds=$t $(backend_since "$reads0")"
		done
	done
	say "$what-costs when=after $(costs)"
	echo 1 >"$hints"
	echo 1 >/sys/module/xen_blkfront/parameters/satori_volatile
	say "$what done"
}

# blkfront's reads sent to the backend since boot: "REQUESTS BYTES" (a
# read served from volatile frames is still a read in /sys/block's
# statistics, not here).
backend_reads() {
	sed 's/.*read_requests=\([0-9]*\).*read_bytes=\([0-9]*\).*/\1 \2/' $sys/volatile/latency
}

# The backend reads since "REQUESTS BYTES" (backend_reads before), as
# "disk_bytes=N disk_requests=N".
backend_since() {
	now_reads=$(backend_reads)
	echo "disk_bytes=$((${now_reads#* } - ${1#* })) disk_requests=$((${now_reads% *} - ${1% *}))"
}

# The guest's time in the volatile cache's own work since boot (ns): the
# eviction hook, the put work item, serving hits.
cache_ns() {
	echo $(($(cat $sys/volatile/evict_ns) + $(cat $sys/volatile/put_send_ns) + $(cat $sys/volatile/serve_ns)))
}

# Evicted pages copied for a put since boot (the admit file's put=).
puts() { sed 's/.* put=\([0-9]*\).*/\1/' $sys/volatile/admit; }

# The guest's stage counters (docs/read-cost.md), as name=value.
costs() {
	for f in hints_received hint_ns worker_pages worker_runs \
		worker_deferred queue_ns worker_ns register_calls register_ns \
		release_calls release_ns registered shared; do
		printf '%s=%s ' "$f" "$(cat "$sys/$f")"
	done
	printf 'clocksource=%s' "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
}

holder=
while read -r cmd arg </dev/hvc0; do
	case "$cmd" in
	seqread) rounds seqread dd if=/dev/xvda of=/dev/null bs=1M count="$arg" ;;
	seqfiles) rounds seqfiles sh -c 'xargs cat </tmp/userland' ;;
	seqnew)
		mount -o remount,rw /mnt || say "seqnew error=remount"
		dd if=/dev/urandom of=/mnt/seqnew bs=1M count="$arg" 2>/dev/null
		sync
		rounds seqnew dd if=/mnt/seqnew of=/dev/null bs=1M
		;;
	tree)
		mount -o remount,rw /mnt || say "tree error=remount"
		mkdir -p /mnt/private
		i=0
		while [ $((i * 4)) -lt "$arg" ]; do
			dd if=/dev/urandom of="/mnt/private/f$i" bs=1M count=4 2>/dev/null
			i=$((i + 1))
		done
		sync
		say "tree mb=$arg files=$i"
		;;
	latency)
		set -- $arg
		say "latency $(read_latency "/dev/$1" "$2" 2>&1)"
		;;
	hold)
		kill "$holder" 2>/dev/null
		wait "$holder" 2>/dev/null
		n=$(wc -l </tmp/userland)
		rm -f /tmp/hold.out
		head -n $((n * arg / 100)) /tmp/userland | hold_files >/tmp/hold.out &
		holder=$!
		while [ ! -s /tmp/hold.out ]; do sleep 0.2; done
		say "hold percent=$arg $(cut -d' ' -f2- /tmp/hold.out)"
		;;
	admit)
		echo "$arg" >/sys/module/xen_blkfront/parameters/satori_volatile_admit &&
			say "admit on=$arg" || say "admit error=param"
		;;
	free)
		sync
		echo 3 >/proc/sys/vm/drop_caches
		say "free $(awk '/^MemAvailable/ { printf "available_kb=%d", $2 }' /proc/meminfo)"
		;;
	pass)
		set -- $arg
		echo "$1" >/sys/module/xen_blkfront/parameters/satori_volatile
		reads0=$(backend_reads) c0=$(cache_ns) p0=$(puts)
		r0=$(cat $sys/volatile/restored) m0=$(cat $sys/volatile/missed)
		f0=$(cat $sys/volatile/refreshed)
		t0=$(now)
		seq 0 $(($2 / 4 - 1)) | sed "s|^|/mnt/private/f|" | xargs cat >/dev/null
		t=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
		say "pass mode=$1 mb=$2 seconds=$t $(backend_since "$reads0") cache_ns=$(($(cache_ns) - c0)) puts=$(($(puts) - p0)) restored=$(($(cat $sys/volatile/restored) - r0)) missed=$(($(cat $sys/volatile/missed) - m0)) refreshed=$(($(cat $sys/volatile/refreshed) - f0)) entitled=$(cat $sys/volatile/entitled) held=$(cat $sys/volatile/held) evict_max_ns=$(cat $sys/volatile/evict_max_ns) evict_ns=$(cat $sys/volatile/evict_ns) evict_runs=$(cat $sys/volatile/evict_runs) $(cat $sys/volatile/latency) $(sed 's/\([a-z_]*\)=/admit_\1=/g' $sys/volatile/admit)"
		;;
	dilation)
		# The CPU-bound kernels of bench/dilation, timed in the guest.
		dilation "$arg" | sed 's/^dilation: /SATORI-GUEST dilation /'
		say "dilation-done"
		;;
	done) break ;;
	esac
done
