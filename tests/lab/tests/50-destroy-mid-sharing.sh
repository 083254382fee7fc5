# Lab test: a guest destroyed while it registers pages (and shares them
# with two others) leaves the host consistent; then the guest that owns
# most of the index dies while another shares its content, the index
# keeps that content (handed over), and a guest reading the same files
# afterwards merges them.
if lab_boot destroy --scenario destroy --guests 4; then
	check_ge "g3 was destroyed mid-sharing (pages registered)" "$(result destroyed_at_registered)" 2000
	for when in after_destroy at_end after_reader; do
		check_eq "$when: every shared frame accounted to live guests' pages" "$(result frames_unaccounted_$when)" 0
		check_eq "$when: no index entry of a dead guest" "$(result index_unowned_$when)" 0
		check_eq "$when: the dead guest is gone from Satori's view" "$(result dead_guest_listed_$when)" 0
	done
	for g in g1 g2; do
		check_eq "guest $g finished its workload (exit 0)" "$(guest_field $g workload rc)" 0
		check_eq "guest $g had no registration errors" "$(guest_field $g sharing errors)" 0
	done

	# The owner's death. g1 read first: the death matters only if it owned
	# most of the index. Every entry it owned is handed over (to g2, the
	# only live guest of its group) or dropped; g2 read the same files, so
	# at least 90% of g1's entries name frames g2 shares, and are handed
	# over, not dropped.
	entries=$(result index_entries_before_death)
	g1_owned=$(result g1_indexed_before_death)
	handed=$(result index_handovers_at_death)
	dropped=$(result index_dropped_at_death)
	check_ge "g1 read first: it owned most of the index's $entries entries when it died (%)" \
		"$(percent "$g1_owned" "$entries")" 50
	check_eq "g1's death: each of its $g1_owned entries was handed over or dropped (handed over + dropped)" \
		"$(calc 'a + b' "$handed" "$dropped")" "$g1_owned"
	check_ge "g1's death: g2 shared their frames, so >= 90% of g1's $g1_owned entries were handed over (%)" \
		"$(percent "$handed" "$g1_owned")" 90
	check_eq "g1's death: g2's INDEX rose by the $handed entries handed over" \
		"$(result g2_indexed_gain_at_death)" "$handed"
	check_ge "g1's death: the index kept its shared content (entries after, % of $entries)" \
		"$(percent "$(result index_entries_after_death)" "$entries")" 90
	check_eq "after g1's death: no index entry of a dead guest" "$(result index_unowned_after_g1_death)" 0
	check_eq "after g1's death: every shared frame accounted to live guests' pages" \
		"$(result frames_unaccounted_after_g1_death)" 0
	check_eq "after g1's death: g1 is gone from Satori's view" "$(result g1_listed_after_death)" 0

	# A reader after the death: g4 reads the same files as g1 did, and
	# merges them with g2's pages through the entries handed over.
	check_eq "guest g4 read the same files as g1" "$(guest_field g4 read files)" "$(guest_field g1 read files)"
	check_eq "guest g4 finished its workload (exit 0)" "$(guest_field g4 workload rc)" 0
	check_eq "guest g4 had no registration errors" "$(guest_field g4 sharing errors)" 0
	check_ge "guest g4, reading after g1 died: merged $(result g4_merged) of its $(result g4_registered) registrations (%)" \
		"$(result g4_merged_pct)" 90
	check_xen_alive
fi
