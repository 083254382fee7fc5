# scenario: make demo: the guests scenario, then a repayment episode
# Scenario for `make demo`: the guests scenario, and before the guests shut
# down a short repayment episode while they hold volatile frames: dom0
# asks for half of what is lent (satori-ctl repay), the guests give back
# their oldest frames, and satori-top's view shows OWED, REPAID, FORCED.
guests_extra() {
	local n
	step repayment
	grep -q '^on' /sys/kernel/mm/satori/status || return 0
	n=$(satori_stat 'host["lent_frames"] // 2')
	result demo_repay_asked "$n"
	if [ "$n" -gt 0 ]; then
		/usr/sbin/satori-ctl repay "$n" | tee "$OUT/repay.txt" || fail "satori-ctl repay $n failed"
	fi
	/usr/sbin/satori-top -b -n 1 | tee "$OUT/top-repay.txt"
}
. /host/scenarios/guests.sh
