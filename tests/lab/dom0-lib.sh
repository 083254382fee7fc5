# Helpers for the lab's dom0 scenarios (sourced by /host/run.sh in dom0).
#
# A scenario is a sequence of steps. "step NAME" starts one; "fail MSG" ends
# the scenario with the step's name, so the runner can say which step
# failed. Deadlines use /proc/uptime, not loop counts: everything is slow
# and uneven under TCG.

OUT=/host/out
STEPS=$OUT/steps
CURRENT_STEP=start

uptime_s() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$(uptime_s)" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }
deadline() { awk -v a="$(uptime_s)" -v t="$1" 'BEGIN { print a + t }'; }
past() { awk -v a="$(uptime_s)" -v b="$1" 'BEGIN { exit !(a > b) }'; }

step() {
	CURRENT_STEP=$1
	echo "STEP $1" >>"$STEPS"
	echo "LAB-STEP $1 uptime=$(uptime_s)"
}

fail() {
	echo "FAIL $CURRENT_STEP: $*" >>"$STEPS"
	echo "LAB-FAIL $CURRENT_STEP: $*"
	exit 1
}

# result KEY VALUE: a figure for the host side (out/results, KEY=VALUE lines).
result() { echo "$1=$2" >>"$OUT/results"; }

# minus A B: A - B, or nothing if either is not a whole number: a
# difference of figures is missing when one of them is (the host side's
# check of it then fails), never the other figure negated or 0.
minus() { [[ $1 =~ ^-?[0-9]+$ && $2 =~ ^-?[0-9]+$ ]] && echo $(($1 - $2)); }

# satori_stat EXPR: a figure from the hypervisor's Satori counters, read
# now with satori-top (EXPR as in top-stat.py, e.g. 'dom("g1")["shared"]').
# When there is none, why (satori-top's and top-stat.py's errors) goes to
# the log and to out/figure-errors.log, which the host's checks quote for
# a missing figure.
satori_stat() {
	local json figure err=/tmp/satori-stat.err
	if json=$(/usr/sbin/satori-top -b --json -n 1 2>"$err"); then
		figure=$(python3 /host/lib/top-stat.py "$1" <<<"$json" 2>>"$err") &&
			echo "$figure" && return 0
	else
		echo "(satori-top exit status $?)" >>"$err"
	fi
	echo "satori_stat '$1': $(tr '\n' ' ' <"$err")" | tee -a "$OUT/figure-errors.log" >&2
	return 1
}

# xen_debug_key_w WHAT: presses Xen's 'W' debug key and waits for all it
# prints to reach the console ring (its handler runs from a tasklet; the
# index line, "Satori index: entries=N evictions=N", comes last). WHAT
# names the figures in the error if they never come.
xen_debug_key_w() {
	local n dl
	n=$(xl dmesg | grep -c "Satori index:")
	xl debug-keys W
	dl=$(deadline 30)
	until [ "$(xl dmesg | grep -c "Satori index:")" -gt "$n" ]; do
		past "$dl" && fail "Xen did not print its $1 ('W' key)"
		sleep 0.2
	done
}

# xen_stage_times: where Xen's registrations spent their time, as its 'W'
# debug key prints it now: the 8 "Satori stage NAME: count=N ns=N" lines
# (docs/read-cost.md), and the index's line.
xen_stage_times() {
	xen_debug_key_w "stage times"
	xl dmesg | grep "Satori stage " | tail -n 8
	xl dmesg | grep "Satori index:" | tail -n 1
}

# xen_holds: the longest lock hold and tasklet run of each kind of Satori's
# bounded work, and the allocation failures injected, as Xen's 'W' key
# prints them now ("Satori hold NAME: count=N max_ns=N", "Satori faults:
# injected=N every=N"; stages.c, fault.c).
xen_holds() {
	xen_debug_key_w "hold times"
	xl dmesg | grep "Satori hold \|Satori faults:" | tail -n 4
}

# scan_guests DISK DOMID...: the measuring stick, satori-scan over the
# guests with DISK telling file pages apart; its output in out/scan.log and
# its totals as scan_* results.
scan_guests() {
	local disk=$1 summary k
	shift
	timeout 300 /usr/sbin/satori-scan --disk "$disk" "$@" >"$OUT/scan.log" 2>&1 ||
		fail "satori-scan failed: $(tail -1 "$OUT/scan.log")"
	cat "$OUT/scan.log"
	summary=$(tail -1 "$OUT/scan.log")
	for k in pages fill zero shareable max_saved file file_shareable seconds; do
		result "scan_$k" "$(echo "$summary" | tr ' ' '\n' | sed -n "s/^$k=//p")"
	done
}

# console_log G: G's console log. xenconsoled names it after the domain
# when the domain appears, so a guest received by `xl migrate` (named
# G--incoming until the end; the scenario touches /tmp/G.migrated) goes on
# logging there.
console_log() {
	if [ -e "/tmp/$1.migrated" ]; then
		echo "/var/log/xen/console/guest-$1--incoming.log"
	else
		echo "/var/log/xen/console/guest-$1.log"
	fi
}

# guest_log_field G KEY SUBKEY: SUBKEY= of the last "SATORI-GUEST KEY" line
# on guest G's console.
guest_log_field() {
	tr -d '\r' <"$(console_log "$1")" | grep "^SATORI-GUEST $2 " | tail -1 |
		tr ' ' '\n' | sed -n "s/^$3=//p"
}

# wait_console DOMAIN PATTERN SECONDS: until the guest's console shows PATTERN.
# Returns 2 at once if the domain disappeared (crashed and was destroyed).
wait_console() {
	local dl
	dl=$(deadline "$3")
	while ! grep -q "$2" "$(console_log "$1")" 2>/dev/null; do
		xl domid "$1" >/dev/null 2>&1 || {
			grep -q "$2" "$(console_log "$1")" 2>/dev/null && return 0
			return 2
		}
		past "$dl" && return 1
		sleep 0.5
	done
	return 0
}

# wait_gone DOMAIN SECONDS: until the domain no longer exists.
wait_gone() {
	local dl
	dl=$(deadline "$2")
	while xl domid "$1" >/dev/null 2>&1; do
		past "$dl" && return 1
		sleep 0.5
	done
	return 0
}

# guest_cfg gN DISK WORKLOAD_DEV: writes /tmp/gN.cfg, a PVH guest running the
# project's kernel from the share, DISK as xvda and the workload tar as
# xvdb, pinned to pCPU N (see lab-run: a pCPU per domain). With
# KERNEL_gN=stock set by the scenario, gN runs Debian's own cloud kernel
# instead (unenlightened: no Satori), with the same initramfs plus that
# kernel's xen-blkfront module (stock-vmlinux, stock-initrd.cpio.gz); with
# KERNEL_gN=alt, another build of the project's kernel (vmlinux-alt: -O2,
# so its text and read-only data differ from vmlinux's page for page); with
# KERNEL_gN=package, the kernel of the package make packages built
# (linux-image-<version>-satori: Debian's cloud configuration with Satori),
# booted with kunit.enable=1 so that its Satori suites run, with the
# initramfs plus a file-system module and the network frontend of that
# kernel (package-vmlinux, package-initrd.cpio.gz), and a network device:
# a vif routed by Debian's vif-route to dom0's lab0 (lab_network), the
# guest's address $(guest_ip gN)/24 given to guest-init on its command line.
guest_cfg() {
	local kernel=/host/img/vmlinux ramdisk=/host/img/guest-initrd.cpio.gz args= vif=
	case "$(guest_kernel "$1")" in
	stock) kernel=/host/img/stock-vmlinux ramdisk=/host/img/stock-initrd.cpio.gz ;;
	alt) kernel=/host/img/vmlinux-alt ;;
	package)
		kernel=/host/img/package-vmlinux ramdisk=/host/img/package-initrd.cpio.gz
		lab_network
		args=" kunit.enable=1 lab_ip=$(guest_ip "$1")/24 lab_peer=$LAB_DOM0_IP"
		vif="vif = [ \"ip=$(guest_ip "$1"),script=vif-route,gatewaydev=lab0\" ]"
		;;
	esac
	cat >"/tmp/$1.cfg" <<-CFG
			name = "$1"
			type = "pvh"
			kernel = "$kernel"
			ramdisk = "$ramdisk"
			extra = "console=hvc0 quiet$args$(guest_reports "$1")${GUEST_ARGS:+ $GUEST_ARGS}"
			memory = $(guest_mem "$1")
			vcpus = 1
			cpus = "${1#g}"
			tsc_mode = "native"
			on_poweroff = "destroy"
			on_reboot = "destroy"
			on_crash = "destroy"
			disk = [ "phy:$2,xvda,w", "phy:$3,xvdb,r" ]
			$vif
	CFG
}

# The lab's guest network: dom0 is $LAB_DOM0_IP on lab0, a dummy device
# (the lab has no physical network; vif-route takes dom0's address from the
# device gatewaydev names), and gN is guest_ip gN, routed through its vif.
LAB_DOM0_IP=10.0.0.1
guest_ip() { echo "10.0.0.$((10 + ${1#g}))"; }

# lab_network: lab0 up with dom0's address, once.
lab_network() {
	ip link show lab0 >/dev/null 2>&1 && return 0
	ip link add lab0 type dummy && ip addr add "$LAB_DOM0_IP/24" dev lab0 &&
		ip link set lab0 up || fail "cannot set up dom0's lab0 ($LAB_DOM0_IP)"
}

# guest_mem gN: gN's memory in MiB: $MEM_gN if the scenario set it, else 256.
guest_mem() { eval "echo \${MEM_$1:-256}"; }

# GUEST_ARGS, if the scenario sets it, is added to every guest's command
# line (guest_cfg).
# guest_reports gN: what gN's command line adds when $REPORTS_gN is 0:
# its kernel reports no free memory (free-page reporting costs Xen much
# emulated CPU under TCG, so scenarios about something else turn it off).
guest_reports() {
	if [ "$(eval "echo \${REPORTS_$1:-1}")" = 0 ]; then
		echo " satori.free_page_reporting=0"
	fi
}

# guest_kernel gN: the kernel gN runs: $KERNEL_gN if the scenario set it
# ("stock": Debian's own; "alt", "package": see guest_cfg), else "satori"
# (the project's lab kernel).
guest_kernel() { eval "echo \${KERNEL_$1:-satori}"; }

# guest_group gN: the trust group gN is created in: $GROUP_gN if the
# scenario set it, else 1 (every guest of a scenario in one group);
# "config": satori-groupd's configuration says.
guest_group() { eval "echo \${GROUP_$1:-1}"; }

# start_guest gN DISK WORKLOAD_DEV [KEY=VALUE...]: creates the guest of
# guest_cfg paused, puts it in its trust group (satori-ctl, as an operator
# would) and unpauses it; with the group "config", creates it plainly
# (satori-groupd places it). Returns at once (await_guest waits for it).
# Its arguments are kept for await_guest's retries. Non-zero if a step
# failed (logged in create-failures.log, the domain destroyed).
start_guest() {
	local name=$1 group
	printf '%q ' "$@" >"/tmp/$name.args"
	rm -f "$(console_log "$name")"
	echo "$(uptime_s)" >"/tmp/$name.t0"
	guest_cfg "$name" "$2" "$3"
	shift 3
	group=$(guest_group "$name")
	if [ "$group" = config ]; then
		timeout 120 xl create "/tmp/$name.cfg" "$@" && return 0
	elif timeout 120 xl create -p "/tmp/$name.cfg" "$@" &&
		set_group "$name" "$group" && xl unpause "$name"; then
		return 0
	fi
	{
		echo "== xl create $name failed at $(uptime_s)"
		xl list
		xenstore-ls -f /local/domain/0/backend
	} >>"$OUT/create-failures.log" 2>&1
	xl destroy "$name" 2>/dev/null
	wait_gone "$name" 30
	return 3
}

# await_guest gN: waits until gN (started by start_guest) has its userspace
# up. PVH guests sometimes triple-fault during early boot under TCG
# (docs/testing.md); such a guest is created again, twice at most, and the
# tries are reported.
await_guest() {
	local name=$1 try rc=0
	for try in 1 2 3; do
		if [ "$try" -gt 1 ]; then
			eval "start_guest $(cat "/tmp/$name.args")"
			rc=$?
		fi
		if [ $rc -eq 0 ]; then
			wait_console "$name" "SATORI-GUEST up" 180
			rc=$?
		fi
		if [ $rc -eq 0 ]; then
			echo "LAB guest $name up after $(since "$(cat "/tmp/$name.t0")") s (try $try)"
			result "guest_${name}_boot_s" "$(since "$(cat "/tmp/$name.t0")")"
			result "guest_${name}_tries" "$try"
			return 0
		fi
		echo "LAB-RETRY guest $name did not come up (rc=$rc, try $try):"
		tail -5 "$(console_log "$name")" 2>/dev/null
		xl destroy "$name" 2>/dev/null
		wait_gone "$name" 30
	done
	fail "guest $name did not come up in 3 tries"
}

# create_guest gN DISK WORKLOAD_DEV [KEY=VALUE...]: start_guest, then
# await_guest: the guest is up when it returns.
create_guest() {
	start_guest "$@"
	local rc=$?
	[ $rc -eq 0 ] || echo "LAB-RETRY guest $1 was not created (rc=$rc, try 1)"
	await_guest "$1"
}

# create_ready_guests WORKLOAD_DEV G...: starts each guest (start_guest,
# with $XL_G as one more xl argument if set) on the next disk, /dev/vda
# first, in the order given (domain ids follow it), lets them boot together, and waits until every one's workload says
# "SATORI-GUEST agent ready" (the agent workload's first line).
create_ready_guests() {
	local wl=$1 disk=a g xl_args
	shift
	for g in "$@"; do
		# XL_gN: one more xl argument for gN, if the scenario set it.
		xl_args=$(eval "echo \"\${XL_$g:-}\"")
		start_guest "$g" "/dev/vd$disk" "$wl" ${xl_args:+"$xl_args"}
		disk=$(echo "$disk" | tr a-g b-h)
	done
	for g in "$@"; do
		await_guest "$g"
	done
	for g in "$@"; do
		wait_console "$g" "SATORI-GUEST agent ready" 300 || fail "guest $g did not get ready"
	done
}

# dom_figures TOP NAME SUFFIX G...: records NAME_G_held, _entitled,
# _repaid and _forced (each followed by SUFFIX; volatile frames) of each
# guest G from satori-top's JSON snapshot TOP, with one python3 for all
# (taken again if it fails: python3 under TCG has died of a MemoryError
# on a one-line JSON).
dom_figures() {
	local top=$1 name=$2 suffix=$3 out= try
	shift 3
	for try in 1 2 3; do
		out=$(python3 -c '
import json, sys
doms = {d["name"]: d for d in json.loads(open(sys.argv[1]).read().splitlines()[-1])["domains"]}
for g in sys.argv[4:]:
    for k, f in (("held", "volatile_bytes"), ("entitled", "entitled_bytes"), ("repaid", "repaid_bytes"), ("forced", "forced_bytes")):
        print("%s_%s_%s%s=%d" % (sys.argv[2], g, k, sys.argv[3], doms[g][f] // 4096))' "$top" "$name" "$suffix" "$@") && break
		sleep 0.2
	done
	[ -n "$out" ] || fail "cannot read the guests' figures from $top"
	echo "$out" >>"$OUT/results"
}

# hog_down: a paused hog domain takes all but about a MiB of the free
# heap. What Xen and the toolstack add to a domain of its size is not
# known here: the hog asks for all that is free less 6 MiB, then 8, 10...
# until it fits (a build that does not fit fails and leaves nothing).
hog_down() {
	local margin mib
	for margin in 6 8 10 12 16 24 32; do
		mib=$(( $(satori_stat 'host["free_frames"]') / 256 - margin ))
		cat >/tmp/hog.cfg <<-CFG
			name = "hog"
			type = "pvh"
			kernel = "/host/img/vmlinux"
			memory = $mib
			vcpus = 1
			cpus = "0"
		CFG
		if timeout 300 xl create -p /tmp/hog.cfg >/dev/null 2>&1; then
			result hog_mib "$mib"
			result hog_margin_mib "$margin"
			return 0
		fi
		sleep 2 # the failed build's memory goes back
	done
	fail "no hog fits in the free heap"
}

# dom0_balloon_by KIB: moves dom0's balloon target by KIB (negative:
# dom0 gives memory back to Xen's free heap, positive: takes from it,
# never above its dom0_mem max) and waits until dom0 holds that much. If
# the heap ran out first (others allocate too), dom0 keeps what it got
# after 60 s: the target is set to it, so the balloon takes no more later.
dom0_balloon_by() {
	local xm=/sys/devices/system/xen_memory/xen_memory0 want end
	want=$(($(cat "$xm/target_kb") + $1))
	echo "$want" >"$xm/target_kb" || fail "dom0's balloon target could not be set to $want KiB"
	end=$(deadline 60)
	while [ "$(cat "$xm/info/current_kb")" != "$want" ]; do
		if past "$end"; then
			cat "$xm/info/current_kb" >"$xm/target_kb"
			return 0
		fi
		sleep 0.5
	done
}

# heap_set_free FRAMES: dom0's balloon gives or takes what makes Xen's
# free heap hold FRAMES frames, page by page (a hog's size goes in MiB
# and what Xen takes to build it varies). To take, dom0 must have given
# as much back before (dom0_balloon_by).
heap_set_free() {
	dom0_balloon_by $((($(satori_stat 'host["free_frames"]') - $1) * 4))
}

# cow_time NAME PAGES: g1 times PAGES first writes (cowtime_pages);
# records their figures and the copy-on-write breaks Xen counted meanwhile
# as cow_NAME_*.
cow_time() {
	local k breaks0
	breaks0=$(satori_stat 'host["cow_breaks"]')
	guest_command g1 "cowtime_pages $2" "SATORI-GUEST cowtime_pages "
	result "cow_$1_breaks" "$(($(satori_stat 'host["cow_breaks"]') - breaks0))"
	for k in pages p50_us p90_us p99_us mean_us; do
		result "cow_$1_$k" "$(guest_log_field g1 cowtime_pages "$k")"
	done
}

# reports_settle: idle guests give their free memory to Xen in passes
# (free-page reporting: a pass every 2 s, a share of each free list
# each). Waits until the host's zero gfns hold still for 15 s (at most
# 300 s), then records reports_settled_s and what satori-top shows
# (OUT/top-reports.json, OUT/top-reports.txt). Nothing where Satori is off.
reports_settle() {
	local t0 end last=-1 still=0 now
	grep -q '^on' /sys/kernel/mm/satori/status || return 0
	t0=$(uptime_s)
	end=$(deadline 300)
	while [ "$still" -lt 3 ] && ! past "$end"; do
		now=$(satori_stat 'host["zero_gfns"]')
		if [ "$now" = "$last" ]; then still=$((still + 1)); else still=0; fi
		last=$now
		sleep 5
	done
	result reports_settled_s "$(since "$t0")"
	timeout 60 /usr/sbin/satori-top -b --json -n 1 >"$OUT/top-reports.json" ||
		fail "satori-top failed"
	timeout 60 /usr/sbin/satori-top -b -n 1 | tee "$OUT/top-reports.txt"
}

# set_group G GROUP: satori-ctl puts G in GROUP where Satori is on (with
# satori=off there are no groups to set).
set_group() {
	grep -q "^on" /sys/kernel/mm/satori/status || return 0
	/usr/sbin/satori-ctl group "$1" "$2"
}

# ctl_field KEY: KEY's value in the JSON object `satori-ctl --json` printed
# (on stdin). Nothing, and a line on stderr, when there is no such object
# or key: the check of a missing figure then fails.
ctl_field() {
	python3 -c '
import json, sys
try:
    print(json.load(sys.stdin)[sys.argv[1]])
except (ValueError, KeyError, TypeError) as e:
    sys.exit("ctl_field %s: not in satori-ctl'"'"'s output (%r)" % (sys.argv[1], e))' "$1"
}

# guest_command G LINE PATTERN [SECONDS]: send LINE to guest G's console (its
# pty, named in xenstore; the guest reads /dev/hvc0) and wait, 300 s by
# default, for one more console line matching PATTERN than there was before
# (answers to repeated commands look alike).
guest_command() {
	local n dl
	n=$(grep -c "$3" "$(console_log "$1")")
	guest_send "$1" "$2"
	dl=$(deadline "${4:-300}")
	while [ "$(grep -c "$3" "$(console_log "$1")")" -le "$n" ]; do
		past "$dl" && {
			report_stuck "$1"
			fail "guest $1 did not answer '$2'"
		}
		sleep 0.5
	done
}

# report_stuck G: what G was doing when it stopped answering, into the
# scenario's log: its vCPUs (Xen's view), Xen's last words (an emulation
# failure under TCG's SVM hangs a vCPU: docs/testing.md), its blocked tasks
# and CPUs' backtraces (SysRq w and l, at console log level 9), its
# console's tail.
report_stuck() {
	echo "LAB stuck $1: xl vcpu-list"
	xl vcpu-list "$1" 2>&1
	echo "LAB stuck $1: xl dmesg tail"
	xl dmesg 2>&1 | tail -n 30
	for k in 9 w l; do
		xl sysrq "$1" "$k" 2>&1
		sleep 2
	done
	echo "LAB stuck $1: console tail"
	tail -n 80 "$(console_log "$1")" 2>&1
}

# guest_send G LINE: send LINE to guest G's console and return at once.
guest_send() {
	local tty
	tty=$(xenstore-read "/local/domain/$(xl domid "$1")/console/tty") || fail "no console tty for $1"
	echo "$2" >"$tty"
}

# audit_sharing WHEN: Xen's memory-sharing audit (debug build): every shared
# frame's owner, type, refcount and reverse map against the sharers' p2ms.
# Records audit_WHEN=ERRORS ("unavailable" if Xen cannot audit).
audit_sharing() {
	local line
	line=$(/host/bin/share-pairs --audit 2>&1)
	echo "LAB audit $1: $line"
	case "$line" in
	*"audit errors="*) result "audit_$1" "${line##*errors=}" ;;
	*) result "audit_$1" unavailable ;;
	esac
}

# shutdown_guests G...: clean PV shutdown (xl shutdown) of every guest, and
# wait until each has powered off by itself.
shutdown_guests() {
	local g
	for g in "$@"; do
		xl shutdown "$g" || fail "xl shutdown $g failed"
	done
	for g in "$@"; do
		wait_gone "$g" 60 || { xl destroy "$g"; fail "guest $g did not shut down in 60 s"; }
		grep -q 'SATORI-GUEST shutdown' "$(console_log "$g")" || fail "guest $g went away without a clean shutdown"
	done
}
