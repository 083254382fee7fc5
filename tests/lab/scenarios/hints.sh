# scenario: block hints per device: on, off in blkback, off in blkfront; the packaged kernel
# Scenario: Satori's block hints (blkback hashes, blkfront passes them on),
# negotiated per device. Three guests read the same files (workload "hints"):
#   g1  its backend was probed with xen_blkback.satori_hints=0
#   g2  both sides on (the default)
#   g3  booted with xen_blkfront.satori_hints=0, on another build of the
#       project's kernel (KERNEL_g3=alt: its kernel pages share with none)
#   g4  both sides on, on the packaged kernel (KERNEL_g4=package: Debian's
#       cloud configuration with Satori, as an operator installs it), with
#       a network device (dom0 pings it)
# Records what xenstore shows was negotiated, then times sequential reads in
# g2 with hints on and off (and in g1, stock blkif) while the others idle.
. /host/scenarios/boot.sh

bb=/sys/module/xen_blkback/parameters/satori_hints
step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"
result blkback_param_default "$(cat $bb)"

# blkback reads its parameter when xl create probes the disk, before
# start_guest returns: the three boot together.
step guest-backend-off
echo 0 >$bb || fail "cannot write $bb"
# Free-page reporting is not what this boot is about, and costs time.
REPORTS_g1=0 REPORTS_g2=0 REPORTS_g4=0
# g3 runs another build of the kernel: the guests of one build share their
# kernel pages, the other build's share none of them.
KERNEL_g3=alt
KERNEL_g4=package
start_guest g1 /dev/vda "$wl"
echo 1 >$bb || fail "cannot write $bb"
step guest-hints-on
start_guest g2 /dev/vdb "$wl"
start_guest g4 /dev/vdd "$wl"
step guest-frontend-off
start_guest g3 /dev/vdc "$wl" 'extra="console=hvc0 quiet xen_blkfront.satori_hints=0 satori.free_page_reporting=0"'
for g in g1 g2 g3 g4; do
	await_guest "$g"
done

# What was negotiated for each guest's disk (xvda = 51712): the backend's
# offer and whether it mapped an area, the frontend's area.
step xenstore
for g in g1 g2 g3 g4; do
	id=$(xl domid $g) || fail "no domain $g"
	be=/local/domain/0/backend/vbd/$id/51712
	fe=/local/domain/$id/device/vbd/51712
	result "xs_${g}_feature" "$(xenstore-read $be/feature-satori-hints 2>/dev/null || echo none)"
	result "xs_${g}_active" "$(xenstore-read $be/satori-hints-active 2>/dev/null || echo none)"
	result "xs_${g}_nr_refs" "$(xenstore-read $fe/satori-hint-nr-refs 2>/dev/null || echo none)"
	{
		echo "== $g (domain $id)"
		xenstore-ls -f $be | grep -E 'satori|ring-ref|feature-persistent'
		xenstore-ls -f $fe | grep -E 'satori|ring-ref|feature-persistent'
	} >>"$OUT/xenstore-hints.log" 2>&1
done
cat "$OUT/xenstore-hints.log"

step guests-read
for g in g1 g2 g3 g4; do
	wait_console $g "SATORI-GUEST hintread" "$LAB_GUEST_TIMEOUT" ||
		fail "guest $g did not finish reading in $LAB_GUEST_TIMEOUT s"
	echo "LAB $(grep 'SATORI-GUEST hintread' "$(console_log $g)" | tr -d '\r')"
done
# Xen's view of what the packaged kernel's guest shares: its pages backed
# by a shared frame, read before any guest reads again, once its count
# holds still (registrations reach Xen in batches; at most 30 s).
dl=$(deadline 30)
last=-1
while now=$(satori_stat 'dom("g4")["shared"]') && [ "$now" != "$last" ] && ! past "$dl"; do
	last=$now
	sleep 2
done
for g in g2 g4; do
	result "${g}_shared" "$(satori_stat "dom(\"$g\")[\"shared\"]")"
done

# g4's network device from dom0's side: the vif's hotplug script (Debian's
# vif-route) said it connected, the route to g4 goes through the vif, and
# dom0 reaches g4 (three pings: net_g4_dom0_ping_replies).
step network
id=$(xl domid g4) || fail "no domain g4"
result net_g4_hotplug "$(xenstore-read /local/domain/0/backend/vif/$id/0/hotplug-status 2>/dev/null || echo none)"
result net_g4_route_dev "$(ip -o route get "$(guest_ip g4)" | sed -n 's/.* dev \([^ ]*\).*/\1/p')"
result net_g4_vif "vif$id.0"
result net_g4_dom0_ping_replies "$(busybox ping -c 3 -w 30 "$(guest_ip g4)" 2>&1 |
	sed -n 's/.* \([0-9]*\) packets received.*/\1/p')"
ip -o addr show >"$OUT/network.log" 2>&1
ip route show >>"$OUT/network.log" 2>&1

# dom0's busy CPU time in USER_HZ ticks (user, nice, system, irq, softirq):
# blkback's hashing runs in dom0.
dom0_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
# bench NAME G MB: time guest G's sequential read of MB MiB; records
# bench_NAME_{seconds,hints,param,guest,dom0_ticks}.
bench() {
	local line k c0
	c0=$(dom0_busy)
	guest_command "$2" "bench $3" "SATORI-GUEST hintbench mb=$3 .*param=[YN]"
	result "bench_$1_dom0_ticks" $(($(dom0_busy) - c0))
	line=$(grep 'SATORI-GUEST hintbench' "$(console_log "$2")" | tr -d '\r' | tail -1)
	echo "LAB bench $1 $2: $line"
	for k in seconds hints param; do
		result "bench_$1_$k" "$(echo "$line" | tr ' ' '\n' | sed -n "s/^$k=//p")"
	done
	result "bench_$1_guest" "$2"
}
# hints_off: g2's next read runs with hints off (the run-time parameter: the
# frontend clears the area's ENABLED flag, so dom0 skips hashing); hints_on:
# back on.
hints_off() { guest_command g2 "hints 0" "hintparam param=N"; }
hints_on() { guest_command g2 "hints 1" "hintparam param=Y"; }
# g2 with hints on and off, and g1 on stock blkif, once each: the checks
# count hints; the cost of hints is make bench's (satori-read-cost), so the
# times here are reported, not measured (no warm-up, one run).
step bench
mb=192
runs=1
result bench_mb $mb
result bench_runs $runs
hints_on
bench on1 g2 $mb
hints_off
bench off1 g2 $mb
bench stock1 g1 $mb
hints_on

step guests-shutdown
for g in g1 g2 g3 g4; do
	guest_command $g "done" "SATORI-GUEST done"
done
shutdown_guests g1 g2 g3 g4
losetup -d "$wl"
