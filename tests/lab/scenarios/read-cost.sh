# scenario: helper for bench: g1's reads with hints on and off
# Part of the bench scenario (sourced, guests running): g1's cold
# sequential reads with hints on and off, of its raw disk, of files whose
# pages merge (the userland files g2 and g3 hold) and of new data nobody
# else has, with dom0's and Xen's stage times before and after the last
# two (g1 prints its own): tests/lab/bench-report.py and bench-stages.py.
step seqread
guest_command g1 "seqread ${LAB_SEQREAD_MB:-256}" "SATORI-GUEST seqread done" 900

# cost_snapshot: dom0's hashing counters and Xen's stage sums, one
# NAME=VALUE or "Satori stage" line each.
cost_snapshot() {
	local f
	for f in satori_hashed_pages satori_hash_ns; do
		echo "dom0_$f=$(cat /sys/module/xen_blkback/parameters/$f)"
	done
	xen_stage_times
}
for what in seqfiles "seqnew ${LAB_SEQNEW_MB:-128}"; do
	cost_snapshot >"$OUT/costs-${what%% *}-before.txt"
	guest_command g1 "$what" "SATORI-GUEST ${what%% *} done" 900
	cost_snapshot >"$OUT/costs-${what%% *}-after.txt"
done

