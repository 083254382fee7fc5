#!/bin/bash
# Install every Debian package Satori's build, lab and tests use; skip what is there.
# A package that cannot be had stops the run with a message naming it.
set -euo pipefail

PKGS=(
	# toolchains and build tools
	build-essential make cmake pkg-config ccache git python3 perl
	flex bison bc cpio kmod rsync xz-utils file dpkg-dev
	libelf-dev libssl-dev
	# pinned sources; Debian's configurations of them (the packaged kernel
	# is the cloud-amd64 flavour's); fakeroot for the kernel's bindeb-pkg
	linux-source-6.1 linux-config-6.1 fakeroot
	# the lab: emulator, dom0 root file system, guest disks
	qemu-system-x86 debootstrap busybox-static e2fsprogs
	# extract-vmlinux: Debian's kernels (stock and packaged) are LZ4-compressed
	lz4
	# userspace and unit tests
	libxen-dev libxxhash-dev liburcu-dev libgtest-dev libgmock-dev
	libbenchmark-dev libncurses-dev tmux nlohmann-json3-dev
	# promtool checks satori-top's Prometheus text and the alert rules;
	# gnuplot draws the bench plots; man (man-db, groff) checks the man pages;
	# systemd-analyze (systemd) and kill (procps) verify the units
	prometheus gnuplot-nox man-db groff-base systemd procps
	# the lab tests scrape the metrics file through node_exporter's textfile
	# collector, as Prometheus does on a real host
	prometheus-node-exporter
	# make packages: lintian checks the packages dpkg-deb builds
	lintian
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages (${missing[*]}); run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || echo "deps: apt-get update failed; trying the cached lists" >&2
for p in "${missing[@]}"; do
	if ! apt-cache show "$p" >/dev/null 2>&1; then
		echo "deps: package '$p' is not available from the configured Debian archive" >&2
		exit 1
	fi
done
if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
	echo "deps: apt-get could not install: ${missing[*]}" >&2
	exit 1
fi
echo "deps: installed ${#missing[@]} packages"
