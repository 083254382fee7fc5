# scenario: entitlements add up; guests spill to volatile frames, read right
# Scenario: sharing entitlements and the volatile page cache. g1..g3 read
# the same files, g4 twice as many, g5 (a trust group of its own) only
# private data. Entitlements are checked against Xen's saved frames at
# quiet moments (ledger); then the guests spill their page caches into
# volatile frames, mutate files whose blocks are held there, and re-read
# everything while dom0 takes volatile frames back; finally a sharer dies.
# Every read is checked against the sums the guest remembered.
. /host/scenarios/boot.sh
. /host/scenarios/ledger.sh

GUESTS="g1 g2 g3 g4 g5"
SHARERS="g1 g2 g3 g4"

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step guests-create
GROUP_g5=5
create_ready_guests "$wl" $GUESTS

step share
for g in g1 g2 g3; do
	guest_command "$g" "read 1 60" "SATORI-GUEST read first=1 "
done
guest_command g4 "read 1 120" "SATORI-GUEST read first=1 "
guest_command g5 "private 16" "SATORI-GUEST private "
ledger shared

# g1 overwrites 10 of the shared files: its copies break away.
step rewrite
guest_command g1 "rewrite 10" "SATORI-GUEST rewrite "
ledger rewritten

# The sharers spill their page caches into volatile frames and read
# everything back, from there where it is still held.
step volatile
for g in $GUESTS; do
	guest_command "$g" evict "SATORI-GUEST evict "
done
ledger spilled
settled spilled
for g in $SHARERS; do
	guest_command "$g" verify "SATORI-GUEST verify "
done
ledger volatile

# g2 puts its files' blocks in volatile frames, then rewrites, truncates
# and deletes files, writes new ones over the freed blocks, and reads
# everything again.
step mutate
guest_command g2 evict "SATORI-GUEST evict "
guest_command g2 "rewrite 10" "SATORI-GUEST rewrite "
guest_command g2 "truncate 10" "SATORI-GUEST truncate "
guest_command g2 "delete 10" "SATORI-GUEST delete "
guest_command g2 "create 20 64" "SATORI-GUEST create "
guest_command g2 verify "SATORI-GUEST verify "
guest_command g2 verify "SATORI-GUEST verify "

# The sharers read in a loop while dom0 keeps taking volatile frames back.
step reclaim
for g in $SHARERS; do
	guest_send "$g" "loop ${RECLAIM_LOOP_S:-40}"
done
taken=0 rounds=0
end=$(deadline $((${RECLAIM_LOOP_S:-40} + 240)))
while [ "$(cat $(for g in $SHARERS; do console_log "$g"; done) | grep -c 'SATORI-GUEST loop ')" -lt 4 ]; do
	past "$end" && fail "the guests' read loops did not end"
	n=$(/usr/sbin/satori-ctl --json take 65536 | ctl_field taken)
	taken=$((taken + ${n:-0}))
	rounds=$((rounds + 1))
	sleep 1
done
result reclaim_taken "$taken"
result reclaim_rounds "$rounds"
ledger reclaimed

# A sharer dies: its entitlement goes, the others' follow.
step destroy
ledger before_destroy
xl destroy g3 || fail "xl destroy g3 failed"
wait_gone g3 60 || fail "g3 did not go"
GUESTS="g1 g2 g4 g5"
ledger destroyed

# The storage model (bench/storage/classes.conf), as make bench uses it: a
# 4 KiB read of a model disk takes a real device's latency times D, in
# dom0 and in g1 through blkfront and blkback (checked against the
# model's tolerance by the test).
# A first scrape of the metrics an operator's node_exporter would read
# (satori-metrics.service: satori-top --textfile); the test compares its
# counters with the last one's (top.prom, below).
/usr/sbin/satori-top --textfile "$OUT/scrape1.prom" -i 1 || fail "satori-top --textfile failed"

. /host/scenarios/storage.sh
step storage-model
storage_disks 1 16
storage_attach g1 "${STORAGE_DISKS[0]}"
for class in none network; do
	storage_class "$class"
	storage_probe dom0 "${STORAGE_DISKS[0]}"
	storage_probe guest xvdc g1
done
storage_class none
result storage_dilation "$(storage_param dilation)"
result storage_tolerance "$(storage_param tolerance | tr ' ' ,)"

step final-checks
for g in g1 g2 g4; do
	guest_command "$g" verify "SATORI-GUEST verify "
	for k in evict_max_ns evict_ns evict_runs; do
		result "${k}_$g" "$(guest_log_field "$g" verify "$k")"
	done
done
for g in $GUESTS; do
	guest_command "$g" "done" "SATORI-GUEST agent finished"
done
/usr/sbin/satori-top -b -n 1 | tee "$OUT/top.txt"
/usr/sbin/satori-top --prometheus "$OUT/top.prom" -n 1 || fail "satori-top --prometheus failed"

step guests-shutdown
shutdown_guests $GUESTS
losetup -d "$wl"
