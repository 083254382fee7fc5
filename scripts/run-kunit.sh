#!/bin/bash
# Run Satori's KUnit suites under UML with kunit.py (fast: no Xen needed for
# the portable logic). The kernel source is the same patched tree the lab
# kernel is built from; objects go to their own directory.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}" "${SATORI_CACHE:?}"
# Kernel builds are the heaviest thing this machine runs: one at a time,
# whichever checkout asks (SATORI_CACHE is shared by all of them).
exec 9>"$SATORI_CACHE/kernel-build.lock"
flock 9
"$top/scripts/prepare-linux.sh"
export CCACHE_DIR=$SATORI_CACHE/ccache CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
cd "$BUILD/linux-src"
exec python3 ./tools/testing/kunit/kunit.py run \
	--build_dir="$BUILD/kunit-uml" \
	--kunitconfig="$top/tests/kunit/satori.kunitconfig" \
	--make_options="CC=ccache gcc" \
	--jobs "$(nproc)" "$@"
