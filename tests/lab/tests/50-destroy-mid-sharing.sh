# Lab test: a guest destroyed while it registers pages (and shares them
# with two others) leaves the host consistent.
LAB_NAME=destroy
if lab_boot $LAB_NAME --scenario destroy --guests 3; then
	check "g3 was destroyed mid-sharing (>= 2000 pages registered)" test "$(num "$(result destroyed_at_registered)")" -ge 2000
	for when in after_destroy at_end; do
		check "$when: every shared frame accounted to live guests' pages" test "$(result frames_unaccounted_$when)" = 0
		check "$when: no index entry of a dead guest" test "$(result index_unowned_$when)" = 0
		check "$when: the dead guest is gone from Satori's view" test "$(result dead_guest_listed_$when)" = 0
	done
	for g in g1 g2; do
		check "guest $g finished its workload (exit 0)" test "$(guest_field $g workload rc)" = 0
		check "guest $g had no registration errors" test "$(guest_field $g sharing errors)" = 0
	done
	check "no Xen crash or assertion" test "$(grep -ci 'assertion\|panic\|FATAL' "$LAB_OUT/xl-dmesg.log")" = 0
fi
