#!/usr/bin/env python3
"""bench-stages.py OUT: where the read path's time goes, stage by stage.

The bench scenario runs g1's cold read rounds (3 with hints, 3 without)
over data whose pages merge (seqfiles) and over new data (seqnew), and
leaves the stage counters before and after each: dom0's and Xen's in
OUT/costs-WHAT-{before,after}.txt, g1's on its console. For each it prints

  satori-stages: data=merging|new pages=N read_ns=X overhead_ns=X
    dom0_hash_ns=X guest_hint_ns=X guest_worker_ns=X hypercall_ns=X
    xen_call_ns=X xen_validate_ns=X xen_index_ns=X xen_compare_ns=X
    xen_hash_ns=X xen_nominate_ns=X xen_recompare_ns=X xen_share_ns=X
    pages_per_call=X queue_us=X

Every *_ns is per page read with hints (pages: Xen's registered pages over
the three rounds). read_ns: a page's share of a round's time with hints
off (median); overhead_ns: what hints added to it (median on - median
off). dom0_hash: blkback hashing and publishing a page; guest_hint:
blkfront's completion reading the hint and queueing the page; guest_worker:
the registration worker without its hypercalls; hypercall: the register
hypercalls as the guest timed them, xen_call as Xen did (argument copies
included); xen_*: the stages inside (see docs/read-cost.md): a stage that
ran for few pages costs little per page however slow it is. queue_us: a
page's wait from its read completing to the worker (latency, not CPU).
Exits 1 when a figure is missing.
"""
import re
import statistics
import sys
from pathlib import Path

STAGES = ("call", "validate", "index", "compare", "hash", "nominate",
          "recompare", "share")


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def snapshot(path):
    """dom0_* counters and xen_STAGE_{count,ns,pages} from a cost file."""
    values = {}
    for line in path.read_text().splitlines():
        m = re.search(r"Satori stage (\w+): (.*)", line)
        if m:
            for k, v in fields(m.group(2)).items():
                values[f"xen_{m.group(1)}_{k}"] = int(v)
        elif line.startswith("dom0_"):
            k, v = line.split("=", 1)
            values[k] = int(v)
    return values


def guest_lines(out, key):
    log = (out / "console" / "guest-g1.log").read_text(errors="replace")
    prefix = f"SATORI-GUEST {key} "
    return [fields(l[len(prefix):]) for l in log.replace("\r", "").splitlines()
            if l.startswith(prefix)]


def delta(before, after, key):
    return int(after[key]) - int(before[key])


def report(out, what, data):
    if not (out / f"costs-{what}-after.txt").exists():
        print(f"bench: {what}: no stage counters in {out}", file=sys.stderr)
        return False
    before = snapshot(out / f"costs-{what}-before.txt")
    after = snapshot(out / f"costs-{what}-after.txt")
    guest = {l["when"]: l for l in guest_lines(out, f"{what}-costs")}
    rounds = {"1": [], "0": []}
    for r in guest_lines(out, what):
        if "hints" in r:
            rounds[r["hints"]].append(float(r["seconds"]))
    pages = delta(before, after, "xen_call_pages")
    calls = delta(before, after, "xen_call_count")
    wpages = delta(guest["before"], guest["after"], "worker_pages")
    hinted = delta(guest["before"], guest["after"], "hints_received")
    if not (pages and calls and wpages and hinted and rounds["1"] and rounds["0"]):
        print(f"bench: {what}: a stage figure is missing", file=sys.stderr)
        return False
    per_round = pages / len(rounds["1"])
    on, off = statistics.median(rounds["1"]), statistics.median(rounds["0"])
    g = {k: delta(guest["before"], guest["after"], k)
         for k in ("hint_ns", "queue_ns", "worker_ns", "register_ns")}
    figures = {
        "pages": pages,
        "read_ns": off * 1e9 / per_round,
        "overhead_ns": (on - off) * 1e9 / per_round,
        "dom0_hash_ns": delta(before, after, "dom0_satori_hash_ns")
        / max(1, delta(before, after, "dom0_satori_hashed_pages")),
        "guest_hint_ns": g["hint_ns"] / hinted,
        "guest_worker_ns": (g["worker_ns"] - g["register_ns"]) / wpages,
        "hypercall_ns": g["register_ns"] / pages,
    }
    for s in STAGES:
        figures[f"xen_{s}_ns"] = delta(before, after, f"xen_{s}_ns") / pages
    figures["pages_per_call"] = pages / calls
    figures["queue_us"] = g["queue_ns"] / wpages / 1000
    runs = " ".join(f"{s}={delta(before, after, f'xen_{s}_count')}"
                    for s in STAGES[1:])
    print(f"bench: {what}: stage runs over {pages} pages: {runs}; guest worker "
          + " ".join(f"{k}={delta(guest['before'], guest['after'], k)}"
                     for k in ("worker_runs", "worker_deferred", "shared")))
    print(f"satori-stages: data={data} " +
          " ".join(f"{k}={fmt(v)}" for k, v in figures.items()))
    return True


def fmt(v):
    # Nanoseconds to the unit; the few small figures to a tenth.
    return str(v) if isinstance(v, int) else f"{v:.0f}" if v >= 100 else f"{v:.1f}"


def main():
    out = Path(sys.argv[1])
    ok = report(out, "seqfiles", "merging")
    ok = report(out, "seqnew", "new") and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
