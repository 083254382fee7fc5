# scenario: hostile guests attack, fuzz and hoard; honest ones read
# Scenario: a hostile tenant. g3's root can issue any hypercall
# (xen_privcmd.unrestricted=1, as its own kernel could) and runs
# satori_attack's attacks, then its fuzzer, while g1 and g2 (honest, in the
# same trust group as g3: the worst case) read and checksum their files.
# g4, in a trust group of its own and as hostile as g3, reads the same
# files and probes for them, and must merge nothing with them. Each attack is a step; after them the host must be
# consistent: Xen up, the sharing audit clean, every shared frame accounted
# to live guests' pages, the honest guests' files intact.
. /host/scenarios/boot.sh

gconv=usr/lib/x86_64-linux-gnu/gconv
# Files 1..100 of the workload's list are gconv modules A..I; these are
# among the largest (about 180 pages together).
LIAR_FILES="BIG5HKSCS.so GB18030.so GBK.so CP932.so BIG5.so"
# Among files 101..200, read by nobody before the squatter registers.
SQUAT_FILES="IBM1390.so IBM1388.so IBM1364.so"

# g3 hoards volatile frames last (hoard step): room for 40000 merged pairs.
MEM_g3=448

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step guests-create
GROUP_g4=2
# The honest readers report no free memory (it costs time, and g3's
# report attack is the reporting here).
REPORTS_g1=0 REPORTS_g2=0
start_guest g1 /dev/vda "$wl"
start_guest g2 /dev/vdb "$wl"
# g3's blkfront also advertises hint-area grants that do not exist. It has
# two vCPUs on two pCPUs, so its fuzzer and racer meet inside Xen.
start_guest g3 /dev/vdc "$wl" 'extra="console=hvc0 quiet xen_privcmd.unrestricted=1 xen_blkfront.satori_hints_bad_refs=1"' \
	'vcpus=2' 'cpus=["3","4"]'
# g4 reports no free memory: its watch needs an entitlement that only its
# own merges move, and its pool attack superpages that no report split.
start_guest g4 /dev/vdd "$wl" 'extra="console=hvc0 quiet xen_privcmd.unrestricted=1 satori.free_page_reporting=0"'
for g in g1 g2 g3 g4; do
	await_guest "$g"
done
result g3_vcpus "$(xl vcpu-list g3 | awk 'NR > 1' | wc -l)"
for g in g1 g2 g3 g4; do
	wait_console "$g" "SATORI-GUEST hostile ready" 300 || fail "guest $g did not get ready"
	result "group_$g" "$(satori_stat "dom(\"$g\")[\"group\"]")"
done

# attack NAME ARGS...: g3 runs satori_attack NAME ARGS and says it is done.
attack() {
	guest_command g3 "run $*" "hostile run-done sub=$1 " "${ATTACK_TIMEOUT:-600}"
}

# The liar registers garbage under the true hashes of files g1 has read
# (g1's pages are canonical); g2 reads them afterwards and must still merge
# with g1.
step liar
guest_command g1 "read 1 100" "SATORI-GUEST read first=1 "
for f in $LIAR_FILES; do
	attack liar "$gconv/$f"
done
guest_command g2 "read 1 100" "SATORI-GUEST read first=1 "

# The squatter registers garbage under the hashes of files nobody read yet;
# the honest guests read them afterwards and must merge with each other.
step squatter
for f in $SQUAT_FILES; do
	attack squat "$gconv/$f"
done
guest_command g1 "read 101 200" "SATORI-GUEST read first=101 "
guest_command g2 "read 101 200" "SATORI-GUEST read first=101 "

# The content oracle: copies of files g1 and g2 hold, registered by a
# guest that never read them. Inside their group (g3) they merge; from
# another group (g4) nothing does, so nothing is learnt.
step oracle
files=$(for f in $LIAR_FILES; do printf '%s ' "$gconv/$f"; done)
for g in g3 g4; do
	guest_command "$g" "run oracle $files" "hostile run-done sub=oracle "
done

# g4 reads everything in a group of its own, while its blkfront scribbles
# random bytes over its hint area before every request (its hints lie).
step other-group
guest_command g4 "knob satori_hints_scribble 1" "SATORI-GUEST knob "
guest_command g4 "read 1 200" "SATORI-GUEST read first=1 "
guest_command g4 "knob satori_hints_scribble 0" "SATORI-GUEST knob "
result g4_shared "$(satori_stat 'dom("g4")["shared"]')"
result g4_registered "$(satori_stat 'dom("g4")["registered"]')"

# g3's disk: blkback refused its bad hint grants and serves it plainly.
step bad-refs
id=$(xl domid g3) || fail "no domain g3"
result g3_hints_active "$(xenstore-read /local/domain/0/backend/vbd/$id/51712/satori-hints-active 2>/dev/null || echo none)"
result g3_nr_refs "$(xenstore-read /local/domain/$id/device/vbd/51712/satori-hint-nr-refs 2>/dev/null || echo none)"
guest_command g3 "read 1 200" "SATORI-GUEST read first=1 "

# A file page already shared with g1 and g2 made the client of a share.
step crossshare
attack crossshare "$gconv/BIG5HKSCS.so"

# A frame shared by 16384 of g3's gfns made the client of a share.
step pile
attack pile 16384

# Self-merged pairs, then populate beyond the allocation.
step selfmerge
attack selfmerge 1024

# Free-page reporting abused: its own pages reported twice, bad batches,
# then both vCPUs writing the reported pages at once.
step report
attack report 4096

# dom0's side of the race, until /tmp/churn-stop appears: it asks the
# guests to repay, moves a new domain between groups (and g4, which
# registered, must stay), scans every guest's memory, and creates and
# destroys a small domain, round after round.
churn() {
	local i=0 ok=0
	: >"$OUT/churn.log"
	cat >/tmp/churn.cfg <<-CFG
		name = "churn"
		type = "pvh"
		kernel = "/host/img/vmlinux"
		memory = 32
		vcpus = 1
		cpus = "0"
	CFG
	# shellcheck disable=SC2046 # domain ids, one word each
	( timeout 600 /usr/sbin/satori-scan $(for g in g1 g2 g3 g4; do xl domid $g; done) \
		>"$OUT/churn-scan.log" 2>&1 ) &
	while [ ! -e /tmp/churn-stop ]; do
		/usr/sbin/satori-ctl repay 16 >/dev/null 2>&1
		/usr/sbin/satori-ctl group g4 $((i % 2 + 3)) >/dev/null 2>&1 &&
			echo "LAB churn: g4 changed group" >>"$OUT/churn.log"
		if timeout 120 xl create -p /tmp/churn.cfg >/dev/null 2>&1; then
			/usr/sbin/satori-ctl group churn $((i % 3)) >/dev/null 2>&1 &&
				/usr/sbin/satori-ctl group churn alone >/dev/null 2>&1 &&
				ok=$((ok + 1))
			xl destroy churn
			wait_gone churn 60
		fi
		i=$((i + 1))
		sleep 5 # a domain build is dom0's heaviest work: leave g3 the CPU
	done
	wait
	echo "rounds=$i group_changes=$ok" >"$OUT/churn.txt"
}

# 10^6 hypercalls while the honest guests keep checking their files and
# dom0 churns.
step fuzz
n=$(grep -c "hostile run-done sub=fuzz " "$(console_log g3)")
rm -f /tmp/churn-stop
churn &
churn_pid=$!
guest_send g3 "run fuzz ${FUZZ_CALLS:-1000000} 7 $gconv/BIG5HKSCS.so $gconv/GBK.so"
end=$(deadline 2400)
checks=0
while [ "$(grep -c "hostile run-done sub=fuzz " "$(console_log g3)")" -le "$n" ]; do
	past "$end" && fail "the fuzzer did not finish in 2400 s"
	xl domid g3 >/dev/null 2>&1 || fail "g3 died during the fuzz"
	for g in g1 g2; do
		guest_command "$g" check "SATORI-GUEST check "
	done
	checks=$((checks + 1))
	# What g3 printed so far survives a host crash (dom0's files do not).
	cp "$(console_log g3)" "$OUT/g3-console-live.log"
	echo "LAB uptime=$(uptime_s) $(grep "SATORI-ATTACK fuzz progress" "$(console_log g3)" | tail -1)"
	# A pause between rounds: g3's two vCPUs share the host's cores with
	# the checkers, and the fuzz is what this step is for.
	sleep 8
done
result fuzz_concurrent_checks "$checks"
result fuzz_host_up "$(xl list >/dev/null 2>&1 && xl domid g3 >/dev/null 2>&1 && echo 1 || echo 0)"
touch /tmp/churn-stop
wait $churn_pid
result churn_rounds "$(sed -n 's/.*rounds=\([0-9]*\).*/\1/p' "$OUT/churn.txt")"
result churn_group_changes "$(sed -n 's/.*group_changes=\([0-9]*\).*/\1/p' "$OUT/churn.txt")"
result churn_g4_moved "$(grep -c 'g4 changed group' "$OUT/churn.log" 2>/dev/null)"
result churn_scanned "$(grep -c '^satori-scan: domains=4 ' "$OUT/churn-scan.log")"
xen_holds | tee "$OUT/holds-fuzz.txt"

# g3 hoards: 40000 pairs of its own pages merged (an entitlement
# of as many frames) and as many volatile frames as Xen lends it, over
# 128 MiB, kept by a child process. dom0 takes half of them by force at
# once, then destroys g3 holding the rest: Xen must do both in bounded
# steps ('W' key: the longest hold, the most frames one hold moved).
# Meanwhile g4, alone in its group with an entitlement of its own, puts
# volatile frames round after round and watches what it sees (fresh
# frames, requests, forced takes): none of g3's doings may show there,
# not even g3 putting new keys as fast as it can while g4 flushes (with
# one pool for the host, g3 took the frames g4 had just let go).
step hoard
guest_command g3 check "SATORI-GUEST check "
# (its pages stay 600 s, so that the pool step below gets other memory)
guest_send g4 "bg watch 4000 3600 600"
wait_console g4 "SATORI-ATTACK watch ready" 300 || fail "g4's watch did not start"
guest_command g3 "run hoard 40000 900" "hostile run-done sub=hoard " 900
# g3 puts new keys without a pause for 20 s: it takes any frame it may get.
attack putloop 20
cp "$(console_log g3)" "$OUT/g3-console-live.log"
held=$(satori_stat 'dom("g3")["volatile_bytes"] // 4096')
result hoard_held "$held"
line=$(/usr/sbin/satori-ctl take $((held / 2)) g3) || fail "satori-ctl take failed: $line"
echo "LAB hoard: $line"
result hoard_left "$(satori_stat 'dom("g3")["volatile_bytes"] // 4096')"
xl destroy g3 || fail "xl destroy g3 failed"
wait_gone g3 120 || fail "g3 did not go"
xen_holds | tee "$OUT/holds.txt"
# Two more rounds of g4's watch with g3 gone, then it stops.
sleep 3
result watch_spanned "$(grep -c 'SATORI-ATTACK watch pairs=' "$(console_log g4)")"
guest_command g4 stop "hostile run-done sub=watch " 120
for k in rounds changes held entitled requests forced; do
	result "watch_$k" "$(sed -n "s/.*SATORI-ATTACK watch pairs=.* $k=\([0-9]*\).*/\1/p" "$(console_log g4)" | tail -1)"
done
# The domain's repayment requests since it was created, as the watch began.
result watch_requests_ready "$(sed -n 's/.*SATORI-ATTACK watch ready .* requests=\([0-9]*\).*/\1/p' "$(console_log g4)" | tail -1)"

# Last for g4 (its p2m cannot grow afterwards), whose memory is mostly
# still mapped by superpages: an empty paging pool, then nominations that
# must split superpages.
step pool
guest_command g4 "run pool 2048" "hostile run-done sub=pool " 600


# consistent: the guests paused, so the counters hold still.
step consistent
for g in g1 g2 g4; do xl pause "$g" || fail "cannot pause $g"; done
result frames_unaccounted "$(satori_stat 'host["shared_frames"] + host["saved_frames"] - sum(d["shared"] for d in top["domains"])')"
result index_unowned "$(satori_stat 'host["index_entries"] - sum(d["indexed"] for d in top["domains"])')"
/usr/sbin/satori-top -b -n 1 | tee "$OUT/top.txt"
/usr/sbin/satori-top -b --json -n 1 >"$OUT/top.json"
for g in g1 g2 g4; do xl unpause "$g" || fail "cannot unpause $g"; done
audit_sharing after_attacks

step final-checks
for g in g1 g2 g4; do
	guest_command "$g" check "SATORI-GUEST check "
done
for g in g1 g2 g4; do
	guest_command "$g" "done" "SATORI-GUEST hostile finished"
done

step guests-shutdown
shutdown_guests g1 g2 g4
losetup -d "$wl"
