#!/bin/bash
# Build the project's Linux kernel: pinned 6.1 source, the Satori patch
# series of the guest and dom0 parts, Satori's own tree copied in as satori/,
# x86_64 tinyconfig plus guest/linux-satori/kernel.config. Out-of-tree object
# directory (the source stays clean for kunit.py), ccache, incremental.
# Output: $BUILD/out/vmlinux (ELF: boots as PV dom0 and as PVH guest) and
# $BUILD/out/modules/ (the module the lab's guests load, ext2.ko, and the
# one dom0 loads for the storage model, scsi_debug.ko); and
# $BUILD/out/vmlinux-alt, the same source and fragment built for speed
# instead of size (-O2, not -Os): another build of the same kernel, whose
# text and read-only data differ page for page, for the lab guest that
# must share none of them (KERNEL_gN=alt).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}" "${SATORI_CACHE:?}"
src=$BUILD/linux-src
obj=$BUILD/linux-obj
out=$BUILD/out
frag=$top/guest/linux-satori/kernel.config
outputs=(vmlinux vmlinux-alt linux.config modules/ext2.ko modules/scsi_debug.ko)

# place FROM: copies each of $outputs from FROM to $out, where it differs.
place() {
	local f
	mkdir -p "$out/modules"
	for f in "${outputs[@]}"; do
		cmp -s "$1/$f" "$out/$f" || cp "$1/$f" "$out/$f"
	done
}

# Even from a warm ccache the two builds take minutes (every file is
# preprocessed, both images linked), so their outputs are also kept in
# $SATORI_CACHE/lab-kernel/KEY/, KEY a digest of every input
# (scripts/kernel-cache-key.sh: this script and the fragment among them).
# Inputs unchanged, a fresh checkout takes them from there.
key=$("$top/scripts/kernel-cache-key.sh" guest/linux-satori/kernel.config scripts/build-kernel.sh)
cache=$SATORI_CACHE/lab-kernel
if [ -f "$cache/$key/vmlinux-alt" ]; then
	place "$cache/$key"
	echo "build-kernel: (cached) $out/vmlinux, $out/vmlinux-alt"
	exit 0
fi

# Kernel builds are the heaviest thing this machine runs: one at a time,
# whichever checkout asks (SATORI_CACHE is shared by all of them).
exec 9>"$SATORI_CACHE/kernel-build.lock"
flock 9
"$top/scripts/prepare-linux.sh"

mkdir -p "$out"
export CCACHE_DIR=$SATORI_CACHE/ccache CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1

# build OBJ FRAGMENT TARGET...: configure OBJ as tinyconfig + FRAGMENT
# (kconfig-merge.sh: only when FRAGMENT changed; every option must stick)
# and make TARGETs.
build() {
	local o=$1 f=$2
	shift 2
	local mk=(make -C "$src" O="$o" CC="ccache gcc" -j"$(nproc)")
	"$top/scripts/kconfig-merge.sh" "$src" "$o" tinyconfig "$f"
	"${mk[@]}" ARCH=x86_64 "$@" >"$BUILD/kernel-build.log" 2>&1 || {
		grep -E 'error|Error' "$BUILD/kernel-build.log" | head -20 >&2
		echo "build-kernel: build failed (log: $BUILD/kernel-build.log)" >&2
		exit 1
	}
}

build "$obj" "$frag" vmlinux modules
cmp -s "$obj/vmlinux" "$out/vmlinux" || cp "$obj/vmlinux" "$out/vmlinux"
mkdir -p "$out/modules"
for ko in fs/ext2/ext2.ko drivers/scsi/scsi_debug.ko; do
	cmp -s "$obj/$ko" "$out/modules/${ko##*/}" || cp "$obj/$ko" "$out/modules/${ko##*/}"
done
cp "$obj/.config" "$out/linux.config"
echo "build-kernel: $out/vmlinux ($(make -s -C "$src" kernelversion))"

alt=$BUILD/linux-obj-alt
mkdir -p "$alt"
{ cat "$frag"; echo "CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE=y"; } >"$alt/fragment.new"
cmp -s "$alt/fragment.new" "$alt/fragment" || mv "$alt/fragment.new" "$alt/fragment"
build "$alt" "$alt/fragment" vmlinux
cmp -s "$alt/vmlinux" "$out/vmlinux-alt" || cp "$alt/vmlinux" "$out/vmlinux-alt"
echo "build-kernel: $out/vmlinux-alt (the same, built with -O2)"
rm -rf "$cache"
mkdir -p "$cache/$key/modules"
for f in "${outputs[@]}"; do
	cp "$out/$f" "$cache/$key/$f"
done
