# scenario: copy-on-write of shared pages on AMD NPT, both ways
# Scenario: copy-on-write of pages Satori shared, on AMD NPT. Two guests
# checksum the same files, and Satori shares the pages as they are read
# (blkback hints, guest registration, byte compare in Xen); then each guest
# in turn writes some files (write(), then g1 also through mmap) and checks
# its own new data, and the other checks that its copies did not change.
# Last, each guest in turn drops its page cache and reads the files nobody
# wrote again: whichever guest's page was a content's first (canonical),
# the other guest's copy keeps the content findable, so the re-read merges.
. /host/scenarios/boot.sh

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step guests-create
create_guest g1 /dev/vda "$wl"
create_guest g2 /dev/vdb "$wl"
for g in g1 g2; do
	wait_console "$g" "SATORI-GUEST cow ready" 300 || fail "guest $g did not get ready"
done

# Satori registered the pages as the guests read them; what is shared now
# is what its hints found. freed_pages KEY records the host's frames freed
# by sharing as share_freed_KEY.
step share
freed_pages() { result "share_freed_$1" "$(satori_stat 'host["saved_frames"]')"; }
/usr/sbin/satori-top -b -n 1 | tee "$OUT/top.txt"
for g in g1 g2; do
	result "share_${g}_shared" "$(satori_stat "dom(\"$g\")[\"shared\"]")"
	result "share_${g}_cow" "$(satori_stat "dom(\"$g\")[\"cow_breaks\"]")"
done
freed_pages after_share

step cow-g1-writes
guest_command g1 "write 1 50" "cow write-done first=1 "
freed_pages after_g1_writes
result share_g1_cow_after_writes "$(satori_stat 'dom("g1")["cow_breaks"]')"
step cow-g2-checks
guest_command g2 "check 1 200" "cow check-done first=1 "
step cow-g2-writes
guest_command g2 "write 51 100" "cow write-done first=51 "
step cow-g1-checks
guest_command g1 "check 51 200" "cow check-done first=51 "
step cow-g1-mmap-writes
guest_command g1 "mwrite 101 150" "cow mwrite-done first=101 "
step cow-g2-checks-mmap
guest_command g2 "check 101 200" "cow check-done first=101 "
step cow-rereads
guest_command g1 "reread 151 200" "cow reread-done first=151 "
guest_command g2 "reread 151 200" "cow reread-done first=151 "
for g in g1 g2; do
	guest_command "$g" "done" "SATORI-GUEST done"
done
freed_pages at_end

step guests-shutdown
shutdown_guests g1 g2
losetup -d "$wl"
