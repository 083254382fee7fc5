#!/bin/bash
# make bench: two lab boots. The first measures Satori's detection and its
# surplus (see tests/lab/bench-report.py and tests/lab/bench-surplus.py for
# each figure); the second its repayment (tests/lab/bench-repay.py). Prints
# the figures, ending with the satori-detect, satori-surplus and
# satori-repay lines; the plots land in $BUILD/lab/runs/bench/out/surplus.png
# and $BUILD/lab/runs/bench-repay/out/repay.png. Figures are ratios within
# one boot; the absolute times are those of QEMU's TCG emulation.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}"
"$top/tests/lab/lab-run" --name bench --scenario bench --guests 3 \
	--workload "$top/tests/lab/workloads/bench" --timeout 3000 "$@"
"$top/tests/lab/lab-run" --name bench-repay --scenario bench-repay --guests 3 \
	--xen-args "satori=on satori_repay_deadline=60000" \
	--workload "$top/tests/lab/workloads/repay" --timeout 2400
python3 "$top/tests/lab/bench-report.py" "$BUILD/lab/runs/bench/out"
python3 "$top/tests/lab/bench-surplus.py" "$BUILD/lab/runs/bench/out"
exec python3 "$top/tests/lab/bench-repay.py" "$BUILD/lab/runs/bench-repay/out"
