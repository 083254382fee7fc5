#!/bin/bash
# The demo: boot the lab with 3 guests on Satori's hypervisor and kernel,
# each reading the same files from its own disk; Satori shares the pages as
# they are read. Then each guest drops its page cache (clean pages go to
# volatile frames, up to its sharing entitlement) and reads part of it back.
# Shows what each guest saw, what the hypervisor shared and lent
# (satori-top's view), and how that compares with the most that could be;
# then the idle guests' free memory goes back to Xen (free-page reporting:
# satori-top's Zero: line and ZERO column), and dom0 asks for half the lent
# frames back and the guests repay them.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=$top/build}"
out=$BUILD/lab/runs/demo/out

echo "demo: booting Xen (satori=on) under QEMU TCG with dom0 and 3 PVH guests; this takes a few minutes"
"$top/tests/lab/lab-run" --name demo --xen-args "satori=on" --guests 3 \
	--scenario demo --workload "$top/tests/lab/workloads/demo" "$@"
rc=$?

r() { sed -n "s/^$1=//p" "$out/results" 2>/dev/null | tail -1; }
glog() { tr -d '\r' <"$out/console/guest-$1.log" 2>/dev/null; }
gline() { glog "$1" | grep "^SATORI-GUEST $2 " | tail -1 | sed "s/^SATORI-GUEST $2 //"; }

echo
echo "== hypervisor"
sed 's/^/  /' "$out/satori-dmesg.log" 2>/dev/null
echo "  dom0 /sys/kernel/mm/satori/status: $(r dom0_satori_status) (interface $(r dom0_satori_version))"
echo "== guests"
for g in g1 g2 g3; do
	[ -f "$out/console/guest-$g.log" ] || { echo "  $g: no console log"; continue; }
	echo "  $g: booted in $(r guest_${g}_boot_s) s (try $(r guest_${g}_tries)); Satori $(gline $g satori)"
	echo "      read $(gline $g read)"
	echo "      memory before: $(gline $g mem-before)"
	echo "      memory after:  $(gline $g mem-after)"
	echo "      Satori: $(gline $g sharing)"
	echo "      detection latency (us, read completed -> page shared): $(gline $g detect)"
	echo "      volatile cache, after dropping the page cache and reading /usr/bin, /usr/sbin again: $(gline $g volatile)"
done
echo "== what sharing could save at best right now (satori-scan in dom0, every guest page hashed)"
if [ -f "$out/scan.log" ]; then
	sed 's/^satori-scan: /  /' "$out/scan.log"
	echo "  ($(r scan_shareable) of $(r scan_pages) guest pages have a copy in another guest;"
	echo "   merging them would free $(r scan_max_saved) frames, $(($(r scan_max_saved) * 4 / 1024)) MiB)"
fi
echo "== timing"
echo "  3 guests up $(r guests_up_s) s after the first xl create; workloads done at $(r guests_done_s) s"
echo "  QEMU start to power-off: $(r boot_to_poweroff_s) s"
echo "  (logs: $out)"
echo "== Satori's view (satori-top -b in dom0, after the reads)"
sed 's/^/  /' "$out/top.txt" 2>/dev/null
if [ -f "$out/top.json" ] && [ -n "$(r scan_file_shareable)" ]; then
	shared=$(python3 "$top/tests/lab/top-stat.py" 'sum(d["shared"] - d["zero"] for d in doms if d["name"].startswith("g"))' "$out/top.json")
	echo "  coverage: $shared guest pages shared (zero pages apart) of $(r scan_file_shareable) file pages that have a copy in another guest" \
		"($(awk -v a="$shared" -v b="$(r scan_file_shareable)" 'BEGIN { printf "%.1f", 100 * a / b }')%)"
fi
echo "== free memory back: the idle guests' reports settled after $(r reports_settled_s) s (satori-top -b)"
if [ -f "$out/top-reports.txt" ]; then
	sed 's/^/  /' "$out/top-reports.txt"
	echo "  satori-scan found $(r scan_zero) zero pages in the guests' $(r scan_pages)"
fi
echo "== repayment: dom0 asks for half the volatile frames back (satori-ctl repay), the guests give back their oldest"
if [ -f "$out/repay.txt" ]; then
	sed 's/^/  /' "$out/repay.txt"
	sed 's/^/  /' "$out/top-repay.txt" 2>/dev/null
else
	echo "  (nothing lent, nothing asked: $(r demo_repay_asked) frames)"
fi
exit $rc
