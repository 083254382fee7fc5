#!/bin/bash
# Build the project's Linux kernel: pinned 6.1 source, the Satori patch
# series of the guest and dom0 parts, Satori's own tree copied in as satori/,
# x86_64 tinyconfig plus guest/linux-satori/kernel.config. Out-of-tree object
# directory (the source stays clean for kunit.py), ccache, incremental.
# Output: $BUILD/out/vmlinux (ELF: boots as PV dom0 and as PVH guest) and
# $BUILD/out/modules/ (the one module the lab's guests load, ext2.ko).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}" "${SATORI_CACHE:?}"
src=$BUILD/linux-src
obj=$BUILD/linux-obj
out=$BUILD/out
frag=$top/guest/linux-satori/kernel.config

# Kernel builds are the heaviest thing this machine runs: one at a time,
# whichever checkout asks (SATORI_CACHE is shared by all of them).
exec 9>"$SATORI_CACHE/kernel-build.lock"
flock 9
"$top/scripts/prepare-linux.sh"

mkdir -p "$obj" "$out"
export CCACHE_DIR=$SATORI_CACHE/ccache CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1
mk=(make -C "$src" O="$obj" CC="ccache gcc" -j"$(nproc)")

if ! cmp -s "$frag" "$obj/.satori-fragment" || [ ! -f "$obj/.config" ]; then
	"${mk[@]}" ARCH=x86_64 tinyconfig >/dev/null
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag" >/dev/null
	"${mk[@]}" ARCH=x86_64 olddefconfig >/dev/null
	cp "$frag" "$obj/.satori-fragment"
fi
bad=0
while read -r opt; do
	case "$opt" in CONFIG_*=*) ;; *) continue ;; esac
	grep -qx "$opt" "$obj/.config" || { echo "build-kernel: $opt did not stick (missing dependency?)" >&2; bad=1; }
done <"$frag"
[ $bad -eq 0 ] || exit 1

"${mk[@]}" ARCH=x86_64 vmlinux modules >"$BUILD/kernel-build.log" 2>&1 || {
	grep -E 'error|Error' "$BUILD/kernel-build.log" | head -20 >&2
	echo "build-kernel: build failed (log: $BUILD/kernel-build.log)" >&2
	exit 1
}
cmp -s "$obj/vmlinux" "$out/vmlinux" || cp "$obj/vmlinux" "$out/vmlinux"
mkdir -p "$out/modules"
cmp -s "$obj/fs/ext2/ext2.ko" "$out/modules/ext2.ko" || cp "$obj/fs/ext2/ext2.ko" "$out/modules/ext2.ko"
cp "$obj/.config" "$out/linux.config"
echo "build-kernel: $out/vmlinux ($(make -s -C "$src" kernelversion))"
