#!/bin/bash
# Build the project's hypervisor: pinned Xen 4.17 source, Satori's patch series
# and new files, Debian's Kconfig plus ours. Incremental: only what changed is
# recompiled (ccache under $SATORI_CACHE for the rest).
# Output: $BUILD/out/xen (multiboot ELF for QEMU), xen.gz, xen-syms, xen.config.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}" "${SATORI_CACHE:?}"
src=$BUILD/xen-src
out=$BUILD/out
hv=$top/hv-hooks/xen

if [ ! -f "$src/.satori-pristine" ]; then
	"$top/scripts/fetch-xen.sh" "$src"
	touch "$src/.satori-pristine"
fi
"$top/scripts/apply-series.sh" "$src" "$hv/patches"
rsync -rc "$hv/src/" "$src/xen/"
# The portable index, credit split, repayment split and zero check are compiled into Xen as into the unit tests.
rsync -c "$top/lib/satori_types.h" "$top/lib/satori_sync.h" "$top/lib/satori_index.h" "$top/lib/satori_index.c" \
	"$top/lib/satori_credit.h" "$top/lib/satori_credit.c" \
	"$top/lib/satori_repay.h" "$top/lib/satori_repay.c" "$top/lib/satori_zero.h" \
	"$src/xen/common/satori/"
rsync -c "$hv/include/public/satori.h" "$src/xen/include/public/satori.h"
[ "${1:-}" = --sources-only ] && exit 0

# Config: Debian's fragment, then ours; regenerate only when either changed.
frag=$src/xen/.satori-config-fragment
cat "$src/debian/xen-kconfig" "$hv/xen.config" >"$frag.new"
if ! cmp -s "$frag.new" "$frag" || [ ! -f "$src/xen/.config" ]; then
	cp "$frag.new" "$src/xen/.config"
	make -C "$src/xen" XEN_TARGET_ARCH=x86_64 olddefconfig >/dev/null
	mv "$frag.new" "$frag"
fi
rm -f "$frag.new"
grep -E '^CONFIG_[A-Z0-9_]+=y' "$hv/xen.config" | while read -r opt; do
	grep -qx "$opt" "$src/xen/.config" || {
		echo "build-xen: $opt did not stick in xen/.config (a dependency is missing)" >&2
		exit 1
	}
done

export CCACHE_DIR=$SATORI_CACHE/ccache CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
make -C "$src/xen" XEN_TARGET_ARCH=x86_64 CC="ccache gcc" -j"$(nproc)" >"$BUILD/xen-build.log" 2>&1 || {
	tail -30 "$BUILD/xen-build.log" >&2
	echo "build-xen: hypervisor build failed (log: $BUILD/xen-build.log)" >&2
	exit 1
}
mkdir -p "$out"
for f in xen xen.gz xen-syms; do
	cmp -s "$src/xen/$f" "$out/$f" || cp "$src/xen/$f" "$out/$f"
done
cp "$src/xen/.config" "$out/xen.config"
echo "build-xen: $out/xen (Xen $(make -s -C "$src/xen" xenversion 2>/dev/null))"
