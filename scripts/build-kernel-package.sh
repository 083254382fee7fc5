#!/bin/bash
# Build linux-image-<version>-satori (and its linux-headers and linux-libc-dev)
# with the kernel's own `make bindeb-pkg`: the pinned Linux 6.1 source
# (Debian's linux-source-6.1) with Satori's patch series and tree, configured
# as Debian's cloud-amd64 flavour (linux-config-6.1) plus
# dist/debian/linux/satori.config. A distribution kernel: modules,
# networking, the usual file systems; one image serves Satori's guests and
# dom0 (blkfront and blkback with Satori's hints, XEN_DOM0).
#
# Output: $BUILD/packages/linux-*.deb. The object directory is
# $BUILD/linux-deb/obj (bindeb-pkg writes its .debs beside it), ccache as
# for the lab's kernel; the version is the project's, then Linux's:
# 0.1.0+linux6.1.192-1, like the Xen packages'.
#
# A whole distribution kernel takes long to build even from a warm ccache
# (every file is still preprocessed), so the packages are also kept in
# $SATORI_CACHE/kernel-package/KEY/, KEY a digest of every input: the
# Debian source and configuration versions, the compiler, and Satori's
# files that go into the kernel. Inputs unchanged, the cached packages are
# taken; a build stores its packages there and drops older ones.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}" "${SATORI_CACHE:?}"
src=$BUILD/linux-src
work=$BUILD/linux-deb
obj=$work/obj
pkgs=$BUILD/packages
base=/usr/src/linux-config-6.1/config.amd64_none_cloud-amd64.xz
frag=$top/dist/debian/linux/satori.config

[ -f "$base" ] || { echo "build-kernel-package: $base missing; run 'make deps'" >&2; exit 1; }
# The configuration must be the one Debian built this source with.
srcv=$(dpkg-query -W -f='${Version}' linux-source-6.1)
cfgv=$(dpkg-query -W -f='${Version}' linux-config-6.1)
if [ "$srcv" != "$cfgv" ]; then
	echo "build-kernel-package: linux-source-6.1 is $srcv but linux-config-6.1 is $cfgv; run 'make deps'" >&2
	exit 1
fi

# Every input (scripts/kernel-cache-key.sh; linux-config-6.1's version is
# linux-source-6.1's, checked above), this build's own among them.
own=(dist/debian/linux scripts/build-kernel-package.sh)
key=$("$top/scripts/kernel-cache-key.sh" "${own[@]}")
mapfile -t inputs < <("$top/scripts/kernel-cache-key.sh" --paths "${own[@]}")
cache=$SATORI_CACHE/kernel-package
if ls "$cache/$key"/linux-image-*.deb >/dev/null 2>&1; then
	mkdir -p "$pkgs"
	rm -f "$pkgs"/linux-*.deb
	cp "$cache/$key"/*.deb "$pkgs/"
	ls "$pkgs"/linux-*.deb | sed 's/^/build-kernel-package: (cached) /'
	exit 0
fi

exec 9>"$SATORI_CACHE/kernel-build.lock"
flock 9
"$top/scripts/prepare-linux.sh"
export CCACHE_DIR=$SATORI_CACHE/ccache CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1

mkdir -p "$work" "$pkgs"
xz -dc "$base" >"$work/cloud-amd64.config"
"$top/scripts/kconfig-merge.sh" "$src" "$obj" "$work/cloud-amd64.config" "$frag"

project=$(sed -n 's/^project(satori VERSION \([0-9.]*\) .*/\1/p' "$top/CMakeLists.txt")
linux=$(make -s -C "$src" kernelversion)
version=$project+linux$linux-1
log=$BUILD/kernel-package-build.log
rm -f "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes
# The build's date is that of the last commit to change an input, so that
# rebuilding gives the same uname -v; root builds, so no fakeroot; the
# maintainer is the Xen packages' (scripts/build-packages.sh).
if ! make -C "$src" O="$obj" ARCH=x86_64 CC="ccache gcc" -j"$(nproc)" \
	KDEB_PKGVERSION="$version" KBUILD_PKG_ROOTCMD= \
	DEBFULLNAME="Satori developers" DEBEMAIL=satori-dev@lists.example.org \
	KBUILD_BUILD_TIMESTAMP="$(git -C "$top" log -1 --format=%cD -- "${inputs[@]}" 2>/dev/null || date -R)" \
	KBUILD_BUILD_USER=satori KBUILD_BUILD_HOST=satori-build \
	bindeb-pkg >"$log" 2>&1; then
	grep -E 'error|Error' "$log" | head -20 >&2
	echo "build-kernel-package: build failed (log: $log)" >&2
	exit 1
fi
rm -f "$pkgs"/linux-*.deb
mv "$work"/linux-*.deb "$pkgs/"
rm -rf "$cache"
mkdir -p "$cache/$key"
cp "$pkgs"/linux-*.deb "$cache/$key/"
ls "$pkgs"/linux-*.deb | sed 's/^/build-kernel-package: /'
