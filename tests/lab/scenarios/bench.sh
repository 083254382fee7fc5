# scenario: make bench: detection, read cost, the volatile cache's passes
# Scenario for `make bench`: LAB_GUESTS guests read the same files, Satori
# shares them as they arrive; dom0 reads the hypervisor's counters
# (satori-top) and the maximum possible sharing (satori-scan, file pages
# told apart by the guests' disk); then g1 measures sequential reads with
# hints on and off: of its raw disk, of files whose pages merge, and of
# new data that does not; then the volatile cache's passes; then the
# latency a read of each class of the storage model really gets.
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
timeout 60 /usr/sbin/satori-top -b --json -n 1 >"$OUT/top.json" 2>"$OUT/top.err" ||
	fail "satori-top failed: $(cat "$OUT/top.err")"
timeout 60 /usr/sbin/satori-top -b -n 1 | tee "$OUT/top.txt"

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
# passes MB: two rounds of every guest reading MB MiB of its tree with
# the volatile cache on, then off,
# each measured pass after a warm-up pass of the same mode
# (bench-surplus.py: PASSES_PER_HOLD).
passes() {
	local round mode
	for round in 1 2; do
		for mode in 1 0; do
			all_guests "pass $mode $1" "SATORI-GUEST pass " # warm up
			all_guests "pass $mode $1" "SATORI-GUEST pass "
		done
	done
}
# LAB_ADMIT=0 turns the cache's admission off for the passes (every
# evicted page put); by default it is on (the guest kernel's default).
# Each hold's passes start with admission afresh (turned off and on,
# after the page cache is dropped: on, deciding from the passes' own
# evictions): the bench switches the cache
# off every other pair of passes, which no user does, and a page read
# again across a switch is not seen by admission's ghost list (its ages
# stop while the cache is off), so a guest whose admission an earlier
# phase of the bench turned off could not prove, within these passes,
# that puts would pay again.
all_guests "tree ${LAB_TREE_MB:-240}" "SATORI-GUEST tree "
result surplus_admit "${LAB_ADMIT:-1}"
for hold in ${LAB_HOLD:-100 66 33}; do
	all_guests "hold $hold" "SATORI-GUEST hold "
	all_guests free "SATORI-GUEST free "
	all_guests "admit 0" "SATORI-GUEST admit "
	[ "${LAB_ADMIT:-1}" = 0 ] || all_guests "admit 1" "SATORI-GUEST admit "
	# A little larger than the free page cache: 5/4 of it, in 4 MiB files.
	mb=$(for i in $(seq 1 "$LAB_GUESTS"); do guest_log_field "g$i" free available_kb; done |
		sort -n | head -1 | awk -v t="${LAB_TREE_MB:-240}" '{ m = int($1 * 5 / 4 / 1024 / 4) * 4; print (m > t) ? t : m }')
	result "surplus_hold${hold}_mb" "$mb"
	eval "mb_hold$hold=$mb"
	passes "$mb"
done
/usr/sbin/satori-top -b -n 1 | tee "$OUT/top-surplus.txt"

# The storage model (bench/storage/classes.conf, tests/lab/scenarios/
# storage.sh): g1 gets a model disk, and per class (and with no delay:
# the path's own time) dom0 and g1 measure the latency a 4 KiB read really
# gets. The per-class figures of the passes and the read costs above are
# composed from them off line (tests/lab/storage_model.py): at the read
# path's own dilation, a class's delay would make one pass on a disk take
# longer than the whole bench.
. /host/scenarios/storage.sh
step storage-classes
storage_disks 1 64
storage_attach g1 "${STORAGE_DISKS[0]}"
result storage_classes "$(storage_classes | xargs | tr ' ' ,)"
result storage_dilation "$(storage_param dilation)"
for class in none $(storage_classes); do
	storage_class "$class"
	if [ "$class" != none ]; then
		read -r latency bandwidth <<<"$(storage_param class "$class")"
		result "storage_${class}_latency_us" "$latency"
		result "storage_${class}_bandwidth_mb_s" "$bandwidth"
	fi
	storage_probe dom0 "${STORAGE_DISKS[0]}"
	storage_probe guest xvdc g1
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
