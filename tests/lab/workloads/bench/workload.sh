# Guest workload for `make bench`: read the same binaries and libraries as
# read-files (Satori registers them as they arrive), report, then obey
# dom0's commands on the console (one line each):
#   seqread MB   sequential read of the first MB MiB of the raw disk, cold
#                cache, 3 rounds alternating hints on and off (the blkfront
#                parameter also stops dom0's hashing), one line per read
#   done         end the workload
say() { echo "SATORI-GUEST $*"; }
now() { cut -d' ' -f1 /proc/uptime; }
sys=/sys/kernel/mm/satori
hints=/sys/module/xen_blkfront/parameters/satori_hints

mount -t ext4 -o ro /dev/xvda /mnt || { say "read error=mount"; exit 1; }
t0=$(now)
set -- /mnt/usr/bin /mnt/usr/sbin /mnt/usr/lib/x86_64-linux-gnu
files=$(find "$@" -type f | wc -l)
bytes=$(find "$@" -type f -exec cat {} + | wc -c)
say "read files=$files bytes=$bytes seconds=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')"
sleep 2
say "sharing $(for f in hints_received registered shared released errors skipped; do printf '%s=%s ' $f "$(cat $sys/$f)"; done)"
say "detect $(cat $sys/detect_us)"
say "bench ready"

while read -r cmd arg </dev/hvc0; do
	case "$cmd" in
	seqread)
		for round in 1 2 3; do
			for mode in 1 0; do
				echo "$mode" >"$hints" || say "seqread error=hints-param"
				sync
				echo 3 >/proc/sys/vm/drop_caches
				t0=$(now)
				dd if=/dev/xvda of=/dev/null bs=1M count="$arg" 2>/dev/null
				say "seqread round=$round hints=$mode mb=$arg seconds=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')"
			done
		done
		echo 1 >"$hints"
		say "seqread done"
		;;
	done) break ;;
	esac
done
