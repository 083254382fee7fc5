#!/bin/bash
# make packages: Satori's Debian packages, in $BUILD/packages/:
#
#   satori-xen-hypervisor-4.17-amd64        Xen 4.17 with Satori, release
#                                           build: /boot/xen-4.17-satori-amd64.gz
#   satori-xen-hypervisor-debug-4.17-amd64  the debug build the lab boots
#                                           (ASSERTs, the sharing audit):
#                                           /boot/xen-4.17-satori-amd64.debug.gz
#   satori-xen-common                       /etc/default/grub.d/zz-satori.cfg:
#                                           satori=on for GRUB's Xen entries
#                                           while a Satori Xen is in /boot
#
# Their file names are not Debian's (/boot/xen-4.17-amd64.gz belongs to
# xen-hypervisor-4.17-amd64), so they install beside Debian's Xen and its
# updates leave them alone; GRUB lists both (update-grub, from the
# packages' postinst and postrm). GRUB sorts Xens by version, newest
# first, and its first is the default: these names put the release build
# before the debug build and both before Debian's Xen, which stays in
# "Advanced options" as the way back. One version for all, from one place: the
# project's (CMakeLists.txt, project()), then Xen's: 0.1.0+xen4.17.5-1.
#
# The guest kernel and dom0 tools' packages are not built yet (issue 19).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}" "${SATORI_CACHE:?}"
pkgs=$BUILD/packages
stage=$pkgs/stage
maintainer="Satori developers <satori-dev@lists.example.org>"

"$top/scripts/build-xen.sh"
"$top/scripts/build-xen.sh" --release

project=$(sed -n 's/^project(satori VERSION \([0-9.]*\) .*/\1/p' "$top/CMakeLists.txt")
xen=$(make -s -C "$BUILD/xen-src-release/xen" xenversion)
if [ -z "$project" ] || [ -z "$xen" ]; then
	echo "build-packages: no version (project '$project', Xen '$xen')" >&2
	exit 1
fi
version=$project+xen$xen-1
# The changelog's date: the commit's, so that a build is reproducible.
date=$(git -C "$top" log -1 --format=%cD 2>/dev/null || date -R)

rm -rf "$stage"
mkdir -p "$stage"
rm -f "$pkgs"/satori-*.deb

# begin PKG: an empty tree for PKG, with its copyright and changelog.
begin() {
	local doc=$stage/$1/usr/share/doc/$1
	mkdir -p "$stage/$1/DEBIAN" "$doc"
	install -m 0644 "$top/dist/debian/xen/copyright" "$doc/copyright"
	printf '%s (%s) unstable; urgency=medium\n\n  * Built by make packages from the Satori repository.\n\n -- %s  %s\n' \
		"$1" "$version" "$maintainer" "$date" | gzip -9n >"$doc/changelog.Debian.gz"
	chmod 0644 "$doc/changelog.Debian.gz"
}

# finish PKG ARCH DEPENDS DESCRIPTION: PKG's control file, maintainer
# scripts and checksums, then the .deb. DESCRIPTION's first line is the
# synopsis, the rest its long description (already indented).
finish() {
	local p=$1 dir=$stage/$1
	install -m 0755 "$top/dist/debian/xen/postinst" "$top/dist/debian/xen/postrm" "$dir/DEBIAN/"
	{
		echo "Package: $p"
		echo "Version: $version"
		echo "Architecture: $2"
		echo "Maintainer: $maintainer"
		echo "Installed-Size: $(du -sk --exclude=DEBIAN "$dir" | cut -f1)"
		[ -n "$3" ] && echo "Depends: $3"
		echo "Section: kernel"
		echo "Priority: optional"
		echo "Homepage: https://xenproject.org"
		echo "Description: $4"
	} >"$dir/DEBIAN/control"
	(cd "$dir" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z |
		xargs -0r md5sum) >"$dir/DEBIAN/md5sums"
	chmod 0644 "$dir/DEBIAN/md5sums" "$dir/DEBIAN/control"
	dpkg-deb --root-owner-group -Zxz --build "$dir" "$pkgs/${p}_${version}_$2.deb" >/dev/null
	echo "build-packages: $pkgs/${p}_${version}_$2.deb"
}

# hypervisor PKG NAME OUT BUILD WHAT: Xen from OUT installed as
# /boot/NAME.gz (and its configuration as /boot/NAME.config); BUILD is
# "release" or "debug", WHAT what that build is for (lines of the long
# description: under 80 columns, each after the first indented by one).
hypervisor() {
	begin "$1"
	mkdir -p "$stage/$1/boot"
	install -m 0644 "$3/xen.gz" "$stage/$1/boot/$2.gz"
	install -m 0644 "$3/xen.config" "$stage/$1/boot/$2.config"
	finish "$1" amd64 "satori-xen-common (= $version)" "Xen 4.17 hypervisor with Satori ($4 build)
 Satori finds duplicate pages as guests read them from disk, merges them
 copy-on-write and lends what it saves back to the guests as a volatile
 page cache. This is Xen 4.17 as Debian ships it, with Satori's patches,
 $4 build: $5.
 .
 It installs as /boot/$2.gz beside Debian's own Xen;
 update-grub lists both, this one with satori=on (satori-xen-common)."
}

hypervisor satori-xen-hypervisor-4.17-amd64 xen-4.17-satori-amd64 "$BUILD/out/release" release \
	"for production hosts"
hypervisor satori-xen-hypervisor-debug-4.17-amd64 xen-4.17-satori-amd64.debug "$BUILD/out" debug \
	"live asserts and the memory-sharing audit,
 as the project's tests run it; not for production"

begin satori-xen-common
mkdir -p "$stage/satori-xen-common/etc/default/grub.d"
install -m 0644 "$top/dist/debian/xen/zz-satori.cfg" "$stage/satori-xen-common/etc/default/grub.d/"
echo /etc/default/grub.d/zz-satori.cfg >"$stage/satori-xen-common/DEBIAN/conffiles"
finish satori-xen-common all "" "Satori's GRUB settings for Xen 4.17 with Satori
 /etc/default/grub.d/zz-satori.cfg adds satori=on to the hypervisor's
 command line while a Satori hypervisor (satori-xen-hypervisor-4.17-amd64
 or its debug build) is in /boot; with none installed it adds nothing."
rm -rf "$stage"
