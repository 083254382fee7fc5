#!/bin/bash
# Build the lab's images from the cached Debian tree (scripts/debootstrap-rootfs.sh):
#   $BUILD/lab/dom0-root.cpio    dom0's root file system (uncompressed cpio: it
#                                unpacks faster under TCG) with tests/lab/dom0-init
#                                and Satori's tools (dpkg -i of satori-tools)
#   $BUILD/lab/guest-initrd.cpio.gz  the guests' busybox initramfs (tests/lab/guest-init,
#                                tests/lab/guest-tools/, bench/dilation and
#                                bench/storage/read_latency built static,
#                                and the project kernel's ext2.ko)
#   $BUILD/lab/guest-disk.img    ext4 image of the Debian userland with the kernel
#                                package installed (dpkg -i): every guest gets its
#                                own copy-on-write view of it; plus the guest init
#                                and tools in /opt/satori-lab (lab_root=disk)
#   $BUILD/lab/stock-vmlinux     Debian's own cloud kernel (scripts/fetch-stock-kernel.sh)
#                                as an ELF, for unenlightened guests (KERNEL_gN=stock)
#   $BUILD/lab/stock-initrd.cpio.gz  guest-initrd plus that kernel's xen-blkfront.ko
#                                (built in in the project's kernel, a module in Debian's)
#   $BUILD/lab/package-vmlinux   the kernel of make packages' linux-image-*-satori, as
#                                installed on the guest disk, as an ELF, for the guest
#                                that runs it (KERNEL_gN=package)
#   $BUILD/lab/package-initrd.cpio.gz  guest-initrd plus that kernel's isofs.ko and
#                                xen-netfront.ko, from the guest disk
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

# dom0 gets Satori's tools as an operator does: dpkg -i of the package make
# packages built (satori-tools), replacing the one installed before. The
# package has no maintainer scripts, so dpkg --root needs no chroot.
tools_deb=$(ls "$BUILD"/packages/satori-tools_*_amd64.deb 2>/dev/null | tail -1)
[ -n "$tools_deb" ] || { echo "lab-images: no satori-tools package in $BUILD/packages; run 'make packages' first" >&2; exit 1; }
if changed dom0-root.cpio "$top/tests/lab/dom0-init" "$trimmed/.satori-from" "$tools_deb"; then
	install -m755 "$top/tests/lab/dom0-init" "$trimmed/init"
	dpkg --root="$trimmed" --purge satori-tools >/dev/null 2>&1 || true
	dpkg --root="$trimmed" -i "$tools_deb" >"$lab/dom0-dpkg.log" 2>&1 || {
		cat "$lab/dom0-dpkg.log" >&2
		echo "lab-images: dpkg -i $tools_deb into dom0's tree failed" >&2
		exit 1
	}
	(cd "$trimmed" && find . -path ./.satori-from -prune -o -print | cpio -o -H newc --quiet) >"$lab/dom0-root.cpio"
	commit dom0-root.cpio
	echo "lab-images: dom0-root.cpio $(du -h "$lab/dom0-root.cpio" | cut -f1)"
fi

# (This script is one: how the initramfs is made is in it.)
initrd_inputs=("$top/scripts/build-lab-images.sh" "$top/tests/lab/guest-init" /bin/busybox "$top"/tests/lab/guest-tools/*.c
	"$top/bench/dilation/dilation.c" "$top/bench/storage/read_latency.c" "$BUILD/out/modules/ext2.ko"
	"$top/hv-hooks/xen/include/public/satori.h")
# stock-initrd is copied from the guest-initrd directory: rebuild that if it is gone.
[ -d "$lab/guest-initrd" ] || rm -f "$lab/guest-initrd.cpio.gz.sum"
if changed guest-initrd.cpio.gz "${initrd_inputs[@]}"; then
	d=$lab/guest-initrd
	rm -rf "$d"
	mkdir -p "$d"/{bin,dev,proc,sys,mnt,run,tmp}
	cp /bin/busybox "$d/bin/busybox"
	# Small static test programs the guests' workloads use besides busybox.
	for c in "$top"/tests/lab/guest-tools/*.c "$top/bench/dilation/dilation.c" \
		"$top/bench/storage/read_latency.c"; do
		gcc -static -O2 -Wall -Werror -I"$top/hv-hooks/xen/include/public" \
			-o "$d/bin/$(basename "$c" .c)" "$c"
	done
	install -m755 "$top/tests/lab/guest-init" "$d/init"
	# The project kernel's module the guests load and unload (satori_kimage.c).
	mkdir -p "$d/lib/modules/satori"
	cp "$BUILD/out/modules/ext2.ko" "$d/lib/modules/satori/"
	(cd "$d" && find . | cpio -o -H newc --quiet | gzip -1) >"$lab/guest-initrd.cpio.gz"
	commit guest-initrd.cpio.gz
	echo "lab-images: guest-initrd.cpio.gz $(du -h "$lab/guest-initrd.cpio.gz" | cut -f1)"
fi

# The packaged kernel (make packages: linux-image-<version>-satori).
package_deb=$(ls "$BUILD"/packages/linux-image-*-satori_*_amd64.deb 2>/dev/null | tail -1)
[ -n "$package_deb" ] || { echo "lab-images: no linux-image-*-satori package in $BUILD/packages; run 'make packages' first" >&2; exit 1; }

tools=$(find "$lab/guest-initrd/bin" -maxdepth 1 -type f ! -name busybox | sort)
# The guest disk's tree ($guest_root): the packaged-kernel guest's images
# below are made from it.
guest_root=$lab/guest-root
[ -d "$guest_root" ] || rm -f "$lab/guest-disk.img.sum"
# shellcheck disable=SC2086 # one path a line, no spaces
if changed guest-disk.img "$trimmed/.satori-from" "$top/tests/lab/guest-init" "$tools_deb" $tools "$package_deb"; then
	rm -f "$lab/guest-disk.img"
	# Guests see the same Debian userland dom0 runs: real binaries and
	# libraries; and the packaged kernel, installed by dpkg -i as a guest
	# installs it.
	rm -rf "$guest_root"
	cp -a "$trimmed" "$guest_root"
	dpkg --root="$guest_root" -i "$package_deb" >"$lab/guest-root.dpkg.log" 2>&1 || {
		tail -5 "$lab/guest-root.dpkg.log" >&2
		echo "lab-images: dpkg -i $(basename "$package_deb") into the guest disk's tree failed" >&2
		exit 1
	}
	mkfs.ext4 -q -F -L satori-guest -d "$guest_root" "$lab/guest-disk.img" 1G
	# And, for guests booted with lab_root=disk (tests/lab/guest-init), the
	# lab's init and tools in /opt/satori-lab, written into the image
	# without touching the tree dom0 shares.
	{
		echo "mkdir /opt/satori-lab"
		echo "mkdir /opt/satori-lab/bin"
		echo "write $top/tests/lab/guest-init /opt/satori-lab/init"
		echo "sif /opt/satori-lab/init mode 0100755"
		for t in $tools; do
			echo "write $t /opt/satori-lab/bin/$(basename "$t")"
			echo "sif /opt/satori-lab/bin/$(basename "$t") mode 0100755"
		done
	} | debugfs -w -f - "$lab/guest-disk.img" >/dev/null 2>"$lab/guest-disk.debugfs.log"
	debugfs -R "stat /opt/satori-lab/init" "$lab/guest-disk.img" 2>/dev/null | grep -q 'Mode: *0755' || {
		echo "lab-images: could not add /opt/satori-lab to guest-disk.img (see $lab/guest-disk.debugfs.log)" >&2
		exit 1
	}
	commit guest-disk.img
	echo "lab-images: guest-disk.img (ext4, $(du -sh "$guest_root" | cut -f1) of Debian userland and the packaged kernel)"
fi

# kernel_elf DEB OUT: the ELF vmlinux of kernel package DEB (its files in
# $unpacked) as OUT: xl's PVH direct boot needs the ELF, not the bzImage.
# extract-vmlinux comes from the packaged source, which is there before
# $BUILD/linux-src may be.
kernel_elf() {
	local tmp=$lab/kernel-elf
	rm -rf "$tmp"
	mkdir -p "$tmp"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -O --wildcards '*/scripts/extract-vmlinux' >"$tmp/extract-vmlinux"
	sh "$tmp/extract-vmlinux" "$unpacked"/boot/vmlinuz-* >"$tmp/vmlinux"
	grep -q '^ *Xen .*(0x00000012)' < <(readelf -n "$tmp/vmlinux") || {
		echo "lab-images: $1: no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) in its vmlinux" >&2
		exit 1
	}
	mv "$tmp/vmlinux" "$2"
	rm -rf "$tmp"
}

# initrd_with DEB OUT MODULE...: guest-initrd (without the project kernel's
# module) plus MODULEs of kernel package DEB (its files in $unpacked) and
# what they depend on, as /lib/modules/NN-name.ko in load order (guest-init
# loads them so).
initrd_with() {
	local deb=$1 out=$2 d=$lab/initrd-with kver n=10 ko deps
	shift 2
	kver=$(ls "$unpacked/lib/modules")
	rm -rf "$d"
	cp -a "$lab/guest-initrd" "$d"
	rm -rf "$d/lib/modules/satori"	# the project kernel's, not this one's
	mkdir -p "$d/lib/modules"
	deps=$(modprobe -a -d "$unpacked" -S "$kver" --show-depends "$@") ||
		{ echo "lab-images: $deb: modules $* not all there" >&2; exit 1; }
	for ko in $(awk '$1 == "insmod" { print $2 }' <<<"$deps"); do
		cp "$ko" "$d/lib/modules/$n-$(basename "$ko")"
		n=$((n + 1))
	done
	(cd "$d" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$d"
}

# unpack DEB: $unpacked holds kernel package DEB's files: the guest disk's
# tree for the packaged kernel (dpkg -i installed it there, as in a guest),
# else DEB unpacked (once per DEB).
unpack() {
	[ "${unpacked_deb:-}" = "$1" ] && return 0
	unpacked_deb=$1
	if [ "$1" = "$package_deb" ]; then
		unpacked=$guest_root
		return 0
	fi
	unpacked=$lab/kernel-pkg
	rm -rf "$unpacked"
	mkdir -p "$unpacked"
	dpkg -x "$1" "$unpacked"
	depmod -b "$unpacked" "$(ls "$unpacked/lib/modules")"
}

# kernel_images NAME DEB MODULE...: NAME-vmlinux and NAME-initrd.cpio.gz
# (guest-initrd plus MODULEs) of kernel package DEB, each when its inputs
# changed.
kernel_images() {
	if changed "$1-vmlinux" "$2"; then
		unpack "$2"
		kernel_elf "$2" "$lab/$1-vmlinux"
		commit "$1-vmlinux"
		echo "lab-images: $1-vmlinux ($(basename "$2" .deb))"
	fi
	if changed "$1-initrd.cpio.gz" "${initrd_inputs[@]}" "$2" <(echo "${@:3}"); then
		unpack "$2"
		initrd_with "$2" "$lab/$1-initrd.cpio.gz" "${@:3}"
		commit "$1-initrd.cpio.gz"
		echo "lab-images: $1-initrd.cpio.gz $(du -h "$lab/$1-initrd.cpio.gz" | cut -f1)"
	fi
}

# Debian's stock cloud kernel, for guests a scenario runs unenlightened
# (KERNEL_gN=stock): its block frontend is a module.
stock_deb=$("$top/scripts/fetch-stock-kernel.sh")
kernel_images stock "$stock_deb" xen-blkfront

# The packaged kernel, for the guest that runs what an operator installs
# (KERNEL_gN=package): its vmlinuz and modules as dpkg -i installed them on
# the guest disk (what a boot loader in the guest would load). Its block
# frontend is built in; the initramfs carries a file-system module the
# guest loads (isofs: in Debian's cloud kernels, not in the lab's), and its
# network frontend, for the guest's vif (dom0-lib.sh's guest_cfg).
kernel_images package "$package_deb" isofs xen-netfront
rm -rf "$lab/kernel-pkg"
