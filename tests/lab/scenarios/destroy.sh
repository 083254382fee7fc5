# scenario: sharers destroyed, the index's main owner too; the host stays consistent and keeps the shared content indexed
# Scenario: a guest destroyed in the middle of sharing. Three guests read
# the same files; while g3 is reading (and registering), dom0 destroys it.
# The host must stay consistent: the memory-sharing audit is clean, every
# shared frame is accounted to live guests' pages, Satori's index holds no
# entry of the dead guest, and the other guests finish normally.
# Then the owner dies: g1, which read first and owns most of the index's
# entries, is destroyed while g2 shares nearly all of their content. Xen
# hands each such entry over to g2's page of the frame (it drops only those
# no live guest shares), so g4, started afterwards on a fresh copy of the
# same disk, merges what it reads with g2's pages. The lab runs it with 4
# guests (g4 gets the 4th disk and pCPU); at most three are up at once.
. /host/scenarios/boot.sh

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step guests-create
# Free-page reporting is not what this boot is about, and costs time.
REPORTS_g1=0 REPORTS_g2=0 REPORTS_g3=0 REPORTS_g4=0
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

# consistent NAME G...: the live guests G paused, so the counters hold still.
consistent() {
	local when=$1 g
	shift
	for g in "$@"; do xl pause "$g" || fail "cannot pause $g"; done
	result "frames_unaccounted_$when" "$(satori_stat 'host["shared_frames"] + host["saved_frames"] - sum(d["shared"] for d in top["domains"])')"
	result "index_unowned_$when" "$(satori_stat 'host["index_entries"] - sum(d["indexed"] for d in top["domains"])')"
	result "dead_guest_listed_$when" "$(satori_stat 'sum(1 for d in top["domains"] if d["name"] == "g3")')"
	/usr/sbin/satori-top -b -n 1 | tee "$OUT/top-$when.txt"
	for g in "$@"; do xl unpause "$g" || fail "cannot unpause $g"; done
}
consistent after_destroy g1 g2

step guests-run
for g in g1 g2; do
	wait_console "$g" "SATORI-GUEST done" "$LAB_GUEST_TIMEOUT" ||
		fail "guest $g did not finish its workload after g3 was destroyed"
done
consistent at_end g1 g2

# top_snapshot NAME: satori-top's JSON now, kept as out/top-NAME.json;
# snapshot_stat NAME EXPR: a figure of it (EXPR as in top-stat.py). The
# figures of one moment come from one snapshot.
top_snapshot() {
	/usr/sbin/satori-top -b --json -n 1 >"$OUT/top-$1.json" || fail "satori-top failed ($1)"
}
snapshot_stat() { python3 /host/lib/top-stat.py "$2" "$OUT/top-$1.json"; }

# percent PART WHOLE: PART as a whole percentage of WHOLE; nothing when
# either is missing or WHOLE is 0 (the check of it then fails).
percent() {
	[[ $1 =~ ^[0-9]+$ && $2 =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ] && echo $(($1 * 100 / $2))
}

# g1 read first, so it owns most of the index; g2 read the same files and
# merged into g1's pages. Both paused from before g1's death to after it:
# nothing but the death moves the index's counters.
step owner-destroy
xl pause g1 && xl pause g2 || fail "cannot pause the guests"
top_snapshot before_g1_death
result index_entries_before_death "$(snapshot_stat before_g1_death 'host["index_entries"]')"
result g1_indexed_before_death "$(snapshot_stat before_g1_death 'dom("g1")["indexed"]')"
g2_indexed_before=$(snapshot_stat before_g1_death 'dom("g2")["indexed"]')
result g2_indexed_before_death "$g2_indexed_before"
handovers_before=$(snapshot_stat before_g1_death 'host["index_handovers"]')
dropped_before=$(snapshot_stat before_g1_death 'host["index_dropped"]')
xl destroy g1 || fail "xl destroy g1 failed"
wait_gone g1 60 || fail "g1 still there 60 s after xl destroy"
# Xen may finish a death's index work after the domain is gone (in bounded
# steps): wait until no entry is left without a live owner, 60 s at most
# (the check of index_unowned_after_g1_death says if it never was).
end=$(deadline 60)
until [ "$(satori_stat 'host["index_entries"] - sum(d["indexed"] for d in doms)')" = 0 ]; do
	past "$end" && break
	sleep 1
done
top_snapshot after_g1_death
result index_entries_after_death "$(snapshot_stat after_g1_death 'host["index_entries"]')"
result index_unowned_after_g1_death "$(snapshot_stat after_g1_death 'host["index_entries"] - sum(d["indexed"] for d in doms)')"
result g1_listed_after_death "$(snapshot_stat after_g1_death 'sum(1 for d in doms if d["name"] == "g1")')"
result frames_unaccounted_after_g1_death "$(snapshot_stat after_g1_death 'host["shared_frames"] + host["saved_frames"] - sum(d["shared"] for d in doms)')"
result index_handovers_at_death "$(minus "$(snapshot_stat after_g1_death 'host["index_handovers"]')" "$handovers_before")"
result index_dropped_at_death "$(minus "$(snapshot_stat after_g1_death 'host["index_dropped"]')" "$dropped_before")"
result g2_indexed_gain_at_death "$(minus "$(snapshot_stat after_g1_death 'dom("g2")["indexed"]')" "$g2_indexed_before")"
/usr/sbin/satori-top -b -n 1 | tee "$OUT/top-after_g1_death.txt"
audit_sharing after_g1_death
xl unpause g2 || fail "cannot unpause g2"

# A new reader of the same files: g4, on its own copy of the disk g1 read.
step reader-after-death
create_guest g4 /dev/vdd "$wl"
wait_console g4 "SATORI-GUEST done" "$LAB_GUEST_TIMEOUT" ||
	fail "guest g4 did not finish its workload after g1 was destroyed"
g4_registered=$(guest_log_field g4 sharing registered)
g4_merged=$(guest_log_field g4 sharing shared)
result g4_registered "$g4_registered"
result g4_merged "$g4_merged"
result g4_merged_pct "$(percent "$g4_merged" "$g4_registered")"
consistent after_reader g2 g4

step guests-shutdown
shutdown_guests g2 g4
losetup -d "$wl"
