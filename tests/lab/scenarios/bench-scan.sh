# scenario: make bench: hints against satori-scand at KSM's rate
# Scenario for `make bench`: Satori's hints against a scanner, side by side
# in one boot. The same read workload runs twice on fresh guests: g1 and
# g2 with hints (and their kernel image registered as they boot); then g3
# and g4 with hints and the kernel-image walk off
# (xen_blkfront.satori_hints=0 satori.kernel_image=0), as stock guests, and
# satori-scand at KSM's default rate. Every guest runs its programs from
# its disk, as a real guest does (lab_root=disk, tests/lab/guest-init): the
# initramfs is freed, so what the guests have in common in memory is what
# real guests have (the disk's programs and files, the kernel, and the
# like), not a copy of the lab's initramfs only a scanner could share. Both phases have the volatile
# cache off. During each, dom0 samples the saved frames every 100 ms
# (satori-top) and the CPU time of dom0 and the guests every second (xl
# list); after each, satori-scan's census says what merging the files'
# pages could save at most. tests/lab/bench-scan.py turns it into figures.
. /host/scenarios/boot.sh

FILES="1 120"
SATORI_WINDOW_S=${LAB_SATORI_WINDOW_S:-40}
SCAN_WINDOW_S=${LAB_SCAN_WINDOW_S:-300}

# sampling NAME: start the samplers: $OUT/NAME-saved.jsonl (satori-top,
# one JSON line per 100 ms; its "time" is CLOCK_MONOTONIC, as uptime_s)
# and $OUT/NAME-cpu.txt ("UPTIME CPU_SECONDS" of every domain, each second).
sampling() {
	/usr/sbin/satori-top -b --json -n 100000 -d 0.1 >"$OUT/$1-saved.jsonl" 2>/dev/null &
	saved_pid=$!
	while :; do
		echo "$(uptime_s) $(xl list | awk 'NR > 1 { s += $6 } END { print s }')"
		sleep 1
	done >"$OUT/$1-cpu.txt" &
	cpu_pid=$!
}
stop_sampling() {
	kill "$saved_pid" "$cpu_pid"
	wait "$saved_pid" "$cpu_pid" 2>/dev/null || true
}

# read_phase NAME G1 G2: both guests read the files at once; records
# NAME_read_start and NAME_read_end (uptime_s).
read_phase() {
	local g
	result "$1_read_start" "$(uptime_s)"
	for g in "$2" "$3"; do
		eval "n_$g=$(grep -c 'SATORI-GUEST readnow ' "$(console_log "$g")")"
		guest_send "$g" "readnow $FILES"
	done
	for g in "$2" "$3"; do
		dl=$(deadline 600)
		while [ "$(grep -c 'SATORI-GUEST readnow ' "$(console_log "$g")")" -le "$(eval echo "\$n_$g")" ]; do
			past "$dl" && fail "guest $g did not read"
			sleep 0.2
		done
	done
	result "$1_read_end" "$(uptime_s)"
}

# census NAME G1 G2: the most merging could save (satori-scan). The
# files the guests read are in dom0's root file system too (the guests'
# disk is built from the same tree): their blocks are the file set, so
# file_max_saved is what merging the files' pages can save, and nothing
# else the guests happen to hold (their initramfs has files that are on
# the disk as well, which no read brings in).
census() {
	local args=() f
	for f in $(find /usr/lib/x86_64-linux-gnu -type f -size +16k | sort | head -200 | sed -n "${FILES% *},${FILES#* }p"); do
		args+=(--disk "$f")
	done
	# --kernel: pages equal to the guests' kernel image (text, rodata)
	# are told apart, so the census says what the scanner's extra
	# savings are made of (issue 23).
	timeout 300 /usr/sbin/satori-scan --kernel /host/img/vmlinux "${args[@]}" \
		"$(xl domid "$2")" "$(xl domid "$3")" >"$OUT/$1-census.log" 2>&1 ||
		fail "satori-scan failed: $(tail -1 "$OUT/$1-census.log")"
	tail -1 "$OUT/$1-census.log"
	for k in max_saved file_max_saved; do
		result "$1_$k" "$(tail -1 "$OUT/$1-census.log" | tr ' ' '\n' | sed -n "s/^$k=//p")"
	done
}

# finish G...: end the guests' workloads, then shut them down.
finish() {
	local g
	for g in "$@"; do
		guest_command "$g" "done" "SATORI-GUEST agent finished" 60
	done
	shutdown_guests "$@"
}

# saved_now: the frames the host saves now by sharing pages other than
# zero pages.
saved_now() {
	/usr/sbin/satori-top -b --json -n 1 | python3 -c '
import json, sys
h = json.load(sys.stdin)["host"]
print(h["saved_frames"] - h["zero_saved_frames"])'
}

# saved_before NAME: result NAME_saved_before, saved_now before the phase's
# guests exist, once it holds still for 2 s (30 s at most): the frames the
# last phase's guests shared go back as Xen finishes destroying them, after
# xl lists them no more. The totals count from there, so the kernel image
# the guests register as they boot counts as the scanner's merges of it do.
saved_before() {
	local last now dl
	dl=$(deadline 30)
	last=$(saved_now)
	while :; do
		sleep 2
		now=$(saved_now)
		if [ "$now" = "$last" ] || past "$dl"; then
			break
		fi
		last=$now
	done
	result "$1_saved_before" "$now"
}

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step satori
saved_before satori
create_guest g1 /dev/vda "$wl" 'extra="console=hvc0 quiet lab_root=disk xen_blkfront.satori_volatile=0"'
create_guest g2 /dev/vdb "$wl" 'extra="console=hvc0 quiet lab_root=disk xen_blkfront.satori_volatile=0"'
for g in g1 g2; do wait_console "$g" "SATORI-GUEST agent ready" 300 || fail "$g did not get ready"; done
sampling satori
read_phase satori g1 g2
sleep "$SATORI_WINDOW_S"
stop_sampling
census satori g1 g2
finish g1 g2

step scan
saved_before scan
create_guest g3 /dev/vdc "$wl" 'extra="console=hvc0 quiet lab_root=disk xen_blkfront.satori_hints=0 xen_blkfront.satori_volatile=0 satori.kernel_image=0"'
create_guest g4 /dev/vdd "$wl" 'extra="console=hvc0 quiet lab_root=disk xen_blkfront.satori_hints=0 xen_blkfront.satori_volatile=0 satori.kernel_image=0"'
for g in g3 g4; do wait_console "$g" "SATORI-GUEST agent ready" 300 || fail "$g did not get ready"; done
# The scanner runs as it would on a host: from before the reads on.
/usr/sbin/satori-scand --status "$OUT/scand.json" >"$OUT/scand.log" 2>&1 &
scand_pid=$!
sampling scan
read_phase scan g3 g4
# Until the scanner finds a pass quiet (it has registered what is stable)
# or the window ends.
dl=$(deadline "$SCAN_WINDOW_S")
sleep 5
until past "$dl" || python3 -c 'import json, sys; sys.exit(not json.load(open(sys.argv[1]))["idle"])' "$OUT/scand.json"; do
	sleep 1
done
sleep 5
stop_sampling
cp "$OUT/scand.json" "$OUT/scand-end.json"
kill "$scand_pid"
wait "$scand_pid" || fail "satori-scand failed: $(tail -1 "$OUT/scand.log")"
census scan g3 g4
finish g3 g4
losetup -d "$wl"
