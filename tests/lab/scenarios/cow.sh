# Scenario: copy-on-write of shared pages on AMD NPT. Two guests checksum the
# same files; dom0 pauses them and shares every equal page pair (share-pairs:
# full compare first); then each guest in turn writes some files (write(),
# then g1 also through mmap) and checks its own new data, and the other
# checks that its copies did not change.
. /host/scenarios/boot.sh

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step guests-create
create_guest g1 /dev/vda "$wl"
create_guest g2 /dev/vdb "$wl"
for g in g1 g2; do
	wait_console "$g" "SATORI-GUEST cow ready" 300 || fail "guest $g did not get ready"
done

step share
/host/bin/share-pairs "$(xl domid g1)" "$(xl domid g2)" 100000 >"$OUT/share.log" 2>&1
rc=$?
cat "$OUT/share.log"
summary=$(grep '^share-pairs: candidates' "$OUT/share.log")
for k in candidates shared failed freed; do
	result "share_$k" "$(echo "$summary" | tr ' ' '\n' | sed -n "s/^$k=//p")"
done
[ $rc -eq 0 ] || fail "share-pairs exit status $rc"
# freed_pages KEY: record the host's pages freed by sharing as share_freed_KEY.
freed_pages() {
	result "share_freed_$1" "$(/host/bin/share-pairs --stats | tr ' ' '\n' | sed -n 's/^freed=//p')"
}
freed_pages after_share

# command G LINE PATTERN: send LINE to guest G's console, wait for PATTERN.
command() {
	local tty
	tty=$(xenstore-read "/local/domain/$(xl domid "$1")/console/tty") || fail "no console tty for $1"
	echo "$2" >"$tty"
	wait_console "$1" "$3" 300 || fail "guest $1 did not answer '$2'"
}
step cow-g1-writes
command g1 "write 1 50" "cow write-done first=1 "
freed_pages after_g1_writes
step cow-g2-checks
command g2 "check 1 200" "cow check-done first=1 "
step cow-g2-writes
command g2 "write 51 100" "cow write-done first=51 "
step cow-g1-checks
command g1 "check 51 200" "cow check-done first=51 "
step cow-g1-mmap-writes
command g1 "mwrite 101 150" "cow mwrite-done first=101 "
step cow-g2-checks-mmap
command g2 "check 101 200" "cow check-done first=101 "
for g in g1 g2; do
	command "$g" "done" "SATORI-GUEST done"
done
freed_pages at_end

step guests-shutdown
shutdown_guests g1 g2
losetup -d "$wl"
