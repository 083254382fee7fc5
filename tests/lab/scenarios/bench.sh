# scenario: make bench: detection, read cost, the volatile cache's passes
# Scenario for `make bench`: LAB_GUESTS guests read the same files, Satori
# shares them as they arrive; dom0 reads the hypervisor's counters
# (satori-top) and the maximum possible sharing (satori-scan, file pages
# told apart by the guests' disk); then g1 measures sequential reads with
# hints on and off: of its raw disk, of files whose pages merge, and of
# new data that does not; then the volatile cache's passes; then the read
# costs and the passes again on each class of the storage model.
. /host/scenarios/boot.sh

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

disks=(/dev/vda /dev/vdb /dev/vdc /dev/vdd /dev/vde /dev/vdf /dev/vdg /dev/vdh)
step guests-create
for i in $(seq 1 "$LAB_GUESTS"); do
	create_guest "g$i" "${disks[$((i - 1))]}" "$wl"
done
step guests-read
for i in $(seq 1 "$LAB_GUESTS"); do
	wait_console "g$i" "SATORI-GUEST bench ready" "$LAB_GUEST_TIMEOUT" ||
		fail "guest g$i did not finish reading in $LAB_GUEST_TIMEOUT s"
done

step satori-top
timeout 60 /host/bin/satori-top -b --json -n 1 >"$OUT/top.json" 2>"$OUT/top.err" ||
	fail "satori-top failed: $(cat "$OUT/top.err")"
timeout 60 /host/bin/satori-top -b -n 1 | tee "$OUT/top.txt"

step scan
scan_guests /dev/vda $(for i in $(seq 1 "$LAB_GUESTS"); do xl domid "g$i"; done)

. /host/scenarios/read-cost.sh

# The surplus: each guest streams a private tree a little larger than its
# free page cache, with the volatile cache on and off in alternate passes,
# while it holds 100%, 66% then 33% of the shared userland in memory (so
# its entitlement shrinks as the rest is evicted and broken away).
step surplus
all_guests() {
	local i n
	for i in $(seq 1 "$LAB_GUESTS"); do
		n=$(grep -c "$2" "$(console_log "g$i")")
		guest_send "g$i" "$1"
		eval "want_g$i=$((n + 1))"
	done
	for i in $(seq 1 "$LAB_GUESTS"); do
		dl=$(deadline 900)
		while [ "$(grep -c "$2" "$(console_log "g$i")")" -lt "$(eval echo "\$want_g$i")" ]; do
			past "$dl" && fail "guest g$i did not answer '$1'"
			sleep 0.5
		done
	done
}
# passes MB [DIR]: two rounds of every guest reading MB MiB of its tree
# under DIR (default its own disk) with the volatile cache on, then off,
# each measured pass after a warm-up pass of the same mode
# (bench-surplus.py: PASSES_PER_HOLD).
passes() {
	local round mode
	for round in 1 2; do
		for mode in 1 0; do
			all_guests "pass $mode $1${2:+ $2}" "SATORI-GUEST pass " # warm up
			all_guests "pass $mode $1${2:+ $2}" "SATORI-GUEST pass "
		done
	done
}
all_guests "tree ${LAB_TREE_MB:-240}" "SATORI-GUEST tree "
for hold in ${LAB_HOLD:-100 66 33}; do
	all_guests "hold $hold" "SATORI-GUEST hold "
	all_guests free "SATORI-GUEST free "
	# A little larger than the free page cache: 5/4 of it, in 4 MiB files.
	mb=$(for i in $(seq 1 "$LAB_GUESTS"); do guest_log_field "g$i" free available_kb; done |
		sort -n | head -1 | awk -v t="${LAB_TREE_MB:-240}" '{ m = int($1 * 5 / 4 / 1024 / 4) * 4; print (m > t) ? t : m }')
	result "surplus_hold${hold}_mb" "$mb"
	eval "mb_hold$hold=$mb"
	[ "$mb" -le "${class_mb:-0}" ] || class_mb=$mb # the largest: the model's tree
	passes "$mb"
done
/host/bin/satori-top -b -n 1 | tee "$OUT/top-surplus.txt"

# The same on disks with a real device's latency, class after class
# (bench/storage/classes.conf, tests/lab/scenarios/storage.sh). Each guest
# gets a model disk of its own and writes to it a tree of the largest
# hold's size and a share of the userland files; g1 also new data. Then,
# per class: dom0 and g1 measure the latency a 4 KiB read really gets; g1
# reads the userland copies (which the others have just read: they merge)
# and the new data (nothing merges) cold, hints on and off, as read-cost.sh
# does on the lab's own disk; and, for each hold as above, every guest
# holds that share of the userland and reads the same size of its tree in
# passes.
. /host/scenarios/storage.sh
step storage-classes
storage_disks "$LAB_GUESTS" $((class_mb + 96))
for i in $(seq 1 "$LAB_GUESTS"); do
	storage_attach "g$i" "${STORAGE_DISKS[$((i - 1))]}"
done
all_guests "model xvdc" "SATORI-GUEST model "
grep -q "SATORI-GUEST model error" "$(console_log g1)" && fail "g1 could not mount its model disk"
storage_class none
all_guests "tree $class_mb /model" "SATORI-GUEST tree "
all_guests "copyin ${LAB_COPYIN_PERCENT:-25}" "SATORI-GUEST copyin "
guest_command g1 "newdata ${LAB_NEWDATA_MB:-32}" "SATORI-GUEST newdata " 900
result storage_classes "$(storage_classes | xargs | tr ' ' ,)"
result storage_dilation "$(storage_param dilation)"
for class in $(storage_classes); do
	storage_class "$class"
	result "storage_${class}_latency_us" "$(storage_param class "$class")"
	storage_probe dom0 "${STORAGE_DISKS[0]}"
	storage_probe guest xvdc g1
	for i in $(seq 2 "$LAB_GUESTS"); do
		guest_command "g$i" "catdir /model/userland" "SATORI-GUEST catdir " 1800
	done
	guest_command g1 "seqdir merge-$class /model/userland" "SATORI-GUEST merge-$class done" 1800
	guest_command g1 "seqdir new-$class /model/new" "SATORI-GUEST new-$class done" 1800
	for hold in ${LAB_HOLD:-100 66 33}; do
		all_guests "hold $hold" "SATORI-GUEST hold "
		passes "$(eval echo "\$mb_hold$hold")" /model
	done
done
storage_class none

# The lab's time against this machine's (bench-dilation.py): the same
# CPU-bound kernels in g1 and in dom0, with the other guests idle.
step dilation
guest_command g1 "dilation ${LAB_DILATION_ROUNDS:-7}" "SATORI-GUEST dilation-done" 600
/host/bin/dilation "${LAB_DILATION_ROUNDS:-7}" >"$OUT/dilation-dom0.txt" ||
	fail "dilation failed in dom0"

for i in $(seq 1 "$LAB_GUESTS"); do
	guest_command "g$i" "done" "SATORI-GUEST done" 60
done

step guests-shutdown
shutdown_guests $(seq -f 'g%g' 1 "$LAB_GUESTS")
losetup -d "$wl"
