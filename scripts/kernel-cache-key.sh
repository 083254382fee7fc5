#!/bin/bash
# kernel-cache-key.sh PATH...: the key under which a kernel build keeps its
# outputs in $SATORI_CACHE (scripts/build-kernel.sh, the lab's kernels;
# scripts/build-kernel-package.sh, the kernel package): 16 hex digits, a
# digest of what goes into every kernel the project builds (Debian's
# linux-source-6.1 version, the compiler, the project's version, Satori's
# kernel files and the scripts that prepare and configure the source) and
# of each PATH (a file or folder of the checkout, relative to it): what
# makes that build differ (its configuration fragment, its script).
# The lab kernel's fragment counts only when named.
#
# kernel-cache-key.sh --paths PATH...: the paths it digests instead, as
# git pathspecs (for the date of the last commit that changed one).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
common=(Kbuild Kconfig lib guest dom0 hv-hooks/xen/include/public/satori.h
	scripts/fetch-linux.sh scripts/prepare-linux.sh scripts/apply-series.sh
	scripts/kconfig-merge.sh scripts/kernel-cache-key.sh)
lab_fragment=guest/linux-satori/kernel.config
cd "$top"
if [ "${1:-}" = --paths ]; then
	shift
	printf '%s\n' "${common[@]}" ":(exclude)$lab_fragment" "$@"
	exit 0
fi
{
	dpkg-query -W -f='${Version}\n' linux-source-6.1
	gcc --version | head -1
	grep '^project(satori' CMakeLists.txt
	find "${common[@]}" -type f ! -path "$lab_fragment" | LC_ALL=C sort | xargs sha256sum
	[ $# -eq 0 ] || find "$@" -type f | LC_ALL=C sort | xargs sha256sum
} | sha256sum | cut -c1-16
