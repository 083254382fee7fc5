#!/bin/bash
# make bench-index: the content index's native benchmark (issue 21). Builds
# satori_index_bench in the userspace CMake tree ($BUILD/cmake), runs it
# (Google Benchmark, about a minute on two cores) with its JSON in
# $BUILD/bench/index.json, then bench/index/index_report.py prints the
# satori-index: lines and draws $BUILD/bench/index.png. Extra arguments go
# to the benchmark (e.g. --benchmark_filter=death). Exits non-zero when
# the build, the run or any figure fails. scripts/bench.sh runs it first.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}"
cmake -S "$top" -B "$BUILD/cmake" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD/cmake" --target satori_index_bench -j2
bin=$BUILD/cmake/satori_index_bench
[ -x "$bin" ] || { echo "bench-index: $bin was not built (Google Benchmark missing? see scripts/deps.sh)" >&2; exit 1; }
mkdir -p "$BUILD/bench"
rm -f "$BUILD/bench/index.json" "$BUILD/bench/index.png"
# The console shows each benchmark as it ends; the JSON is what counts.
"$bin" --benchmark_out="$BUILD/bench/index.json" --benchmark_out_format=json \
	--benchmark_format=console "$@"
python3 "$top/bench/index/index_report.py" "$BUILD/bench/index.json" \
	"$BUILD/bench/index.png"
