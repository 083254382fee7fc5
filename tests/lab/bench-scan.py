#!/usr/bin/env python3
"""bench-scan.py OUT: the satori-vs-scan figures of one `make bench` run.

The bench-scan scenario (tests/lab/scenarios/bench-scan.sh) runs the same
read workload twice in one boot, on fresh guests each time: with Satori's
hints ("satori"), then with hints off and satori-scand at KSM's default
rate ("scan"). It leaves in OUT, for each METHOD:
  METHOD-saved.jsonl  satori-top snapshots every 100 ms (host saved_frames;
                      "time" is CLOCK_MONOTONIC, as dom0's uptime)
  METHOD-cpu.txt      "UPTIME CPU_SECONDS": every domain's CPU time, each
                      second (xl list)
  results             METHOD_read_start, METHOD_read_end (uptime) and the
                      census after the phase: METHOD_file_max_saved (the
                      frames merging the files' pages could save at most,
                      satori-scan --disk) and METHOD_max_saved (any page)
  scand-end.json      the scanner's own counters
  METHOD-census.log   satori-scan's output after the phase, with its
                      census by kind (kind=K pages=N shareable=N
                      max_saved=N, K: zero, fill, file, kernel_text,
                      kernel_rodata, other), printed as satori-census lines

Frames saved are counted from the phase's start (the host's saved frames
then are subtracted). The census's file set is the files the guests read
(their blocks, from dom0's copy of the same tree), so file_max_saved is
what the reads made possible; max_saved counts any page (kernels,
initramfs, ...), which the scanner merges too and hints never see, so the
scanner's curve counts those as well (flattering it against the files'
maximum; a line per method against any page is printed as well). t50 and
t99 are the seconds after both guests'
reads ended until 50% and 99% of the phase's file_max_saved were saved
(0 if before; "never" if not within the phase); cpu is the CPU time of
dom0 and the guests from the reads' start until t99 (or the phase's end),
reads included: the same reads in both phases, so the difference is the
cost of finding and merging. Prints the figures, and last:

  satori-vs-scan: max_saved=N satori_t50_s=X satori_t99_s=X scan_t50_s=X
    scan_t99_s=X satori_cpu_s=X scan_cpu_s=X
  satori-vs-scan-total: any_max_mib=N satori_mib=N satori_pct=P% scan_mib=N
    scan_pct=P% satori_t90_s=X scan_t90_s=X

Every figure counts pages other than fill pages (one byte repeated: zero
pages, which are the free-page issue's, counted apart, and free memory a
debug Xen scrubbed with its pattern, which the scanner skips): the census's
max_saved leaves them out, and the frames saved are satori-top's
saved_frames less zero_saved_frames. The totals line counts from before
the phase's guests were created (results METHOD_saved_before), so the
kernel pages the guests register as they boot count; t90 is when each
method had 90% of the scanner's final total ("never": Satori did not reach
it in its phase).

Writes OUT/scan.csv (method, seconds after the reads ended, frames saved)
and, with gnuplot, OUT/scan.png. Exits 1 when a figure is missing.
"""
import json
import subprocess
import sys
from pathlib import Path


def fields(text):
    return dict(kv.split("=", 1) for kv in text.split() if "=" in kv)


def saved_nonzero(host):
    """Frames saved by sharing pages that are not all zeros: the zero
    pages are the free-page issue's (22), counted apart."""
    return host["saved_frames"] - host["zero_saved_frames"]


def curve(out, method, start, end, saved=saved_nonzero, base=None):
    """(seconds after end, frames saved since start, or more than base)
    for each sample."""
    rows = [json.loads(l) for l in (out / f"{method}-saved.jsonl").read_text().splitlines() if l.strip()]
    if not rows:
        return []
    if base is None:
        base = saved(next((r for r in rows if r["time"] >= start), rows[0])["host"])
    return [(r["time"] - end, saved(r["host"]) - base) for r in rows]


def reach(points, frames):
    """Seconds after the reads ended when frames were first saved, or None."""
    for t, saved in points:
        if saved >= frames:
            return max(0.0, t)
    return None


def cpu_between(out, method, start, until):
    """CPU seconds of every domain from start to until (interpolated)."""
    samples = [tuple(map(float, l.split())) for l in (out / f"{method}-cpu.txt").read_text().splitlines()
               if len(l.split()) == 2]

    def at(t):
        before = [s for s in samples if s[0] <= t]
        after = [s for s in samples if s[0] >= t]
        if not before:
            return samples[0][1]
        if not after:
            return samples[-1][1]
        (t0, c0), (t1, c1) = before[-1], after[0]
        return c0 if t1 == t0 else c0 + (c1 - c0) * (t - t0) / (t1 - t0)

    return at(until) - at(start)


def show(x):
    return "never" if x is None else f"{x:.1f}"


def main():
    out = Path(sys.argv[1])
    r = fields((out / "results").read_text())
    need = [f"{m}_{k}" for m in ("satori", "scan") for k in
            ("read_start", "read_end", "file_max_saved", "max_saved")]
    if any(k not in r for k in need):
        print("bench-scan: figures are missing: " + " ".join(k for k in need if k not in r), file=sys.stderr)
        return 1
    figures, curves = {}, {}
    for m in ("satori", "scan"):
        start, end = float(r[f"{m}_read_start"]), float(r[f"{m}_read_end"])
        most = int(r[f"{m}_file_max_saved"])
        points = curve(out, m, start, end)
        if not points or not most:
            print(f"bench-scan: no samples or no maximum for {m}", file=sys.stderr)
            return 1
        curves[m] = points
        t50, t99 = reach(points, 0.5 * most), reach(points, 0.99 * most)
        phase_end = points[-1][0]
        cpu = cpu_between(out, m, start, end + (t99 if t99 is not None else phase_end))
        figures[m] = (t50, t99, cpu, most)
        every = int(r[f"{m}_max_saved"])
        print(f"bench: {m}: reads took {end - start:.1f} s; file_max_saved={most} "
              f"max_saved={every} saved_at_end={points[-1][1]} "
              f"t50={show(t50)} t99={show(t99)} cpu_s={cpu:.1f}; of any page: "
              f"t50={show(reach(points, 0.5 * every))} t99={show(reach(points, 0.99 * every))} "
              f"saved {100 * points[-1][1] / every:.0f}%")
    for m in ("satori", "scan"):
        kinds = [line.split(" ", 1)[1] for line in
                 (out / f"{m}-census.log").read_text(errors="replace").splitlines()
                 if line.startswith("satori-scan: kind=")]
        if not kinds:
            print(f"bench-scan: no census by kind after {m}", file=sys.stderr)
            return 1
        for k in kinds:
            print(f"satori-census: method={m} {k}")
    total = totals(out, r)
    if total is None:
        return 1
    scand = json.loads((out / "scand-end.json").read_text())
    print(f"bench: satori-scand: passes={scand['passes']} scanned={scand['scanned']} "
          f"registered={scand['registered']} merged={scand['merged']} "
          f"released={scand['released']} cpu_s={scand['cpu_s']:.1f}")
    with open(out / "scan.csv", "w") as f:
        f.write("method,seconds_after_reads,frames_saved\n")
        for m, points in curves.items():
            for t, saved in points:
                f.write(f"{m},{t:.2f},{saved}\n")
    plot(out, figures["satori"][3], int(r["satori_max_saved"]))
    s, k = figures["satori"], figures["scan"]
    print(f"satori-vs-scan: max_saved={s[3]} satori_t50_s={show(s[0])} satori_t99_s={show(s[1])} "
          f"scan_t50_s={show(k[0])} scan_t99_s={show(k[1])} satori_cpu_s={s[2]:.1f} scan_cpu_s={k[2]:.1f}")
    print(total)
    return 0


def totals(out, r):
    """The satori-vs-scan-total line: what each method saved by the end of
    its phase, against the census's any-page maximum (the larger of the
    two phases': the same kind of guests, reading the same files), and the seconds after the reads until each had 90% of the
    scanner's final total. None (and a message) when a figure is missing."""
    for m in ("satori", "scan"):
        if not r.get(f"{m}_max_saved") or not r.get(f"{m}_saved_before"):
            print(f"bench-scan: no maximum or no starting point for {m}", file=sys.stderr)
            return None
    # The census's max_saved leaves fill pages out, zero ones included.
    any_max = max(int(r[f"{m}_max_saved"]) for m in ("satori", "scan"))
    points = {m: curve(out, m, float(r[f"{m}_read_start"]), float(r[f"{m}_read_end"]), saved_nonzero,
                       int(r[f"{m}_saved_before"]))
              for m in ("satori", "scan")}
    if any_max <= 0 or not all(points.values()):
        print("bench-scan: no samples or no maximum for the totals", file=sys.stderr)
        return None
    final = {m: points[m][-1][1] for m in points}
    goal = 0.9 * final["scan"]
    mib = lambda frames: f"{frames / 256:.1f}"
    pct = lambda frames: f"{100 * frames / any_max:.0f}%"
    return (f"satori-vs-scan-total: any_max_mib={mib(any_max)} satori_mib={mib(final['satori'])} "
            f"satori_pct={pct(final['satori'])} scan_mib={mib(final['scan'])} scan_pct={pct(final['scan'])} "
            f"satori_t90_s={show(reach(points['satori'], goal))} scan_t90_s={show(reach(points['scan'], goal))}")


def plot(out, most, every):
    csv = out / "scan.csv"
    script = f"""
set terminal pngcairo size 900,520
set output '{out / "scan.png"}'
set title 'Memory saved after two guests read the same files: hints vs scanning (KSM default rate)'
set datafile separator ','
set xlabel 'seconds after the reads ended'
set ylabel 'MiB saved'
set key bottom right
set grid
plot '< grep ^satori, {csv}' using 2:($3/256.0) with lines lw 2 title 'Satori (block hints)', \\
     '< grep ^scan, {csv}' using 2:($3/256.0) with lines lw 2 title 'scanner (satori-scand, 5000 pages/s)', \\
     {most}/256.0 with lines dt 2 lw 1 title 'most possible: the files read (census)', \\
     {every}/256.0 with lines dt 3 lw 1 title 'most possible: any page (census)'
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
        print(f"bench: scan plot {out / 'scan.png'}")
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"bench-scan: no plot ({e})", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
