#!/usr/bin/env python3
"""bench-dilation.py OUT NATIVE: how much slower the lab's CPU is.

bench/dilation/dilation.c times three CPU-bound kernels (xxh64 of 4 KiB
pages, 4 KiB copies, a system call), each over several rounds, and prints
one line per kernel:

  dilation: kernel=NAME unit=U rounds=N min_ns=N median_ns=N max_ns=N

NATIVE holds those lines from this machine (scripts/bench.sh runs it before
the lab boots); the bench scenario (tests/lab/scenarios/bench.sh) leaves
them in OUT from dom0 (dilation-dom0.txt) and from g1's console
(console/guest-g1.log, as "SATORI-GUEST dilation ..."). Prints, per kernel:

  satori-dilation: kernel=NAME native_ns=N guest_ns=N dom0_ns=N
    d_guest=X d_dom0=X d_guest_range=LO-HI

where D is a median time in the lab over the median here, and the range
is the guest's fastest and slowest round over the native median; then the
factor the storage model uses:

  satori-dilation: used=X range=LO-HI (geometric mean of the guest's kernels)

and, with that factor, the interrupts-off time the volatile cache's
eviction hook added in the guests' surplus passes (their "pass" lines:
evict_max_ns, the largest over every guest; evict_ns over evict_runs
from each guest's last line, summed, for the mean):

  satori-irqsoff: evict_max_us=X native_us=X native_us_range=LO-HI mean_us=X native_mean_us=X goal_us=50

native_us is evict_max_us over D (the range: over D's range's ends).
Exits 1 when a kernel's figures or the passes' evict figures are missing.
"""
import math
import sys
from pathlib import Path

KERNELS = ("xxh64", "copy4k", "syscall")


def parse(lines, prefix):
    """{kernel: {field: int}} from the lines that start with prefix."""
    found = {}
    for line in lines:
        line = line.strip().replace("\r", "")
        if not line.startswith(prefix):
            continue
        f = dict(kv.split("=", 1) for kv in line[len(prefix):].split() if "=" in kv)
        try:
            found[f["kernel"]] = {k: int(f[k]) for k in ("min_ns", "median_ns", "max_ns")}
        except (KeyError, ValueError):
            continue
    return found


def read_lines(path):
    try:
        return Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return []


def main():
    if len(sys.argv) != 3:
        print("usage: bench-dilation.py OUT NATIVE", file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    native = parse(read_lines(sys.argv[2]), "dilation: ")
    dom0 = parse(read_lines(out / "dilation-dom0.txt"), "dilation: ")
    guest = parse(read_lines(out / "console" / "guest-g1.log"), "SATORI-GUEST dilation ")
    missing = [f"{where}:{k}" for where, got in (("native", native), ("dom0", dom0), ("guest", guest))
               for k in KERNELS if k not in got or got[k]["median_ns"] <= 0]
    if missing:
        print(f"bench-dilation: figures missing: {' '.join(missing)}", file=sys.stderr)
        return 1
    logs = {"d": [], "lo": [], "hi": []}
    for k in KERNELS:
        n = native[k]["median_ns"]
        d_guest = guest[k]["median_ns"] / n
        d_dom0 = dom0[k]["median_ns"] / n
        lo, hi = guest[k]["min_ns"] / n, guest[k]["max_ns"] / n
        for key, v in (("d", d_guest), ("lo", lo), ("hi", hi)):
            logs[key].append(math.log(v))
        print(f"satori-dilation: kernel={k} native_ns={n} guest_ns={guest[k]['median_ns']} "
              f"dom0_ns={dom0[k]['median_ns']} d_guest={d_guest:.1f} d_dom0={d_dom0:.1f} "
              f"d_guest_range={lo:.1f}-{hi:.1f}")
    gm = {key: math.exp(sum(v) / len(v)) for key, v in logs.items()}
    print(f"satori-dilation: used={gm['d']:.1f} range={gm['lo']:.1f}-{gm['hi']:.1f} "
          "(geometric mean of the guest's kernels)")
    evict, total_ns, runs = [], 0, 0
    for log in sorted((out / "console").glob("guest-g*.log")):
        last = None
        for line in read_lines(log):
            line = line.replace("\r", "")
            if line.startswith("SATORI-GUEST pass "):
                f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
                if all(f.get(k, "").isdigit() for k in ("evict_max_ns", "evict_ns", "evict_runs")):
                    evict.append(int(f["evict_max_ns"]))
                    last = f
        if last:
            total_ns += int(last["evict_ns"])
            runs += int(last["evict_runs"])
    if not evict or max(evict) <= 0 or runs <= 0:
        print("bench-dilation: no pass line with the evict figures", file=sys.stderr)
        return 1
    us, mean = max(evict) / 1000, total_ns / runs / 1000
    print(f"satori-irqsoff: evict_max_us={us:.1f} native_us={us / gm['d']:.1f} "
          f"native_us_range={us / gm['hi']:.1f}-{us / gm['lo']:.1f} "
          f"mean_us={mean:.2f} native_mean_us={mean / gm['d']:.2f} goal_us=50")
    return 0


if __name__ == "__main__":
    sys.exit(main())
