#!/bin/bash
# Every Satori test: GoogleTest (ctest), KUnit under UML, the lab's check
# helpers on the host, then the lab tests (real Xen, dom0 and PVH guests
# under QEMU TCG), whose in-guest KUnit results are counted too. Prints one
# line per test and, last, the total "N passed, N failed". Exit status 1 if
# anything failed.
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

echo "== the dom0 tools' errors, on this host"
# expect_exit TOOL NAME STATUS MESSAGE ARGS...: $BUILD/cmake/TOOL ARGS exits
# STATUS and says MESSAGE on stderr.
expect_exit() {
	local tool=$1 name=$2 want=$3 msg=$4 err rc
	shift 4
	err=$("$BUILD/cmake/$tool" "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" = "$want" ] && grep -q -- "$msg" <<<"$err"; then
		ok "$tool: $name (exit $want)"
	else
		ko "$tool: $name: exit $rc, said: $err"
	fi
}
expect_exit satori-top "unknown option" 2 "unknown argument --frobnicate" --frobnicate
expect_exit satori-top "-n 0" 2 "whole number" -b -n 0
expect_exit satori-top "-d nonsense" 2 "seconds between" -d soon
expect_exit satori-top "unknown sort column" 2 "no column nosuch" -b -s nosuch
expect_exit satori-ctl "no command" 2 "missing command"
expect_exit satori-ctl "unknown command" 2 "unknown command frobnicate" frobnicate
expect_exit satori-ctl "usage on bad arguments" 2 "usage: satori-ctl \[--json\] group DOMAIN GROUP" frobnicate
expect_exit satori-ctl "group -1" 2 "bad group -1 (0..2147483647, alone or pending)" group g1 -1
expect_exit satori-ctl "group 2147483648" 2 "bad group 2147483648" group g1 2147483648
expect_exit satori-ctl "group x" 2 "bad group x" group g1 x
expect_exit satori-ctl "group without GROUP" 2 "group wants DOMAIN GROUP" group g1
expect_exit satori-ctl "group without arguments" 2 "group wants DOMAIN GROUP" group
expect_exit satori-ctl "group with a reserved domain id" 2 "bad domain 32752" group 32752 1
expect_exit satori-ctl "show with two domains" 2 "show wants at most one DOMAIN" show g1 g2
expect_exit satori-ctl "take without FRAMES" 2 "take wants FRAMES" take
expect_exit satori-ctl "take 0" 2 "bad frame count 0 (1..65536)" take 0
expect_exit satori-ctl "take 65537" 2 "bad frame count 65537" take 65537
expect_exit satori-ctl "take x" 2 "bad frame count x" take x
expect_exit satori-ctl "take from a reserved domain id" 2 "bad domain 32752" take 1 32752
expect_exit satori-ctl "reclaim (take's old name) without FRAMES" 2 "reclaim wants FRAMES" reclaim
expect_exit satori-ctl "repay without FRAMES" 2 "repay wants FRAMES" repay
expect_exit satori-ctl "repay 0" 2 "bad frame count 0 (1..65536)" repay 0
expect_exit satori-ctl "repay from a reserved domain id" 2 "bad domain 32752" repay 1 32752
expect_exit satori-ctl "make-room without MIB" 2 "make-room wants MIB" make-room
expect_exit satori-ctl "make-room 0" 2 "bad size 0 (MiB, 1..9999999)" make-room 0
expect_exit satori-ctl "make-room 1G" 2 "bad size 1G" make-room 1G
help=$("$BUILD/cmake/satori-ctl" --help 2>&1)
rc=$?
if [ "$rc" = 0 ] && grep -q 'satori-ctl group guest 7' <<<"$help"; then
	ok "satori-ctl: --help (exit 0)"
else
	ko "satori-ctl: --help: exit $rc, said: $help"
fi
# Every tool: --version is "TOOL VERSION" (CMakeLists.txt's project()),
# --help a usage on stdout, both exit 0 (docs/knobs.md, the man pages).
version=$(sed -n 's/^project(satori VERSION \([0-9.]*\) .*/\1/p' "$top/CMakeLists.txt")
for tool in satori-top satori-ctl satori-scan satori-scand satori-groupd; do
	out=$("$BUILD/cmake/$tool" --version 2>&1)
	rc=$?
	if [ "$rc" = 0 ] && [ -n "$version" ] && [ "$(head -1 <<<"$out")" = "$tool $version" ]; then
		ok "$tool: --version says $tool $version (exit 0)"
	else
		ko "$tool: --version: exit $rc, said: $out (want $tool $version)"
	fi
	out=$("$BUILD/cmake/$tool" --help 2>/dev/null)
	rc=$?
	if [ "$rc" = 0 ] && grep -q "^usage: $tool" <<<"$out"; then
		ok "$tool: --help prints its usage on stdout (exit 0)"
	else
		ko "$tool: --help: exit $rc, said: $out"
	fi
done
expect_exit satori-top "-i 0 (xentop's spelling)" 2 "whole number" -b -i 0
expect_exit satori-top "--json=1" 2 "--json takes no value" --json=1
expect_exit satori-scan "unknown option" 2 "'--frob' is not a guest domain id" --frob
expect_exit satori-scan "--rate 0" 2 "bad rate '0'" --rate 0
# A bad --kernel is refused before anything is opened or scanned.
expect_exit satori-scan "--kernel of a missing file" 2 "cannot read kernel image /nonexistent/vmlinux: No such file" --kernel /nonexistent/vmlinux 1
expect_exit satori-scan "--kernel of a non-ELF file" 2 "cannot read kernel image $top/README.md: not an ELF file" --kernel "$top/README.md" 1
expect_exit satori-scand "unknown option" 2 "unknown argument '--frob'" --frob
expect_exit satori-scand "--rate without a value" 2 "--rate wants a value" --rate
expect_exit satori-groupd "unknown option" 2 "unknown argument --frob" --frob
expect_exit satori-groupd "--once --check" 2 "exclude each other" --once --check
if [ ! -e /dev/xen/privcmd ] && [ ! -e /proc/xen/privcmd ]; then
	expect_exit satori-top "not on Xen" 3 "not running on Xen" -b
	expect_exit satori-ctl "not on Xen (group alone)" 3 "not running on Xen" group g1 alone
	expect_exit satori-ctl "not on Xen (group 2147483647)" 3 "not running on Xen" group 3 2147483647
	expect_exit satori-ctl "not on Xen (show)" 3 "not running on Xen" show
	# node_exporter's textfile: written even without Satori (satori_up 0,
	# no stale file), exit 0; --prometheus writes it too, with status 3.
	prom=$log/satori-top-textfile.prom
	rm -f "$prom" "$prom.new"
	"$BUILD/cmake/satori-top" --textfile "$prom" 2>/dev/null
	rc=$?
	if [ "$rc" = 0 ] && grep -qx 'satori_up 0' "$prom" && grep -qx 'satori_scrape_success 0' "$prom" &&
		grep -qx 'satori_scrape_status 3' "$prom" && [ ! -e "$prom.new" ]; then
		ok "satori-top: --textfile without Xen writes satori_up 0 (exit 0)"
	else
		ko "satori-top: --textfile without Xen: exit $rc, wrote: $(cat "$prom" 2>&1)"
	fi
	if out=$(promtool check metrics <"$prom" 2>&1) && [ -z "$out" ]; then
		ok "satori-top: --textfile's file passes promtool check metrics"
	else
		ko "satori-top: --textfile's file: promtool says: $out"
	fi
	rm -f "$prom"
	"$BUILD/cmake/satori-top" --prometheus "$prom" 2>/dev/null
	rc=$?
	if [ "$rc" = 3 ] && grep -qx 'satori_up 0' "$prom"; then
		ok "satori-top: --prometheus without Xen writes satori_up 0 (exit 3)"
	else
		ko "satori-top: --prometheus without Xen: exit $rc, wrote: $(cat "$prom" 2>&1)"
	fi
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

# host_test SCRIPT: a test script that runs on this host without booting
# anything and prints one "PASS ..." or "FAIL ..." line per check: each
# line counts, and a script that reports no PASS, or fails without a FAIL
# line, is a failure too (its output in $log/NAME.log).
host_test() {
	local name=${1##*/} out rc line
	out=$log/${name%.sh}.log
	"$1" >"$out" 2>&1
	rc=$?
	while read -r line; do
		case "$line" in
		"PASS "*) ok "${line#PASS }" ;;
		"FAIL "*) ko "${line#FAIL }" ;;
		esac
	done <"$out"
	grep -q '^PASS ' "$out" || ko "$name reported no check (see $out)"
	[ $rc -eq 0 ] || grep -q '^FAIL ' "$out" || ko "$name: exit status $rc (see $out)"
}

echo "== the lab's check helpers, on this host (nothing boots)"
host_test "$top/tests/lab/checks-test.sh"
host_test "$top/tests/lab/lab-run-test.sh"
host_test "$top/tests/lab/storage-model-test.py"
host_test "$top/tests/lab/prom-counters-test.sh"

echo "== the dom0 tools as installed: man pages, cmake --install, alert rules"
host_test "$top/tests/dist-test.sh"

echo "== the Debian packages: lintian, dpkg -i and --purge in a Debian tree"
host_test "$top/tests/packages-test.sh"
echo "== the packages' GRUB entries: Debian's update-grub on a host file system"
host_test "$top/tests/grub-test.sh"

echo "== the docs against the tree (docs/layout.md, docs/knobs.md)"
host_test "$top/scripts/check-layout.sh"
host_test "$top/scripts/check-knobs.sh"

echo "== lab tests (Xen under QEMU TCG)"
. "$top/tests/lab/checks.sh"
for t in "$top"/tests/lab/tests/*.sh; do
	. "$t"
done

echo
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
