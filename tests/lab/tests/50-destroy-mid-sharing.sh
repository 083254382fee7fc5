# Lab test: a guest destroyed while it registers pages (and shares them
# with two others) leaves the host consistent.
if lab_boot destroy --scenario destroy --guests 3; then
	check_ge "g3 was destroyed mid-sharing (pages registered)" "$(result destroyed_at_registered)" 2000
	for when in after_destroy at_end; do
		check_eq "$when: every shared frame accounted to live guests' pages" "$(result frames_unaccounted_$when)" 0
		check_eq "$when: no index entry of a dead guest" "$(result index_unowned_$when)" 0
		check_eq "$when: the dead guest is gone from Satori's view" "$(result dead_guest_listed_$when)" 0
	done
	for g in g1 g2; do
		check_eq "guest $g finished its workload (exit 0)" "$(guest_field $g workload rc)" 0
		check_eq "guest $g had no registration errors" "$(guest_field $g sharing errors)" 0
	done
	check_xen_alive
fi
