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
#   satori-tools                            the dom0 tools (cmake --install:
#                                           satori-top, -ctl, -scan, -scand,
#                                           -groupd), their man pages, units,
#                                           default configuration, alert rules
#   linux-image-<version>-satori            the guest and dom0 kernel: Debian's
#   (and linux-headers-, linux-libc-dev)    cloud-amd64 configuration with
#                                           Satori, built by bindeb-pkg
#                                           (scripts/build-kernel-package.sh)
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
# satori-tools is versioned by the project alone (0.1.0-1): it works with any
# Xen 4.17 carrying the Satori series. It needs the CMake build (make
# userspace).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}" "${SATORI_CACHE:?}"
pkgs=$BUILD/packages
stage=$pkgs/stage
maintainer="Satori developers <satori-dev@lists.example.org>"

"$top/scripts/build-xen.sh"
"$top/scripts/build-xen.sh" --release
"$top/scripts/build-kernel-package.sh"

project=$(sed -n 's/^project(satori VERSION \([0-9.]*\) .*/\1/p' "$top/CMakeLists.txt")
xen=$(make -s -C "$BUILD/xen-src-release/xen" xenversion)
if [ -z "$project" ] || [ -z "$xen" ]; then
	echo "build-packages: no version (project '$project', Xen '$xen')" >&2
	exit 1
fi
version=$project+xen$xen-1
# The changelog's date: the commit's, so that a build is reproducible.
date=$(git -C "$top" log -1 --format=%cD 2>/dev/null || date -R)
# and dpkg-deb clamps the files' times to it (identical inputs, identical .deb).
export SOURCE_DATE_EPOCH=$(date -d "$date" +%s)

rm -rf "$stage"
mkdir -p "$stage"
rm -f "$pkgs"/satori-*.deb

# begin PKG VERSION COPYRIGHT: an empty tree for PKG, with its copyright
# file and changelog.
begin() {
	local doc=$stage/$1/usr/share/doc/$1
	mkdir -p "$stage/$1/DEBIAN" "$doc"
	install -m 0644 "$3" "$doc/copyright"
	printf '%s (%s) unstable; urgency=medium\n\n  * Built by make packages from the Satori repository.\n\n -- %s  %s\n' \
		"$1" "$2" "$maintainer" "$date" | gzip -9n >"$doc/changelog.Debian.gz"
	chmod 0644 "$doc/changelog.Debian.gz"
}

# finish PKG VERSION ARCH SECTION DEPENDS DESCRIPTION: PKG's control file
# and checksums (its maintainer scripts and conffiles are the caller's),
# then the .deb. DESCRIPTION's first line is the synopsis, the rest its
# long description (already indented).
finish() {
	local p=$1 v=$2 dir=$stage/$1
	{
		echo "Package: $p"
		echo "Version: $v"
		echo "Architecture: $3"
		echo "Maintainer: $maintainer"
		echo "Installed-Size: $(du -sk --exclude=DEBIAN "$dir" | cut -f1)"
		[ -n "$5" ] && echo "Depends: $5"
		echo "Section: $4"
		echo "Priority: optional"
		echo "Description: $6"
	} >"$dir/DEBIAN/control"
	(cd "$dir" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z |
		xargs -0r md5sum) >"$dir/DEBIAN/md5sums"
	chmod 0644 "$dir/DEBIAN/md5sums" "$dir/DEBIAN/control"
	dpkg-deb --root-owner-group -Zxz --build "$dir" "$pkgs/${p}_${v}_$3.deb" >/dev/null
	echo "build-packages: $pkgs/${p}_${v}_$3.deb"
}

# grub_scripts PKG: the maintainer scripts of the Xen packages (update-grub).
grub_scripts() {
	install -m 0755 "$top/dist/debian/xen/postinst" "$top/dist/debian/xen/postrm" "$stage/$1/DEBIAN/"
}

# hypervisor PKG NAME OUT BUILD WHAT: Xen from OUT installed as
# /boot/NAME.gz (and its configuration as /boot/NAME.config); BUILD is
# "release" or "debug", WHAT what that build is for (lines of the long
# description: under 80 columns, each after the first indented by one).
hypervisor() {
	begin "$1" "$version" "$top/dist/debian/xen/copyright"
	mkdir -p "$stage/$1/boot"
	install -m 0644 "$3/xen.gz" "$stage/$1/boot/$2.gz"
	install -m 0644 "$3/xen.config" "$stage/$1/boot/$2.config"
	grub_scripts "$1"
	finish "$1" "$version" amd64 kernel "satori-xen-common (= $version)" "Xen 4.17 hypervisor with Satori ($4 build)
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

begin satori-xen-common "$version" "$top/dist/debian/xen/copyright"
mkdir -p "$stage/satori-xen-common/etc/default/grub.d"
install -m 0644 "$top/dist/debian/xen/zz-satori.cfg" "$stage/satori-xen-common/etc/default/grub.d/"
echo /etc/default/grub.d/zz-satori.cfg >"$stage/satori-xen-common/DEBIAN/conffiles"
grub_scripts satori-xen-common
finish satori-xen-common "$version" all kernel "" "Satori's GRUB settings for Xen 4.17 with Satori
 /etc/default/grub.d/zz-satori.cfg adds satori=on to the hypervisor's
 command line while a Satori hypervisor (satori-xen-hypervisor-4.17-amd64
 or its debug build) is in /boot; with none installed it adds nothing."

# satori-tools: what cmake --install puts under /usr and /etc, laid out as
# Debian's policy wants it: binaries stripped, man pages compressed, units
# in /lib/systemd/system (bookworm's place for them), the example rules
# under the package's own doc directory.
tools=satori-tools
tools_version=$project-1
[ -x "$BUILD/cmake/satori-top" ] || {
	echo "build-packages: $BUILD/cmake has no satori-top; run 'make userspace' first" >&2
	exit 1
}
begin $tools "$tools_version" "$top/dist/debian/tools/copyright"
t=$stage/$tools
if ! DESTDIR=$t cmake --install "$BUILD/cmake" --prefix /usr >"$stage/install.log" 2>&1; then
	cat "$stage/install.log" >&2
	echo "build-packages: cmake --install failed" >&2
	exit 1
fi
mkdir -p "$t/lib/systemd"
mv "$t/usr/lib/systemd/system" "$t/lib/systemd/system"
rmdir -p --ignore-fail-on-non-empty "$t/usr/lib/systemd"
mv "$t/usr/share/doc/satori/examples" "$t/usr/share/doc/$tools/examples"
rmdir "$t/usr/share/doc/satori"
strip --remove-section=.comment --remove-section=.note --strip-unneeded "$t"/usr/sbin/*
gzip -9n "$t"/usr/share/man/man8/*.8
(cd "$t" && find etc -type f | sed 's|^|/|' | sort) >"$t/DEBIAN/conffiles"
# The shared libraries the binaries need, as dpkg-shlibdeps finds them
# (it wants a debian/control to read; a stub one serves).
mkdir -p "$stage/shlibs/debian"
printf 'Source: satori\n\nPackage: %s\nArchitecture: any\n' $tools >"$stage/shlibs/debian/control"
# Xen's libraries have no symbols files, so dpkg-shlibdeps asks for this
# build host's exact Xen version; the tools need only Xen 4.17's library
# interface (libxenmisc4.17), so they ask for the Xen release the hypervisor
# packages carry, as a host running those has it.
depends=$(cd "$stage/shlibs" && dpkg-shlibdeps -O "$t"/usr/sbin/* 2>"$stage/shlibs.log" |
	sed -n 's/^shlibs:Depends=//p' | sed "s/\(libxen[a-z0-9.-]*\) (>= [^)]*)/\1 (>= $xen)/g")
[ -n "$depends" ] || {
	cat "$stage/shlibs.log" >&2
	echo "build-packages: dpkg-shlibdeps found no dependencies" >&2
	exit 1
}
finish $tools "$tools_version" amd64 admin "$depends" "Satori's dom0 tools: satori-top, satori-ctl, satori-scand
 Satori finds duplicate pages as guests read them from disk, merges them
 copy-on-write and lends what it saves back to the guests. These are its
 tools for dom0, for a Xen with Satori (satori-xen-hypervisor-4.17-amd64):
 satori-top (the state of sharing, and metrics for Prometheus),
 satori-ctl (trust groups, entitlements), satori-scan and satori-scand
 (sharing for guests whose kernels do not know Satori), satori-groupd
 (the trust groups of /etc/satori/groups.conf, kept across reboots).
 The systemd units are shipped, not enabled."
rm -rf "$stage"
