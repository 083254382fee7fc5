# scenario: day-two operations: groups from satori-groupd's config, save/restore, live migration, off/on, reboot, a big guest on a lent-out host
# Scenario: what an operator's host does after `xl create`. satori-groupd
# places every new domain from /tmp/groups.conf (g1 and g2 in group 7, a
# malformed line for g3); g1 and g2 are created plainly (no -p, no
# satori-ctl group) and read the same files, so they share. Then, each
# step with the page caches warm:
#   save/restore: g1 is saved and restored (a new domain); it is placed
#     again, re-registers its page cache by itself and shares again;
#   migration: g2 migrates to this same host while it keeps reading;
#   off/on: satori-ctl off --unshare takes every saved frame back, on
#     brings sharing back without a re-read;
#   reboot: g1 reboots from inside (on_reboot="restart"): a new domain,
#     placed in group 7 again before its first registration;
#   (first, modules: g1 and g2 load the kernel's ext2 module, g2's text
#     merges with g1's; g1 unloads it and g2's keeps working; both unload,
#     then load it again, and it merges again; it stays loaded);
#   room: the guests lend volatile frames, a hog takes the free heap
#     down to about 285 MiB, and `satori-ctl create` starts g3, as big as
#     the free memory and half the lent frames (more than 256 MiB), which
#     the malformed line leaves alone.
. /host/scenarios/boot.sh

# wait_console_n G PATTERN N SECONDS: until G's console shows PATTERN N
# times (a rebooted or restored guest's log goes on in the same file).
wait_console_n() {
	local dl
	dl=$(deadline "$4")
	until [ "$(grep -c "$2" "$(console_log "$1")" 2>/dev/null)" -ge "$3" ]; do
		past "$dl" && return 1
		sleep 0.5
	done
}

# wait_shared G MIN SECONDS: until G's SHARED (Xen's count) reaches MIN.
# Returns 1 if it did not within SECONDS.
wait_shared() {
	local dl
	dl=$(deadline "$3")
	until [ "$(satori_stat "dom(\"$1\")[\"shared\"]" 2>/dev/null || echo 0)" -ge "$2" ]; do
		past "$dl" && return 1
		sleep 1
	done
}

# settled G: waits (30 s at most) until G's registrations stop for 2 s:
# the guest registers behind its reads.
settled() {
	local dl last=-1 now
	dl=$(deadline 30)
	now=$(satori_stat "dom(\"$1\")[\"registered\"]")
	until [ "$now" = "$last" ] || past "$dl"; do
		last=$now
		sleep 2
		now=$(satori_stat "dom(\"$1\")[\"registered\"]")
	done
}

# verify_merged_pct G TAG: G verifies (drops its page cache, reads every
# file again, which it registers); records G_verify_wrong_TAG and prints
# the share of those registrations Xen merged, in percent (the guest's own
# counters). SHARED would mislead here: a gfn the guest freed stays shared
# until the guest writes it again, so it counts pages long gone.
verify_merged_pct() {
	local reg0 shr0 reg1 shr1
	guest_command "$1" counts "SATORI-GUEST counts " || fail "$1 did not count"
	reg0=$(guest_log_field "$1" counts registered)
	shr0=$(guest_log_field "$1" counts shared)
	guest_command "$1" verify "SATORI-GUEST verify " || fail "$1 did not verify"
	result "$1_verify_wrong_$2" "$(guest_log_field "$1" verify wrong)"
	settled "$1"
	guest_command "$1" counts "SATORI-GUEST counts " || fail "$1 did not count"
	reg1=$(guest_log_field "$1" counts registered)
	shr1=$(guest_log_field "$1" counts shared)
	[ $((reg1 - reg0)) -gt 0 ] && echo $(((shr1 - shr0) * 100 / (reg1 - reg0)))
}

# groupd_placed G: the group satori-groupd's log says it placed G in last.
groupd_placed() {
	sed -n "s/^satori-groupd: placed domain [0-9]* ($1) in group \([^ ]*\) .*/\1/p" "$OUT/groupd.log" | tail -1
}

# group_of G: G's group as Xen reports it (a number; alone 4294967295).
group_of() { satori_stat "dom(\"$1\")[\"group\"]"; }

step groupd
cat >/tmp/groups.conf <<-CONF
	# The lab's trust groups (satori-groupd(8)): NAME GROUP.
	default alone
	g1 7
	g2 7
	g3 seven
CONF
/usr/sbin/satori-groupd --config /tmp/groups.conf >"$OUT/groupd.log" 2>&1 &
groupd_pid=$!
dl=$(deadline 30)
until grep -q 'satori-groupd: watching for new domains' "$OUT/groupd.log"; do
	kill -0 $groupd_pid 2>/dev/null || fail "satori-groupd did not start: $(cat "$OUT/groupd.log")"
	past "$dl" && fail "satori-groupd did not start watching in 30 s"
	sleep 0.5
done

step workload-device
wl=$(losetup -r -f --show /host/workload.tar) || fail "losetup of the workload tar failed"

# Created plainly: the group comes from the config, before any
# registration. g1 restarts when it reboots.
step guests-create
GROUP_g1=config GROUP_g2=config
start_guest g1 /dev/vda "$wl" 'on_reboot="restart"' || fail "xl create g1 failed"
start_guest g2 /dev/vdb "$wl" || fail "xl create g2 failed"
for g in g1 g2; do
	await_guest "$g"
	wait_console "$g" "SATORI-GUEST agent ready" 300 || fail "guest $g did not get ready"
done
for g in g1 g2; do
	result "${g}_group_created" "$(group_of "$g")"
	result "${g}_groupd_created" "$(groupd_placed "$g")"
done

# module_step G CMD TAG: G runs the agent's CMD (modload, modunload,
# moduse); its answer's fields become results G_TAG_FIELD.
module_step() {
	local k
	guest_command "$1" "$2" "SATORI-GUEST $2 " || fail "$1 did not answer $2"
	for k in rc pages shared released; do
		result "$1_$3_$k" "$(guest_log_field "$1" "$2" "$k")"
	done
}

# Modules' text and read-only data (satori_kimage.c): registered as a
# module goes live, released as it goes, shared between the guests that
# load the same build at the same address (the same order of loads).
step modules
module_step g1 modload load1
module_step g2 modload load1
module_step g1 modunload unload
module_step g2 moduse alone
module_step g2 modunload unload
module_step g1 modload load2
module_step g2 modload load2
module_step g2 moduse used

step share
for g in g1 g2; do
	guest_command "$g" "read 1 150" "SATORI-GUEST read first=1 " || fail "$g did not read"
done
# g1 lends files 151..180 as volatile frames before it is saved.
guest_command g1 "read 151 180" "SATORI-GUEST read first=151 " || fail "g1 did not read 151..180"
guest_command g1 "evictfiles 151 180" "SATORI-GUEST evictfiles first=151 " || fail "g1 did not evict"
sleep 3
g1_before=$(satori_stat 'dom("g1")["shared"]')
g2_before=$(satori_stat 'dom("g2")["shared"]')
result g1_shared_before "$g1_before"
result g2_shared_before "$g2_before"
result g1_held_before "$(satori_stat 'dom("g1")["volatile_bytes"] // 4096')"
result saved_before "$(satori_stat 'host["saved_frames"]')"
/usr/sbin/satori-top -b -n 1 >"$OUT/top-shared.txt"

# Save and restore with the page cache warm. The restored domain is new:
# pending until satori-groupd places it, then the guest's resume path
# registers its page cache again by itself.
step save-restore
t0=$(uptime_s)
xl save g1 /tmp/g1.save || fail "xl save g1 failed"
result save_s "$(since "$t0")"
t0=$(uptime_s)
xl restore /tmp/g1.save || fail "xl restore g1 failed"
result restore_s "$(since "$t0")"
rm -f /tmp/g1.save
t0=$(uptime_s)
wait_shared g1 $((g1_before * 9 / 10)) 120 && result g1_reshare_s "$(since "$t0")"
result g1_shared_restored "$(satori_stat 'dom("g1")["shared"]')"
result g1_group_restored "$(group_of g1)"
result g1_groupd_restored "$(groupd_placed g1)"
guest_command g1 "probe 151 180" "SATORI-GUEST probe first=151 " || fail "g1 did not answer after restore"
result g1_probe_wrong_restored "$(guest_log_field g1 probe wrong)"
result g1_probe_restored_restored "$(guest_log_field g1 probe restored_now)"
guest_command g1 verify "SATORI-GUEST verify " || fail "g1 did not verify after restore"
result g1_verify_wrong_restored "$(guest_log_field g1 verify wrong)"
guest_command g1 counts "SATORI-GUEST counts " || fail "g1 did not count after restore"
result g1_kimage_walks_restored "$(guest_log_field g1 counts kernel_image_walks)"
result g1_module_pages_restored "$(guest_log_field g1 counts module_pages)"
audit_sharing restored

# Live migration to this host while g2 keeps reading (verify rounds with
# its page cache dropped in between); the incoming domain is named
# g2--incoming until the end.
step migrate
cat >/tmp/local-ssh <<-'SH'
	#!/bin/sh
	# xl migrate's "ssh HOST COMMAND", run here.
	shift
	exec "$@"
SH
chmod +x /tmp/local-ssh
# The baseline: how much of what g2 registers as it reads its files again
# merges (verify drops the page cache, then reads every file).
result g2_merged_pct_before_migration "$(verify_merged_pct g2 before_migration)"
guest_send g2 "loop 60"
t0=$(uptime_s)
xl migrate -s /tmp/local-ssh g2 localhost >"$OUT/migrate.log" 2>&1 || fail "xl migrate g2 failed: $(tail -3 "$OUT/migrate.log")"
result migrate_s "$(since "$t0")"
touch /tmp/g2.migrated
wait_console g2 "SATORI-GUEST loop rounds=" 300 || fail "g2's reads did not end after the migration"
result g2_loop_rounds_migrated "$(guest_log_field g2 loop rounds)"
result g2_loop_wrong_migrated "$(guest_log_field g2 loop wrong)"
result g2_merged_pct_migrated "$(verify_merged_pct g2 migrated)"
result g2_shared_migrated "$(satori_stat 'dom("g2")["shared"]')"
result g2_group_migrated "$(group_of g2)"
audit_sharing migrated

# Off with unsharing, then on: the saved frames go to 0 and come back
# without a re-read.
step off-on
before=$(satori_stat 'host["saved_frames"]')
result saved_before_off "$before"
/usr/sbin/satori-ctl off --unshare >"$OUT/off.txt" 2>&1 || fail "satori-ctl off --unshare failed: $(cat "$OUT/off.txt")"
cat "$OUT/off.txt"
result saved_off "$(satori_stat 'host["saved_frames"]')"
result lent_off "$(satori_stat 'host["lent_frames"]')"
result index_off "$(satori_stat 'host["index_entries"]')"
audit_sharing off
for g in g1 g2; do
	guest_command "$g" verify "SATORI-GUEST verify " || fail "$g did not verify while Satori was off"
	result "${g}_verify_wrong_off" "$(guest_log_field "$g" verify wrong)"
done
sleep 5
result saved_still_off "$(satori_stat 'host["saved_frames"]')"
declare -A walks pages
for g in g1 g2; do
	guest_command "$g" counts "SATORI-GUEST counts " || fail "$g did not count"
	walks[$g]=$(guest_log_field "$g" counts rescans)
	pages[$g]=$(guest_log_field "$g" counts rescan_pages)
done
t0=$(uptime_s)
/usr/sbin/satori-ctl on >"$OUT/on.txt" 2>&1 || fail "satori-ctl on failed: $(cat "$OUT/on.txt")"
# Each guest notices, walks its page cache and registers it again.
dl=$(deadline 120)
for g in g1 g2; do
	until past "$dl"; do
		guest_command "$g" counts "SATORI-GUEST counts " || fail "$g did not count"
		[ "$(guest_log_field "$g" counts rescans)" -gt "${walks[$g]}" ] && break
		sleep 1
	done
	result "${g}_rescan_pages_on" "$(minus "$(guest_log_field "$g" counts rescan_pages)" "${pages[$g]}")"
done
past "$dl" || result on_walked_s "$(since "$t0")"
settled g1
settled g2
result saved_on "$(satori_stat 'host["saved_frames"]')"

# A reboot from inside builds a new domain: placed again by name.
step reboot
guest_send g1 "reboot"
wait_console_n g1 "SATORI-GUEST agent ready" 2 300 || fail "g1 did not come back after its reboot"
guest_command g1 "read 1 150" "SATORI-GUEST read first=1 " || fail "g1 did not read after its reboot"
result g1_group_rebooted "$(group_of g1)"
result g1_groupd_rebooted "$(groupd_placed g1)"
result g1_shared_rebooted "$(satori_stat 'dom("g1")["shared"]')"

# A guest bigger than 256 MiB on a host whose free memory is lent out.
step room
for g in g1 g2; do
	guest_command "$g" "read 1 200" "SATORI-GUEST read first=1 " || fail "$g did not read"
	guest_command "$g" "evictfiles 151 200" "SATORI-GUEST evictfiles first=151 " || fail "$g did not evict"
done
top=$OUT/top-before-hog.json
/usr/sbin/satori-top -b --json -n 1 >"$top"
result room_lent_frames "$(python3 /host/lib/top-stat.py 'host["lent_frames"]' <"$top")"
# The hog leaves about 300 MiB free above the reserve, less its own
# overhead (some 16 MiB for its size).
hog=$(python3 /host/lib/top-stat.py "(host['free_frames'] - host['reserve_frames']) // 256 - 300" <"$top")
result room_hog_mib "$hog"
[ "$hog" -gt 16 ] || fail "too little free memory for the hog ($hog MiB)"
cat >/tmp/hog.cfg <<-CFG
	name = "hog"
	type = "pvh"
	kernel = "/host/img/vmlinux"
	memory = $hog
	vcpus = 1
	cpus = "0"
CFG
timeout 300 xl create -p /tmp/hog.cfg || fail "xl create of the hog failed"
top=$OUT/top-after-hog.json
/usr/sbin/satori-top -b --json -n 1 >"$top"
# g3 gets what is free and half what is lent, less the 8 MiB satori-ctl
# create counts beside a guest of its size (docs/operations.md): more
# than the free memory can hold, less than free and lent memory can.
MEM_g3=$(python3 /host/lib/top-stat.py "(host['free_frames'] + host['lent_frames'] // 2) // 256 - 8" <"$top")
result room_g3_mib "$MEM_g3"
guest_cfg g3 /dev/vdc "$wl"
result room_lacking_frames "$(python3 /host/lib/top-stat.py "($MEM_g3 + 8) * 256 + host['reserve_frames'] - host['free_frames']" <"$top")"
back0=$(python3 /host/lib/top-stat.py 'host["repaid_frames"] + host["forced_frames"]' <"$top")
/usr/sbin/satori-ctl create /tmp/g3.cfg >"$OUT/create-g3.txt" 2>&1
result room_create_rc $?
result room_back_frames "$(minus "$(satori_stat 'host["repaid_frames"] + host["forced_frames"]')" "$back0")"
cat "$OUT/create-g3.txt"
wait_console g3 "SATORI-GUEST agent ready" 300 && result g3_up 1
result g3_group "$(group_of g3)"
grep -E '^satori-groupd: /tmp/groups.conf:[0-9]+: ' "$OUT/groupd.log" | head -3 >"$OUT/groupd-errors.txt"
result groupd_malformed_lines "$(wc -l <"$OUT/groupd-errors.txt")"
xl destroy hog

step end
for g in g1 g2; do
	guest_command "$g" verify "SATORI-GUEST verify " || fail "$g did not verify at the end"
	result "${g}_verify_wrong_end" "$(guest_log_field "$g" verify wrong)"
done
/usr/sbin/satori-top -b -n 1 >"$OUT/top-end.txt"
kill $groupd_pid
# The agent's end: the guest's PID 1 then answers the shutdown.
for g in g1 g2 g3; do
	guest_command "$g" "done" "SATORI-GUEST agent finished"
done
shutdown_guests g1 g2 g3
audit_sharing end
