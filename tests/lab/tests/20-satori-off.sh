# Lab test: satori=off (the default) boots a host on which Satori answers
# only its query, and says it is off.
LAB_NAME=satori-off
if lab_boot $LAB_NAME --scenario boot --xen-args "satori=off"; then
	check "xl dmesg reports Satori off" grep -q 'Satori: off, interface version 1.0' "$LAB_OUT/satori-dmesg.log"
	check "xl dmesg reports no error" test "$(grep -c 'invalid' "$LAB_OUT/satori-dmesg.log")" = 0
	check "dom0 sees status off" test "$(result dom0_satori_status)" = off
	check_dom0_kunit
fi
