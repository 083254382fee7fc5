# Lab test: a guest running Debian's stock kernel (no Satori, no hints)
# works unchanged, and satori-scand, dom0's scanner, gets its copies of
# files merged with the enlightened guests' through Xen's index; copy-on-
# write keeps every file right; the scanner never scans an enlightened
# guest and idles when there is nothing to scan; g4, a stock-kernel guest
# hostile to the scanner (a far gfn, a flapping xenstore key), can neither
# stall it nor make it forget, and a record cap holds. See docs/scanner.md.
# Free-page reporting is off host-wide (satori_report=off): the enlightened
# guests share files only, the scale the stock guest is measured against.
if lab_boot scan --scenario scan --guests 4 --timeout 1800 \
	--xen-args "satori=on satori_report=off" \
	--workload "$top/tests/lab/workloads/agent"; then
	check_xen_alive

	# g3 runs Debian's kernel and works unchanged, without hints.
	check "g3 runs Debian's stock cloud kernel ($(result g3_kernel))" grep -q -- '-cloud-amd64$' <<<"$(result g3_kernel)"
	check_eq "g3's disk frontend offered no hints" "$(result g3_hint_refs)" 0
	check_ge "g1's disk frontend offered hints" "$(result g1_hint_refs)" 1
	check_eq "g3 read the files without Satori: nothing shared before the scanner" "$(result g3_shared_before)" 0

	# Bad input: an enlightened guest named, a zero rate.
	check_eq "satori-scand refuses to scan an enlightened guest (exit 2)" "$(result refuse_rc)" 2
	check "satori-scand says why" grep -q 'negotiated Satori hints' "$LAB_OUT/scand-refused.log"
	check_eq "the refused run wrote no status" "$(result refuse_status_written)" 0
	check_eq "satori-scand refuses a zero rate (exit 2)" "$(result refuse_rate_rc)" 2

	# It picked g3 by itself, and g3's pages now share frames.
	check_eq "satori-scand scans only the guests without hints" "$(result scand_domains)" "$(result g4_domid) $(result g3_domid)"
	check_ge "g1 shares the files' pages with g2 (hints)" "$(result g1_shared_before)" 500
	check_ge "g3's pages share frames after the scan, % of g1's" \
		"$(percent "$(result g3_shared)" "$(result g1_shared_before)")" 90
	check_ge "satori-scand registered pages for g3" "$(result scand_registered)" "$(result g1_shared_before)"
	check_ge "of which merged at once with equal pages" "$(result scand_merged)" 500
	check_eq "no batch refused" "$(result scand_errors)" 0
	check_eq "g1's own registrations untouched by the scanner" "$(result g1_registered_after)" "$(result g1_registered_before)"
	echo "INFO scan: g3 shared $(result g3_shared) pages $(result scan_s) s after the scanner started; $(result scand_scanned) pages scanned, $(result scand_cpu_s) CPU s"
	check "satori-top shows the scanner" grep -q '^Scanner: 5000 pages/s over 2 guests' "$LAB_OUT/top-scan.txt"

	# g4, hostile to the scanner.
	check_eq "g4 got a page near gfn 2^35" "$(result far_gfn_rc)" 0
	check_ge "the scanner cut g4's walk short (it scanned g3 all the same, above)" "$(result scand_cut)" 1
	# Forgetting g4 would release every page registered for it (thousands);
	# pages that changed meanwhile are released as always.
	check_le "g4 flapped its hints key for 20 s: released under 1% of the registered pages" \
		"$(result flap_released)" "$(calc 'a / 100' "$(result scand_registered)")"
	check_has "g4 flapped: still known to the scanner, scanned or paused" "$(result flap_known)" "$(result g4_domid)"
	check_le "a scanner capped at 4000 records per guest kept at most 2 x 4000" "$(result capped_records)" 8000
	check_eq "... says both stock guests are at the cap" "$(result capped_at_cap)" "$(result g4_domid) $(result g3_domid)"
	check_ge "... and counted the pages it kept no record for" "$(result capped_capped)" 1
	echo "INFO scan: the capped scanner's resident memory: $(result capped_rss_kb) KiB with $(result capped_records) records"

	# Copy-on-write: g3 rewrote merged pages; every guest reads every file right.
	check_ge "g3's writes broke shared pages" "$(result g3_cow_breaks)" 1
	for g in g1 g2 g3 g4; do
		check_eq "$g: every file right" "$(guest_field "$g" verify wrong)" 0
	done

	# Nothing to scan: no CPU.
	echo "INFO scan: idle with g3 still running: $(result scand_idle_with_g3); entries released as g3 rewrote: $(result scand_released)"
	check_eq "with g3 gone the scanner scans nothing" "$(result scand_domains_after)" 0
	check_lt "and used under 1 CPU second in 10 s (CPU s)" "$(result scand_idle_cpu_s)" 1
	check_eq "satori-scand stops on SIGTERM (exit 0)" "$(result scand_exit)" 0
	check_guests_up g1 g2 g3 g4
fi
