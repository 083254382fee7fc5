#!/bin/bash
# Build the project's hypervisor: pinned Xen 4.17 source, Satori's patch series
# and new files, Debian's Kconfig plus ours. Incremental: only what changed is
# recompiled (ccache under $SATORI_CACHE for the rest).
#
#   build-xen.sh                 the debug build the lab and the bench boot
#   build-xen.sh --release       the release build (CONFIG_DEBUG off) that
#                                make packages ships, in its own source tree
#                                (Xen builds out of tree only from a clean one)
#   build-xen.sh --sources-only  prepare the debug tree, build nothing
#
# Output: $BUILD/out/xen (multiboot ELF for QEMU), xen.gz, xen-syms,
# xen.config; the release build's in $BUILD/out/release/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}" "${SATORI_CACHE:?}"
hv=$top/hv-hooks/xen
variant=debug
[ "${1:-}" = --release ] && variant=release
case "${1:-}" in
--release | --sources-only | "") ;;
*)
	echo "build-xen: unknown option $1 (--release, --sources-only)" >&2
	exit 2
	;;
esac
if [ "$variant" = release ]; then
	src=$BUILD/xen-src-release
	out=$BUILD/out/release
	log=$BUILD/xen-build-release.log
else
	src=$BUILD/xen-src
	out=$BUILD/out
	log=$BUILD/xen-build.log
fi

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

# Config: Debian's fragment, then ours (the release build without the
# developer checks); regenerate only when either changed.
frag=$src/xen/.satori-config-fragment
ours=$(cat "$hv/xen.config")
[ "$variant" = release ] && ours=$(grep -v '^CONFIG_DEBUG=' <<<"$ours")
{
	cat "$src/debian/xen-kconfig"
	echo "$ours"
	if [ "$variant" = release ]; then echo "# CONFIG_DEBUG is not set"; fi
} >"$frag.new"
if ! cmp -s "$frag.new" "$frag" || [ ! -f "$src/xen/.config" ]; then
	cp "$frag.new" "$src/xen/.config"
	make -C "$src/xen" XEN_TARGET_ARCH=x86_64 olddefconfig >/dev/null
	mv "$frag.new" "$frag"
fi
rm -f "$frag.new"
grep -E '^CONFIG_[A-Z0-9_]+=y' <<<"$ours" | while read -r opt; do
	grep -qx "$opt" "$src/xen/.config" || {
		echo "build-xen: $opt did not stick in xen/.config (a dependency is missing)" >&2
		exit 1
	}
done

export CCACHE_DIR=$SATORI_CACHE/ccache CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
make -C "$src/xen" XEN_TARGET_ARCH=x86_64 CC="ccache gcc" -j"$(nproc)" >"$log" 2>&1 || {
	tail -30 "$log" >&2
	echo "build-xen: hypervisor build failed (log: $log)" >&2
	exit 1
}
mkdir -p "$out"
for f in xen xen.gz xen-syms; do
	cmp -s "$src/xen/$f" "$out/$f" || cp "$src/xen/$f" "$out/$f"
done
cp "$src/xen/.config" "$out/xen.config"
echo "build-xen: $out/xen (Xen $(make -s -C "$src/xen" xenversion 2>/dev/null), $variant)"
