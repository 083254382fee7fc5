#!/bin/bash
# Fetch the pinned Xen source package into the download cache and unpack a pristine
# tree (Debian's own patches applied) at $1. Uses a private apt configuration so the
# host's sources.list is left alone.
set -euo pipefail
dest=$1
pin=4.17.5+72-g01140da4e8-1
cache=${SATORI_CACHE:?}/xen-source
upstream=${pin%-*}

mkdir -p "$cache/apt/lists/partial" "$cache/apt/archives/partial" "$cache/pkg"
echo "deb-src http://deb.debian.org/debian bookworm main" >"$cache/apt/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$cache/apt/sources.list"
	-o Dir::Etc::SourceParts=/nonexistent
	-o "Dir::State::Lists=$cache/apt/lists"
	-o "Dir::Cache=$cache/apt"
	-o APT::Sandbox::User=root)

dsc=$cache/pkg/xen_${pin#*:}.dsc
if [ ! -f "$dsc" ]; then
	apt-get "${apt_opts[@]}" update -qq
	(cd "$cache/pkg" && apt-get "${apt_opts[@]}" source --download-only "xen=$pin") || {
		echo "fetch-xen: cannot download the source package xen=$pin" >&2
		exit 1
	}
fi
mkdir -p "$(dirname "$dest")"
rm -rf "$dest.tmp"
dpkg-source --no-check -x "$dsc" "$dest.tmp" >/dev/null
got=$(dpkg-parsechangelog -l "$dest.tmp/debian/changelog" -S Version)
if [ "$got" != "$pin" ]; then
	echo "fetch-xen: unpacked version $got, expected $pin" >&2
	exit 1
fi
rm -rf "$dest"
mv "$dest.tmp" "$dest"
echo "fetch-xen: Xen $upstream (Debian $pin) at $dest"
