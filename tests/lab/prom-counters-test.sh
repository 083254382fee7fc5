#!/bin/bash
# The Prometheus helpers of the lab tests, on the host, no boot.
# prom-counters.py: two scrapes whose counters grew pass; a counter that
# went down, scrapes with no counter in common and a missing file fail.
# scrape-textfile.py (node_exporter's textfile collector over HTTP): a
# well-formed file is served back; a malformed one, one with no satori_
# sample and a missing one fail. Run by tests/run-all.sh (make test); one "PASS ..." or
# "FAIL ..." line per case, exit 1 if any failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# expect_tool TOOL STATUS DESC ARGS...: tests/lab/TOOL ARGS exits STATUS.
expect_tool() {
	local tool=$1 want=$2 desc=$3 rc
	shift 3
	python3 "$top/tests/lab/$tool" "$@" >/dev/null 2>&1
	rc=$?
	if [ "$rc" = "$want" ]; then
		echo "PASS $tool: $desc (exit $want)"
	else
		echo "FAIL $tool: $desc: exit $rc, want $want"
		failed=$((failed + 1))
	fi
}
# expect STATUS DESC EARLIER LATER: prom-counters.py exits STATUS.
expect() { expect_tool prom-counters.py "$@"; }

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

scrape() { expect_tool scrape-textfile.py "$@"; }
scrape 0 "node_exporter serves a well-formed file back" "$work/a.prom"
if python3 "$top/tests/lab/scrape-textfile.py" "$work/a.prom" 2>/dev/null |
	grep -qx 'satori_domain_restored_total{domain="g2"} 3'; then
	echo "PASS scrape-textfile.py: the scrape holds the file's samples"
else
	echo "FAIL scrape-textfile.py: the scrape lacks satori_domain_restored_total{domain=\"g2\"} 3"
	failed=$((failed + 1))
fi
echo 'satori_up one' >"$work/bad.prom"
scrape 1 "a malformed file: node_textfile_scrape_error 1" "$work/bad.prom"
echo 'other_metric 1' >"$work/other.prom"
scrape 1 "a file with no satori_ sample" "$work/other.prom"
scrape 2 "a file that is missing" "$work/missing.prom"
[ "$failed" = 0 ]
