# host-test-lib.sh: what the host tests (dist-test.sh, packages-test.sh,
# grub-test.sh) share, sourced after they set top (the checkout) and
# test_name (the word after PASS/FAIL): BUILD and SATORI_CACHE as make
# sets them (exported for the scripts they run), log (the test logs'
# folder), and pass/fail, which print one line per check; fail sets bad,
# the test's exit status.
: "${BUILD:=$top/build}" "${SATORI_CACHE:=/var/cache/satori}"
export BUILD SATORI_CACHE
log=$BUILD/test-logs
mkdir -p "$log"
bad=0
pass() { echo "PASS $test_name: $*"; }
fail() {
	echo "FAIL $test_name: $*"
	bad=1
}
