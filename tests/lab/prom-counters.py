#!/usr/bin/env python3
"""prom-counters.py EARLIER LATER: did any counter go down between two
scrapes of satori-top's Prometheus text (--textfile, --prometheus)?

A counter (a family typed `counter` in EARLIER) must never go down while
its labels stay the same: Prometheus reads a drop as a restart and its
rate() as a reset. Compares every sample present in both files (a domain
destroyed between the scrapes has none in LATER). Prints
"N counter samples compared, none went down" and exits 0; or prints each
sample that went down and exits 1; exits 1 too when no counter sample is
in both (nothing was compared), and 2 on bad arguments or a file that
cannot be read.
"""
import re
import sys

SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")


def samples(path):
    """(counter families, {(name, labels): value}) of a Prometheus text file."""
    counters, values = set(), {}
    with open(path) as f:
        for line in f:
            if line.startswith("# TYPE "):
                _, _, family, kind = line.split()[:4]
                if kind == "counter":
                    counters.add(family)
                continue
            m = SAMPLE.match(line)
            if m:
                values[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return counters, values


def main():
    if len(sys.argv) != 3:
        print("usage: prom-counters.py EARLIER LATER", file=sys.stderr)
        return 2
    try:
        counters, before = samples(sys.argv[1])
        _, after = samples(sys.argv[2])
    except OSError as e:
        print(f"prom-counters: {e}", file=sys.stderr)
        return 2
    compared, down = 0, []
    for (name, labels), value in before.items():
        # A counter family's samples: the family's name, or with _total.
        family = name[:-len("_total")] if name.endswith("_total") else name
        if family not in counters and name not in counters:
            continue
        if (name, labels) not in after:
            continue
        compared += 1
        if after[(name, labels)] < value:
            down.append(f"{name}{labels}: {value:g} then {after[(name, labels)]:g}")
    for d in down:
        print(f"went down: {d}")
    if not compared:
        print("no counter sample is in both scrapes: nothing compared")
        return 1
    if down:
        return 1
    print(f"{compared} counter samples compared, none went down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
