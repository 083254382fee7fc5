#!/bin/bash
# Build the lab's images from the cached Debian tree (scripts/debootstrap-rootfs.sh):
#   $BUILD/lab/dom0-root.cpio    dom0's root file system (uncompressed cpio: it
#                                unpacks faster under TCG) with tests/lab/dom0-init
#   $BUILD/lab/guest-initrd.cpio.gz  the guests' busybox initramfs (tests/lab/guest-init,
#                                tests/lab/guest-tools/ built static)
#   $BUILD/lab/guest-disk.img    ext4 image of the Debian userland: every guest
#                                gets its own copy-on-write view of it
# Each is rebuilt only when its inputs changed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}" "${SATORI_CACHE:?}"
lab=$BUILD/lab
mkdir -p "$lab"
tree=$("$top/scripts/debootstrap-rootfs.sh")

# stamp NAME INPUT...: true when NAME's recorded input digest differs.
changed() {
	local name=$1
	shift
	local sum
	sum=$(cat "$@" | sha256sum | cut -d' ' -f1)
	[ -f "$lab/$name" ] && [ "$(cat "$lab/$name.sum" 2>/dev/null)" = "$sum" ] && return 1
	echo "$sum" >"$lab/$name.sum.new"
	return 0
}
commit() { mv "$lab/$1.sum.new" "$lab/$1.sum"; }

trimmed=$lab/rootfs
if [ ! -f "$trimmed/.satori-from" ] || [ "$(cat "$trimmed/.satori-from")" != "$tree" ]; then
	rm -rf "$trimmed"
	cp -a "$tree" "$trimmed"
	rm -rf "$trimmed"/var/cache/apt/* "$trimmed"/var/lib/apt/lists/* \
		"$trimmed"/usr/share/doc/* "$trimmed"/usr/share/man/* \
		"$trimmed"/usr/share/locale/* "$trimmed"/usr/share/info/* \
		"$trimmed/.satori-complete"
	echo 'XENCONSOLED_ARGS="--log=guest --log-dir=/var/log/xen/console"' >>"$trimmed/etc/default/xen"
	sed -i 's/^#\?autoballoon=.*/autoballoon="off"/' "$trimmed/etc/xen/xl.conf"
	echo "$tree" >"$trimmed/.satori-from"
	rm -f "$lab"/*.sum
fi

if changed dom0-root.cpio "$top/tests/lab/dom0-init" "$trimmed/.satori-from"; then
	install -m755 "$top/tests/lab/dom0-init" "$trimmed/init"
	(cd "$trimmed" && find . -path ./.satori-from -prune -o -print | cpio -o -H newc --quiet) >"$lab/dom0-root.cpio"
	commit dom0-root.cpio
	echo "lab-images: dom0-root.cpio $(du -h "$lab/dom0-root.cpio" | cut -f1)"
fi

if changed guest-initrd.cpio.gz "$top/tests/lab/guest-init" /bin/busybox "$top"/tests/lab/guest-tools/*.c \
	"$top/hv-hooks/xen/include/public/satori.h"; then
	d=$lab/guest-initrd
	rm -rf "$d"
	mkdir -p "$d"/{bin,dev,proc,sys,mnt,run,tmp}
	cp /bin/busybox "$d/bin/busybox"
	# Small static test programs the guests' workloads use besides busybox.
	for c in "$top"/tests/lab/guest-tools/*.c; do
		gcc -static -O2 -Wall -Werror -I"$top/hv-hooks/xen/include/public" \
			-o "$d/bin/$(basename "$c" .c)" "$c"
	done
	install -m755 "$top/tests/lab/guest-init" "$d/init"
	(cd "$d" && find . | cpio -o -H newc --quiet | gzip -1) >"$lab/guest-initrd.cpio.gz"
	commit guest-initrd.cpio.gz
	echo "lab-images: guest-initrd.cpio.gz $(du -h "$lab/guest-initrd.cpio.gz" | cut -f1)"
fi

if changed guest-disk.img "$trimmed/.satori-from"; then
	rm -f "$lab/guest-disk.img"
	# Guests see the same Debian userland dom0 runs: real binaries and libraries.
	mkfs.ext4 -q -F -L satori-guest -d "$trimmed" "$lab/guest-disk.img" 1G
	commit guest-disk.img
	echo "lab-images: guest-disk.img (ext4, $(du -sh "$trimmed" | cut -f1) of Debian userland)"
fi
