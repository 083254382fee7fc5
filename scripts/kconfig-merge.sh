#!/bin/bash
# kconfig-merge.sh SRC OBJ BASE FRAGMENT: configure the kernel object
# directory OBJ (source SRC, x86_64) as BASE plus FRAGMENT, then check that
# every CONFIG_X=value line of FRAGMENT stuck (an option whose dependency is
# missing is dropped silently by olddefconfig; here it stops the build).
# BASE is a make target (tinyconfig) or a configuration file. Does nothing
# when OBJ was last configured from the same BASE and FRAGMENT.
set -euo pipefail
src=$1 obj=$2 base=$3 frag=$4
mk=(make -C "$src" O="$obj" ARCH=x86_64)
mkdir -p "$obj"
stamp=$obj/.satori-kconfig
{ if [ -f "$base" ]; then cat "$base"; else echo "$base"; fi; cat "$frag"; } >"$stamp.new"
if ! cmp -s "$stamp.new" "$stamp" || [ ! -f "$obj/.config" ]; then
	if [ -f "$base" ]; then
		cp "$base" "$obj/.config"
	else
		"${mk[@]}" "$base" >/dev/null
	fi
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag" >/dev/null
	"${mk[@]}" olddefconfig >/dev/null
fi
bad=0
while read -r opt; do
	case "$opt" in CONFIG_*=*) ;; *) continue ;; esac
	grep -qx "$opt" "$obj/.config" || {
		echo "kconfig-merge: $opt did not stick in $obj (missing dependency?)" >&2
		bad=1
	}
done <"$frag"
[ $bad -eq 0 ] || { rm -f "$stamp"; exit 1; }
mv "$stamp.new" "$stamp"
