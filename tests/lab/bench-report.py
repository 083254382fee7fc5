#!/usr/bin/env python3
"""bench-report.py OUT: the satori-detect figures of one `make bench` lab run.

Reads what the bench scenario left in OUT (satori-top's JSON, satori-scan's
summary, the guests' consoles) and prints the figures, ending with the line

  satori-detect: guests=N pages_read=N max_shareable=N shared=N coverage=P%
    detect_ms_p50=X detect_ms_p99=X seq_read_overhead=P%

pages_read: whole pages the guests read from disk with a hint (blkfront).
max_shareable: pages holding file data whose content is in 2+ guests
(satori-scan --disk: the exhaustive baseline). shared: guest pages the
hypervisor backs with a shared frame (satori-top). detect: from a read
completing to the hypervisor answering that its page is shared, the worst
guest's p50 and p99. seq_read_overhead: median time of a cold sequential
read of the raw disk with hints on vs off, same guest, same boot. Before
it, the line

  satori-read-cost: class=tcg-memory raw_disk_overhead=P% merging_overhead=P%
    new_data_overhead=P%

gives the same ratio for the raw disk, for the userland files the other
guests hold (every page read merges) and for new random data nobody else
has (nothing merges: hashing, hint and registration only), on the lab's
own disk (QEMU's memory: TCG's figure); then a line per class of the
storage model (bench/storage/classes.conf), the same reads of copies on
g1's model disk:

  satori-read-cost: class=NAME latency_us=N merging_overhead=P%
    new_data_overhead=P%

Exits 1 when a figure is missing.
"""
import json
import re
import statistics
import sys
from pathlib import Path


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def guest_lines(out, guest, key):
    log = (out / "console" / f"guest-{guest}.log").read_text(errors="replace")
    prefix = f"SATORI-GUEST {key} "
    return [fields(l[len(prefix):]) for l in log.replace("\r", "").splitlines()
            if l.startswith(prefix)]


def overhead(out, what):
    """g1's cold reads named WHAT: median time hints on over off, as P%."""
    t = {"1": [], "0": []}
    for r in guest_lines(out, "g1", what):
        if "hints" in r:
            t[r["hints"]].append(float(r["seconds"]))
    print(f"bench: {what} seconds hints on {t['1']} off {t['0']}")
    if not (t["1"] and t["0"]):
        return "NA"
    m_on, m_off = statistics.median(t["1"]), statistics.median(t["0"])
    return f"{100 * (m_on - m_off) / m_off:.1f}%"


def main():
    out = Path(sys.argv[1])
    top = json.loads((out / "top.json").read_text().splitlines()[-1])
    results = fields((out / "results").read_text())
    guests = sorted(d["name"] for d in top["domains"] if re.fullmatch(r"g\d+", d["name"]))
    shared = sum(int(d["shared"]) for d in top["domains"] if d["name"] in guests)
    pages_read = 0
    p50s, p99s = [], []
    for g in guests:
        sharing = guest_lines(out, g, "sharing")[-1]
        pages_read += int(sharing["hints_received"])
        detect = guest_lines(out, g, "detect")[-1]
        if int(detect.get("samples", 0)):
            p50s.append(int(detect["p50"]) / 1000)
            p99s.append(int(detect["p99"]) / 1000)
        print(f"bench: {g}: " + " ".join(f"{k}={v}" for k, v in sharing.items())
              + " detect_us:" + " ".join(f"{k}={v}" for k, v in detect.items()))
    max_shareable = int(results["scan_file_shareable"])
    seq = {"1": [], "0": []}
    for r in guest_lines(out, "g1", "seqread"):
        if "hints" in r:
            seq[r["hints"]].append(float(r["seconds"]))
    print(f"bench: seqread seconds hints on {seq['1']} off {seq['0']}")
    if not (guests and max_shareable and p50s and seq["1"] and seq["0"]):
        print("bench: a figure is missing", file=sys.stderr)
        return 1
    on, off = statistics.median(seq["1"]), statistics.median(seq["0"])
    print(f"bench: host {json.dumps(top['host'])}")
    # The same cold rounds over data whose pages merge and over new data.
    costs = {what: overhead(out, what) for what in ("seqfiles", "seqnew")}
    print(f"satori-read-cost: class=tcg-memory raw_disk_overhead={100 * (on - off) / off:.1f}% "
          f"merging_overhead={costs['seqfiles']} new_data_overhead={costs['seqnew']}")
    for c in [c for c in results.get("storage_classes", "").split(",") if c]:
        merge, new = overhead(out, f"merge-{c}"), overhead(out, f"new-{c}")
        if "NA" in (merge, new):
            print(f"bench: class {c}: a read-cost figure is missing", file=sys.stderr)
            return 1
        print(f"satori-read-cost: class={c} latency_us={results[f'storage_{c}_latency_us']} "
              f"merging_overhead={merge} new_data_overhead={new}")
    print(f"satori-detect: guests={len(guests)} pages_read={pages_read} "
          f"max_shareable={max_shareable} shared={shared} "
          f"coverage={100 * shared / max_shareable:.1f}% "
          f"detect_ms_p50={max(p50s):.2f} detect_ms_p99={max(p99s):.2f} "
          f"seq_read_overhead={100 * (on - off) / off:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
