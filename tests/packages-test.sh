#!/bin/bash
# packages-test.sh: make packages' Debian packages, checked on this host
# (nothing boots):
#   - they build (scripts/build-packages.sh), one version for the Xen
#     packages, the project's (CMakeLists.txt) then Xen's, the project's
#     then Linux's for the kernel, and the project's alone for satori-tools;
#   - the kernel is Debian's cloud-amd64 flavour with Satori: its
#     configuration has Satori's options, dom0 support and Debian's modules;
#   - lintian finds no error in any (its warnings are printed);
#   - each ships its files, none of them a file Debian's own
#     xen-hypervisor-4.17-amd64 ships (its debian/ file-name rule), so the
#     two install side by side;
#   - into a fresh Debian 12 tree (a copy of the lab's debootstrap tree),
#     dpkg -i installs them; /etc/default/grub.d/zz-satori.cfg adds
#     satori=on to Xen's GRUB command line while a Satori hypervisor is
#     installed and nothing once none is; satori-tools' binaries run there
#     (their libraries are the tree's); dpkg --purge leaves the tree as it
#     was, dpkg's own records and logs aside (as piuparts checks).
# Prints a PASS or FAIL line per check; exit status 1 on any FAIL. make
# test runs it (tests/run-all.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
test_name=packages
. "$top/tests/host-test-lib.sh"
pkgs=$BUILD/packages

if ! "$top/scripts/build-packages.sh" >"$log/packages-build.log" 2>&1; then
	fail "make packages failed: $(tail -3 "$log/packages-build.log" | tr '\n' ' ')"
	exit 1
fi
project=$(sed -n 's/^project(satori VERSION \([0-9.]*\) .*/\1/p' "$top/CMakeLists.txt")
xen=$(make -s -C "$BUILD/xen-src-release/xen" xenversion)
version=$project+xen$xen-1
release=satori-xen-hypervisor-4.17-amd64
debug=satori-xen-hypervisor-debug-4.17-amd64
common=satori-xen-common
tools=satori-tools
linux=$(make -s -C "$BUILD/linux-src" kernelversion 2>/dev/null)
kver=$linux-satori
kernel=linux-image-$kver
# deb PKG: the path of PKG's package.
deb() { ls "$pkgs/$1"_*.deb 2>/dev/null | head -1; }

for p in $release $debug $common $tools $kernel; do
	f=$(deb "$p")
	if [ -z "$f" ]; then
		fail "$p was not built (in $pkgs)"
		continue
	fi
	want=$version
	[ "$p" = $tools ] && want=$project-1
	[ "$p" = "$kernel" ] && want=$project+linux$linux-1
	got=$(dpkg-deb -f "$f" Version)
	if [ -n "$project" ] && [ "$got" = "$want" ]; then
		pass "$p is version $want"
	else
		fail "$p is version '$got', want $want"
	fi
	lintian --fail-on error "$f" >"$log/lintian-$p.log" 2>&1
	rc=$?
	errors=$(grep -c '^E:' "$log/lintian-$p.log")
	if [ "$rc" = 0 ] && [ "$errors" = 0 ]; then
		pass "lintian: $p has no error ($(grep -c '^W:' "$log/lintian-$p.log") warnings)"
	else
		fail "lintian: $p: exit $rc, $errors errors: $(grep '^E:' "$log/lintian-$p.log" | head -5 | tr '\n' ' ')"
	fi
	sed -n 's/^W: /   INFO lintian warning: /p' "$log/lintian-$p.log"
done

# contents PKG FILE...: PKG ships exactly FILE... (its docs aside).
contents() {
	local p=$1 want got
	shift
	want=$(printf '%s\n' "$@" /usr/share/doc/"$p"/copyright /usr/share/doc/"$p"/changelog.Debian.gz | sort)
	got=$(dpkg-deb -c "$(deb "$p")" 2>/dev/null | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | sort)
	if [ "$got" = "$want" ]; then
		pass "$p ships $*"
	else
		fail "$p ships: $(echo "$got" | tr '\n' ' ') (want $(echo "$want" | tr '\n' ' '))"
	fi
}
contents $release /boot/xen-4.17-satori-amd64.gz /boot/xen-4.17-satori-amd64.config
contents $debug /boot/xen-4.17-satori-amd64.debug.gz /boot/xen-4.17-satori-amd64.debug.config
contents $common /etc/default/grub.d/zz-satori.cfg
if [ "$(dpkg-deb --ctrl-tarfile "$(deb $common)" | tar -xO ./conffiles 2>/dev/null)" = /etc/default/grub.d/zz-satori.cfg ]; then
	pass "$common marks zz-satori.cfg a conffile"
else
	fail "$common does not mark zz-satori.cfg a conffile"
fi
sbin=/usr/sbin/satori
contents $tools $sbin-top $sbin-ctl $sbin-scan $sbin-scand $sbin-groupd \
	/usr/share/man/man8/satori-{top,ctl,scan,scand,groupd}.8.gz \
	/lib/systemd/system/satori-{scand,groupd,metrics}.service /lib/systemd/system/satori-metrics.timer \
	/etc/default/satori-scand /etc/satori/groups.conf \
	/usr/share/doc/$tools/examples/satori-alerts.yml
if [ "$(dpkg-deb --ctrl-tarfile "$(deb $tools)" | tar -xO ./conffiles 2>/dev/null | tr '\n' ' ')" = \
	"/etc/default/satori-scand /etc/satori/groups.conf " ]; then
	pass "$tools marks its two files in /etc conffiles"
else
	fail "$tools's conffiles: $(dpkg-deb --ctrl-tarfile "$(deb $tools)" | tar -xO ./conffiles 2>/dev/null | tr '\n' ' ')"
fi
# The kernel: Debian's cloud flavour (its modules, networking as modules),
# with Satori's guest and dom0 parts, dom0 support and KUnit off by default.
kfiles=$(dpkg-deb -c "$(deb $kernel)" 2>/dev/null | awk '{ sub(/^\./, "", $6); print $6 }')
for f in /boot/vmlinuz-$kver /boot/config-$kver /boot/System.map-$kver \
	/lib/modules/$kver/kernel/fs/isofs/isofs.ko /lib/modules/$kver/kernel/drivers/net/xen-netfront.ko; do
	if grep -qx -- "$f" <<<"$kfiles"; then
		pass "$kernel ships $f"
	else
		fail "$kernel does not ship $f"
	fi
done
modules=$(grep -c '\.ko$' <<<"$kfiles")
if [ "$modules" -ge 1000 ]; then
	pass "$kernel is a distribution kernel: $modules modules"
else
	fail "$kernel has $modules modules (Debian's cloud flavour has over 1,000)"
fi
kconfig=$(dpkg-deb --fsys-tarfile "$(deb $kernel)" | tar -xO "./boot/config-$kver" 2>/dev/null)
missing=""
for opt in CONFIG_SATORI=y CONFIG_SATORI_GUEST=y CONFIG_SATORI_BLKFRONT=y CONFIG_SATORI_VOLATILE=y \
	CONFIG_SATORI_BLKBACK=y CONFIG_XEN_DOM0=y CONFIG_XEN_PVH=y CONFIG_XEN_BLKDEV_FRONTEND=y \
	CONFIG_XEN_BLKDEV_BACKEND=y CONFIG_XEN_NETDEV_FRONTEND=m CONFIG_EXT4_FS=y CONFIG_SATORI_KUNIT_TEST=y \
	'# CONFIG_KUNIT_DEFAULT_ENABLED is not set'; do
	grep -qx -- "$opt" <<<"$kconfig" || missing="$missing '$opt'"
done
if [ -z "$missing" ]; then
	pass "$kernel's configuration: Satori's guest and dom0 parts, dom0, PVH, KUnit off by default"
else
	fail "$kernel's configuration lacks$missing"
fi
# The release build is one: CONFIG_DEBUG off, Satori and memory sharing on.
config=$(dpkg-deb --fsys-tarfile "$(deb $release)" | tar -xO ./boot/xen-4.17-satori-amd64.config 2>/dev/null)
if grep -qx '# CONFIG_DEBUG is not set' <<<"$config" && grep -qx 'CONFIG_SATORI=y' <<<"$config" &&
	grep -qx 'CONFIG_MEM_SHARING=y' <<<"$config"; then
	pass "$release is a release build of Satori (CONFIG_DEBUG off, CONFIG_SATORI and CONFIG_MEM_SHARING on)"
else
	fail "$release's configuration: $(grep -E 'CONFIG_(DEBUG|SATORI|MEM_SHARING)[ =]' <<<"$config" | tr '\n' ' ')"
fi
# Debian names its hypervisor's files boot/xen-<upstream version>... with
# that version replaced by 4.17-amd64 (debian/shuffle-boot-files).
debian_boot=$(for f in xen.gz xen.config xen.efi xen-syms; do echo "/boot/${f/xen/xen-4.17-amd64}"; done)
clash=$(for p in $release $debug $common; do
	dpkg-deb -c "$(deb "$p")" 2>/dev/null | awk '{ sub(/^\./, "", $6); print $6 }'
done | grep -Fx -f <(echo "$debian_boot"))
if [ -z "$clash" ] && grep -q 'head}${version}-${flavour}${tail}' "$BUILD/xen-src/debian/shuffle-boot-files"; then
	pass "no file of the packages is one of Debian's xen-hypervisor-4.17-amd64"
else
	fail "files also in Debian's xen-hypervisor-4.17-amd64 (or its naming rule changed): $clash"
fi

# A fresh Debian 12 tree: dpkg -i, the GRUB settings, dpkg --purge.
tree=$("$top/scripts/debootstrap-rootfs.sh" 2>"$log/packages-rootfs.log") || {
	fail "no Debian tree to install into: $(tail -2 "$log/packages-rootfs.log")"
	exit 1
}
root=$(mktemp -d /tmp/satori-packages.XXXXXX)
trap 'rm -rf "$root"' EXIT
cp -a "$tree/." "$root/"
# listing: the tree's files and their modes, dpkg's records and logs aside.
# apt's record of the installed kernels, 01autoremove-kernels, is written by
# apt's own hook (/etc/kernel/postinst.d/01autoremove) for any kernel
# package, Debian's too, and stays: piuparts ignores it as well.
listing() {
	(cd "$root" && find . -path ./var/lib/dpkg -prune -o -path ./var/log -prune -o \
		-path ./var/cache -prune -o -path ./etc/apt/apt.conf.d/01autoremove-kernels -prune -o \
		-printf '%p %M %s\n' | sort)
}
before=$(listing)
# xen_args [GRUB_CMDLINE_XEN_DEFAULT]: what update-grub would give Xen,
# sourcing the tree's /etc/default/grub.d/*.cfg as grub-mkconfig does.
xen_args() {
	chroot "$root" /bin/sh -c 'GRUB_CMDLINE_XEN_DEFAULT="$1"
		for f in /etc/default/grub.d/*.cfg; do [ -e "$f" ] && . "$f"; done
		echo "$GRUB_CMDLINE_XEN_DEFAULT"' sh "${1:-}"
}
check_args() {
	local got
	got=$(xen_args "$2")
	if [ "$got" = "$3" ]; then
		pass "$1: Xen's GRUB command line is '$3'"
	else
		fail "$1: Xen's GRUB command line is '$got', want '$3'"
	fi
}
if dpkg --root="$root" -i "$(deb $common)" "$(deb $release)" "$(deb $debug)" >"$log/packages-dpkg.log" 2>&1; then
	pass "dpkg -i installs the three into a fresh Debian 12 tree"
else
	fail "dpkg -i: $(tail -3 "$log/packages-dpkg.log" | tr '\n' ' ')"
fi
if cmp -s "$root/boot/xen-4.17-satori-amd64.gz" "$BUILD/out/release/xen.gz" &&
	cmp -s "$root/boot/xen-4.17-satori-amd64.debug.gz" "$BUILD/out/xen.gz"; then
	pass "the installed hypervisors are the release and debug builds"
else
	fail "the installed hypervisors differ from $BUILD/out/release/xen.gz and $BUILD/out/xen.gz"
fi
if dpkg --root="$root" -i "$(deb $tools)" >>"$log/packages-dpkg.log" 2>&1; then
	pass "dpkg -i installs $tools there, its dependencies met by Debian 12's"
else
	fail "dpkg -i $tools: $(tail -3 "$log/packages-dpkg.log" | tr '\n' ' ')"
fi
if dpkg --root="$root" -i "$(deb $kernel)" >>"$log/packages-dpkg.log" 2>&1 &&
	[ -f "$root/boot/vmlinuz-$kver" ]; then
	pass "dpkg -i installs $kernel there"
else
	fail "dpkg -i $kernel: $(tail -3 "$log/packages-dpkg.log" | tr '\n' ' ')"
fi
# Each binary starts in the tree (its libraries resolve) and says its version.
for t in top ctl scan scand groupd; do
	if out=$(chroot "$root" /usr/sbin/satori-$t --version 2>&1) && grep -q "$project" <<<"$out"; then
		pass "the installed satori-$t runs: $(head -1 <<<"$out")"
	else
		fail "the installed satori-$t --version: $out"
	fi
done
check_args "both installed" "" "satori=on"
check_args "both installed, with the admin's own" "dom0_mem=2G,max:2G" "dom0_mem=2G,max:2G satori=on"
dpkg --root="$root" -r $release >>"$log/packages-dpkg.log" 2>&1
check_args "the release build removed" "" "satori=on"
dpkg --root="$root" -r $debug >>"$log/packages-dpkg.log" 2>&1
check_args "both removed (back to Debian's Xen)" "dom0_mem=2G" "dom0_mem=2G"
if dpkg --root="$root" --purge $kernel $tools $common $release $debug >>"$log/packages-dpkg.log" 2>&1 &&
	[ -z "$(dpkg-query --root="$root" -W -f='${db:Status-Abbrev} ${Package}\n' 'satori-*' "$kernel" 2>/dev/null | grep -v '^un')" ]; then
	pass "dpkg --purge removes them"
else
	fail "dpkg --purge: $(tail -3 "$log/packages-dpkg.log" | tr '\n' ' ')"
fi
left=$(diff <(echo "$before") <(listing))
if [ -z "$left" ]; then
	pass "after dpkg --purge the tree is as before"
else
	fail "dpkg --purge left the tree changed: $(head -5 <<<"$left" | tr '\n' ' ')"
fi
exit $bad
