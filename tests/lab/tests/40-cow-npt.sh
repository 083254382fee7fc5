# Lab test: pages Satori shared as two guests read them (blkback hints,
# guest registration, byte compare and memory sharing in Xen on AMD NPT,
# allowed for satori=on by hv-hooks patch 0002) are copy-on-write: a guest
# writing to shared page-cache pages reads its own data, the other guest's
# copies stay intact, and the host's freed-frame count drops as pages are
# unshared.
LAB_NAME=cow-npt
if lab_boot $LAB_NAME --scenario cow --guests 2 --workload "$top/tests/lab/workloads/cow"; then
	# The 200 files are about 1,600 pages; every one g2 reads is also in g1.
	for g in g1 g2; do
		check "Satori shared >= 1000 pages of $g as it read the files" test "$(num "$(result share_${g}_shared)")" -ge 1000
	done
	check "the host freed >= 1000 frames by sharing" test "$(num "$(result share_freed_after_share)")" -ge 1000
	g2_registered=$(num "$(guest_field g2 'cow ready' registered)")
	check "guest g2 was told >= 95% of its $g2_registered registrations were shared (sysfs)" \
		test $(($(num "$(guest_field g2 'cow ready' shared)") * 100)) -ge $((g2_registered * 95)) -a "$g2_registered" -ge 1000
	# g1 writes 2 pages of each of 50 files; most such pages are shared,
	# and each write to a shared page must unshare it.
	check "g1's writes unshared at least 50 of the 100 pages written" \
		test "$(result share_freed_after_g1_writes)" -le $(($(result share_freed_after_share) - 50))
	check "Xen counted >= 50 copy-on-write breaks of g1" \
		test "$(result share_g1_cow_after_writes)" -ge $(($(result share_g1_cow) + 50))
	check "guest g1 reads its own data written with write()" test "$(guest_field g1 'cow write-done first=1' own_bad)" = 0
	check "guest g1's other files unchanged after its writes" test "$(guest_field g1 'cow write-done first=1' others_changed)" = 0
	check "guest g2 sees none of g1's writes" test "$(guest_field g2 'cow check-done first=1' changed)" = 0
	check "guest g2 reads its own data written with write()" test "$(guest_field g2 'cow write-done first=51' own_bad)" = 0
	check "guest g2's other files unchanged after its writes" test "$(guest_field g2 'cow write-done first=51' others_changed)" = 0
	check "guest g1 sees none of g2's writes" test "$(guest_field g1 'cow check-done first=51' changed)" = 0
	check "guest g1 reads its own data written through mmap" test "$(guest_field g1 'cow mwrite-done first=101' own_bad)" = 0
	check "guest g1's other files unchanged after its mmap writes" test "$(guest_field g1 'cow mwrite-done first=101' others_changed)" = 0
	check "guest g2 sees none of g1's mmap writes" test "$(guest_field g2 'cow check-done first=101' changed)" = 0
	# Each content's index entry is the first reader's page; when that
	# guest drops it, the other's copy takes over the entry, so either
	# guest's re-read finds the content (about 400 pages; a few metadata
	# blocks the writes changed do not merge).
	for g in g1 g2; do
		registered=$(num "$(guest_field $g 'cow reread-done' registered)")
		check "guest $g's re-read after dropping its cache: files unchanged" \
			test "$(guest_field $g 'cow reread-done' changed)" = 0
		check "guest $g's re-read: >= 80% of its $registered registrations shared" \
			test $(($(num "$(guest_field $g 'cow reread-done' shared)") * 100)) -ge $((registered * 80)) -a "$registered" -ge 200
	done
	check "no Xen error about memory sharing" test "$(grep -ci 'mem_sharing\|sharing.*fail' "$LAB_OUT/xl-dmesg.log")" = 0
fi
