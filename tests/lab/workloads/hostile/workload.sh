# Guest workload for the hostile-guest tests: the same workload runs in the
# hostile guest (booted with xen_privcmd.unrestricted=1, it runs the attacks)
# and in its victims (they read files and check them). It mounts the disk
# read-only and obeys dom0's commands on the console (one line each):
#   run SUB ARGS...   satori_attack SUB ARGS... from /mnt (FILE paths may be
#                     relative to /mnt); its SATORI-ATTACK lines, then
#                     "hostile run-done sub=SUB rc=RC"
#   bg SUB ARGS...    as run, in the background (one at a time): the
#                     console takes other commands meanwhile
#   stop              SIGTERM to the background satori_attack; its
#                     summary and run-done line follow
#   read FIRST LAST   checksum files FIRST..LAST (they stay in the page
#                     cache); the first sums of each file are kept
#   check             read every file read so far again and compare with
#                     its first sums
#   knob NAME VALUE   write VALUE to blkfront's module parameter NAME
#                     (the test-only hostile-frontend knobs)
#   done              end the workload
# Files are numbered from 1 in sorted order; every guest sees the same list.
say() { echo "SATORI-GUEST $*"; }
sysfs() { cat "/sys/kernel/mm/satori/$1" 2>/dev/null || echo -1; }

mount -t ext4 -o ro /dev/xvda /mnt || { say "hostile error=mount"; exit 1; }
find /mnt/usr/lib/x86_64-linux-gnu -type f -size +16k | sort | head -200 >/tmp/files
n=$(wc -l </tmp/files)
: >/tmp/first # "md5  path" of each file read, as first read
say "hostile ready files=$n"

while read -r cmd args </dev/hvc0; do
	case "$cmd" in
	run)
		# shellcheck disable=SC2086 # the arguments are words
		set -- $args
		(cd /mnt && satori_attack "$@")
		rc=$?
		say "hostile run-done sub=$1 rc=$rc"
		;;
	bg)
		# shellcheck disable=SC2086 # the arguments are words
		set -- $args
		(
			cd /mnt && satori_attack "$@" &
			echo $! >/tmp/bg.pid
			wait $!
			say "hostile run-done sub=$1 rc=$?"
		) &
		;;
	stop)
		kill -TERM "$(cat /tmp/bg.pid)"
		;;
	read)
		# shellcheck disable=SC2086
		set -- $args
		sed -n "$1,$2p" /tmp/files | xargs md5sum >/tmp/sums
		sum=$(md5sum </tmp/sums | cut -d' ' -f1)
		# keep the first sums only: a file read twice must not change
		awk 'FILENAME == ARGV[1] { seen[$2] = 1; next } !($2 in seen)' /tmp/first /tmp/sums >/tmp/new
		cat /tmp/new >>/tmp/first
		sleep 2 # Satori registers behind the reads
		say "read first=$1 last=$2 sum=$sum hints=$(sysfs hints_received) registered=$(sysfs registered) shared=$(sysfs shared)"
		;;
	check)
		# a file whose sum changed, or that cannot be read, counts
		wrong=0
		if [ -s /tmp/first ]; then
			# shellcheck disable=SC2046 # one path a line, no spaces
			wrong=$(md5sum $(awk '{ print $2 }' /tmp/first) 2>/dev/null | diff /tmp/first - | grep -c '^-[0-9a-f]')
		fi
		say "check wrong=$wrong files=$(wc -l </tmp/first)"
		;;
	knob)
		# shellcheck disable=SC2086
		set -- $args
		echo "$2" >"/sys/module/xen_blkfront/parameters/$1"
		say "knob $1=$(cat "/sys/module/xen_blkfront/parameters/$1")"
		;;
	done) break ;;
	esac
done
say "hostile finished"
umount /mnt
