#!/bin/bash
# apply-series.sh TREE PATCHDIR...
# Bring TREE to "pristine + the series in each PATCHDIR (in order)". The patches
# applied last time are kept in TREE/.satori-series/; when the wanted series
# differs they are reversed first, so only files the patches touch change (and
# get rebuilt). A patch that does not apply stops the build with its name.
set -euo pipefail
tree=$1
shift
state=$tree/.satori-series
mkdir -p "$state"

wanted=()
for dir in "$@"; do
	[ -f "$dir/series" ] || { echo "apply-series: $dir/series missing" >&2; exit 1; }
	while read -r p; do
		case "$p" in "" | "#"*) continue ;; esac
		[ -f "$dir/$p" ] || { echo "apply-series: $dir/$p listed in series but missing" >&2; exit 1; }
		wanted+=("$dir/$p")
	done <"$dir/series"
done

want_sum=$(cat /dev/null "${wanted[@]}" | sha256sum | cut -d' ' -f1)
[ "$(cat "$state/sum" 2>/dev/null)" = "$want_sum" ] && exit 0

# Reverse what is applied, newest first.
if [ -f "$state/list" ]; then
	tac "$state/list" | while read -r p; do
		patch -d "$tree" -p1 -R -s --no-backup-if-mismatch <"$state/$p" || {
			echo "apply-series: cannot reverse $p in $tree; remove $tree to start again" >&2
			exit 1
		}
	done
fi
rm -f "$state"/*

n=0
for p in "${wanted[@]}"; do
	n=$((n + 1))
	name=$(printf '%03d-%s' "$n" "$(basename "$p")")
	if ! patch -d "$tree" -p1 -s -N --no-backup-if-mismatch --dry-run <"$p" >/dev/null; then
		echo "apply-series: $p does not apply to $tree" >&2
		patch -d "$tree" -p1 -N --dry-run <"$p" >&2 || true
		exit 1
	fi
	patch -d "$tree" -p1 -s -N --no-backup-if-mismatch <"$p"
	cp "$p" "$state/$name"
	echo "$name" >>"$state/list"
	echo "apply-series: applied $p"
done
echo "$want_sum" >"$state/sum"
