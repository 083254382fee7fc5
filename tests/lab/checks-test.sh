#!/bin/bash
# The lab's check helpers (checks.sh) on the host, without booting
# anything: a check of a missing or non-numeric figure fails, a good figure
# passes, a bad one fails; figures computed from a missing one are missing.
# Run by tests/run-all.sh (make test) before the lab tests; prints one
# "PASS ..." or "FAIL ..." line per case and exits 1 if any failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
BUILD=$work/build log=$work/logs
mkdir -p "$log"
. "$top/tests/lab/checks.sh"

failed=0
pass() { echo "PASS checks.sh: $*"; }
fail() {
	failed=$((failed + 1))
	echo "FAIL checks.sh: $*"
}

# The helpers report through ok and ko (run-all.sh's): here they record.
outcome=
ok() { outcome+="PASS $*"$'\n'; }
ko() { outcome+="FAIL $*"$'\n'; }

# expect WANT DESC COMMAND...: COMMAND (one check) reports exactly one
# outcome, WANT (PASS or FAIL).
expect() {
	local want=$1 desc=$2
	shift 2
	outcome=
	"$@" >/dev/null 2>&1
	if [ "$(printf '%s' "$outcome" | grep -c '')" = 1 ] && [ "${outcome%% *}" = "$want" ]; then
		pass "$desc (said: ${outcome%$'\n'})"
	else
		fail "$desc: want one $want, got: ${outcome:-nothing}"
	fi
}

# expect_says PATTERN DESC: the last outcome's line says PATTERN.
expect_says() {
	if grep -q -- "$1" <<<"$outcome"; then
		pass "$2"
	else
		fail "$2: the line does not say '$1': $outcome"
	fi
}

# expect_value WANT DESC COMMAND...: COMMAND prints WANT (maybe nothing).
expect_value() {
	local want=$1 desc=$2 got
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then
		pass "$desc ('$got')"
	else
		fail "$desc: want '$want', got '$got'"
	fi
}

LAB_NAME=checks-test

# Comparisons: a good figure passes, a bad one fails, a missing one fails.
expect PASS "check_ge: 5 >= 3" check_ge "five" 5 3
expect PASS "check_ge: 3 >= 3" check_ge "three" 3 3
expect FAIL "check_ge: 2 >= 3" check_ge "two" 2 3
expect FAIL "check_ge: a missing figure" check_ge "missing" "" 3
expect_says "figure missing" "check_ge: a missing figure says so"
expect FAIL "check_ge: a missing figure against 0" check_ge "missing" "" 0
expect FAIL "check_ge: a non-numeric figure" check_ge "word" "none" 0
expect_says "figure 'none' is not a number" "check_ge: a non-numeric figure says so"
expect FAIL "check_ge: a figure with trailing text" check_ge "text" "12 pages" 1
expect FAIL "check_ge: a lone minus sign" check_ge "sign" "-" 0
expect FAIL "check_ge: a missing bound" check_ge "no bound" 5 ""
expect_says "bound missing" "check_ge: a missing bound says so"
expect FAIL "check_ge: a missing figure and bound" check_ge "nothing" "" ""
expect_says "figure missing; bound missing" "check_ge: a missing figure and bound says both"
expect PASS "check_ge: negative figures" check_ge "negative" -3 -5
expect PASS "check_ge: 64-bit figures compare exactly" check_ge "big" 9007199254740993 9007199254740993
expect FAIL "check_gt: 2^53 + 1 > 2^53 + 1" check_gt "big" 9007199254740993 9007199254740993
expect PASS "check_gt: 2^53 + 1 > 2^53" check_gt "big" 9007199254740993 9007199254740992
expect PASS "check_le: 0 <= 5" check_le "zero" 0 5
expect FAIL "check_le: 6 <= 5" check_le "six" 6 5
expect FAIL "check_le: a missing figure" check_le "missing" "" 5
expect FAIL "check_le: a missing figure against a large bound" check_le "missing" "" 1000000
expect PASS "check_le: a decimal figure" check_le "ms" 123.4 900
expect FAIL "check_le: a decimal figure above" check_le "ms" 900.5 900
expect PASS "check_ge: a decimal figure" check_ge "ms" 3000.2 3000
expect FAIL "check_ge: a decimal figure below" check_ge "ms" 2999.9 3000
expect PASS "check_lt: 1 < 2" check_lt "one" 1 2
expect FAIL "check_lt: 2 < 2" check_lt "two" 2 2
expect FAIL "check_lt: a missing figure" check_lt "missing" "" 2
expect FAIL "check_gt: a missing figure" check_gt "missing" "" -1
expect FAIL "check_cmp: an unknown comparison" check_cmp "eq" 1 -eq 1

expect PASS "check_between: inside" check_between "in" 5 1 10
expect PASS "check_between: at both ends" check_between "low" 1 1 1
expect FAIL "check_between: below" check_between "below" 0 1 10
expect FAIL "check_between: above" check_between "above" 11 1 10
expect FAIL "check_between: a missing figure" check_between "missing" "" 0 10
expect FAIL "check_between: a missing maximum" check_between "no max" 5 0 ""
expect FAIL "check_between: nothing recorded" check_between "nothing" "" "" ""
expect_says "figure missing; minimum missing; maximum missing" "check_between: nothing recorded says what is missing"
expect PASS "check_between: decimals" check_between "ms" 2.5 2 3
expect FAIL "check_between: 2^53 + 1 in 2^53..2^53" check_between "big" 9007199254740993 9007199254740992 9007199254740992

# A missing figure quotes dom0's last error in getting one, if any.
LAB_OUT=$work/out
mkdir -p "$LAB_OUT"
expect FAIL "check_ge: a missing figure, no dom0 error" check_ge "missing" "" 3
expect_value "" "figure_error: nothing when dom0 said nothing" figure_error
printf '%s\n' "satori_stat 'x': old" "satori_stat 'y': no domain named 'g1'" >"$LAB_OUT/figure-errors.log"
expect FAIL "check_ge: a missing figure after a dom0 error" check_ge "missing" "" 3
expect_says "figure missing; dom0: satori_stat 'y': no domain named 'g1'" "check_ge: a missing figure quotes dom0's last figure error"
expect FAIL "check_eq: a missing figure after a dom0 error" check_eq "missing" "" 0
expect_says "figure missing; dom0: satori_stat 'y'" "check_eq: a missing figure quotes dom0's last figure error"
rm "$LAB_OUT/figure-errors.log"

expect PASS "check_eq: equal" check_eq "zero" 0 0
expect PASS "check_eq: equal words" check_eq "domains" "4 3" "4 3"
expect FAIL "check_eq: different" check_eq "one" 1 0
expect FAIL "check_eq: a missing figure" check_eq "missing" "" 0
expect_says "figure missing" "check_eq: a missing figure says so"
expect FAIL "check_eq: two missing figures" check_eq "both missing" "" ""
expect FAIL "check_eq: a missing value wanted" check_eq "want missing" 5 ""

expect PASS "check_has: a word of the list" check_has "known" "5 4" 4
expect FAIL "check_has: part of a word is not a word" check_has "known" "54 3" 4
expect FAIL "check_has: a word not in the list" check_has "known" "5 3" 4
expect FAIL "check_has: an empty list" check_has "known" "" 4
expect FAIL "check_has: a missing word" check_has "known" "5 4" ""
expect FAIL "check_has: a missing word and list" check_has "known" "" ""

# Figures computed from figures.
expect_value 2 "calc: a - b" calc 'a - b' 5 3
expect_value 7 "calc: a / 2 + 1" calc 'a / 2 + 1' 12
expect_value "" "calc: a missing figure gives a missing result" calc 'a - b' 5 ""
expect_value "" "calc: a non-numeric figure gives a missing result" calc 'a * 2' 1.5
expect_value "" "calc: a division by 0 gives a missing result" calc 'a / b' 5 0
expect FAIL "check_ge of a difference with a missing part" check_ge "diff" "$(calc 'a - b' 5 "")" 0
expect_value 25 "percent: 50 of 200" percent 50 200
expect_value "" "percent: of a missing whole" percent 50 ""
expect_value "" "percent: a missing part" percent "" 200
expect_value "" "percent: of 0" percent 0 0
expect FAIL "check_le of a percentage with a missing part" check_le "kept" "$(percent "" 300)" 5

# Figures read from a run's output, as the lab tests read them.
LAB_OUT=$work/out
mkdir -p "$LAB_OUT/console"
printf '%s\n' fifo_held_a=120 fifo_ms=412.5 nonpayer_ms=3001.7 empty= audit_end=0 >"$LAB_OUT/results"
printf 'SATORI-GUEST up\r\nSATORI-GUEST verify wrong=0 files=12\r\n' >"$LAB_OUT/console/guest-g1.log"
expect_value 120 "result: a recorded figure" result fifo_held_a
expect_value "" "result: a figure not recorded" result fifo_asked
expect PASS "a recorded time within its bound passes" check_le "fifo ms" "$(result fifo_ms)" 900
expect PASS "a recorded time above its bound passes check_ge" check_ge "nonpayer ms" "$(result nonpayer_ms)" 3000
expect FAIL "a figure not recorded fails check_le (80-repay's fifo_ms)" check_le "fifo ms" "$(result fifo_missing_ms)" 900
expect FAIL "a figure recorded empty fails check_le" check_le "empty" "$(result empty)" 900
expect FAIL "a figure not recorded fails check_eq against another not recorded" \
	check_eq "asked" "$(result fifo_asked)" "$(result fifo_repaid)"
expect_value 0 "guest_field: a figure on a guest's console" guest_field g1 verify wrong
expect FAIL "guest_field: a figure of a guest with no console fails check_eq" check_eq "wrong" "$(guest_field g9 verify wrong)" 0
expect PASS "check_guests_up: a guest that came up" check_guests_up g1
expect FAIL "check_guests_up: a guest with no console" check_guests_up g9
expect FAIL "check_xen_alive: no Xen console saved" check_xen_alive
echo '(XEN) Satori: on' >"$LAB_OUT/xl-dmesg.log"
expect PASS "check_xen_alive: a quiet Xen console" check_xen_alive
echo '(XEN) Assertion '"'"'x'"'"' failed at volatile.c:12' >>"$LAB_OUT/xl-dmesg.log"
expect FAIL "check_xen_alive: an assertion" check_xen_alive
expect PASS "check_audits: a clean audit" check_audits checks-test
printf '%s\n' audit_end=3 >"$LAB_OUT/results"
expect FAIL "check_audits: an audit with errors" check_audits checks-test
: >"$LAB_OUT/results"
expect FAIL "check_audits: no audit ran" check_audits checks-test

# Every lab test on a run that recorded nothing (an empty out/): every one
# of its checks fails; none passes for want of a figure. lab_boot stands in
# for the boot here (nothing boots).
real_lab_boot=$(declare -f lab_boot)
lab_boot() {
	LAB_NAME=$1
	LAB_OUT=$work/empty/$1
	mkdir -p "$LAB_OUT"
}
for t in "$top"/tests/lab/tests/*.sh; do
	outcome=
	# shellcheck source=/dev/null
	. "$t" >/dev/null 2>&1
	n=$(printf '%s' "$outcome" | grep -c '')
	passed=$(printf '%s' "$outcome" | grep '^PASS' | sed 's/^PASS //' | paste -sd';')
	if [ "$n" -gt 0 ] && [ -z "$passed" ]; then
		pass "${t##*/} on a run that recorded nothing: all its $n checks fail"
	else
		fail "${t##*/} on a run that recorded nothing: of $n checks these passed: ${passed:-none (no check ran)}"
	fi
done
eval "$real_lab_boot"

# lab_boot names the checks after the lab (a stand-in for lab-run: nothing
# boots).
printf '#!/bin/sh\necho "lab: completed in 1 s"\n' >"$work/lab-run"
chmod +x "$work/lab-run"
LAB_RUNNER=$work/lab-run
mkdir -p "$BUILD/lab/runs/stand-in/out"
echo audit_end=0 >"$BUILD/lab/runs/stand-in/out/results"
LAB_NAME=
outcome=
lab_boot stand-in --scenario none >/dev/null 2>&1
if [ "$LAB_NAME" = stand-in ] && [ "$(printf '%s' "$outcome" | grep -c '^PASS lab stand-in: ')" = 2 ]; then
	pass "lab_boot: sets LAB_NAME, counts the boot and its audit"
else
	fail "lab_boot: LAB_NAME='$LAB_NAME', outcome: $outcome"
fi

# check_ktap: a case that ran counts, a failed or skipped one fails, unless
# its skip reason is what the environment is declared not to show.
LAB_NAME=ktap
ktap() { printf '    ok 1 a\n    not ok 2 b\n    ok 3 c # SKIP %s\n' "$1"; }
outcome=
check_ktap here 'Satori is off' < <(ktap 'Satori is off in this lab')
if [ "$(grep -c '^PASS' <<<"$outcome")" = 1 ] && [ "$(grep -c '^FAIL' <<<"$outcome")" = 1 ]; then
	pass "check_ktap: a declared skip is not counted, a failed case fails"
else
	fail "check_ktap with a declared skip: $outcome"
fi
outcome=
check_ktap here 'Satori is off' < <(ktap 'this guest owes frames')
if [ "$(grep -c '^FAIL' <<<"$outcome")" = 2 ]; then
	pass "check_ktap: a skip for another reason fails"
else
	fail "check_ktap with an undeclared skip: $outcome"
fi
outcome=
check_ktap here < <(ktap 'Satori is off')
if [ "$(grep -c '^FAIL' <<<"$outcome")" = 2 ]; then
	pass "check_ktap: with nothing declared, every skip fails"
else
	fail "check_ktap with nothing declared: $outcome"
fi
outcome=
check_ktap here < <(true)
if [ "$outcome" != "${outcome#FAIL}" ]; then
	pass "check_ktap: no KTAP results at all fail"
else
	fail "check_ktap with no results: $outcome"
fi

[ $failed -eq 0 ]
