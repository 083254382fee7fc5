# scenario: helper for faults, repay, surplus: Xen's entitlement ledger
# Scenario helper: Xen's ledger of entitlements at a quiet moment, for
# the scenarios that check the surplus accounting (surplus, repay).
# Sourced after boot.sh; the scenario sets GUESTS.

# ledger WHEN: with the guests paused (nothing shares or breaks), Xen's
# exact entitlements (satori-ctl --json show, 2^-32 frames) against its
# saved frames, and what Xen's own memory is by difference: total - free -
# lent - shared frames - every domain's pages (out/ledger-WHEN.json,
# out/top-WHEN.json; ledger_WHEN_*, entitled_WHEN_G, shared_WHEN_G).
ledger() {
	local g top=$OUT/top-$1.json total
	for g in $GUESTS; do xl domid "$g" >/dev/null 2>&1 && xl pause "$g"; done
	/usr/sbin/satori-ctl --json show >"$OUT/ledger-$1.json" || fail "satori-ctl show failed"
	/usr/sbin/satori-top -b --json -n 1 >"$top" || fail "satori-top failed"
	total=$(xl info | sed -n 's/^total_memory *: *//p')
	for g in $GUESTS; do xl domid "$g" >/dev/null 2>&1 && xl unpause "$g"; done
	result "ledger_$1_diff" "$(python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))["domains"]
top = json.loads(open(sys.argv[2]).read().splitlines()[-1])
print(sum(r["entitlement"] for r in rows) - (top["host"]["saved_frames"] << 32))' "$OUT/ledger-$1.json" "$top")"
	result "ledger_$1_xen_own" "$(python3 /host/lib/top-stat.py \
		"$total * 256 - host['free_frames'] - host['lent_frames'] - host['shared_frames'] - sum(d['mem_bytes'] // 4096 for d in doms)" <"$top")"
	result "ledger_$1_lent" "$(python3 /host/lib/top-stat.py 'host["lent_frames"]' <"$top")"
	result "ledger_$1_saved" "$(python3 /host/lib/top-stat.py 'host["saved_frames"]' <"$top")"
	for g in $GUESTS; do
		# Whole frames (entitlement >> 32); nothing if g is not listed.
		result "entitled_$1_$g" "$(python3 -c '
import json, sys
print(*(d["entitled"] for d in json.load(open(sys.argv[1]))["domains"] if d["name"] == sys.argv[2]))' "$OUT/ledger-$1.json" "$g")"
		result "shared_$1_$g" "$(python3 /host/lib/top-stat.py "dom(\"$g\")[\"shared\"] if any(d['name'] == '$g' for d in doms) else -1" <"$top")"
	done
	cat "$OUT/ledger-$1.json"
}

# settled WHEN: Xen's rule for volatile frames above an entitlement. A
# domain may hold more than its entitlement until the deadline of the
# request for the excess (satori_repay_deadline), so a snapshot taken
# while the guests run can catch one frame over. With the guests paused
# the entitlements hold still and nobody can pay: whatever is above an
# entitlement must go by force at the deadline. Looks (up to 50 times,
# 5 s and more) until no guest holds more than its entitlement and
# records that look: held_WHEN_G and entitled_frames_WHEN_G (whole
# frames), settled_WHEN_ms. Each look is one satori-top and one python3;
# a look that fails (python3 under TCG has died of a MemoryError on a
# one-line JSON) is taken again.
settled() {
	local g top=$OUT/top-settled-$1.json start tries=0 look= fields=
	: >"$top" # every look, one JSON line each: the last is the settled one
	start=$(date +%s%N)
	for g in $GUESTS; do xl domid "$g" >/dev/null 2>&1 && xl pause "$g"; done
	while [ $tries -lt 50 ]; do
		tries=$((tries + 1))
		/usr/sbin/satori-top -b --json -n 1 >>"$top" || { sleep 0.1; continue; }
		# "OVER G=HELD/ENTITLED ...", OVER the guests above their entitlement.
		look=$(python3 -c '
import json, sys
doms = {d["name"]: d for d in json.loads(sys.stdin.read().splitlines()[-1])["domains"]}
figs = [(g, doms[g]["volatile_bytes"] // 4096, doms[g]["entitled_bytes"] // 4096) for g in sys.argv[1].split()]
print(sum(h > e for _, h, e in figs), " ".join(f"{g}={h}/{e}" for g, h, e in figs))' "$GUESTS" <"$top") ||
			{ sleep 0.1; continue; }
		fields=$look
		[ "${look%% *}" = 0 ] && break
		sleep 0.1
	done
	result "settled_$1_ms" "$((($(date +%s%N) - start) / 1000000))"
	result "settled_$1_looks" "$tries"
	for g in $GUESTS; do xl domid "$g" >/dev/null 2>&1 && xl unpause "$g"; done
	for g in $GUESTS; do
		look=$(tr ' ' '\n' <<<"$fields" | sed -n "s/^$g=//p")
		result "held_$1_$g" "${look%/*}"
		result "entitled_frames_$1_$g" "${look#*/}"
	done
}
