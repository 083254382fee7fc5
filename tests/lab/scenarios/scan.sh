# scenario: a stock-kernel guest scanned by satori-scand, merged
# Scenario: a guest without Satori's kernel. g1 and g2 run the project's
# kernel (hints); g3 runs Debian's own stock cloud kernel, which knows
# nothing of Satori (blkback serves it without hints). All three read the
# same files. satori-scand, dom0's scanner, must refuse to scan an
# enlightened guest, pick g3 by itself, and get g3's copies merged with
# the enlightened guests' pages through Xen's index; g3 then writes to
# files whose pages were merged (copy-on-write) and every guest checks
# every file against its sum. When g3 is gone the scanner idles.
# g4, also on the stock kernel, is hostile to the scanner: it holds one
# page near gfn 2^35 (which once made a pass take hours and starve g3), it
# flips the xenstore key that says it negotiated hints (which once made
# the scanner forget and release everything each second), and a scanner
# with a small record cap must stay within it.
. /host/scenarios/boot.sh

GUESTS="g1 g2 g3 g4"
KERNEL_g3=stock
KERNEL_g4=stock
SCAND_STATUS=/run/satori-scand.json # the default: satori-top reads it

# scand FIELD: a figure from satori-scand's status file.
scand() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$SCAND_STATUS" "$1"; }

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

step guests-create
# g4 before g3: its domain id comes first in every pass.
create_ready_guests "$wl" g1 g2 g4 g3
result g3_kernel "$(guest_log_field g3 up kernel)"
result g3_hint_refs "$(xenstore-ls "/local/domain/$(xl domid g3)/device/vbd" 2>/dev/null | grep -c satori-hint)"
result g1_hint_refs "$(xenstore-ls "/local/domain/$(xl domid g1)/device/vbd" 2>/dev/null | grep -c satori-hint)"

step read
for g in $GUESTS; do
	guest_command "$g" "read 1 60" "SATORI-GUEST read first=1 "
done
result g3_shared_before "$(satori_stat 'dom("g3")["shared"]')"
# What g3 can share at most: the file pages g1 and g2 share (g3 read the
# same files; the rest of its memory has no registered twin).
g1_shared=$(satori_stat 'dom("g1")["shared"]')
result g1_shared_before "$g1_shared"
result g1_registered_before "$(satori_stat 'dom("g1")["registered"]')"

# Naming an enlightened guest is refused, and changes nothing.
step refuse
/usr/sbin/satori-scand --domain "$(xl domid g1)" --status /tmp/refused.json >"$OUT/scand-refused.log" 2>&1
result refuse_rc $?
cat "$OUT/scand-refused.log"
result refuse_status_written "$([ -e /tmp/refused.json ] && echo 1 || echo 0)"
/usr/sbin/satori-scand --rate 0 >>"$OUT/scand-refused.log" 2>&1
result refuse_rate_rc $?

# g4 gets one page of RAM near gfn 2^35, as its own kernel could populate.
step far-gfn
/host/bin/populate-gfn "$(xl domid g4)" $(((1 << 35) - 1)) | tee "$OUT/far-gfn.txt"
result far_gfn_rc "$(sed -n 's/.* rc=//p' "$OUT/far-gfn.txt")"

step scan
t0=$(uptime_s)
/usr/sbin/satori-scand >"$OUT/scand.log" 2>&1 &
scand_pid=$!
# Until g3's copies of the files share frames as g1's do (9 in 10), or
# four minutes.
dl=$(deadline 240)
while ! past "$dl"; do
	[ "$(satori_stat 'dom("g3")["shared"]')" -ge $((g1_shared * 9 / 10)) ] && break
	sleep 2
done
result scan_s "$(since "$t0")"
result scand_domains "$(python3 -c 'import json, sys; print(" ".join(map(str, json.load(open(sys.argv[1]))["domains"])))' "$SCAND_STATUS")"
result g3_domid "$(xl domid g3)"
result g3_shared "$(satori_stat 'dom("g3")["shared"]')"
result g1_registered_after "$(satori_stat 'dom("g1")["registered"]')"
for k in scanned registered merged released errors cpu_s cut; do
	result "scand_$k" "$(scand "$k")"
done
result g4_domid "$(xl domid g4)"
/usr/sbin/satori-top -b -n 1 >"$OUT/top-scan.txt"
cat "$OUT/top-scan.txt"

# g4 flips its "hints negotiated" key every half second for 20 s (dom0
# writes it here; the guest owns that directory and could): the scanner
# pauses g4 and must neither forget nor release anything.
step flap
key=/local/domain/$(xl domid g4)/device/vbd/51712/satori-hint-nr-refs
released0=$(scand released)
for _ in $(seq 20); do
	xenstore-write "$key" 1
	sleep 0.5
	xenstore-rm "$key"
	sleep 0.5
done
sleep 2
result flap_released "$(minus "$(scand released)" "$released0")"
result flap_known "$(python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(" ".join(map(str, s["domains"] + s["paused"])))' "$SCAND_STATUS")"

# g3 writes to files whose pages were merged; everyone re-reads from disk.
step write
guest_command g3 "rewrite 10" "SATORI-GUEST rewrite "
for g in $GUESTS; do
	guest_command "$g" verify "SATORI-GUEST verify "
done
result g3_cow_breaks "$(satori_stat 'dom("g3")["cow_breaks"]')"

# The scanner keeps up with the rewrite, then has nothing left to do.
step idle
dl=$(deadline 60)
while ! past "$dl"; do
	[ "$(scand idle)" = True ] && break
	sleep 2
done
result scand_idle_with_g3 "$(scand idle)"
result scand_released "$(scand released)"

# A second scanner beside it, capped at 4000 records per guest, for 20 s:
# it keeps no more, and says which guests are at the cap.
step cap
/usr/sbin/satori-scand --max-records 4000 --status /tmp/capped.json >"$OUT/scand-capped.log" 2>&1 &
capped_pid=$!
sleep 20
capped() { python3 -c 'import json, sys; v = json.load(open(sys.argv[1]))[sys.argv[2]]; print(" ".join(map(str, v)) if isinstance(v, list) else v)' /tmp/capped.json "$1"; }
for k in records max_records capped at_cap; do
	result "capped_$k" "$(capped "$k")"
done
result capped_rss_kb "$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$capped_pid/status")"
kill "$capped_pid"
wait "$capped_pid"
cp /tmp/capped.json "$OUT/scand-capped.json"

step gone
for g in g3 g4; do
	xl destroy $g
	wait_gone $g 60 || fail "$g did not go"
done
sleep 3
cpu0=$(scand cpu_s)
sleep 10
result scand_idle_cpu_s "$(awk -v a="$(scand cpu_s)" -v b="$cpu0" 'BEGIN { if (a != "" && b != "") printf "%.3f", a - b }')"
result scand_domains_after "$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["domains"]))' "$SCAND_STATUS")"
kill "$scand_pid"
wait "$scand_pid"
result scand_exit "$?"
cp "$SCAND_STATUS" "$OUT/scand.json"
GUESTS="g1 g2"
