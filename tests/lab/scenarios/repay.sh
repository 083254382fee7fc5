# scenario: repayment: asked, repaid, forced at the deadline, make-room
# Scenario: repayment of volatile frames. g1..g3 share files and spill
# their page caches into volatile frames; then Xen asks for frames back
# in every way it can: dom0 asks one guest (which repays its oldest data
# first), a guest that does not pay and a paused one lose theirs by force
# at the deadline, a sharer dies while it owes (and the others'
# entitlements shrink), a hog domain drains the free heap so that a new
# guest needs repayment to be created, a copy-on-write storm draws the
# heap below the reserve, and breaks with the heap dry take volatile
# frames at once. Every file is checked
# against its sum throughout. Xen runs with satori_repay_deadline=3000
# (long enough for dom0 to see under TCG that a guest owes).
. /host/scenarios/boot.sh

# The guests' entitlements here are what their files' sharing earns, which
# the death, the hog and the storm take away: their kernels' pages are
# not registered (with them, a storm of 2026-12-07 broke 1,043 shared
# pages and no entitlement fell below what its guest held: no request).
GUEST_ARGS="satori.kernel_image=0"
. /host/scenarios/ledger.sh

GUESTS="g1 g2 g3"
DEADLINE_MS=3000

# repay_from G FRAMES NAME: dom0 asks G for FRAMES and waits; records
# NAME_asked, NAME_repaid, NAME_forced and NAME_ms from satori-ctl's JSON.
repay_from() {
	local json k
	json=$(/usr/sbin/satori-ctl --json repay "$2" "$1") || fail "satori-ctl repay $2 $1 failed"
	echo "LAB $3: $json"
	for k in asked repaid forced ms; do
		result "$3_$k" "$(ctl_field "$k" <<<"$json")"
	done
}

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step guests-create
create_ready_guests "$wl" $GUESTS

step share
for g in $GUESTS; do
	guest_command "$g" "read 1 120" "SATORI-GUEST read first=1 "
done
ledger shared

# FIFO: g1 spills files 1..30 (A), then 31..60 (B); dom0 asks it for as
# many frames as A took. It repays its oldest: A's blocks miss, B's hit.
step fifo
guest_command g1 "evictfiles 1 30" "SATORI-GUEST evictfiles first=1 "
held_a=$(guest_log_field g1 evictfiles held)
guest_command g1 "evictfiles 31 60" "SATORI-GUEST evictfiles first=31 "
result fifo_held_a "$held_a"
result fifo_held_ab "$(guest_log_field g1 evictfiles held)"
repay_from g1 "$held_a" fifo
guest_command g1 "probe 31 60" "SATORI-GUEST probe first=31 "
result fifo_b_restored "$(guest_log_field g1 probe restored_now)"
result fifo_b_wrong "$(guest_log_field g1 probe wrong)"
guest_command g1 "probe 1 30" "SATORI-GUEST probe first=1 "
result fifo_a_restored "$(guest_log_field g1 probe restored_now)"
result fifo_a_wrong "$(guest_log_field g1 probe wrong)"
result fifo_g1_repaid "$(guest_log_field g1 probe repaid)"

# A guest that does not pay, and a paused one: Xen takes what they owe at
# the deadline; they run on and read right; g1 is not touched.
step deadline
guest_command g3 "repay off" "SATORI-GUEST repay now=N"
guest_command g3 evict "SATORI-GUEST evict "
guest_command g2 evict "SATORI-GUEST evict "
guest_command g1 evict "SATORI-GUEST evict "
# The evictions move entitlements a little (pages freed and written again
# leave shared frames), and g3, at its limit and not paying, may owe a few
# frames for it: let that debt meet its own deadline first, so that the
# request below starts g3's clock and nothing before it does.
sleep $((DEADLINE_MS / 1000 + 2))
g1_forced=$(satori_stat 'dom("g1")["forced_bytes"] // 4096')
asked=$(guest_log_field g3 evict held)
[ "$asked" -gt 200 ] && asked=200
repay_from g3 "$asked" nonpayer
guest_command g3 verify "SATORI-GUEST verify "
result nonpayer_verify_wrong "$(guest_log_field g3 verify wrong)"
result nonpayer_guest_forced "$(guest_log_field g3 verify forced)"
result nonpayer_guest_repaid "$(guest_log_field g3 verify repaid)"
xl pause g2
asked=$(satori_stat 'dom("g2")["volatile_bytes"] // 4096')
[ "$asked" -gt 200 ] && asked=200
repay_from g2 "$asked" paused
xl unpause g2
guest_command g2 verify "SATORI-GUEST verify "
result paused_verify_wrong "$(guest_log_field g2 verify wrong)"
result others_g1_forced_delta "$(minus "$(satori_stat 'dom("g1")["forced_bytes"] // 4096')" "$g1_forced")"
guest_command g3 "repay on" "SATORI-GUEST repay now=Y"

# A sharer dies while it owes. g1 and g2 fill their volatile caches; g3
# stops paying, is asked for its frames and is destroyed before the
# deadline: nothing stays owed. Its death shrinks the others'
# entitlements (its frames have one sharer less): whoever now holds more
# than it may is asked for the excess, and holds no more after the
# deadline.
step destroy-owing
guest_command g1 evict "SATORI-GUEST evict "
guest_command g2 evict "SATORI-GUEST evict "
guest_command g3 "repay off" "SATORI-GUEST repay now=N"
guest_command g3 evict "SATORI-GUEST evict "
# g3_owed: what g3 owes now, in frames, from satori-top's JSON read with
# sed (python3 is too slow under TCG to look with); nothing if it could not
# be read (not 0: the wait below goes on).
g3_owed() {
	local b
	b=$(/usr/sbin/satori-top -b --json -n 1 | tr '{' '\n' | grep '"name":"g3"' |
		sed -n 's/.*"owed_bytes":\([0-9]*\).*/\1/p')
	case "$b" in '' | *[!0-9]*) ;; *) echo $((b / 4096)) ;; esac
}
# g3's evict shrank its entitlement (its cache's shared pages went): what
# it owes for that is forced at that debt's deadline. Let it pass, so that
# the ask below starts a deadline of its own.
dl=$(deadline $((DEADLINE_MS / 1000 + 10)))
until [ "$(g3_owed)" = 0 ] || past "$dl"; do
	sleep 0.5
done
top=$OUT/top-before-death.json
/usr/sbin/satori-top -b --json -n 1 >"$top"
dom_figures "$top" death _before g1 g2
asked=$(python3 /host/lib/top-stat.py 'dom("g3")["volatile_bytes"] // 4096' <"$top")
[ "$asked" -gt 0 ] || asked=1
( /usr/sbin/satori-ctl repay "$asked" g3 >"$OUT/destroy-owing.txt" 2>&1 ) &
repay_pid=$!
# g3 is destroyed as soon as it owes, well within the deadline (3 s): under
# TCG satori-ctl's ask may take longer than any fixed wait.
owed=0
dl=$(deadline 10)
until { [ -n "$owed" ] && [ "$owed" -gt 0 ]; } || past "$dl"; do
	owed=$(g3_owed)
done
result destroy_owing_owed "$owed"
xl destroy g3 || fail "xl destroy g3 failed"
wait_gone g3 60 || fail "g3 did not go"
wait $repay_pid
result destroy_owing_rc $?
cat "$OUT/destroy-owing.txt"
sleep $((DEADLINE_MS / 1000 + 2))
top=$OUT/top-after-death.json
/usr/sbin/satori-top -b --json -n 1 >"$top"
result destroy_owing_owed_after "$(python3 /host/lib/top-stat.py 'host["owed_frames"]' <"$top")"
dom_figures "$top" death "" g1 g2
GUESTS="g1 g2"
ledger destroyed

# A hog domain takes the free heap down so that a new guest g4 needs
# more than is free: about half the lent frames must come back first.
# satori-ctl make-room asks for them; then xl create succeeds.
step new-domain
guest_command g1 verify "SATORI-GUEST verify "
guest_command g2 verify "SATORI-GUEST verify "
guest_command g1 evict "SATORI-GUEST evict "
guest_command g2 evict "SATORI-GUEST evict "
top=$OUT/top-before-hog.json
/usr/sbin/satori-top -b --json -n 1 >"$top"
hog=$(python3 /host/lib/top-stat.py \
	"(host['free_frames'] - host['reserve_frames']) // 256 - 96" <"$top")
result hog_mib "$hog"
[ "$hog" -gt 64 ] || fail "too little free memory for the hog ($hog MiB)"
cat >/tmp/hog.cfg <<-CFG
	name = "hog"
	type = "pvh"
	kernel = "/host/img/vmlinux"
	memory = $hog
	vcpus = 1
	cpus = "0"
CFG
timeout 300 xl create -p /tmp/hog.cfg || fail "xl create of the hog failed"
top=$OUT/top-after-hog.json
/usr/sbin/satori-top -b --json -n 1 >"$top"
# g4's memory: what is free and half what is lent, less 2 MiB for what
# the toolstack and Xen add to a domain of this size.
g4=$(python3 /host/lib/top-stat.py "(host['free_frames'] + host['lent_frames'] // 2) // 256 - 2" <"$top")
result g4_mib "$g4"
result g4_lacking_frames "$(python3 /host/lib/top-stat.py "($g4 + 2) * 256 - host['free_frames']" <"$top")"
repaid0=$(python3 /host/lib/top-stat.py 'host["repaid_frames"] + host["forced_frames"]' <"$top")
line=$(/usr/sbin/satori-ctl make-room $((g4 + 2))) || fail "satori-ctl make-room $((g4 + 2)) failed: $line"
echo "LAB make-room: $line"
result make_room_back "$(($(satori_stat 'host["repaid_frames"] + host["forced_frames"]') - repaid0))"
MEM_g4=$g4
create_guest g4 /dev/vdd "$wl"
wait_console g4 "SATORI-GUEST agent ready" 300 || fail "guest g4 did not get ready"
result g4_up 1
GUESTS="g1 g2 g4"

# Copy-on-write storm: g1 and g2 hold files 1..60 in their page caches
# (shared) and lend 61..120 as volatile frames; with the heap near empty
# they overwrite shared pages in place, more than the free heap holds. Xen
# asks for frames back as the heap falls below the reserve, and takes one
# at once when a break finds none: no break waits, nobody crashes.
step cow-storm
for g in g1 g2; do
	guest_command "$g" "read 1 120" "SATORI-GUEST read first=1 "
	guest_command "$g" "evictfiles 61 120" "SATORI-GUEST evictfiles first=61 "
done
top=$OUT/top-before-storm.json
/usr/sbin/satori-top -b --json -n 1 >"$top"
pages=$(python3 /host/lib/top-stat.py "(host['free_frames'] + host['lent_frames'] // 2) // 2" <"$top")
result storm_free_before "$(python3 /host/lib/top-stat.py 'host["free_frames"]' <"$top")"
result storm_lent_before "$(python3 /host/lib/top-stat.py 'host["lent_frames"]' <"$top")"
result storm_pages_each "$pages"
forced0=$(python3 /host/lib/top-stat.py 'host["forced_frames"]' <"$top")
repaid0=$(python3 /host/lib/top-stat.py 'host["repaid_frames"]' <"$top")
breaks0=$(python3 /host/lib/top-stat.py 'host["cow_breaks"]' <"$top")
requests0=$(python3 /host/lib/top-stat.py 'host["repay_requests"]' <"$top")
guest_send g1 "rewrite_pages $pages"
guest_send g2 "rewrite_pages $pages"
min_free=$(python3 /host/lib/top-stat.py 'host["free_frames"]' <"$top")
end=$(deadline 600)
while [ "$(cat "$(console_log g1)" "$(console_log g2)" | grep -c 'SATORI-GUEST rewrite_pages ')" -lt 2 ]; do
	past "$end" && fail "the copy-on-write storm did not end"
	/usr/sbin/satori-top -b --json -n 1 >>"$OUT/storm.jsonl"
	free=$(tail -1 "$OUT/storm.jsonl" | python3 /host/lib/top-stat.py 'host["free_frames"]')
	[ "$free" -lt "$min_free" ] && min_free=$free
	sleep 0.2
done
result storm_min_free "$min_free"
top=$OUT/top-after-storm.json
/usr/sbin/satori-top -b --json -n 1 >"$top"
result storm_forced "$(($(python3 /host/lib/top-stat.py 'host["forced_frames"]' <"$top") - forced0))"
result storm_repaid "$(($(python3 /host/lib/top-stat.py 'host["repaid_frames"]' <"$top") - repaid0))"
result storm_cow_breaks "$(($(python3 /host/lib/top-stat.py 'host["cow_breaks"]' <"$top") - breaks0))"
result storm_requests "$(($(python3 /host/lib/top-stat.py 'host["repay_requests"]' <"$top") - requests0))"
for g in g1 g2; do
	guest_command "$g" verify "SATORI-GUEST verify "
	result "storm_${g}_wrong" "$(guest_log_field "$g" verify wrong)"
done
ledger stormed

# The heap runs dry: g2 lends its cache of files 61..120 and stops
# paying, a hog takes all but a few MiB, and g1 writes to pages it shares
# with g2 faster than the deadline forces anything: once the free frames
# are gone, each copy-on-write break takes one of g2's volatile frames at
# once. No break fails, g1 lives and reads right.
step dry-heap
xl destroy hog
wait_gone hog 60 || fail "the hog did not go"
guest_command g2 "repay off" "SATORI-GUEST repay now=N"
for g in g1 g2; do
	guest_command "$g" "read 1 120" "SATORI-GUEST read first=1 "
done
guest_command g2 "evictfiles 61 120" "SATORI-GUEST evictfiles first=61 "
hog_down
top=$OUT/top-before-dry.json
/usr/sbin/satori-top -b --json -n 1 >"$top"
result dry_free_before "$(python3 /host/lib/top-stat.py 'host["free_frames"]' <"$top")"
result dry_g2_held_before "$(python3 /host/lib/top-stat.py 'dom("g2")["volatile_bytes"] // 4096' <"$top")"
forced0=$(python3 /host/lib/top-stat.py 'host["forced_frames"]' <"$top")
breaks0=$(python3 /host/lib/top-stat.py 'host["cow_breaks"]' <"$top")
# What is free and half of what g2 lends: more than the heap holds, well
# within what the heap and the volatile frames hold together (beyond
# that the host is simply out of memory, and the writer crashes as on
# stock Xen).
writes=$(python3 /host/lib/top-stat.py "host['free_frames'] + dom('g2')['volatile_bytes'] // 4096 // 2" <"$top")
result dry_writes "$writes"
guest_command g1 "cowtime_pages $writes" "SATORI-GUEST cowtime_pages "
top=$OUT/top-after-dry.json
/usr/sbin/satori-top -b --json -n 1 >"$top"
result dry_cow_breaks "$(($(python3 /host/lib/top-stat.py 'host["cow_breaks"]' <"$top") - breaks0))"
result dry_forced "$(($(python3 /host/lib/top-stat.py 'host["forced_frames"]' <"$top") - forced0))"
result dry_free_after "$(python3 /host/lib/top-stat.py 'host["free_frames"]' <"$top")"
# The hog goes at once: with the heap dry, every guest write to a shared
# page takes a volatile frame, and when they are gone too the host is out
# of memory (the writer crashes, as on stock Xen).
xl destroy hog
wait_gone hog 60 || fail "the hog did not go"
guest_command g2 "repay on" "SATORI-GUEST repay now=Y"
guest_command g1 verify "SATORI-GUEST verify "
result dry_g1_wrong "$(guest_log_field g1 verify wrong)"

step final-checks
xl list
result domains_alive "$(xl list | grep -c '^g[124] ')"
result enomem_no_helper "$(xl dmesg | grep -c 'ENOMEM and no helper')"
for g in $GUESTS; do
	guest_command "$g" "done" "SATORI-GUEST agent finished"
done
/usr/sbin/satori-top -b -n 1 | tee "$OUT/top.txt"
/usr/sbin/satori-top --prometheus "$OUT/top.prom" -n 1 || fail "satori-top --prometheus failed"

step guests-shutdown
shutdown_guests $GUESTS
losetup -d "$wl"
