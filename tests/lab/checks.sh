# Host-side helpers for the lab tests (sourced by tests/run-all.sh, which
# defines ok and ko). A lab test boots the lab once with lab_boot and then
# makes checks on what that boot left in $BUILD/lab/runs/NAME/out.

LAB_RUNNER=$top/tests/lab/lab-run

# lab_boot NAME LAB-RUN-ARGS...: boot; the boot itself counts as a check.
lab_boot() {
	local name=$1
	shift
	LAB_OUT=$BUILD/lab/runs/$name/out
	echo "-- lab boot $name: $*"
	if "$LAB_RUNNER" --name "$name" "$@" >"$log/lab-$name.log" 2>&1; then
		ok "lab $name: boot and scenario ($(tail -1 "$log/lab-$name.log" | sed 's/.*completed in/completed in/'))"
		check_audits "$name"
		return 0
	fi
	ko "lab $name: $(tail -1 "$log/lab-$name.log")"
	# The logs stay in the build tree; CI shows only this output: the end
	# of the scenario's (a stuck guest's report) goes with the failure.
	tail -n 100 "$LAB_OUT/dom0.log" 2>/dev/null | sed 's/^/  | /'
	return 1
}

# check_audits NAME: every memory-sharing audit the scenario ran (at least
# one: after the guests are gone) found no inconsistency.
check_audits() {
	local line n=0
	while read -r line; do
		n=$((n + 1))
		if [ "${line#*=}" = 0 ]; then
			ok "lab $1: sharing audit ${line%%=*} clean"
		else
			ko "lab $1: sharing audit ${line%%=*}: ${line#*=}"
		fi
	done < <(grep '^audit_' "$LAB_OUT/results" 2>/dev/null)
	[ $n -gt 0 ] || ko "lab $1: no sharing audit ran"
}

# result KEY: a KEY=VALUE figure the scenario recorded.
result() { sed -n "s/^$1=//p" "$LAB_OUT/results" 2>/dev/null | tail -1; }

# top_stat EXPR: a figure from satori-top's last JSON snapshot in the run
# (out/top.json); EXPR as in top-stat.py.
top_stat() { python3 "$top/tests/lab/top-stat.py" "$1" "$LAB_OUT/top.json" 2>/dev/null; }

# num VALUE: VALUE if it is an integer, else 0 (a missing figure must fail
# the check that uses it, not break the shell's arithmetic).
num() { case "$1" in '' | *[!0-9-]* | *?-*) echo 0 ;; *) echo "$1" ;; esac; }

# check NAME COMMAND...: COMMAND's status decides.
check() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "lab $LAB_NAME: $name"; else ko "lab $LAB_NAME: $name"; fi
}

# guest_log G: guest G's console, without carriage returns.
guest_log() { tr -d '\r' <"$LAB_OUT/console/guest-$1.log" 2>/dev/null; }

# guest_field G KEY SUBKEY: value of SUBKEY= on guest G's "SATORI-GUEST KEY" line.
guest_field() {
	guest_log "$1" | grep "^SATORI-GUEST $2 " | tail -1 | tr ' ' '\n' | sed -n "s/^$3=//p"
}

# check_ktap WHERE: reads KTAP results on stdin; every KUnit case counts as
# a test, and no case at all is a failure. Feed it with a redirection, not a
# pipe: in a pipeline it would run in a subshell and its counts be lost.
check_ktap() {
	local where=$1 n=0 line
	while read -r line; do
		n=$((n + 1))
		case "$line" in
		"not ok "*) ko "lab $LAB_NAME: kunit in $where: ${line#not ok * }" ;;
		*"# SKIP"*) ko "lab $LAB_NAME: kunit in $where: skipped: ${line#ok * }" ;;
		*) ok "lab $LAB_NAME: kunit in $where: ${line#ok * }" ;;
		esac
	done < <(grep -E '^[[:space:]]+(not )?ok [0-9]+ ' | sed 's/^[[:space:]]*//; s/ - / /')
	[ $n -gt 0 ] || ko "lab $LAB_NAME: kunit in $where: no KTAP results"
}

# check_guest_kunit G: the KUnit suites guest G's kernel ran at boot.
check_guest_kunit() {
	check_ktap "guest $1" < <(guest_log "$1" |
		sed -n '/^SATORI-GUEST ktap-begin/,/^SATORI-GUEST ktap-end/p')
}

# check_dom0_kunit: the KUnit suites dom0's kernel ran at boot.
check_dom0_kunit() {
	check_ktap dom0 < <(cat "$LAB_OUT"/dom0-kunit/* 2>/dev/null)
}

# attack_lines G SUB: the summary lines of satori_attack SUB on guest G's
# console (not its start, setup or progress lines).
attack_lines() {
	guest_log "$1" | grep "^SATORI-ATTACK $2 " | grep -v "^SATORI-ATTACK $2 \(start\|setup\|progress\) "
}

# attack_field G SUB KEY: KEY= of the last summary line of SUB on G.
attack_field() {
	attack_lines "$1" "$2" | tail -1 | tr ' ' '\n' | sed -n "s/^$3=//p"
}

# attack_sum G SUB KEY: KEY= summed over every summary line of SUB on G
# (empty when there is none).
attack_sum() {
	attack_lines "$1" "$2" | tr ' ' '\n' | sed -n "s/^$3=//p" |
		awk '{ s += $1; n++ } END { if (n) print s }'
}

# xen_hold NAME KEY: KEY= of Xen's "Satori hold NAME:" line that the
# scenario saved from the 'W' key (out/holds.txt; stages.c).
xen_hold() {
	grep "Satori hold $1:" "$LAB_OUT/holds.txt" 2>/dev/null | tail -1 |
		tr ' ' '\n' | sed -n "s/^$2=//p"
}

# check_holds: the holds the scenario saved moved at most a step of frames
# each (256 per volatile-lock hold and relinquish step, 1024 per tasklet
# run), and their longest times, reported (not checked: a time under TCG
# is the emulator's).
check_holds() {
	local h
	for h in volatile relinquish; do
		check_le "longest $h hold moved at most a step of frames" "$(xen_hold $h max_frames)" 256
	done
	check_le "longest repayment tasklet run took at most its budget of frames" "$(xen_hold tasklet max_frames)" 1024
	for h in volatile tasklet relinquish; do
		echo "INFO $LAB_NAME: longest $h hold: $(xen_hold $h max_ns) ns, $(xen_hold $h max_frames) frames, over $(xen_hold $h count) holds (TCG)"
	done
}

# check_ge NAME ACTUAL MIN / check_le NAME ACTUAL MAX / check_eq NAME ACTUAL
# WANT: a figure against its bound (a missing figure fails).
check_ge() { check "$1 ($2 >= $3)" test "$(num "$2")" -ge "$3" -a -n "$2"; }
check_le() { check "$1 ($2 <= $3)" test "$(num "$2")" -le "$3" -a -n "$2"; }
check_eq() { check "$1 ($2)" test "$2" = "$3"; }

# percent PART WHOLE: PART as a whole percentage of WHOLE (0 if WHOLE is 0).
percent() { awk -v p="$(num "$1")" -v w="$(num "$2")" 'BEGIN { print (w > 0) ? int(p * 100 / w) : 0 }'; }
