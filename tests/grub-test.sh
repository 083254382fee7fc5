#!/bin/bash
# grub-test.sh: the GRUB entries of make packages' Xen and kernel packages,
# made by Debian's own update-grub, as on a Debian 12 Xen host (nothing
# boots):
#   - the host: a fresh Debian 12 tree with GRUB and Debian's own Xen
#     hypervisor (scripts/debootstrap-rootfs.sh), /etc/default/grub as
#     grub-pc's postinst writes it, as an ext4 file system on a loop device
#     (grub-probe needs a real device under /);
#   - dpkg -i of satori-xen-common, both hypervisors and the kernel, in that
#     tree: their maintainer scripts run update-grub, which succeeds; GRUB's
#     default entry (xen.cfg: "... with Xen hypervisor") boots Satori's
#     release hypervisor with satori=on and the packaged kernel as dom0;
#     the debug build and Debian's Xen are there too;
#   - dpkg -r of both hypervisors: update-grub runs again; no entry boots a
#     Satori hypervisor or says satori=on, and the default boots Debian's Xen.
# Needs root and a free loop device. Prints a PASS or FAIL line per check;
# exit status 1 on any FAIL. make test runs it (tests/run-all.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
test_name=grub
. "$top/tests/host-test-lib.sh"
pkgs=$BUILD/packages

deb() { ls "$pkgs/$1"_*.deb 2>/dev/null | tail -1; }
common=satori-xen-common
release=satori-xen-hypervisor-4.17-amd64
debug=satori-xen-hypervisor-debug-4.17-amd64
kernel_deb=$(ls "$pkgs"/linux-image-*-satori_*_amd64.deb 2>/dev/null | tail -1)
for p in $common $release $debug; do
	[ -n "$(deb $p)" ] || { fail "no $p package in $pkgs (make packages)"; exit 1; }
done
[ -n "$kernel_deb" ] || { fail "no linux-image-*-satori package in $pkgs (make packages)"; exit 1; }
kernel=$(dpkg-deb -f "$kernel_deb" Package)
kver=${kernel#linux-image-}

tree=$("$top/scripts/debootstrap-rootfs.sh" \
	grub-common,grub2-common,grub-pc-bin,xen-hypervisor-4.17-amd64,xen-hypervisor-common \
	2>"$log/grub-rootfs.log") || {
	fail "no Debian tree with GRUB: $(tail -2 "$log/grub-rootfs.log")"
	exit 1
}

# The host's root file system. Its image lives under /dev/shm so that the
# loop device's backing file, which grub-probe resolves, has the same path
# inside the chroot (whose /dev is this one's).
img=$(mktemp /dev/shm/satori-grub-test.XXXXXX)
mnt=$(mktemp -d /tmp/satori-grub-test.XXXXXX)
cleanup() {
	umount -R "$mnt" 2>/dev/null
	rmdir "$mnt"
	rm -f "$img"
}
trap cleanup EXIT
truncate -s 2G "$img"
if ! mkfs.ext4 -q -d "$tree" "$img" >"$log/grub-mkfs.log" 2>&1 ||
	! mount -o loop "$img" "$mnt" 2>>"$log/grub-mkfs.log"; then
	fail "cannot make the host's file system: $(tail -2 "$log/grub-mkfs.log" | tr '\n' ' ')"
	exit 1
fi
mount --rbind /dev "$mnt/dev" && mount -t proc proc "$mnt/proc" && mount -t sysfs sys "$mnt/sys"
mkdir -p "$mnt/boot/grub" "$mnt/tmp/debs"
cp "$mnt/usr/share/grub/default/grub" "$mnt/etc/default/grub"
cp "$(deb $common)" "$(deb $release)" "$(deb $debug)" "$kernel_deb" "$mnt/tmp/debs/"
in_host() { chroot "$mnt" "$@" >>"$log/grub-dpkg.log" 2>&1; }
cfg=$mnt/boot/grub/grub.cfg

# default_entry: the lines of GRUB's default entry, named by GRUB_DEFAULT
# as xen.cfg sets it (its title), from its menuentry line to its "}".
default_entry() {
	awk '/^menuentry .Debian GNU\/Linux, with Xen hypervisor. / { on = 1 } on { print } on && /^}/ { exit }' "$cfg"
}
# check_has WHAT TEXT PATTERN / check_lacks: TEXT has (lacks) a line
# matching the extended regular expression PATTERN.
check_has() {
	if grep -Eq -- "$3" <<<"$2"; then pass "$1"; else fail "$1 (no line matches '$3')"; fi
}
check_lacks() {
	local line
	line=$(grep -E -m1 -- "$3" <<<"$2")
	if [ -z "$line" ]; then pass "$1"; else fail "$1 (has: $line)"; fi
}

: >"$log/grub-dpkg.log"
if in_host dpkg -i /tmp/debs/"$(basename "$(deb $common)")" /tmp/debs/"$(basename "$(deb $release)")" \
	/tmp/debs/"$(basename "$(deb $debug)")" /tmp/debs/"$(basename "$kernel_deb")"; then
	pass "dpkg -i installs the hypervisors and $kernel on a host with GRUB and Debian's Xen"
else
	fail "dpkg -i: $(tail -3 "$log/grub-dpkg.log" | tr '\n' ' ')"
fi
check_lacks "their update-grub runs succeeded" "$(cat "$log/grub-dpkg.log")" 'update-grub failed|grub-probe: error'
all=$(cat "$cfg" 2>/dev/null)
entry=$(default_entry)
check_has "GRUB has a default Xen entry (xen.cfg's GRUB_DEFAULT)" "$entry" '^menuentry '
check_has "the default entry boots Satori's release hypervisor with satori=on" "$entry" \
	'^\s*multiboot2\s+/boot/xen-4\.17-satori-amd64\.gz .*satori=on'
check_has "the default entry's dom0 is the packaged kernel" "$entry" "^\\s*module2\\s+/boot/vmlinuz-$kver "
check_has "an entry boots the debug build with satori=on" "$all" \
	'^\s*multiboot2\s+/boot/xen-4\.17-satori-amd64\.debug\.gz .*satori=on'
check_has "an entry boots Debian's own Xen (the way back)" "$all" '^\s*multiboot2\s+/boot/xen-4\.17-amd64\.gz '

if in_host dpkg -r $release $debug; then
	pass "dpkg -r removes both hypervisors"
else
	fail "dpkg -r: $(tail -3 "$log/grub-dpkg.log" | tr '\n' ' ')"
fi
all=$(cat "$cfg" 2>/dev/null)
check_lacks "after dpkg -r no entry boots a Satori hypervisor" "$all" 'xen-4\.17-satori'
check_lacks "after dpkg -r no entry says satori=on" "$all" 'satori=on'
check_has "after dpkg -r the default entry boots Debian's Xen" "$(default_entry)" \
	'^\s*multiboot2\s+/boot/xen-4\.17-amd64\.gz '
exit $bad
