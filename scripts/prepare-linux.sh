#!/bin/bash
# Bring $BUILD/linux-src to "pinned Linux 6.1 + Satori's patch series + Satori's
# kernel tree as satori/". Shared by the kernel build and KUnit under UML.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:?}"
src=$BUILD/linux-src

if [ ! -f "$src/.satori-pristine" ]; then
	"$top/scripts/fetch-linux.sh" "$src"
	touch "$src/.satori-pristine"
fi
"$top/scripts/apply-series.sh" "$src" \
	"$top/guest/linux-satori/patches" "$top/dom0/blkfront-hints/patches"

# Satori's kernel tree, laid out as in the repo; rsync -c leaves unchanged
# files alone so only what changed is rebuilt.
mkdir -p "$src/satori"
rsync -rc --delete --exclude=patches --exclude='*.config' \
	--include='/Kbuild' --include='/Kconfig' \
	--include='/lib/***' --include='/guest/***' --include='/dom0/***' \
	--exclude='*' "$top/" "$src/satori/"
rsync -c "$top/hv-hooks/xen/include/public/satori.h" "$src/include/xen/interface/satori.h"
rsync -c "$top/guest/linux-satori/satori_mm.h" "$src/include/linux/satori_mm.h"
