#!/usr/bin/env python3
"""bench-report.py OUT NATIVE: the satori-detect figures of one `make bench` lab run.

Reads what the bench scenario left in OUT (satori-top's JSON, satori-scan's
summary, the guests' consoles) and prints the figures, ending with the line

  satori-detect: guests=N pages_read=N max_shareable=N shared=N zero=N
    coverage=P% detect_ms_p50=X detect_ms_p99=X seq_read_overhead=P%

pages_read: whole pages the guests read from disk with a hint (blkfront).
max_shareable: pages holding file data whose content is in 2+ guests
(satori-scan --disk: the exhaustive baseline). shared: guest pages the
hypervisor backs with a shared frame (satori-top), less zero: those of
them backed by the zero frame (free pages reported, zero pages registered:
not file data, so not in max_shareable). coverage: shared over
max_shareable. detect: from a read
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
storage model (bench/storage/classes.conf), the same reads composed with
the class's device time (tests/lab/storage_model.py; NATIVE is
scripts/bench.sh's native.txt, with this machine's time for the surplus
passes, which gives the lab's dilation D_pass, and for an xxh64 and a
copy of 4 KiB, which cost what hints add: a hash of every page, a
compare of every page that merges):

  satori-read-cost: class=NAME latency_us=N dilation=D merging_overhead=P%
    new_data_overhead=P% model=composed

(the worse of the serial and overlapped compositions). Exits 1 when a
figure is missing.
"""
import json
import re
import statistics
import sys
from pathlib import Path


import storage_model
from storage_model import MissingFigure, fields, guest_lines


def rounds(out, what):
    """g1's cold reads named WHAT: (hints on, hints off) lists of rounds."""
    t = {"1": [], "0": []}
    for r in guest_lines(out, "g1", what):
        if "hints" in r:
            t[r["hints"]].append(r)
    return t["1"], t["0"]


def median(rows, name):
    return statistics.median(storage_model.number(r, name) for r in rows)


def overhead(out, what):
    """g1's cold reads named WHAT: median time hints on over off, as P%."""
    on, off = rounds(out, what)
    print(f"bench: {what} seconds hints on {[r['seconds'] for r in on]} "
          f"off {[r['seconds'] for r in off]}")
    if not (on and off):
        return "NA"
    m_on, m_off = median(on, "seconds"), median(off, "seconds")
    return f"{100 * (m_on - m_off) / m_off:.1f}%"


def composed_overhead(out, what, merging, dilation, nat, latency_us, bandwidth_mb_s):
    """The same reads with a class's device time (storage_model.py), as P%:
    the worse of the serial and overlapped compositions. The read's own
    time is the lab's with hints off over the passes' dilation; what hints
    add is costed at this machine's speed (storage_model.hint_seconds), as
    under TCG hashing, compares and hypercalls dilate very differently."""
    on, off = rounds(out, what)
    if not (on and off):
        raise MissingFigure(f"{what} rounds")
    nbytes = median(off, "disk_bytes")
    device = storage_model.device_seconds(median(off, "disk_requests"), nbytes,
                                          latency_us, bandwidth_mb_s)
    cpu_off = median(off, "seconds") / dilation
    cpu_on = cpu_off + storage_model.hint_seconds(nbytes / 4096, merging, nat)
    serial, overlap = storage_model.overheads(cpu_off, cpu_on, device)
    return f"{100 * max(serial, overlap):.1f}%"


def main():
    if len(sys.argv) != 3:
        print("usage: bench-report.py OUT NATIVE", file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    top = json.loads((out / "top.json").read_text().splitlines()[-1])
    results = fields((out / "results").read_text())
    guests = sorted(d["name"] for d in top["domains"] if re.fullmatch(r"g\d+", d["name"]))
    # File data only: the zero-backed pages are shared too, but are no file's.
    zero = sum(int(d.get("zero", 0)) for d in top["domains"] if d["name"] in guests)
    shared = sum(int(d["shared"]) for d in top["domains"] if d["name"] in guests) - zero
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
    classes = [c for c in results.get("storage_classes", "").split(",") if c]
    try:
        if not classes:
            raise MissingFigure("storage_classes")
        nat = storage_model.native(Path(sys.argv[2]).read_text())
        dilation = storage_model.run_dilation(out, guests, nat["seconds_per_mib"])
        for c in classes:
            latency = storage_model.number(results, f"storage_{c}_latency_us")
            bandwidth = storage_model.number(results, f"storage_{c}_bandwidth_mb_s")
            merge, new = (composed_overhead(out, what, merging, dilation, nat, latency, bandwidth)
                          for what, merging in (("seqfiles", True), ("seqnew", False)))
            print(f"satori-read-cost: class={c} latency_us={latency:.0f} dilation={dilation:.0f} "
                  f"merging_overhead={merge} new_data_overhead={new} model=composed")
    except (MissingFigure, OSError) as e:
        print(f"bench: a figure of the storage model is missing: {e}", file=sys.stderr)
        return 1
    print(f"satori-detect: guests={len(guests)} pages_read={pages_read} "
          f"max_shareable={max_shareable} shared={shared} zero={zero} "
          f"coverage={100 * shared / max_shareable:.1f}% "
          f"detect_ms_p50={max(p50s):.2f} detect_ms_p99={max(p99s):.2f} "
          f"seq_read_overhead={100 * (on - off) / off:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
