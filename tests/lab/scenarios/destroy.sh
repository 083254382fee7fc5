# scenario: a guest destroyed while it shares; the host stays consistent
# Scenario: a guest destroyed in the middle of sharing. Three guests read
# the same files; while g3 is reading (and registering), dom0 destroys it.
# The host must stay consistent: the memory-sharing audit is clean, every
# shared frame is accounted to live guests' pages, Satori's index holds no
# entry of the dead guest, and the other guests finish normally.
. /host/scenarios/boot.sh

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step guests-create
create_guest g1 /dev/vda "$wl"
create_guest g2 /dev/vdb "$wl"
create_guest g3 /dev/vdc "$wl"

step destroy-mid-sharing
end=$(deadline 600)
until [ "$(satori_stat 'dom("g3")["registered"]' 2>/dev/null || echo 0)" -ge 2000 ]; do
	past "$end" && fail "g3 did not register 2000 pages in 600 s"
	grep -q 'SATORI-GUEST sharing' "$(console_log g3)" && fail "g3 finished reading before it could be destroyed"
	sleep 1
done
result destroyed_at_registered "$(satori_stat 'dom("g3")["registered"]')"
xl destroy g3 || fail "xl destroy g3 failed"
wait_gone g3 60 || fail "g3 still there 60 s after xl destroy"
audit_sharing after_destroy

# consistent NAME: the live guests paused, so the counters hold still.
consistent() {
	xl pause g1 && xl pause g2 || fail "cannot pause the guests"
	result "frames_unaccounted_$1" "$(satori_stat 'host["shared_frames"] + host["saved_frames"] - sum(d["shared"] for d in top["domains"])')"
	result "index_unowned_$1" "$(satori_stat 'host["index_entries"] - sum(d["indexed"] for d in top["domains"])')"
	result "dead_guest_listed_$1" "$(satori_stat 'sum(1 for d in top["domains"] if d["name"] == "g3")')"
	/host/bin/satori-top -b -n 1 | tee "$OUT/top-$1.txt"
	xl unpause g1 && xl unpause g2 || fail "cannot unpause the guests"
}
consistent after_destroy

step guests-run
for g in g1 g2; do
	wait_console "$g" "SATORI-GUEST done" "$LAB_GUEST_TIMEOUT" ||
		fail "guest $g did not finish its workload after g3 was destroyed"
done
consistent at_end

step guests-shutdown
shutdown_guests g1 g2
losetup -d "$wl"
