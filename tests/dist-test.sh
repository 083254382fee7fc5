#!/bin/bash
# dist-test.sh: the dom0 tools as an operator installs them, checked on
# this host (nothing boots; needs the CMake build in $BUILD/cmake):
#   - each tool's man page (dist/man/) renders with no warning (man
#     --warnings), has the sections an operator looks for, and names
#     every long option the tool's --help names, as docs/knobs.md does;
#   - cmake --install into a DESTDIR installs exactly the expected files,
#     the systemd units start binaries that were installed, and
#     systemd-analyze verify has nothing to say of them;
#   - the example alert rules pass promtool check rules and their tests
#     (promtool test rules).
# Prints a PASS or FAIL line per check; exit status 1 on any FAIL. make
# test runs it (tests/run-all.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
test_name=dist
. "$top/tests/host-test-lib.sh"
cmake_build=$BUILD/cmake
tools="satori-top satori-ctl satori-scan satori-scand satori-groupd"

# The long options a tool's --help names (--help itself included; not
# the "--incoming" of a domain named NAME--incoming).
long_options() {
	"$cmake_build/$1" --help 2>/dev/null | grep -oE -- '(^|[^A-Za-z0-9-])--[a-z][a-z-]+' |
		sed 's/^[^-]*//' | sort -u
}

for tool in $tools; do
	page=$top/dist/man/$tool.8
	if [ ! -f "$page" ]; then
		fail "$tool has no man page ($page)"
		continue
	fi
	warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	if [ -z "$warnings" ]; then
		pass "man --warnings -l $tool.8: no warning"
	else
		fail "man --warnings -l $tool.8 warns: $warnings"
	fi
	missing=""
	for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES "SEE ALSO"; do
		grep -qx "\.SH \"\?$section\"\?" "$page" || missing="$missing '$section'"
	done
	if [ -z "$missing" ]; then
		pass "$tool.8 has NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS, FILES, SEE ALSO"
	else
		fail "$tool.8 lacks the sections$missing"
	fi
	opts=$(long_options "$tool")
	if [ -z "$opts" ]; then
		fail "$tool --help names no long option (is $cmake_build/$tool built?)"
		continue
	fi
	text=$(sed 's/\\-/-/g' "$page")
	missing=""
	knobs_missing=""
	for o in $opts; do
		grep -q -- "$o\b" <<<"$text" || missing="$missing $o"
		grep -q -- "\`$o\b" "$top/docs/knobs.md" || knobs_missing="$knobs_missing $o"
	done
	if [ -z "$missing" ]; then
		pass "$tool.8 names every long option of $tool --help ($(echo $opts))"
	else
		fail "$tool.8 does not name$missing (from $tool --help)"
	fi
	if [ -z "$knobs_missing" ]; then
		pass "docs/knobs.md names every long option of $tool --help"
	else
		fail "docs/knobs.md does not name$knobs_missing (from $tool --help)"
	fi
done

# cmake --install into a DESTDIR, with the prefix a Debian package uses.
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
if DESTDIR=$dest cmake --install "$cmake_build" --prefix /usr >"$dest.log" 2>&1; then
	pass "cmake --install into a DESTDIR"
else
	fail "cmake --install failed: $(tail -5 "$dest.log")"
fi
rm -f "$dest.log"
want="/etc/default/satori-scand
/etc/satori/groups.conf
/usr/lib/systemd/system/satori-groupd.service
/usr/lib/systemd/system/satori-metrics.service
/usr/lib/systemd/system/satori-metrics.timer
/usr/lib/systemd/system/satori-scand.service
/usr/sbin/satori-ctl
/usr/sbin/satori-groupd
/usr/sbin/satori-scan
/usr/sbin/satori-scand
/usr/sbin/satori-top
/usr/share/doc/satori/examples/satori-alerts.yml
/usr/share/man/man8/satori-ctl.8
/usr/share/man/man8/satori-groupd.8
/usr/share/man/man8/satori-scan.8
/usr/share/man/man8/satori-scand.8
/usr/share/man/man8/satori-top.8"
got=$(cd "$dest" && find . -type f -o -type l | sed 's/^\.//' | sort)
if [ "$got" = "$want" ]; then
	pass "cmake --install installs the $(wc -l <<<"$want") expected files, and no other"
else
	fail "cmake --install's files differ from the expected ones: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
fi
for unit in "$dest"/usr/lib/systemd/system/*.service; do
	[ -f "$unit" ] || continue
	exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
	if [ -n "$exe" ] && [ -x "$dest$exe" ]; then
		pass "${unit##*/} starts $exe, which was installed"
	else
		fail "${unit##*/} starts '$exe', which was not installed"
	fi
done
if grep -qx 'OnUnitActiveSec=15s' "$dest/usr/lib/systemd/system/satori-metrics.timer" &&
	grep -q -- '--textfile /var/lib/prometheus/node-exporter/satori.prom' \
		"$dest/usr/lib/systemd/system/satori-metrics.service"; then
	pass "satori-metrics.timer runs satori-top --textfile into node_exporter's directory every 15 s"
else
	fail "satori-metrics.timer/.service do not run satori-top --textfile every 15 s"
fi

# systemd-analyze verify, offline, in a root made of the DESTDIR install
# plus this host's own units (the targets ours are ordered after and wanted
# by) and kill(1) (satori-groupd's ExecReload): any message fails, warnings
# (an unknown key, say) included, as systemd only warns of those.
units=$(cd "$dest/usr/lib/systemd/system" && ls)
cp -an /usr/lib/systemd/system/. "$dest/usr/lib/systemd/system/"
mkdir -p "$dest/usr/bin"
cp /usr/bin/kill "$dest/usr/bin/"
ln -s usr/bin "$dest/bin"
ln -s usr/sbin "$dest/sbin"
ln -s usr/lib "$dest/lib"
# shellcheck disable=SC2086 # the unit names are words
if out=$(systemd-analyze verify --man=no --root="$dest" $units 2>&1) && [ -z "$out" ]; then
	pass "systemd-analyze verify: $(echo $units): no message"
else
	fail "systemd-analyze verify $(echo $units): $out"
fi

# The example alert rules.
rules=$top/dist/prometheus/satori-alerts.yml
if out=$(promtool check rules "$rules" 2>&1); then
	pass "promtool check rules satori-alerts.yml: $(grep -o 'SUCCESS.*' <<<"$out")"
else
	fail "promtool check rules satori-alerts.yml: $out"
fi
if out=$(cd "$top/dist/prometheus" && promtool test rules satori-alerts.test.yml 2>&1); then
	pass "promtool test rules: each alert fires on its series, none on a healthy host"
else
	fail "promtool test rules satori-alerts.test.yml: $out"
fi
exit $bad
