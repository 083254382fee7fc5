# The demo's guest workload: read-files' reads and reports (the same lines,
# from the same script), then the surplus at work: drop the page cache, so
# its clean pages go to volatile frames up to the guest's entitlement, and
# read /usr/sbin and /usr/bin back, from there where they are still held.
. /run/workload/read-files.sh
sync
echo 3 >/proc/sys/vm/drop_caches
find /mnt/usr/sbin /mnt/usr/bin -type f -exec cat {} + >/dev/null
say "volatile $(for f in stored restored missed held entitled taken; do printf '%s=%s ' $f "$(cat /sys/kernel/mm/satori/volatile/$f)"; done)"
