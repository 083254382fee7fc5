#!/bin/bash
# native-pass.sh MB [ROUNDS]: the surplus bench's pass, on this machine.
#
# The bench's guests read a private tree of 4 MiB files of random bytes,
# cold, once per pass (tests/lab/workloads/bench, "pass"). This does the
# same here, natively: an ext4 file system of 4 KiB blocks on a loop
# device over a file in /dev/shm (a disk that answers at memory speed, as
# the lab's does), MB MiB of files written once, then ROUNDS rounds of
# mounting it (so nothing is cached), reading every file in order with cat
# and unmounting. Then 2,000 random 4 KiB direct reads of the loop device
# (read_latency): one request's trip through the block layer here.
# tests/lab/storage_model.py divides the lab's pass time by this one: the
# dilation of the read path the passes take (docs/performance.md, "The
# storage model").
#
# Prints two lines:
#   native-pass: mb=N rounds=R seconds_min=X seconds_p50=X seconds_max=X
#   native-read: read-latency: dev=... mean_us=X p50_us=X ...
# Exit status: 0 measured; 1 a step failed (a message says which: it needs
# root, losetup, mkfs.ext4 and READ_LATENCY, default read_latency on PATH);
# 2 bad arguments. Leaves nothing behind.
set -euo pipefail
usage() {
	echo "usage: native-pass.sh MB [ROUNDS]   MB: 4..4096, a multiple of 4; ROUNDS: 1..99 (default 5)" >&2
	exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
mb=$1 rounds=${2:-5}
[[ $mb =~ ^[0-9]+$ ]] && [ "$mb" -ge 4 ] && [ "$mb" -le 4096 ] && [ $((mb % 4)) = 0 ] || usage
[[ $rounds =~ ^[0-9]+$ ]] && [ "$rounds" -ge 1 ] && [ "$rounds" -le 99 ] || usage
die() {
	echo "native-pass: $*" >&2
	exit 1
}
[ "$(id -u)" = 0 ] || die "needs root (a loop device and a mount)"
reader=${READ_LATENCY:-read_latency}
command -v "$reader" >/dev/null || die "no $reader (set READ_LATENCY)"

work=$(mktemp -d /dev/shm/satori-native-pass.XXXXXX)
loop=
cleanup() {
	mountpoint -q "$work/mnt" && umount "$work/mnt"
	[ -n "$loop" ] && losetup -d "$loop"
	rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/mnt"
truncate -s $((mb + mb / 8 + 64))M "$work/disk" || die "no room for a $mb MiB disk in /dev/shm"
mkfs.ext4 -q -F -b 4096 "$work/disk" || die "mkfs.ext4 failed"
loop=$(losetup -f --show "$work/disk") || die "losetup failed (no loop device?)"
mount "$loop" "$work/mnt" || die "mount of $loop failed"
for i in $(seq 0 $((mb / 4 - 1))); do
	head -c 4M /dev/urandom >"$work/mnt/f$i"
done
umount "$work/mnt"

now() { date +%s.%N; }
times=()
for _ in $(seq "$rounds"); do
	mount -o ro "$loop" "$work/mnt" || die "mount of $loop failed"
	t0=$(now)
	seq 0 $((mb / 4 - 1)) | sed "s|^|$work/mnt/f|" | xargs cat >/dev/null
	t1=$(now)
	umount "$work/mnt"
	times+=("$(awk -v a="$t1" -v b="$t0" 'BEGIN { printf "%.4f", a - b }')")
done
printf '%s\n' "${times[@]}" | sort -g | awk -v mb="$mb" -v r="$rounds" '
	{ t[NR] = $1 }
	END { printf "native-pass: mb=%d rounds=%d seconds_min=%s seconds_p50=%s seconds_max=%s\n",
		mb, r, t[1], t[int((NR + 1) / 2)], t[NR] }'
echo "native-read: $("$reader" "$loop" 2000)" || die "read_latency of $loop failed"
