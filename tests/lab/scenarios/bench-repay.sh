# scenario: make bench: repayment and copy-on-write breaks, timed
# Scenario for `make bench`, repayment: g1..g3 share files; g1 times
# copy-on-write breaks that find a free frame, then (with a hog domain
# holding the free heap and g2, g3 not repaying) breaks that must take a
# volatile frame; then a copy-on-write storm with repayment on, sampled
# for the plot; then dom0's repayment requests, timed. Xen runs with
# satori_repay_deadline=60000 so that, while g2 and g3 do not pay, nothing
# is taken from them but by the breaks (tests/lab/bench-repay.py reads
# what this leaves in OUT).
. /host/scenarios/boot.sh

GUESTS="g1 g2 g3"

# sample: one satori-top JSON line appended to OUT/repay-samples.jsonl.
sample() { /usr/sbin/satori-top -b --json -n 1 >>"$OUT/repay-samples.jsonl"; }

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step guests-create
create_ready_guests "$wl" $GUESTS

step share
for g in $GUESTS; do
	guest_command "$g" "read 1 120" "SATORI-GUEST read first=1 "
done

# Copy-on-write breaks that find a free frame.
step cow-free
cow_time free 150

# Breaks that must take a volatile frame: g2 and g3 lend their cache of
# files 91..120 (1..90 stay in their page caches, so g1's copies stay
# shared) and do not repay; a hog takes the free heap down; g1 drains the
# rest with throwaway breaks, then times 150 more.
step cow-volatile
for g in g2 g3; do
	guest_command "$g" "repay off" "SATORI-GUEST repay now=N"
	guest_command "$g" "evictfiles 91 120" "SATORI-GUEST evictfiles first=91 "
done
hog_down
free=$(satori_stat 'host["free_frames"]')
result cow_free_frames_after_hogs "$free"
cow_time drain $((free + 32))
forced0=$(satori_stat 'host["forced_frames"]')
result cow_free_frames_before "$(satori_stat 'host["free_frames"]')"
result cow_lent_before "$(satori_stat 'host["lent_frames"]')"
cow_time volatile 150
result cow_volatile_forced "$(($(satori_stat 'host["forced_frames"]') - forced0))"
result cow_free_frames_after "$(satori_stat 'host["free_frames"]')"

# A copy-on-write storm with repayment on: g2 and g3 repay again and
# overwrite shared pages, two thirds of what is free and lent, while
# dom0 samples free, lent and owed frames.
step storm
for g in g2 g3; do
	guest_command "$g" "repay on" "SATORI-GUEST repay now=Y"
done
guest_command g1 evict "SATORI-GUEST evict "
sample
pages=$(tail -1 "$OUT/repay-samples.jsonl" | python3 /host/lib/top-stat.py "(host['free_frames'] + host['lent_frames']) // 3")
result storm_pages_each "$pages"
/usr/sbin/satori-top -b --json -d 0.1 -n 3000 >>"$OUT/repay-samples.jsonl" &
sampler=$!
for g in g2 g3; do guest_send "$g" "rewrite_pages $pages"; done
end=$(deadline 600)
while [ "$(cat "$(console_log g2)" "$(console_log g3)" | grep -c 'SATORI-GUEST rewrite_pages ')" -lt 2 ]; do
	past "$end" && fail "the storm did not end"
	sleep 0.5
done
sleep 1
kill "$sampler"
wait "$sampler" 2>/dev/null
xl destroy hog

# Dom0's requests, timed: the guests hold what they spill; dom0 asks for
# an eighth of what is lent, eight times.
step requests
for g in $GUESTS; do
	guest_command "$g" "read 1 120" "SATORI-GUEST read first=1 "
	guest_command "$g" evict "SATORI-GUEST evict "
done
for i in 1 2 3 4 5 6 7 8; do
	n=$(satori_stat 'host["lent_frames"] // 8')
	[ "$n" -gt 0 ] || break
	line=$(/usr/sbin/satori-ctl --json repay "$n") || fail "satori-ctl repay $n failed"
	echo "LAB request $i: $line"
	echo "$line" >>"$OUT/repay-requests.jsonl"
done

step final-checks
for g in $GUESTS; do
	guest_command "$g" verify "SATORI-GUEST verify "
	result "wrong_$g" "$(guest_log_field "$g" verify wrong)"
done
result enomem_no_helper "$(xl dmesg | grep -c 'ENOMEM and no helper')"
/usr/sbin/satori-top -b --json -n 1 >"$OUT/top-end.json"
for g in $GUESTS; do
	guest_command "$g" "done" "SATORI-GUEST agent finished"
done

step guests-shutdown
shutdown_guests $GUESTS
losetup -d "$wl"
