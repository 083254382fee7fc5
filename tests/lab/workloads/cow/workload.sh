# Guest workload for the copy-on-write test: checksum a set of real library
# files, then obey dom0's commands on the console (one line each):
#   write FIRST LAST   overwrite 8 KiB of files FIRST..LAST with write(),
#                      check the guest reads its own new data and every
#                      other file is unchanged
#   mwrite FIRST LAST  the same through a shared writable mmap
#   check FIRST LAST   check files FIRST..LAST are unchanged
#   reread FIRST LAST  drop the page cache, check files FIRST..LAST are
#                      unchanged (reading them again from disk), and say
#                      how many pages that registered and how many shared
#   done               end the workload
# Files are numbered from 1 in sorted order; every guest sees the same list.
say() { echo "SATORI-GUEST $*"; }

mount -t ext4 /dev/xvda /mnt || { say "cow error=mount"; exit 1; }
find /mnt/usr/lib/x86_64-linux-gnu -type f -size +16k | sort | head -200 >/tmp/files
n=$(wc -l </tmp/files)
md5sum $(cat /tmp/files) >/tmp/before
dd if=/dev/urandom of=/tmp/pattern bs=4096 count=2 2>/dev/null
sleep 2 # Satori registers behind the reads
say "cow ready files=$n registered=$(cat /sys/kernel/mm/satori/registered) shared=$(cat /sys/kernel/mm/satori/shared)"

# unchanged FIRST LAST: how many of files FIRST..LAST differ from /tmp/before
# (the original sums, updated for the files this guest wrote itself).
unchanged() {
	sed -n "$1,$2p" /tmp/before >/tmp/want
	md5sum $(awk '{ print $2 }' /tmp/want) | cmp -s - /tmp/want && echo 0 && return
	md5sum $(awk '{ print $2 }' /tmp/want) | diff /tmp/want - | grep -c '^+[0-9a-f]'
}

while read -r cmd first last </dev/hvc0; do
	case "$cmd" in
	write | mwrite)
		bad=0
		for f in $(sed -n "$first,${last}p" /tmp/files); do
			if [ "$cmd" = write ]; then
				dd if=/tmp/pattern of="$f" bs=4096 seek=1 count=2 conv=notrunc 2>/dev/null
			else
				mmap_write "$f" 4096 /tmp/pattern || bad=$((bad + 1))
			fi
			dd if="$f" bs=4096 skip=1 count=2 2>/dev/null | cmp -s - /tmp/pattern || bad=$((bad + 1))
		done
		# What this guest wrote is now what it must read back from here on.
		sed -n "$first,${last}p" /tmp/files | xargs md5sum >/tmp/mine
		{ head -n $((first - 1)) /tmp/before; cat /tmp/mine; tail -n +$((last + 1)) /tmp/before; } >/tmp/next
		mv /tmp/next /tmp/before
		others=0
		[ "$first" -gt 1 ] && others=$((others + $(unchanged 1 $((first - 1)))))
		[ "$last" -lt "$n" ] && others=$((others + $(unchanged $((last + 1)) "$n")))
		say "cow $cmd-done first=$first last=$last own_bad=$bad others_changed=$others"
		;;
	check)
		say "cow check-done first=$first last=$last changed=$(unchanged "$first" "$last")"
		;;
	reread)
		registered=$(cat /sys/kernel/mm/satori/registered)
		shared=$(cat /sys/kernel/mm/satori/shared)
		sync
		echo 3 >/proc/sys/vm/drop_caches
		changed=$(unchanged "$first" "$last")
		sleep 2 # Satori registers behind the reads
		registered=$(($(cat /sys/kernel/mm/satori/registered) - registered))
		shared=$(($(cat /sys/kernel/mm/satori/shared) - shared))
		say "cow reread-done first=$first last=$last changed=$changed registered=$registered shared=$shared"
		;;
	done) break ;;
	esac
done
say "cow finished"
umount /mnt
