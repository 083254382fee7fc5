# Scenario: with Satori off, Xen keeps stock behaviour: memory sharing
# cannot be enabled for PVH guests on AMD NPT. Two guests are created
# paused (they need not boot) and share-pairs must be refused.
. /host/scenarios/boot.sh

step sharing-refused
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"
guest_cfg g1 /dev/vda "$wl"
guest_cfg g2 /dev/vdb "$wl"
for g in g1 g2; do
	timeout 120 xl create -p "/tmp/$g.cfg" || fail "xl create -p $g failed"
done
/host/bin/share-pairs "$(xl domid g1)" "$(xl domid g2)" 10 >"$OUT/share.log" 2>&1
result share_refused_rc $?
cat "$OUT/share.log"
xl destroy g1
xl destroy g2
losetup -d "$wl"
