#!/bin/bash
# Download (once) Debian's own cloud kernel, the package linux-image-cloud-amd64
# depends on today (e.g. linux-image-6.1.0-56-cloud-amd64), into
# $SATORI_CACHE/stock-kernel/, for lab guests that run unenlightened
# (KERNEL_gN=stock in a scenario). Prints the path of the .deb.
set -euo pipefail
dir=${SATORI_CACHE:?}/stock-kernel

pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image/{print $2; exit}')
[ -n "$pkg" ] || {
	echo "fetch-stock-kernel: cannot resolve linux-image-cloud-amd64's kernel package (try 'apt-get update')" >&2
	exit 1
}

mkdir -p "$dir"
deb=$(ls "$dir/${pkg}_"*.deb 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$deb" ]; then
	echo "fetch-stock-kernel: apt-get download $pkg into $dir" >&2
	# Into a temporary directory first, so no half-downloaded .deb is ever
	# taken for a complete one; owned by _apt so apt can drop root for it.
	tmp=$(mktemp -d "$dir/.download.XXXXXX")
	chown _apt "$tmp" 2>/dev/null || true
	if ! (cd "$tmp" && apt-get download -q "$pkg" >"$tmp.log" 2>&1); then
		tail -5 "$tmp.log" >&2
		rm -rf "$tmp" "$tmp.log"
		echo "fetch-stock-kernel: cannot download $pkg (network? try 'apt-get update')" >&2
		exit 1
	fi
	got=$(ls "$tmp/${pkg}_"*.deb 2>/dev/null | head -1 || true)
	if [ -z "$got" ] || [ "$(dpkg-deb -f "$got" Package 2>/dev/null)" != "$pkg" ]; then
		rm -rf "$tmp" "$tmp.log"
		echo "fetch-stock-kernel: apt-get download left no valid $pkg .deb" >&2
		exit 1
	fi
	chown root:root "$got" 2>/dev/null || true
	deb=$dir/$(basename "$got")
	mv "$got" "$deb"
	rm -rf "$tmp" "$tmp.log"
fi
echo "$deb"
