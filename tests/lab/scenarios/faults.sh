# scenario: failing allocations (satori_fail_alloc=) while guests share
# Scenario: Satori on a host whose memory runs out, as an overcommitted
# host's does. Xen boots with satori_fail_alloc= (every Nth allocation on
# Satori's and memory sharing's paths fails, as if the heap were empty).
# g1 and g2 (honest) share files and keep volatile frames; g3 (hostile:
# its root issues any hypercall, two vCPUs) fuzzes every Satori sub-op.
# Then a hog takes the free heap down to about a MiB while g1 and g2 read
# new shared data and put volatile frames and g3's fuzzer merges and
# breaks its own pages (its entitlement up and down); mem-watch samples
# every guest's memory against max_pages + entitlement all the while.
# Before that, g1 takes back the free memory it reported with the heap dry.
# Every file is checked against its sum; Xen's audit runs at the end.
. /host/scenarios/boot.sh
. /host/scenarios/ledger.sh

GUESTS="g1 g2 g3"
# g1 gives its free memory to Xen and takes it back while the heap is dry
# (fill step): small enough that g2's volatile frames can cover it.
MEM_g1=128

# fuzz_start CALLS SEED: g3's fuzzer runs in the background of dom0's steps.
fuzz_start() {
	fuzz_seen=$(grep -c "SATORI-GUEST run-done sub=fuzz " "$(console_log g3)")
	guest_send g3 "run fuzz $1 $2"
}

# fuzz_wait: until the fuzzer started last is done (g3 must stay alive).
fuzz_wait() {
	local end
	end=$(deadline 1200)
	while [ "$(grep -c "SATORI-GUEST run-done sub=fuzz " "$(console_log g3)")" -le "$fuzz_seen" ]; do
		past "$end" && fail "the fuzzer did not finish in 1200 s"
		xl domid g3 >/dev/null 2>&1 || fail "g3 died during the fuzz"
		cp "$(console_log g3)" "$OUT/g3-console-live.log"
		sleep 2
	done
}

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step guests-create
start_guest g1 /dev/vda "$wl"
start_guest g2 /dev/vdb "$wl"
start_guest g3 /dev/vdc "$wl" 'extra="console=hvc0 quiet xen_privcmd.unrestricted=1 satori.free_page_reporting=0"' \
	'vcpus=2' 'cpus=["2","3"]'
for g in $GUESTS; do
	await_guest "$g"
done
for g in $GUESTS; do
	wait_console "$g" "SATORI-GUEST agent ready" 300 || fail "guest $g did not get ready"
done

# Sharing and volatile frames with allocations failing under them.
step share
for g in $GUESTS; do
	guest_command "$g" "read 1 60" "SATORI-GUEST read first=1 "
done
ledger shared
for g in g1 g2; do
	guest_command "$g" "evictfiles 1 60" "SATORI-GUEST evictfiles first=1 "
	guest_command "$g" "probe 1 60" "SATORI-GUEST probe first=1 "
	result "probe_${g}_restored" "$(guest_log_field "$g" probe restored_now)"
	result "probe_${g}_wrong" "$(guest_log_field "$g" probe wrong)"
done

# g1 and g2 report their free memory (the heap is not dry yet: a report
# needs Xen to allocate, and on a dry heap it is skipped). g2 reads a
# private file back and evicts it: up to its limit (earned by its own
# reported pages) it goes to volatile frames. A hog takes the free heap;
# then g1 fills most of its memory: each write to a reported page is a
# copy-on-write break off the zero frame (a refault), and with the heap
# dry it takes one of g2's volatile frames (their keys then miss). How
# many of g1's reports were made depends on which allocations failed, and
# how many of them the fill writes again on where the kernel's allocator
# takes pages from (366 of 915 once, all of them other times), so dom0's
# balloon then sets the free heap to FILL_FREE frames, or to as many more
# as g1's pages on shared frames exceed what the guests lend: the fill's
# first breaks take the free heap, the rest volatile frames. Its pages on
# shared frames, not only on the zero frame: the fill makes the kernel
# reuse page-cache pages, and a shared one written breaks too (a run of
# 2026-12-07 covered only the zero pages and g1 died: "ENOMEM and no
# helper"). If the volatile frames and the free heap could still not
# cover them, g1 does not fill (a break with no frame anywhere crashes
# its domain, as on any Xen): the check of that cover fails instead.
FILL_FREE=128
step fill
reports_settle
guest_command g2 "private 48" "SATORI-GUEST private "
guest_command g2 evict "SATORI-GUEST evict "
guest_command g1 counts "SATORI-GUEST counts " || fail "g1 did not count"
kernel=$(guest_log_field g1 counts stable_sent)
[ -n "$kernel" ] || fail "g1 did not say how many kernel pages it registered"
lent=$(satori_stat 'host["lent_frames"]')
zero=$(satori_stat 'dom("g1")["zero"]')
# The kernel's text and read-only data are shared too, but nothing writes
# them: at most the rest of g1's shared pages can break.
shared=$(($(satori_stat 'dom("g1")["shared"]') - kernel))
[ "$shared" -ge 0 ] || shared=0
result fill_lent_before "$lent"
result fill_g1_zero_before "$zero"
result fill_g1_kernel_before "$kernel"
result fill_g1_shared_before "$shared"
dom0_balloon_by -8192 # room to take frames back from the heap below
hog_down
result fill_hog_free_frames "$(satori_stat 'host["free_frames"]')"
heap_set_free $((FILL_FREE + (shared > lent ? shared - lent : 0)))
free=$(satori_stat 'host["free_frames"]')
result fill_free_frames "$free"
zero_breaks0=$(satori_stat 'host["zero_breaks"]')
breaks0=$(satori_stat 'dom("g1")["cow_breaks"]')
if [ $((lent + free)) -ge "$shared" ]; then
	guest_command g1 "fill 85" "SATORI-GUEST fill " 900
fi
result fill_zero_breaks "$(($(satori_stat 'host["zero_breaks"]') - zero_breaks0))"
result fill_g1_breaks "$(minus "$(satori_stat 'dom("g1")["cow_breaks"]')" "$breaks0")"
result fill_lent_after "$(satori_stat 'host["lent_frames"]')"
result fill_g1_up "$(xl domid g1 >/dev/null 2>&1 && echo 1 || echo 0)"
for k in pages wrong; do
	result "fill_$k" "$(guest_log_field g1 fill "$k")"
done
xl destroy hog
wait_gone hog 60 || fail "the hog did not go"
guest_command g2 verify "SATORI-GUEST verify "
result fill_g2_wrong "$(guest_log_field g2 verify wrong)"

# The heap runs dry while everything goes on at once.
step dry-heap
rm -f /tmp/watch-stop
/host/bin/mem-watch 1200 /tmp/watch-stop >"$OUT/mem-watch.log" 2>&1 &
watch_pid=$!
hog_down
result dry_free_frames "$(satori_stat 'host["free_frames"]')"
fuzz_start "${FUZZ_CALLS:-100000}" 11
for g in g1 g2; do
	guest_command "$g" "read 61 120" "SATORI-GUEST read first=61 "
	guest_command "$g" "evictfiles 61 120" "SATORI-GUEST evictfiles first=61 "
	guest_command "$g" verify "SATORI-GUEST verify "
	result "dry_${g}_wrong" "$(guest_log_field "$g" verify wrong)"
done
fuzz_wait
result dry_free_frames_min "$(satori_stat 'host["free_frames"]')"
xl destroy hog
wait_gone hog 60 || fail "the hog did not go"
touch /tmp/watch-stop
wait $watch_pid
cat "$OUT/mem-watch.log"
result watch_line "$(tail -1 "$OUT/mem-watch.log")"

step consistent
ledger dried
for g in $GUESTS; do xl pause "$g" || fail "cannot pause $g"; done
result frames_unaccounted "$(satori_stat 'host["shared_frames"] + host["saved_frames"] - sum(d["shared"] for d in top["domains"])')"
/usr/sbin/satori-top -b -n 1 | tee "$OUT/top.txt"
/usr/sbin/satori-top -b --json -n 1 >"$OUT/top.json"
for g in $GUESTS; do xl unpause "$g" || fail "cannot unpause $g"; done
xen_holds | tee "$OUT/holds.txt"
audit_sharing after_faults

step final-checks
for g in $GUESTS; do
	guest_command "$g" verify "SATORI-GUEST verify "
	result "final_${g}_wrong" "$(guest_log_field "$g" verify wrong)"
done
for g in $GUESTS; do
	guest_command "$g" "done" "SATORI-GUEST agent finished"
done

step guests-shutdown
shutdown_guests $GUESTS
losetup -d "$wl"
