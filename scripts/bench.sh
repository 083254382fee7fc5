#!/bin/bash
# make bench: one lab boot that measures Satori's detection and its surplus
# (see tests/lab/bench-report.py and tests/lab/bench-surplus.py for each
# figure). Prints the figures, ending with the satori-detect and
# satori-surplus lines; the surplus plot lands in
# $BUILD/lab/runs/bench/out/surplus.png. Figures are ratios within this
# boot; the absolute times are those of QEMU's TCG emulation.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}"
"$top/tests/lab/lab-run" --name bench --scenario bench --guests 3 \
	--workload "$top/tests/lab/workloads/bench" --timeout 3000 "$@"
python3 "$top/tests/lab/bench-report.py" "$BUILD/lab/runs/bench/out"
exec python3 "$top/tests/lab/bench-surplus.py" "$BUILD/lab/runs/bench/out"
