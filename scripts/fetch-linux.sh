#!/bin/bash
# Unpack the pinned Linux 6.1 source (Debian's linux-source-6.1) into $1 and check
# its version.
set -euo pipefail
dest=$1
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || { echo "fetch-linux: $tarball missing; run 'make deps'" >&2; exit 1; }
mkdir -p "$(dirname "$dest")"
rm -rf "$dest" "$dest.tmp"
mkdir -p "$dest.tmp"
tar -xf "$tarball" -C "$dest.tmp" --strip-components=1
ver=$(make -s -C "$dest.tmp" kernelversion)
case "$ver" in
6.1.*) ;;
*) echo "fetch-linux: $tarball holds Linux $ver, expected 6.1.x" >&2; exit 1 ;;
esac
mv "$dest.tmp" "$dest"
echo "fetch-linux: Linux $ver at $dest"
