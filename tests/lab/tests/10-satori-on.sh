# Lab test: Xen booted with satori=on, dom0 and 3 PVH guests on the project's
# kernel; every guest mounts its own disk and reads the same files.
LAB_NAME=satori-on
if lab_boot $LAB_NAME --xen-args "satori=on" --guests 3; then
	check "xen command line has satori=on" grep -q 'satori=on' <<<"$(result xen_commandline)"
	check "xl dmesg reports Satori on" grep -q 'Satori: on, interface version 1.0' "$LAB_OUT/satori-dmesg.log"
	check "dom0 sees status on" test "$(result dom0_satori_status)" = on
	check "dom0 sees interface 1.0" test "$(result dom0_satori_version)" = 1.0
	check "dom0 forked 400 processes with guests running: no wrong answer" test "$(result forkstress_bad)" = 0
	check "dom0 forked 400 processes with guests running: no segfault" test "$(result forkstress_segfaults)" = 0
	check_dom0_kunit
	# Every page the guests read from disk is in all three page caches.
	read_pages=$(($(guest_field g1 read bytes) / 4096))
	check "satori-scan scanned the 3 guests' memory (>= 150000 pages)" test "$(result scan_pages)" -ge 150000
	check "satori-scan finds the pages read in all 3 guests shareable (>= 0.9 x 3 x $read_pages)" \
		test "$(result scan_shareable)" -ge $((read_pages * 27 / 10))
	files1=$(guest_field g1 read files)
	for g in g1 g2 g3; do
		check "guest $g came up" grep -q 'SATORI-GUEST up' <<<"$(guest_log $g)"
		check "guest $g sees Satori on" test "$(guest_field $g satori status)" = on
		check "guest $g read its disk (>= 20 MB)" test "$(guest_field $g read bytes)" -ge 20000000
		check "guest $g read the same $files1 files as g1" test "$(guest_field $g read files)" = "$files1"
		check "guest $g workload exited 0" test "$(guest_field $g workload rc)" = 0
		check "guest $g forked 200 processes: no wrong answer" test "$(guest_field $g forkcheck bad)" = 0
		check "guest $g forked 200 processes: no segfault" test "$(guest_field $g forkcheck segfaults)" = 0
		check_guest_kunit $g
	done
fi
