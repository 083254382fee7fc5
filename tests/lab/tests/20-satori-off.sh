# Lab test: satori=off (the default) boots a host on which Satori answers
# only its query, says it is off: the guests' reads are not registered or
# shared, and memory sharing on NPT stays refused as in stock Xen.
if lab_boot satori-off --scenario sharing-refused --guests 2 --xen-args "satori=off"; then
	check "xl dmesg reports Satori off" grep -q 'Satori: off, interface version 1.10' "$LAB_OUT/satori-dmesg.log"
	check_eq "xl dmesg reports no error" "$(grep -c 'invalid' "$LAB_OUT/satori-dmesg.log")" 0
	check_eq "dom0 sees status off" "$(result dom0_satori_status)" off
	check "satori-top says Satori is off (exit 7)" test "$(result top_boot_rc)" = 7 -a "$(grep -c 'Satori is off (boot Xen with satori=on)' "$LAB_OUT/top-boot.err")" = 1
	check_eq "the metrics service's file is written with Satori off: satori-top --textfile exits 0" "$(result top_textfile_rc)" 0
	check_eq "and says so: satori_up 0" "$(sed -n 's/^satori_up //p' "$LAB_OUT/off.prom")" 0
	check "and passes promtool" promtool check metrics <"$LAB_OUT/off.prom"
	check_eq "scraped through node_exporter's textfile collector (HTTP), satori_up is 0" \
		"$(scrape_textfile "$LAB_OUT/off.prom" /dev/stdout | sed -n 's/^satori_up //p')" 0
	check_eq "memory sharing on NPT stays refused (stock): share-pairs exit 3" "$(result share_refused_rc)" 3
	check "memory sharing refused with EOPNOTSUPP" grep -q 'enable refused: Operation not supported' "$LAB_OUT/share.log"
	check_eq "no memory freed by sharing (xl info)" "$(result sharing_freed_memory)" 0
	for g in g1 g2; do
		check_eq "guest $g sees Satori off" "$(guest_field $g satori status)" off
		check_ge "guest $g read its files (bytes)" "$(guest_field $g read bytes)" 20000000
		check_eq "guest $g registered nothing" "$(guest_field $g sharing registered)" 0
		check_eq "guest $g was told of no sharing" "$(guest_field $g sharing shared)" 0
		check_guest_kunit $g 'Satori is off'
	done
	check_dom0_kunit 'Satori is off'
fi
