# Lab test: pages shared through Xen's memory sharing on AMD NPT (allowed
# for satori=on by hv-hooks patch 0002) are copy-on-write: a guest writing
# to shared page-cache pages reads its own data, the other guest's copies
# stay intact, and the host's freed-page count drops as pages are unshared.
LAB_NAME=cow-npt
if lab_boot $LAB_NAME --scenario cow --guests 2 --workload "$top/tests/lab/workloads/cow"; then
	shared=$(result share_shared)
	check "share-pairs shared >= 2000 equal page pairs (all compared byte for byte)" test "${shared:-0}" -ge 2000
	check "host counts every shared pair as a freed page (guests still paused)" test "$(result share_freed)" = "$shared"
	# g1 writes 2 pages of each of 50 files; not every such page is shared
	# (share-pairs shares one pair per content), but most are, and each
	# write to a shared page must unshare it.
	check "g1's writes unshared at least 50 of the 100 pages written" \
		test "$(result share_freed_after_g1_writes)" -le $(($(result share_freed_after_share) - 50))
	check "guest g1 reads its own data written with write()" test "$(guest_field g1 'cow write-done first=1' own_bad)" = 0
	check "guest g1's other files unchanged after its writes" test "$(guest_field g1 'cow write-done first=1' others_changed)" = 0
	check "guest g2 sees none of g1's writes" test "$(guest_field g2 'cow check-done first=1' changed)" = 0
	check "guest g2 reads its own data written with write()" test "$(guest_field g2 'cow write-done first=51' own_bad)" = 0
	check "guest g2's other files unchanged after its writes" test "$(guest_field g2 'cow write-done first=51' others_changed)" = 0
	check "guest g1 sees none of g2's writes" test "$(guest_field g1 'cow check-done first=51' changed)" = 0
	check "guest g1 reads its own data written through mmap" test "$(guest_field g1 'cow mwrite-done first=101' own_bad)" = 0
	check "guest g1's other files unchanged after its mmap writes" test "$(guest_field g1 'cow mwrite-done first=101' others_changed)" = 0
	check "guest g2 sees none of g1's mmap writes" test "$(guest_field g2 'cow check-done first=101' changed)" = 0
	check "no Xen error about memory sharing" test "$(grep -ci 'mem_sharing\|sharing.*fail' "$LAB_OUT/xl-dmesg.log")" = 0
fi
