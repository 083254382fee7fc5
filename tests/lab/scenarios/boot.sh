# scenario: the host only: how dom0 sees Xen and Satori
# Scenario: the host only. Records how dom0 sees Xen and Satori.
step dom0-view
xl info >"$OUT/xl-info.log" 2>&1 || fail "xl info failed"
result dom0_satori_status "$(cat /sys/kernel/mm/satori/status 2>&1)"
result dom0_satori_version "$(cat /sys/kernel/mm/satori/interface_version 2>&1)"
result xen_commandline "$(sed -n 's/^xen_commandline *: *//p' "$OUT/xl-info.log")"
xl dmesg | grep -i satori >"$OUT/satori-dmesg.log"
/usr/sbin/satori-top -b >"$OUT/top-boot.txt" 2>"$OUT/top-boot.err"
result top_boot_rc $?
echo "LAB Satori in dom0: $(cat /sys/kernel/mm/satori/status)"
cat "$OUT/satori-dmesg.log"
mkdir -p "$OUT/dom0-kunit"
for r in /sys/kernel/debug/kunit/*/results; do
	[ -f "$r" ] && cp "$r" "$OUT/dom0-kunit/$(basename "$(dirname "$r")")"
done
