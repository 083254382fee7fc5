#!/bin/bash
# prom-counters.py on the host, no boot: two scrapes whose counters grew
# pass; a counter that went down, scrapes with no counter in common and a
# missing file fail. Run by tests/run-all.sh (make test); one "PASS ..." or
# "FAIL ..." line per case, exit 1 if any failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# expect STATUS DESC EARLIER LATER: prom-counters.py exits STATUS.
expect() {
	local rc
	python3 "$top/tests/lab/prom-counters.py" "$3" "$4" >/dev/null 2>&1
	rc=$?
	if [ "$rc" = "$1" ]; then
		echo "PASS prom-counters.py: $2 (exit $1)"
	else
		echo "FAIL prom-counters.py: $2: exit $rc, want $1"
		failed=$((failed + 1))
	fi
}

cat >"$work/a.prom" <<'PROM'
# TYPE satori_host_shared_total counter
satori_host_shared_total 5
# TYPE satori_domain_restored_total counter
satori_domain_restored_total{domain="g1"} 3
satori_domain_restored_total{domain="g2"} 3
# TYPE satori_up gauge
satori_up 1
PROM
sed -e 's/_total 5/_total 6/' -e '/domain="g2"/d' -e 's/^satori_up 1/satori_up 0/' \
	"$work/a.prom" >"$work/grew.prom"
sed 's/{domain="g1"} 3/{domain="g1"} 2/' "$work/a.prom" >"$work/down.prom"
grep -v _total "$work/a.prom" >"$work/none.prom"
expect 0 "counters that grew or stayed, a domain gone, a gauge that fell" "$work/a.prom" "$work/grew.prom"
expect 1 "a counter that went down" "$work/a.prom" "$work/down.prom"
expect 1 "no counter in both scrapes: nothing compared" "$work/none.prom" "$work/none.prom"
expect 2 "a scrape that is missing" "$work/a.prom" "$work/missing.prom"
[ "$failed" = 0 ]
