#!/usr/bin/env python3
"""bench-repay.py OUT: the satori-repay figures of one `make bench` run.

The bench-repay scenario (tests/lab/scenarios/bench-repay.sh) leaves in
OUT:
  results             g1's copy-on-write timings (cow_free_*: breaks that
                      found a free frame; cow_volatile_*: breaks made with
                      the free heap drained, which take a volatile frame),
                      the guests' wrong reads, and "ENOMEM and no helper"
                      lines in Xen's log (a vCPU that would have been
                      paused, or its domain crashed, for lack of memory)
  repay-requests.jsonl satori-ctl --json repay's object for each of dom0's
                      requests: frames asked, repaid, forced, ms from the
                      ask until nothing is owed
  repay-samples.jsonl satori-top snapshots through the copy-on-write storm
  top-end.json        the host's counters at the end

Prints the figures, and last:

  satori-repay: requests=N repaid_frames=N forced_frames=N repay_ms_p50=X
    repay_ms_p99=X cow_break_us_p50=X cow_break_us_p99=X vcpu_pauses=N
    wrong_reads=N

(requests, repaid and forced: the host's counters since boot; repay_ms:
dom0's requests; cow_break_us: breaks that had to take a volatile frame.)
Writes OUT/repay.csv and, with gnuplot, OUT/repay.png (free, volatile and
owed frames through the storm). Exits 1 when a figure is missing.
"""
import json
import subprocess
import sys
from pathlib import Path


def fields(text):
    return dict(kv.split("=", 1) for kv in text.split() if "=" in kv)


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p / 100))]


def main():
    out = Path(sys.argv[1])
    r = fields((out / "results").read_text())
    need = [f"cow_{p}_{k}" for p in ("free", "volatile") for k in
            ("pages", "breaks", "p50_us", "p99_us")] + [
        "cow_volatile_forced", "cow_free_frames_before", "enomem_no_helper"]
    if any(k not in r for k in need):
        print("bench-repay: figures are missing: " +
              " ".join(k for k in need if k not in r), file=sys.stderr)
        return 1
    try:
        requests = [json.loads(l) for l in (out / "repay-requests.jsonl").read_text().splitlines()]
        requests = [(int(q["asked"]), int(q["repaid"]), int(q["forced"]), float(q["ms"]))
                    for q in requests]
        samples = []
        for line in (out / "repay-samples.jsonl").read_text().splitlines():
            try:
                samples.append(json.loads(line))
            except ValueError:
                pass  # the sampler was stopped mid-line
        host = json.loads((out / "top-end.json").read_text().splitlines()[-1])["host"]
        free_us = (float(r["cow_free_p50_us"]), float(r["cow_free_p99_us"]))
        vol_us = (float(r["cow_volatile_p50_us"]), float(r["cow_volatile_p99_us"]))
        pauses = int(r["enomem_no_helper"])
        wrong = sum(int(v) for k, v in r.items() if k.startswith("wrong_"))
    except (OSError, KeyError, ValueError, IndexError) as e:
        print(f"bench-repay: figures are missing ({e})", file=sys.stderr)
        return 1
    if not requests or not samples:
        print("bench-repay: no requests or no storm samples", file=sys.stderr)
        return 1

    ms = [q[3] for q in requests]
    for i, (asked, repaid, forced, t) in enumerate(requests, 1):
        print(f"bench: repay request {i}: asked={asked} repaid={repaid} forced={forced} ms={t:.1f}")
    print(f"bench: repay cow breaks, free frame: writes={r['cow_free_pages']} "
          f"breaks={r['cow_free_breaks']} p50_us={free_us[0]:.1f} p99_us={free_us[1]:.1f}; "
          f"volatile frame (heap drained: {r['cow_free_frames_before']} free): "
          f"writes={r['cow_volatile_pages']} breaks={r['cow_volatile_breaks']} "
          f"frames forced={r['cow_volatile_forced']} p50_us={vol_us[0]:.1f} "
          f"p99_us={vol_us[1]:.1f}; p50 ratio {vol_us[0] / free_us[0]:.2f}x (goal < 2.00x)")
    t0 = samples[0]["time"]
    with open(out / "repay.csv", "w") as f:
        f.write("seconds,free_frames,volatile_frames,owed_frames\n")
        for s in samples:
            h = s["host"]
            f.write(f"{s['time'] - t0:.2f},{h['free_frames']},{h['lent_frames']},{h['owed_frames']}\n")
    print(f"bench: repay storm: {len(samples)} samples in {samples[-1]['time'] - t0:.1f} s, "
          f"free frames min {min(s['host']['free_frames'] for s in samples)}, "
          f"owed max {max(s['host']['owed_frames'] for s in samples)}")
    plot(out)
    print(f"satori-repay: requests={host['repay_requests']} repaid_frames={host['repaid_frames']} "
          f"forced_frames={host['forced_frames']} repay_ms_p50={percentile(ms, 50):.1f} "
          f"repay_ms_p99={percentile(ms, 99):.1f} cow_break_us_p50={vol_us[0]:.1f} "
          f"cow_break_us_p99={vol_us[1]:.1f} vcpu_pauses={pauses} wrong_reads={wrong}")
    return 0


def plot(out):
    script = f"""
set terminal pngcairo size 900,520
set output '{out / "repay.png"}'
set title 'Copy-on-write storm: free, volatile and owed frames'
set datafile separator ','
set xlabel 'time (s)'
set ylabel 'frames'
set key top right
set grid
plot '{out / "repay.csv"}' using 1:2 every ::1 with lines lw 2 title 'free', \\
     '' using 1:3 every ::1 with lines lw 2 title 'volatile (lent)', \\
     '' using 1:4 every ::1 with lines lw 2 title 'owed'
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
        print(f"bench: repay plot {out / 'repay.png'}")
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"bench-repay: no plot ({e})", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
