# Lab test: satori=off (the default) boots a host on which Satori answers
# only its query, says it is off: the guests' reads are not registered or
# shared, and memory sharing on NPT stays refused as in stock Xen.
LAB_NAME=satori-off
if lab_boot $LAB_NAME --scenario sharing-refused --guests 2 --xen-args "satori=off"; then
	check "xl dmesg reports Satori off" grep -q 'Satori: off, interface version 1.5' "$LAB_OUT/satori-dmesg.log"
	check "xl dmesg reports no error" test "$(grep -c 'invalid' "$LAB_OUT/satori-dmesg.log")" = 0
	check "dom0 sees status off" test "$(result dom0_satori_status)" = off
	check "satori-top says Satori is off (exit 7)" test "$(result top_boot_rc)" = 7 -a "$(grep -c 'Satori is off (boot Xen with satori=on)' "$LAB_OUT/top-boot.err")" = 1
	check "memory sharing on NPT stays refused (stock): share-pairs exit 3" test "$(result share_refused_rc)" = 3
	check "memory sharing refused with EOPNOTSUPP" grep -q 'enable refused: Operation not supported' "$LAB_OUT/share.log"
	check "no memory freed by sharing (xl info)" test "$(result sharing_freed_memory)" = 0
	for g in g1 g2; do
		check "guest $g sees Satori off" test "$(guest_field $g satori status)" = off
		check "guest $g read its files" test "$(num "$(guest_field $g read bytes)")" -ge 20000000
		check "guest $g registered nothing" test "$(guest_field $g sharing registered)" = 0
		check "guest $g was told of no sharing" test "$(guest_field $g sharing shared)" = 0
		check_guest_kunit $g
	done
	check_dom0_kunit
fi
