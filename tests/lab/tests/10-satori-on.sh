# Lab test: Xen booted with satori=on, dom0 and 3 PVH guests on the project's
# kernel; every guest mounts its own disk and reads the same files.
LAB_NAME=satori-on
if lab_boot $LAB_NAME --xen-args "satori=on" --guests 3; then
	check "xen command line has satori=on" grep -q 'satori=on' <<<"$(result xen_commandline)"
	check "xl dmesg reports Satori on" grep -q 'Satori: on, interface version 1.5' "$LAB_OUT/satori-dmesg.log"
	check "dom0 sees status on" test "$(result dom0_satori_status)" = on
	check "dom0 sees interface 1.5" test "$(result dom0_satori_version)" = 1.5
	check "satori-top runs in dom0 (exit 0)" test "$(result top_boot_rc)" = 0
	check "dom0 forked 400 processes with guests running: no wrong answer" test "$(result forkstress_bad)" = 0
	check "dom0 forked 400 processes with guests running: no segfault" test "$(result forkstress_segfaults)" = 0
	check_dom0_kunit
	# Every page the guests read from disk is in all three page caches.
	read_pages=$(($(guest_field g1 read bytes) / 4096))
	check "satori-scan scanned the 3 guests' memory (>= 150000 pages)" test "$(result scan_pages)" -ge 150000
	check "satori-scan finds the pages read in all 3 guests shareable (>= 0.9 x 3 x $read_pages)" \
		test "$(result scan_shareable)" -ge $((read_pages * 27 / 10))
	# Sharing as the guests read: every page read is shared with the other
	# guests' copies. Coverage: guest pages Xen backs with a shared frame,
	# over the file pages satori-scan finds in 2+ guests.
	shared_sum=$(num "$(top_stat 'sum(dom(g)["shared"] for g in ("g1", "g2", "g3"))')")
	max=$(num "$(result scan_file_shareable)")
	check "satori-scan finds the file pages read in all 3 guests (>= 0.9 x 3 x $read_pages)" \
		test "$max" -ge $((read_pages * 27 / 10))
	check "coverage: shared $shared_sum of $max shareable file pages >= 90%" \
		test $((shared_sum * 100)) -ge $((max * 90)) -a "$max" -gt 0
	check "host accounting: shared frames + saved frames = guest pages sharing them" \
		test "$(top_stat 'host["shared_frames"] + host["saved_frames"] - sum(d["shared"] for d in doms)')" = 0
	# A hit whose bytes differ: KUnit's lying hash (1 per guest), or a page
	# changed in memory after dom0 hashed it (metadata): rare.
	check "hash hits whose bytes differed: at most 3 + 0.1% of registrations" \
		test "$(num "$(top_stat 'host["mismatched"]')")" -le $((3 + $(num "$(top_stat 'host["registered"]')") / 1000))
	for g in g1 g2 g3; do
		hints=$(num "$(guest_field $g sharing hints_received)")
		registered=$(num "$(guest_field $g sharing registered)")
		xen_registered=$(num "$(top_stat "dom(\"$g\")[\"registered\"]")")
		check "guest $g got a hint for >= 90% of the $read_pages pages it read" \
			test "$hints" -ge $((read_pages * 9 / 10))
		check "guest $g registered >= 95% of its $hints hints" \
			test $((registered * 100)) -ge $((hints * 95)) -a "$registered" -gt 0
		check "guest $g had no registration errors" test "$(guest_field $g sharing errors)" = 0
		# The boot-time KUnit cases register 16 entries that Xen keeps
		# (liar 2, squatter 3, merge 3, the volatile round trip's
		# 4 pairs 8) past the guest's registry.
		check "guest $g sysfs registered $registered agrees with Xen's $xen_registered (+ KUnit's 16)" \
			test $((xen_registered - registered)) -ge 0 -a $((xen_registered - registered)) -le 16
	done
	# Xen's 'W' debug key: every registered page passed through a
	# register call (KUnit's bad batches too), and was looked up.
	stage() { grep "Satori stage $1:" "$LAB_OUT/stages.txt" | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }
	guests_registered=0
	for g in g1 g2 g3; do
		guests_registered=$((guests_registered + $(num "$(guest_field $g sharing registered)")))
	done
	call_pages=$(num "$(stage call pages)")
	check "Xen's 'W' key printed its 8 stage lines" test "$(grep -c 'Satori stage ' "$LAB_OUT/stages.txt")" = 8
	check "Xen's stage times: register calls carried >= the $guests_registered pages the guests registered" \
		test "$call_pages" -ge "$guests_registered" -a "$guests_registered" -gt 0
	check "Xen's stage times: index look-ups ($(stage index count)) between those and the calls' $call_pages pages" \
		test "$(num "$(stage index count)")" -ge "$guests_registered" -a "$(num "$(stage index count)")" -le "$call_pages"
	for g in g2 g3; do
		registered=$(num "$(guest_field $g sharing registered)")
		check "guest $g was told >= 90% of its registrations were shared" \
			test $(($(num "$(guest_field $g sharing shared)") * 10)) -ge $((registered * 9)) -a "$registered" -gt 0
	done
	# satori-top in a real terminal (tmux): draws, sorts, reverses, copes
	# with a tiny terminal, quits on q.
	for k in draws default_sort sorts reverses small_ok quits; do
		check "satori-top screen: $k" test "$(result top_screen_$k)" = 1
	done
	check "satori-top batch text lists the 3 guests" test "$(grep -cE '^ +[0-9]+ g[123] ' "$LAB_OUT/top.txt")" = 3
	check "satori-top JSON: 2 snapshots, the second with rates over ~1 s" \
		python3 -c 'import json,sys; l=open(sys.argv[1]).read().splitlines(); assert len(l)==2; t=json.loads(l[1]); assert 0.5<t["interval"]<5' "$LAB_OUT/top.json"
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
