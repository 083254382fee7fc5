#!/bin/bash
# Build (once) the Debian bookworm tree that becomes dom0's root file system and the
# guests' disk content: a real userland with Xen's toolstack. Cached under
# $SATORI_CACHE keyed by the package list, since it changes rarely and costs minutes.
# liburcu8 is there for satori-scand, the dom0 scanner; iproute2 and
# net-tools for Xen's vif-route (a guest's network device, routed).
# Prints the path of the tree.
#
# debootstrap-rootfs.sh [PACKAGE,...]: that tree with PACKAGEs as well (a
# tree of its own, cached the same way), e.g. GRUB for the packages test.
set -euo pipefail
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
include=xen-utils-4.17,busybox-static,kmod,procps,e2fsprogs,python3-minimal,tmux,liburcu8,iproute2,net-tools
include=$include${1:+,$1}
key=$(echo "bookworm minbase $include" | sha256sum | cut -c1-12)
tree=${SATORI_CACHE:?}/rootfs-$key

if [ ! -f "$tree/.satori-complete" ]; then
	echo "rootfs: debootstrap bookworm ($include) into $tree" >&2
	rm -rf "$tree"
	mkdir -p "$SATORI_CACHE/debootstrap-debs"
	if ! debootstrap --variant=minbase --include="$include" \
		--cache-dir="$SATORI_CACHE/debootstrap-debs" \
		bookworm "$tree" "$mirror" >"$tree.log" 2>&1; then
		tail -20 "$tree.log" >&2
		echo "rootfs: debootstrap failed (log: $tree.log)" >&2
		exit 1
	fi
	touch "$tree/.satori-complete"
fi
echo "$tree"
