# Scenario for `make bench`: LAB_GUESTS guests read the same files, Satori
# shares them as they arrive; dom0 reads the hypervisor's counters
# (satori-top) and the maximum possible sharing (satori-scan, file pages
# told apart by the guests' disk); then g1 measures sequential reads with
# hints on and off.
. /host/scenarios/boot.sh

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

disks=(/dev/vda /dev/vdb /dev/vdc /dev/vdd /dev/vde /dev/vdf /dev/vdg /dev/vdh)
step guests-create
for i in $(seq 1 "$LAB_GUESTS"); do
	create_guest "g$i" "${disks[$((i - 1))]}" "$wl"
done
step guests-read
for i in $(seq 1 "$LAB_GUESTS"); do
	wait_console "g$i" "SATORI-GUEST bench ready" "$LAB_GUEST_TIMEOUT" ||
		fail "guest g$i did not finish reading in $LAB_GUEST_TIMEOUT s"
done

step satori-top
timeout 60 /host/bin/satori-top -b --json -n 1 >"$OUT/top.json" 2>"$OUT/top.err" ||
	fail "satori-top failed: $(cat "$OUT/top.err")"
timeout 60 /host/bin/satori-top -b -n 1 | tee "$OUT/top.txt"

step scan
scan_guests /dev/vda $(for i in $(seq 1 "$LAB_GUESTS"); do xl domid "g$i"; done)

step seqread
guest_command g1 "seqread ${LAB_SEQREAD_MB:-256}" "SATORI-GUEST seqread done" 900
for i in $(seq 1 "$LAB_GUESTS"); do
	guest_command "g$i" "done" "SATORI-GUEST done" 60
done

step guests-shutdown
shutdown_guests $(seq -f 'g%g' 1 "$LAB_GUESTS")
losetup -d "$wl"
