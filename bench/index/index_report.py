#!/usr/bin/env python3
"""index_report.py JSON [PNG]: the satori-index figures of one run of
satori_index_bench (bench/index/index_bench.cc, Google Benchmark's JSON).

Prints, for the new index (lib/satori_index.c, no outer lock) against the
baseline (the pre-issue-21 index under one global spinning lock):

  (each benchmark ran several times: the figures are of the fastest run)

  satori-index: machine 1to2=X.XXx
      work that shares nothing, two threads against one: the most any
      scaling below can be on this machine at the time of the run
  satori-index: op=OP entries=2^K threads=T new_ns=X baseline_ns=X speedup=X.XXx
      per operation (insert, hit, miss, remove) at 2^K entries: ns per
      operation of one thread (T threads run at once), and baseline_ns /
      new_ns
  satori-index: scaling op=OP entries=2^K new_1to2=X.XXx baseline_1to2=X.XXx (goal >= 1.8x)
      operations per second of two threads together against one
  satori-index: death entries=1000000 longest_step_us=X p99_step_us=X total_ms=X baseline_hold_ms=X (goal < 100 us per step)
      a domain with 10^6 entries dies among 2^20 others: the longest and
      the 99th percentile satori_index_owner_pop() (each holds its locks
      for its whole duration), all the pops together, and the time the
      baseline's remove_owner held the global lock; then how many steps
      took over 100 us, and the longest step in the thread's CPU time
      (which a preemption of the benchmark does not inflate)
  satori-index: memory entries=2^K bytes_per_entry new=X baseline=X
      the new index's bytes (entries, buckets, shards) and the baseline's
      table (next_pow2(N*4/3+1) slots) over its N entries

Writes PNG (with gnuplot, as the lab's bench reports do): ns per operation
against entries, one panel per operation, new and baseline, one and two
threads. Exits 1 when a figure is missing or the plot was not drawn; the
goals are printed, not enforced (a shared two-core machine decides too
much of them).
"""
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

OPS = ("insert", "hit", "miss", "remove")
SIZES = (18, 20, 22, 24)
IMPLS = ("new", "baseline")
THREADS = (1, 2)
DEATH = ("longest_step_us", "p99_step_us", "total_ms", "baseline_hold_ms",
         "dying_entries", "steps_over_100us", "longest_step_cpu_us")
MEMORY = ("new_bytes_per_entry", "baseline_bytes_per_entry")

NAME = re.compile(r"^op:(\w+)/impl:(\w+)/log2_entries:(\d+)/.*threads:(\d+)$")


def best(table, key, run):
    """Keeps the highest rate of a benchmark's repetitions."""
    ops = run.get("items_per_second")
    if ops and ops > (table.get(key) or 0):
        table[key] = ops


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.split("\n\n")[0], file=sys.stderr)
        return 2
    runs = json.loads(Path(sys.argv[1]).read_text())["benchmarks"]
    png = Path(sys.argv[2]) if len(sys.argv) == 3 else None
    missing = []
    rate = {}  # (op, impl, log2, threads) -> operations per second, all threads
    machine = {}
    death = memory = None
    memories = {}
    for r in runs:
        if r.get("run_type", "iteration") != "iteration":
            continue  # the repetitions' mean, median, stddev
        if r.get("error_occurred"):
            print(f"index-report: {r['name']}: {r.get('error_message')}",
                  file=sys.stderr)
            continue
        m = NAME.match(r["name"])
        if m:
            best(rate, (m[1], m[2], int(m[3]), int(m[4])), r)
        elif r["name"].startswith("machine/"):
            best(machine, r["threads"], r)
        elif r["name"].startswith("memory/"):
            memory = r
            memories[int(r["name"].split(":")[1].split("/")[0])] = r
        elif r["name"].startswith("death/"):
            death = r

    def scale(a, b):
        return b / a if a and b else None

    m1 = scale(machine.get(1), machine.get(2))
    if m1 is None:
        missing.append("machine scaling")
    else:
        print(f"satori-index: machine 1to2={m1:.2f}x")

    rows = []  # for the plot: log2, op, new1, new2, base1, base2 (ns per op)
    for log2 in SIZES:
        for op in OPS:
            ns = {}
            for impl in IMPLS:
                for t in THREADS:
                    ops = rate.get((op, impl, log2, t))
                    if not ops:
                        missing.append(f"op={op} impl={impl} entries=2^{log2} threads={t}")
                        continue
                    ns[(impl, t)] = t * 1e9 / ops  # one thread's ns per op
            for t in THREADS:
                n, b = ns.get(("new", t)), ns.get(("baseline", t))
                if n and b:
                    print(f"satori-index: op={op} entries=2^{log2} threads={t} "
                          f"new_ns={n:.1f} baseline_ns={b:.1f} speedup={b / n:.2f}x")
            sn = scale(rate.get((op, "new", log2, 1)), rate.get((op, "new", log2, 2)))
            sb = scale(rate.get((op, "baseline", log2, 1)),
                       rate.get((op, "baseline", log2, 2)))
            if sn and sb:
                print(f"satori-index: scaling op={op} entries=2^{log2} "
                      f"new_1to2={sn:.2f}x baseline_1to2={sb:.2f}x (goal >= 1.8x)")
            rows.append((log2, op, *(ns.get((i, t)) for i in IMPLS for t in THREADS)))

    if death is None or any(k not in death for k in DEATH):
        missing.append("death")
    else:
        print(f"satori-index: death entries={int(death['dying_entries'])} "
              f"longest_step_us={death['longest_step_us']:.1f} "
              f"p99_step_us={death['p99_step_us']:.2f} total_ms={death['total_ms']:.1f} "
              f"baseline_hold_ms={death['baseline_hold_ms']:.1f} (goal < 100 us per step)")
        print(f"satori-index: death steps_over_100us={int(death['steps_over_100us'])} "
              f"of {int(death['dying_entries'])} "
              f"longest_step_cpu_us={death['longest_step_cpu_us']:.1f}")

    for log2 in SIZES:
        r = memories.get(log2)
        if r is None or any(k not in r for k in MEMORY):
            missing.append(f"memory entries=2^{log2}")
            continue
        print(f"satori-index: memory entries=2^{log2} bytes_per_entry "
              f"new={r['new_bytes_per_entry']:.1f} "
              f"baseline={r['baseline_bytes_per_entry']:.1f} "
              f"(prefill new_s={r['new_prefill_s']:.2f} "
              f"baseline_s={r['baseline_prefill_s']:.2f})")

    if png is not None and not missing and not plot(rows, png):
        missing.append(f"plot {png}")
    for what in missing:
        print(f"index-report: missing: {what}", file=sys.stderr)
    return 1 if missing else 0


def plot(rows, png):
    """ns per operation against entries, a panel per operation."""
    with tempfile.NamedTemporaryFile("w", suffix=".dat", delete=False) as f:
        for op in OPS:
            f.write(f"# {op}: log2 new_1 new_2 baseline_1 baseline_2\n")
            for log2, o, *ns in rows:
                if o == op:
                    f.write(f"{log2} " + " ".join(f"{v:.2f}" for v in ns) + "\n")
            f.write("\n\n")
        data = f.name
    panels = []
    for i, op in enumerate(OPS):
        panels.append(f"""
set title '{op}'
plot '{data}' index {i} using 1:2 with linespoints lw 2 title 'new, 1 thread', \\
     '' index {i} using 1:3 with linespoints lw 2 title 'new, 2 threads', \\
     '' index {i} using 1:4 with linespoints lw 2 dt 2 title 'baseline, 1 thread', \\
     '' index {i} using 1:5 with linespoints lw 2 dt 2 title 'baseline, 2 threads'
""")
    script = f"""
set terminal pngcairo size 1100,800
set output '{png}'
set multiplot layout 2,2 title 'Content index: ns per operation of one thread, new (no outer lock) vs baseline (one global lock)'
set xlabel 'entries (log2)'
set ylabel 'ns per operation'
set xtics 2
set yrange [0:*]
set key top left box opaque font ',8'
set grid
{''.join(panels)}
unset multiplot
"""
    png.parent.mkdir(parents=True, exist_ok=True)
    try:
        png.unlink(missing_ok=True)
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"index-report: no plot ({e})", file=sys.stderr)
        return False
    finally:
        Path(data).unlink(missing_ok=True)
    if not png.is_file() or png.stat().st_size == 0:
        return False
    print(f"satori-index: plot {png}")
    return True


if __name__ == "__main__":
    sys.exit(main())
