# Lab test: Xen booted with satori=on, dom0 and 3 PVH guests on the project's
# kernel; every guest mounts its own disk and reads the same files.
if lab_boot satori-on --xen-args "satori=on" --guests 3; then
	check "xen command line has satori=on" grep -q 'satori=on' <<<"$(result xen_commandline)"
	check "xl dmesg reports Satori on" grep -q 'Satori: on, interface version 1.10' "$LAB_OUT/satori-dmesg.log"
	check_eq "dom0 sees status on" "$(result dom0_satori_status)" on
	check_eq "dom0 sees interface 1.10" "$(result dom0_satori_version)" 1.10
	check_eq "satori-top runs in dom0 (exit 0)" "$(result top_boot_rc)" 0
	check_eq "dom0 forked 400 processes with guests running: no wrong answer" "$(result forkstress_bad)" 0
	check_eq "dom0 forked 400 processes with guests running: no segfault" "$(result forkstress_segfaults)" 0
	check_dom0_kunit 'dom0 \(PV\) cannot share'
	# Every page the guests read from disk is in all three page caches.
	read_pages=$(calc 'a / 4096' "$(guest_field g1 read bytes)")
	check_ge "satori-scan scanned the 3 guests' memory (pages)" "$(result scan_pages)" 150000
	check_ge "satori-scan finds the pages read in all 3 guests shareable (0.9 x 3 x $read_pages)" \
		"$(result scan_shareable)" "$(calc 'a * 27 / 10' "$read_pages")"
	# Sharing as the guests read: every page read is shared with the other
	# guests' copies. Coverage: guest pages Xen backs with a shared frame,
	# over the file pages satori-scan finds in 2+ guests.
	# Zero pages (free memory reported, zero blocks) share frames too, and
	# are not file data: they are left out.
	shared_sum=$(top_stat 'sum(dom(g)["shared"] - dom(g)["zero"] for g in ("g1", "g2", "g3"))')
	max=$(result scan_file_shareable)
	check_ge "satori-scan finds the file pages read in all 3 guests (0.9 x 3 x $read_pages)" \
		"$max" "$(calc 'a * 27 / 10' "$read_pages")"
	check_ge "coverage: shared $shared_sum of $max shareable file pages (%)" "$(percent "$shared_sum" "$max")" 90
	check_eq "host accounting: shared frames + saved frames - guest pages sharing them" \
		"$(top_stat 'host["shared_frames"] + host["saved_frames"] - sum(d["shared"] for d in doms)')" 0
	# A hit whose bytes differ: KUnit's lying hash (1 per guest), or a page
	# changed in memory after dom0 hashed it (metadata): rare.
	check_le "hash hits whose bytes differed: at most 3 + 0.1% of registrations" \
		"$(top_stat 'host["mismatched"]')" "$(calc '3 + a / 1000' "$(top_stat 'host["registered"]')")"
	for g in g1 g2 g3; do
		hints=$(guest_field $g sharing hints_received)
		registered=$(guest_field $g sharing registered)
		xen_registered=$(top_stat "dom(\"$g\")[\"registered\"]")
		check_ge "guest $g got a hint for >= 90% of the $read_pages pages it read" \
			"$hints" "$(calc 'a * 9 / 10' "$read_pages")"
		check_ge "guest $g registered % of its $hints hints" "$(percent "$registered" "$hints")" 95
		check_eq "guest $g had no registration errors" "$(guest_field $g sharing errors)" 0
		# The boot-time KUnit cases make 73 registrations Xen counts
		# past the guest's registered set (liar 2, squatter 3, merge 3,
		# the running flag's 1, and the eight volatile cases'
		# earn_frames(), 4 pairs each: 64).
		check_between "guest $g sysfs registered $registered agrees with Xen's $xen_registered (+ KUnit's 73)" \
			"$(calc 'a - b' "$xen_registered" "$registered")" 0 73
	done
	# Xen's 'W' debug key: every registered page passed through a
	# register call (KUnit's bad batches too), and was looked up.
	stage() { grep "Satori stage $1:" "$LAB_OUT/stages.txt" | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }
	guests_registered=$(calc 'a + b + c' "$(guest_field g1 sharing registered)" \
		"$(guest_field g2 sharing registered)" "$(guest_field g3 sharing registered)")
	call_pages=$(stage call pages)
	check_eq "Xen's 'W' key printed its 8 stage lines" "$(grep -c 'Satori stage ' "$LAB_OUT/stages.txt")" 8
	index_line() { grep "Satori index:" "$LAB_OUT/stages.txt" | tail -1 | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	check_ge "Xen's 'W' key: the index holds the guests' entries" "$(index_line entries)" 1
	check_ge "Xen's 'W' key: the index counts its evictions" "$(index_line evictions)" 0
	check_gt "the guests registered pages" "$guests_registered" 0
	check_ge "Xen's stage times: register calls carried the $guests_registered pages the guests registered" \
		"$call_pages" "$guests_registered"
	check_between "Xen's stage times: index look-ups between those and the calls' $call_pages pages" \
		"$(stage index count)" "$guests_registered" "$call_pages"
	for g in g2 g3; do
		registered=$(guest_field $g sharing registered)
		check_ge "guest $g was told of its $registered registrations shared (%)" \
			"$(percent "$(guest_field $g sharing shared)" "$registered")" 90
	done
	# The kernel image: each guest registers its text and read-only data
	# once the system runs; g1 came first, so g2's and g3's pages merge
	# with its copies (pages holding per-boot data, such as ro_after_init
	# variables, may differ).
	kimage=$(kimage pages)
	for g in g1 g2 g3; do
		check_eq "guest $g's kernel-image walk finished once" "$(guest_field $g kimage kernel_image_walks)" 1
		check_eq "guest $g's kernel-image walk queued the kernel's $kimage text and read-only data pages" \
			"$(guest_field $g kimage kernel_image_pages)" "$kimage"
		check_eq "guest $g sent Xen all $kimage of them" "$(guest_field $g kimage stable_sent)" "$kimage"
		echo "INFO kernel image: $g's walk finished $(guest_field $g kimage kernel_image_done_ms) ms after its boot; $(guest_field $g kimage stable_shared) of its $kimage pages shared"
	done
	# Padding pages (int3 filling a page) are equal within one image and
	# across builds: only the rest says the build's code and data merged.
	fill=$(kimage fill)
	for g in g2 g3; do
		check_ge "guest $g's $(calc 'a - b' "$kimage" "$fill") kernel pages of code and data shared with g1's (%)" \
			"$(percent "$(calc 'a - b' "$(guest_field $g kimage stable_shared)" "$fill")" "$(calc 'a - b' "$kimage" "$fill")")" 90
	done
	# Free-page reporting: the idle guests' free memory went to Xen and
	# reads as zeros from their group's zero frame (docs/surplus.md).
	reports_stat() { python3 "$top/tests/lab/top-stat.py" "$1" "$LAB_OUT/top-reports.json" 2>/dev/null; }
	zero_now=$(reports_stat 'sum(dom(g)["zero"] for g in ("g1", "g2", "g3"))')
	check_lt "reporting settled within 300 s of the guests going idle (s)" "$(result reports_settled_s)" 300
	check_ge "the guests' pages on a zero frame: % of the zero pages satori-scan finds in them" \
		"$(percent "$zero_now" "$(result scan_zero)")" 80
	# One group's zero frame, and one more each time its canonical page
	# was written again (a generation): a few, not one per page.
	check_le "zero frames backing them" "$(reports_stat 'host["zero_frames"]')" 8
	check_ge "the pool grew by as much (sum of the domains' limits >= 85% of the zero saving)" \
		"$(reports_stat 'host["pool_frames"]')" "$(calc 'a * 85 / 100' "$(reports_stat 'host["zero_saved_frames"]')")"
	echo "INFO reports: $zero_now guest pages on $(reports_stat 'host["zero_frames"]') zero frames after $(result reports_settled_s) s; satori-scan found $(result scan_zero) zero pages of $(result scan_pages)"
	# satori-top in a real terminal (tmux): draws, sorts, reverses, copes
	# with a tiny terminal, quits on q.
	for k in draws default_sort sorts reverses small_ok quits; do
		check_eq "satori-top screen: $k" "$(result top_screen_$k)" 1
	done
	check_eq "satori-top batch text lists the 3 guests" "$(grep -cE '^ +[0-9]+ g[123] ' "$LAB_OUT/top.txt")" 3
	check "satori-top JSON: 2 snapshots, the second with rates over ~1 s" \
		python3 -c 'import json,sys; l=open(sys.argv[1]).read().splitlines(); assert len(l)==2; t=json.loads(l[1]); assert 0.5<t["interval"]<5' "$LAB_OUT/top.json"
	files1=$(guest_field g1 read files)
	for g in g1 g2 g3; do
		check_guests_up $g
		check_eq "guest $g sees Satori on" "$(guest_field $g satori status)" on
		check_ge "guest $g read its disk (bytes)" "$(guest_field $g read bytes)" 20000000
		check_eq "guest $g read the same files as g1" "$(guest_field $g read files)" "$files1"
		check_eq "guest $g workload exited 0" "$(guest_field $g workload rc)" 0
		check_eq "guest $g forked 200 processes: no wrong answer" "$(guest_field $g forkcheck bad)" 0
		check_eq "guest $g forked 200 processes: no segfault" "$(guest_field $g forkcheck segfaults)" 0
		check_guest_kunit $g 'this guest can share'
	done
fi
