# scenario: the default: guests read the same files, Satori shares them
# Scenario: the host, then LAB_GUESTS PVH guests created one after another,
# each with its own copy of the Debian disk (dom0's /dev/vdX, served by
# blkback) and the runner's workload; waits until every guest has run it,
# then shuts them all down.
. /host/scenarios/boot.sh

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

disks=(/dev/vda /dev/vdb /dev/vdc /dev/vdd /dev/vde /dev/vdf /dev/vdg /dev/vdh)
step guests-create
t_create=$(uptime_s)
for i in $(seq 1 "$LAB_GUESTS"); do
	[ -b "${disks[$((i - 1))]}" ] || fail "no disk ${disks[$((i - 1))]} for guest g$i"
	create_guest "g$i" "${disks[$((i - 1))]}" "$wl"
done
result guests_up_s "$(since "$t_create")"
xl list

# dom0 must stay sane while guests run: fork and check answers meanwhile.
LAB_FORKS=100 . /host/scenarios/forkstress.sh

step guests-run
for i in $(seq 1 "$LAB_GUESTS"); do
	wait_console "g$i" "SATORI-GUEST done" "$LAB_GUEST_TIMEOUT" ||
		fail "guest g$i did not finish its workload in $LAB_GUEST_TIMEOUT s"
	echo "LAB guest g$i finished"
done
result guests_done_s "$(since "$t_create")"

# What Satori shared, as the hypervisor counts it (satori-top, batch).
step satori-top
if grep -q '^on' /sys/kernel/mm/satori/status; then
	timeout 60 /usr/sbin/satori-top -b --json -n 2 -d 1 >"$OUT/top.json" 2>"$OUT/top.err" ||
		fail "satori-top failed: $(cat "$OUT/top.err")"
	timeout 60 /usr/sbin/satori-top -b -n 1 >"$OUT/top.txt" 2>&1 || fail "satori-top -b failed"
	cat "$OUT/top.txt"
	. /host/scenarios/top-screen.sh
	xen_stage_times | tee "$OUT/stages.txt"
fi

# Free-page reporting: the guests are idle now; their reports settle
# before the scan counts the zero pages (reports_settle).
step reports
reports_settle

# The measuring stick: what sharing could save at best, scanned from dom0;
# the guests' disk (all guests have a copy of the same image) tells which
# pages hold file data.
step scan
scan_guests "${disks[0]}" $(for i in $(seq 1 "$LAB_GUESTS"); do xl domid "g$i"; done)

# A scenario built on this one (demo.sh) does more while the guests live.
if type guests_extra >/dev/null 2>&1; then
	guests_extra
fi

step guests-shutdown
shutdown_guests $(seq -f 'g%g' 1 "$LAB_GUESTS")
losetup -d "$wl"
