# scenario: satori=off: nothing shared, memory sharing refused on NPT
# Scenario: with Satori off, Xen keeps stock behaviour. Two guests run the
# same workload as with Satori on (read the same files): nothing is
# registered or shared; and memory sharing cannot be enabled for PVH guests
# on AMD NPT (share-pairs must be refused).
. /host/scenarios/boot.sh

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step guests-create
create_guest g1 /dev/vda "$wl"
create_guest g2 /dev/vdb "$wl"
step guests-run
for g in g1 g2; do
	wait_console "$g" "SATORI-GUEST done" "$LAB_GUEST_TIMEOUT" ||
		fail "guest $g did not finish its workload in $LAB_GUEST_TIMEOUT s"
done
result sharing_freed_memory "$(xl info | sed -n 's/^sharing_freed_memory *: *//p')"

step sharing-refused
/host/bin/share-pairs "$(xl domid g1)" "$(xl domid g2)" 10 >"$OUT/share.log" 2>&1
result share_refused_rc $?
cat "$OUT/share.log"

# The metrics service's file (satori-top --textfile) with Satori off: still
# written, saying so (satori_up 0), so no stale file stays behind.
step metrics-off
/usr/sbin/satori-top --textfile "$OUT/off.prom" -i 1 2>"$OUT/off-prom.err"
result top_textfile_rc $?

step guests-shutdown
shutdown_guests g1 g2
losetup -d "$wl"
