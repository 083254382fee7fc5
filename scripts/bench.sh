#!/bin/bash
# make bench: first the content index's native benchmark (scripts/
# bench-index.sh: quick, no lab; its satori-index: lines and index.png),
# then four lab boots. The first measures Satori's detection and its
# read path's cost stage by stage and its surplus, on the lab's own disks
# and on each class of the storage model (bench/storage/classes.conf; see
# tests/lab/bench-report.py, bench-stages.py and bench-surplus.py for each
# figure); the second its repayment (tests/lab/bench-repay.py; free-page
# reporting off, as the hog there takes what reports give back); the third
# the free memory the guests report (tests/lab/bench-free.py); the fourth
# Satori's hints against a scanner at KSM's default rate, side by side
# (tests/lab/bench-scan.py). Prints the figures, ending with the
# satori-read-cost, satori-detect, satori-stages, satori-surplus (per
# storage class, composed with this machine's time for the same passes:
# tests/lab/storage_model.py; with the goal and bound lines),
# satori-dilation (the lab's CPU against this machine's: bench/dilation),
# satori-repay, satori-free and satori-vs-scan lines;
# the plots and the CSVs behind them land in $BUILD/bench/ (surplus.png,
# surplus-classes.png, repay.png, scan.png). Figures are ratios within one
# boot; the absolute times are those of QEMU's TCG emulation, except the
# storage model's, whose device time is a real device's.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}"
"$top/scripts/bench-index.sh"
# This machine's time for the CPU-bound kernels the lab times again in dom0
# and a guest (bench-dilation.py: the lab's time dilation), and for the
# surplus passes themselves, over the passes' largest tree (the scenario's
# LAB_TREE_MB), which the storage model composes the per-class figures with
# (tests/lab/storage_model.py).
mkdir -p "$BUILD/bench"
native=$BUILD/bench/native.txt
"$BUILD/cmake/dilation" >"$native"
READ_LATENCY=$BUILD/cmake/read_latency "$top/bench/storage/native-pass.sh" 240 7 >>"$native"
"$top/tests/lab/lab-run" --name bench --scenario bench --guests 3 \
	--workload "$top/tests/lab/workloads/bench" --timeout 3000 "$@"
"$top/tests/lab/lab-run" --name bench-repay --scenario bench-repay --guests 3 \
	--xen-args "satori=on satori_repay_deadline=60000 satori_report=off" \
	--workload "$top/tests/lab/workloads/agent" --timeout 2400
"$top/tests/lab/lab-run" --name bench-free --scenario bench-free --guests 3 \
	--workload "$top/tests/lab/workloads/agent" --timeout 2400
"$top/tests/lab/lab-run" --name bench-scan --scenario bench-scan --guests 4 \
	--workload "$top/tests/lab/workloads/agent" --timeout 2400
runs=$BUILD/lab/runs
python3 "$top/tests/lab/bench-report.py" "$runs/bench/out" "$native"
python3 "$top/tests/lab/bench-stages.py" "$runs/bench/out"
python3 "$top/tests/lab/bench-surplus.py" "$runs/bench/out" "$native"
python3 "$top/tests/lab/bench-dilation.py" "$runs/bench/out" "$native"
python3 "$top/tests/lab/bench-repay.py" "$runs/bench-repay/out"
python3 "$top/tests/lab/bench-free.py" "$runs/bench-free/out"
python3 "$top/tests/lab/bench-scan.py" "$runs/bench-scan/out"
for f in bench/out/surplus.png bench/out/surplus.csv bench/out/surplus-classes.png \
	bench/out/surplus-classes.csv bench-repay/out/repay.png \
	bench-repay/out/repay.csv bench-scan/out/scan.png bench-scan/out/scan.csv; do
	[ -f "$runs/$f" ] && cp "$runs/$f" "$BUILD/bench/"
done
echo "bench: plots and their data in $BUILD/bench/"
