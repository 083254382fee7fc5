# Host-side helpers for the lab tests (sourced by tests/run-all.sh, which
# defines ok and ko). A lab test boots the lab once with lab_boot and then
# makes checks on what that boot left in $BUILD/lab/runs/NAME/out:
#
#	if lab_boot NAME LAB-RUN-ARGS...; then
#		check_xen_alive
#		check_ge "what the figure shows" "$(result some_figure)" 100
#		...
#	fi
#
# A check of a figure that is missing (empty) or not a number fails, always,
# and says so: figures are never defaulted to 0. A figure computed from
# others is computed with calc, which is missing when one of them is.
# tests/lab/checks-test.sh tests these helpers on the host.

LAB_RUNNER=$top/tests/lab/lab-run

# lab_boot NAME LAB-RUN-ARGS...: boot the lab as NAME (the name every check
# after it carries: LAB_NAME) with lab-run; the boot itself counts as a
# check.
lab_boot() {
	local name=$1
	shift
	LAB_NAME=$name
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

# is_integer VALUE / is_number VALUE: VALUE is a whole number / a whole or
# decimal number (either maybe negative).
is_integer() { [[ $1 =~ ^-?[0-9]+$ ]]; }
is_number() { [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; }

# calc EXPR A [B [C [D]]]: EXPR, the shell's integer arithmetic over a, b,
# c and d (the figures A..D), e.g. calc 'a - b' "$(result x)" "$(result y)";
# nothing (a missing figure) if one of the figures is missing or not a
# whole number, or the arithmetic fails (a division by 0).
# shellcheck disable=SC2034 # a..d are read by $((expr))
calc() {
	local expr=$1 a='' b='' c='' d='' v
	shift
	for v in "$@"; do
		is_integer "$v" || return 0
	done
	a=${1-} b=${2-} c=${3-} d=${4-}
	(echo $((expr))) 2>/dev/null
}

# check NAME COMMAND...: COMMAND's status decides.
check() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "lab $LAB_NAME: $name"; else ko "lab $LAB_NAME: $name"; fi
}

# scrape_textfile FILE OUT: FILE served by node_exporter's textfile
# collector and scraped over HTTP (scrape-textfile.py); its satori_ families
# into OUT. Fails as scrape-textfile.py does.
scrape_textfile() { python3 "$top/tests/lab/scrape-textfile.py" "$1" >"$2"; }

# guest_log G: guest G's console, without carriage returns.
guest_log() { tr -d '\r' 2>/dev/null <"$LAB_OUT/console/guest-$1.log"; }

# guest_field G KEY SUBKEY: value of SUBKEY= on guest G's "SATORI-GUEST KEY" line.
guest_field() {
	guest_log "$1" | grep "^SATORI-GUEST $2 " | tail -1 | tr ' ' '\n' | sed -n "s/^$3=//p"
}

# check_ktap WHERE [CANNOT]: reads KTAP results on stdin; every KUnit case
# counts as a test, and no case at all is a failure. A skipped case fails,
# unless its reason matches the extended regex CANNOT, what this
# environment is known not to show (dom0 is PV and cannot share; Satori is
# off): that one is reported and not counted. Feed it with a redirection,
# not a pipe: in a pipeline it would run in a subshell and its counts be
# lost.
check_ktap() {
	local where=$1 cannot=${2:-} n=0 line
	while read -r line; do
		n=$((n + 1))
		case "$line" in
		"not ok "*) ko "lab $LAB_NAME: kunit in $where: ${line#not ok * }" ;;
		*"# SKIP"*)
			if [ -n "$cannot" ] && [[ ${line#*"# SKIP"} =~ $cannot ]]; then
				echo "   INFO lab $LAB_NAME: kunit in $where: not shown here: ${line#ok * }"
			else
				ko "lab $LAB_NAME: kunit in $where: skipped: ${line#ok * }"
			fi ;;
		*) ok "lab $LAB_NAME: kunit in $where: ${line#ok * }" ;;
		esac
	done < <(grep -E '^[[:space:]]+(not )?ok [0-9]+ ' | sed 's/^[[:space:]]*//; s/ - / /')
	[ $n -gt 0 ] || ko "lab $LAB_NAME: kunit in $where: no KTAP results"
}

# check_guest_kunit G [CANNOT]: the KUnit suites guest G's kernel ran at
# boot (CANNOT: see check_ktap).
check_guest_kunit() {
	check_ktap "guest $1" "${2:-}" < <(guest_log "$1" |
		sed -n '/^SATORI-GUEST ktap-begin/,/^SATORI-GUEST ktap-end/p')
}

# check_dom0_kunit [CANNOT]: the KUnit suites dom0's kernel ran at boot
# (CANNOT: see check_ktap).
check_dom0_kunit() {
	check_ktap dom0 "${1:-}" < <(cat "$LAB_OUT"/dom0-kunit/* 2>/dev/null)
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

# not_a_number WHAT VALUE: why VALUE cannot be compared as a number (WHAT
# names it: "figure", "bound"), or nothing if it can.
not_a_number() {
	if [ -z "$2" ]; then
		echo "$1 missing$(figure_error)"
	elif ! is_number "$2"; then
		echo "$1 '$2' is not a number"
	fi
}

# compare A OP B SIGN: the numbers A and B compare as OP (-ge, -gt, -le,
# -lt; SIGN is the same in awk: >=, >, <=, <). Whole numbers compare
# exactly (64-bit), decimals with awk.
compare() {
	if is_integer "$1" && is_integer "$3"; then
		test "$1" "$2" "$3"
	else
		awk -v a="$1" -v b="$3" "BEGIN { exit !(a + 0 $4 b + 0) }"
	fi
}

# check_cmp NAME ACTUAL OP BOUND: the figure ACTUAL against BOUND with OP
# (-ge, -gt, -le, -lt); a missing or non-numeric figure or bound fails and
# says which.
check_cmp() {
	local name=$1 actual=$2 op=$3 bound=$4 why sign
	case "$op" in
	-ge) sign='>=' ;; -gt) sign='>' ;; -le) sign='<=' ;; -lt) sign='<' ;;
	*)
		ko "lab $LAB_NAME: $name: check_cmp: unknown comparison '$op'"
		return 1
		;;
	esac
	why=$(not_a_number figure "$actual"; not_a_number bound "$bound")
	if [ -n "$why" ]; then
		ko "lab $LAB_NAME: $name (${why//$'\n'/; })"
		return 1
	fi
	if compare "$actual" "$op" "$bound" "$sign"; then
		ok "lab $LAB_NAME: $name ($actual $sign $bound)"
	else
		ko "lab $LAB_NAME: $name ($actual $sign $bound)"
		return 1
	fi
}

# check_ge NAME ACTUAL MIN, check_gt NAME ACTUAL ABOVE, check_le NAME ACTUAL
# MAX, check_lt NAME ACTUAL BELOW: the figure ACTUAL against its bound (a
# missing or non-numeric figure fails).
check_ge() { check_cmp "$1" "$2" -ge "$3"; }
check_gt() { check_cmp "$1" "$2" -gt "$3"; }
check_le() { check_cmp "$1" "$2" -le "$3"; }
check_lt() { check_cmp "$1" "$2" -lt "$3"; }

# check_between NAME ACTUAL MIN MAX: MIN <= ACTUAL <= MAX, as one check.
check_between() {
	local why
	why=$(not_a_number figure "$2"; not_a_number minimum "$3"; not_a_number maximum "$4")
	if [ -n "$why" ]; then
		ko "lab $LAB_NAME: $1 (${why//$'\n'/; })"
		return 1
	fi
	if compare "$2" -ge "$3" '>=' && compare "$2" -le "$4" '<='; then
		ok "lab $LAB_NAME: $1 ($3 <= $2 <= $4)"
	else
		ko "lab $LAB_NAME: $1 ($2 not in $3..$4)"
		return 1
	fi
}

# figure_error: what dom0 last said when a figure could not be had
# (out/figure-errors.log, written by dom0-lib.sh's satori_stat), as
# "; dom0: ..." to follow "figure missing"; nothing if it said nothing.
figure_error() {
	local last
	last=$(tail -1 "${LAB_OUT-}/figure-errors.log" 2>/dev/null)
	[ -z "$last" ] || echo "; dom0: $last"
}

# check_eq NAME ACTUAL WANT: the figure (or word) ACTUAL is WANT. A missing
# ACTUAL fails, whatever WANT is; so does an empty WANT (to check that
# something is absent, check that what is there instead is present).
check_eq() {
	if [ -z "$2" ]; then
		ko "lab $LAB_NAME: $1 (figure missing$(figure_error), want ${3:-nothing})"
		return 1
	fi
	if [ -z "$3" ]; then
		ko "lab $LAB_NAME: $1 ($2, but the value wanted is missing)"
		return 1
	fi
	if [ "$2" = "$3" ]; then
		ok "lab $LAB_NAME: $1 ($2)"
	else
		ko "lab $LAB_NAME: $1 ($2, want $3)"
		return 1
	fi
}

# check_has NAME LIST WORD: WORD is one of the words of LIST (e.g. a
# domain id among those a tool listed); a missing WORD fails.
check_has() {
	if [ -z "$3" ]; then
		ko "lab $LAB_NAME: $1 (the word to look for is missing; list: '$2')"
		return 1
	fi
	if [[ " $2 " == *" $3 "* ]]; then
		ok "lab $LAB_NAME: $1 ($3 in '$2')"
	else
		ko "lab $LAB_NAME: $1 ($3 not in '$2')"
		return 1
	fi
}

# percent PART WHOLE: PART as a whole percentage of WHOLE; missing if
# either is missing or WHOLE is not above 0 (a share of nothing shows
# nothing), so the check that uses it fails.
percent() {
	is_integer "$1" && is_integer "$2" && [ "$2" -gt 0 ] || return 0
	echo $(($1 * 100 / $2))
}

# kimage FIELD [IMAGE [OTHER]]: a figure of the pages a guest's kernel-image
# walk registers from the kernel IMAGE the lab booted (vmlinux, the
# default, or vmlinux-alt): pages, fill (one byte repeated), dup (repeated
# within the image) or common (equal to a page of the kernel OTHER):
# tests/lab/kimage-pages.py.
kimage() {
	python3 "$top/tests/lab/kimage-pages.py" "$LAB_OUT/../img/${2:-vmlinux}" \
		${3:+"$LAB_OUT/../img/$3"} 2>/dev/null | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# check_xen_alive: Xen's console (out/xl-dmesg.log) shows no panic, BUG,
# assertion, fatal trap or lock-order complaint.
check_xen_alive() {
	check "no Xen crash, BUG or assertion" \
		test "$(grep -ci 'panic\|Xen BUG\|assertion\|locking order\|FATAL' "$LAB_OUT/xl-dmesg.log")" = 0
}

# check_guests_up G...: each guest G's console says it came up.
check_guests_up() {
	local g
	for g in "$@"; do
		check "guest $g came up" grep -q 'SATORI-GUEST up' <<<"$(guest_log "$g")"
	done
}
