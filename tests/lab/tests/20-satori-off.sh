# Lab test: satori=off (the default) boots a host on which Satori answers
# only its query, says it is off, and memory sharing on NPT stays refused as
# in stock Xen.
LAB_NAME=satori-off
if lab_boot $LAB_NAME --scenario sharing-refused --guests 2 --xen-args "satori=off"; then
	check "xl dmesg reports Satori off" grep -q 'Satori: off, interface version 1.1' "$LAB_OUT/satori-dmesg.log"
	check "xl dmesg reports no error" test "$(grep -c 'invalid' "$LAB_OUT/satori-dmesg.log")" = 0
	check "dom0 sees status off" test "$(result dom0_satori_status)" = off
	check "memory sharing on NPT stays refused (stock): share-pairs exit 3" test "$(result share_refused_rc)" = 3
	check "memory sharing refused with EOPNOTSUPP" grep -q 'enable refused: Operation not supported' "$LAB_OUT/share.log"
	check_dom0_kunit
fi
