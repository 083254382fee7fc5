# Lab test: a malformed satori= value is reported at boot and leaves Satori
# off.
if lab_boot satori-bad-param --scenario boot --xen-args "satori=perhaps"; then
	check "xl dmesg names the bad value" grep -q 'Satori: invalid satori=perhaps' "$LAB_OUT/satori-dmesg.log"
	check "xl dmesg reports Satori off" grep -q 'Satori: off' "$LAB_OUT/satori-dmesg.log"
	check_eq "dom0 sees status off-bad-param" "$(result dom0_satori_status)" off-bad-param
	check "satori-top names the malformed parameter (exit 7)" test "$(result top_boot_rc)" = 7 -a "$(grep -c 'satori= boot parameter is malformed' "$LAB_OUT/top-boot.err")" = 1
	check_dom0_kunit 'Satori is off'
fi
