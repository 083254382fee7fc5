# Scenario: the host, then LAB_GUESTS PVH guests created one after another,
# each with its own copy of the Debian disk (dom0's /dev/vdX, served by
# blkback) and the runner's workload; waits until every guest has run it and
# powered off.
. /host/scenarios/boot.sh

step workload-device
wl=$(workload_device /host/workload.tar)

disks=(/dev/vda /dev/vdb /dev/vdc /dev/vdd /dev/vde /dev/vdf /dev/vdg /dev/vdh)
step guests-create
t0=$(uptime_s)
for i in $(seq 1 "$LAB_GUESTS"); do
	[ -b "${disks[$((i - 1))]}" ] || fail "no disk ${disks[$((i - 1))]} for guest g$i"
	create_guest "g$i" "${disks[$((i - 1))]}" "$wl"
done
result guests_up_s "$(since "$t0")"
xl list

step guests-run
for i in $(seq 1 "$LAB_GUESTS"); do
	wait_console "g$i" "SATORI-GUEST done" "$LAB_GUEST_TIMEOUT" ||
		fail "guest g$i did not finish its workload in $LAB_GUEST_TIMEOUT s"
	echo "LAB guest g$i finished"
done
result guests_done_s "$(since "$t0")"

step guests-gone
for i in $(seq 1 "$LAB_GUESTS"); do
	wait_gone "g$i" 60 || { xl destroy "g$i"; fail "guest g$i did not power off"; }
done
losetup -d "$wl"
