# scenario: make bench: free memory reported, zero pages, refaults timed
# Scenario for `make bench`, free memory (tests/lab/bench-free.py reads
# what it leaves in OUT): g1..g3 read the same files, then idle while
# their free memory is reported; once Xen's zero gfns hold still,
# satori-scan counts the zero pages in them. Then g1 times, in the same
# boot, the first write to 4096 pages it reported (refaults: a
# copy-on-write break off the zero frame) and to 150 shared page-cache
# pages (copy-on-write breaks that find a free frame: the baseline).
. /host/scenarios/boot.sh

GUESTS="g1 g2 g3"
# g1's root times refaults through satori_attack (privcmd).
XL_g1='extra="console=hvc0 quiet xen_privcmd.unrestricted=1"'

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step guests-create
create_ready_guests "$wl" $GUESTS

step share
for g in $GUESTS; do
	guest_command "$g" "read 1 120" "SATORI-GUEST read first=1 "
done

step reports
reports_settle
# shellcheck disable=SC2046 # domain ids, one word each
scan_guests /dev/vda $(for g in $GUESTS; do xl domid "$g"; done)

step refault
guest_command g1 "run refault 4096" "SATORI-GUEST run-done sub=refault "
cow_time free 150

step guests-shutdown
for g in $GUESTS; do
	guest_command "$g" "done" "SATORI-GUEST agent finished"
done
shutdown_guests $GUESTS
losetup -d "$wl"
