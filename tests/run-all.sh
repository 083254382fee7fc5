#!/bin/bash
# Every Satori test: GoogleTest (ctest), KUnit under UML, then the lab tests
# (real Xen, dom0 and PVH guests under QEMU TCG), whose in-guest KUnit
# results are counted too. Prints one line per test and, last, the total
# "N passed, N failed". Exit status 1 if anything failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=$top/build}" "${SATORI_CACHE:=/var/cache/satori}"
export BUILD SATORI_CACHE
log=$BUILD/test-logs
mkdir -p "$log"
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "PASS $*"; }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }

echo "== unit tests (GoogleTest via ctest)"
ctest --test-dir "$BUILD/cmake" --output-on-failure >"$log/ctest.log" 2>&1
while read -r line; do
	case "$line" in
	*"Test #"*Passed*) ok "unit: $(echo "$line" | sed 's/.*Test *#[0-9]*: \([^ ]*\).*/\1/')" ;;
	*"Test #"*) ko "unit: $(echo "$line" | sed 's/.*Test *#[0-9]*: \([^ ]*\).*/\1/')" ;;
	esac
done <"$log/ctest.log"
grep -q 'tests passed' "$log/ctest.log" || ko "unit: ctest did not run (see $log/ctest.log)"

echo "== satori-top's errors, on this host"
# expect_exit NAME STATUS MESSAGE ARGS...: satori-top ARGS exits STATUS and
# says MESSAGE on stderr.
expect_exit() {
	local name=$1 want=$2 msg=$3 err rc
	shift 3
	err=$("$BUILD/cmake/satori-top" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = "$want" ] && grep -q -- "$msg" <<<"$err"; then
		ok "satori-top: $name (exit $want)"
	else
		ko "satori-top: $name: exit $rc, said: $err"
	fi
}
expect_exit "unknown option" 2 "unknown argument --frobnicate" --frobnicate
expect_exit "-n 0" 2 "whole number" -b -n 0
expect_exit "-d nonsense" 2 "seconds between" -d soon
expect_exit "unknown sort column" 2 "no column nosuch" -b -s nosuch
if [ ! -e /dev/xen/privcmd ] && [ ! -e /proc/xen/privcmd ]; then
	expect_exit "not on Xen" 3 "not running on Xen" -b
fi

echo "== KUnit under UML (kunit.py)"
"$top/scripts/run-kunit.sh" >"$log/kunit-uml.log" 2>&1
kunit_rc=$?
summary=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$log/kunit-uml.log" | tail -1)
if [ -n "$summary" ]; then
	while read -r line; do
		case "$line" in
		*"[PASSED] "*) ok "kunit-uml: ${line##*\[PASSED\] }" ;;
		*"[FAILED] "*) ko "kunit-uml: ${line##*\[FAILED\] }" ;;
		esac
	done < <(sed 's/^\[[0-9:]*\] //' "$log/kunit-uml.log" | grep -E '^\[(PASSED|FAILED)\] [a-z_0-9]+$')
	[ $kunit_rc -eq 0 ] || ko "kunit-uml: kunit.py exit status $kunit_rc"
else
	ko "kunit-uml: kunit.py did not complete (see $log/kunit-uml.log)"
fi

echo "== lab tests (Xen under QEMU TCG)"
. "$top/tests/lab/checks.sh"
for t in "$top"/tests/lab/tests/*.sh; do
	. "$t"
done

echo
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
