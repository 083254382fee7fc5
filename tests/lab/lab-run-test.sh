#!/bin/bash
# lab-run's help on the host, without booting anything: `lab-run --help`
# exits 0 at once, creates no run, and lists every scenario in
# tests/lab/scenarios/ with the one line of its "# scenario:" header (a
# scenario without one, or missing from the help, fails); --set refuses
# what is not a plain LAB_ variable. Run by
# tests/run-all.sh (make test); prints one PASS or FAIL line per check.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
fails=0
pass() { echo "PASS lab-run --help: $*"; }
fail() { echo "FAIL lab-run --help: $*"; fails=$((fails + 1)); }

help=$(BUILD=$build timeout 20 "$top/tests/lab/lab-run" --help 2>&1)
rc=$?
if [ $rc -eq 0 ]; then pass "exit 0"; else fail "exit $rc: $help"; fi
if [ -z "$(ls -A "$build")" ]; then
	pass "boots nothing (no run created)"
else
	fail "created $(ls -A "$build" | tr '\n' ' ')in BUILD"
fi
n=0
for f in "$top"/tests/lab/scenarios/*.sh; do
	name=$(basename "$f" .sh)
	n=$((n + 1))
	summary=$(sed -n '1s/^# scenario: //p' "$f")
	if [ -z "$summary" ]; then
		fail "scenarios/$name.sh has no '# scenario: ' first line"
	elif grep -qxF "  $(printf '%-16s %s' "$name" "$summary")" <<<"$help"; then
		pass "lists $name"
	else
		fail "does not list $name with its summary"
	fi
done
[ "$n" -gt 0 ] || fail "no scenario found in tests/lab/scenarios"

# --set takes only LAB_NAME=VALUE with plain characters: anything else
# (which dom0's shell would run) is refused with status 2, booting nothing.
for bad in 'HOLD=100' 'LAB_X=$(reboot)' 'LAB_X=a;b' 'LAB_x=1'; do
	out=$(BUILD=$build timeout 20 "$top/tests/lab/lab-run" --set "$bad" 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && grep -q 'lab-run: --set wants LAB_NAME=VALUE' <<<"$out" && [ -z "$(ls -A "$build")" ]; then
		pass "--set '$bad' refused (exit 2, nothing created)"
	else
		fail "--set '$bad': exit $rc, $out"
	fi
done
[ $fails -eq 0 ]
