#!/usr/bin/env python3
"""bench-free.py OUT: the satori-free figures of one `make bench` run.

The bench-free scenario (tests/lab/scenarios/bench-free.sh) leaves in
OUT:
  results           scan_zero and scan_pages (satori-scan: the guests' pages
                    that are all zeros, reported ones included, and all
                    their pages), reports_settled_s (how long the idle
                    guests' reports took to hold still), cow_free_p50_us
                    and cow_free_p99_us (copy-on-write breaks of shared
                    page-cache pages that found a free frame, timed in the
                    same boot: the baseline)
  top-reports.json  satori-top once the reports settled: the host's zero
                    frames and the gfns they back, the frames they save,
                    the pool (sum of the domains' limits)
  console/guest-g1.log  satori_attack refault's line: the first write to
                    each of 4096 pages g1 reported, timed in g1

Prints the figures, and last:

  satori-free: guests=N zero_mib=N reported_mib=N pool_gain_mib=N
    refault_us_p50=X refault_us_p99=X

zero_mib: satori-scan's zero pages; reported_mib: the guests' pages on a
zero frame; pool_gain_mib: the frames the zero frames save (they join
saved_frames, and so the pool). Exits 1 when a figure is missing.
"""
import json
import sys
from pathlib import Path

MIB = 256  # 4 KiB pages per MiB


def fields(text):
    return dict(kv.split("=", 1) for kv in text.split() if "=" in kv)


def main():
    out = Path(sys.argv[1])
    r = fields((out / "results").read_text())
    need = ["scan_zero", "scan_pages", "reports_settled_s",
            "cow_free_p50_us", "cow_free_p99_us"]
    try:
        top = json.loads((out / "top-reports.json").read_text().splitlines()[-1])
        line = [l for l in (out / "console" / "guest-g1.log").read_text().splitlines()
                if l.startswith("SATORI-ATTACK refault pages=")][-1]
    except (OSError, ValueError, IndexError) as e:
        print(f"bench-free: figures are missing ({e})", file=sys.stderr)
        return 1
    refault = fields(line)
    host = top["host"]
    guests = [d for d in top["domains"] if d["name"] != "Domain-0"]
    missing = [k for k in need if k not in r] + [
        k for k in ("zero_gfns", "zero_frames", "zero_saved_frames", "pool_frames")
        if k not in host] + [k for k in ("p50_us", "p99_us") if k not in refault]
    if missing or not guests:
        print("bench-free: figures are missing: " + " ".join(missing or ["guests"]),
              file=sys.stderr)
        return 1
    zero_pages = int(r["scan_zero"])
    on_zero = sum(int(d["zero"]) for d in guests)
    print(f"bench: free: {on_zero} of the guests' {r['scan_pages']} pages on "
          f"{host['zero_frames']} zero frames {r['reports_settled_s']} s after they went idle; "
          f"satori-scan found {zero_pages} zero pages ({100 * on_zero / max(zero_pages, 1):.1f}% "
          f"of them back in the pool)")
    print(f"bench: free: the pool (sum of the domains' limits) is {host['pool_frames']} frames; "
          f"the zero frames save {host['zero_saved_frames']} of the saved frames")
    print(f"bench: free: refault (first write to a reported page) p50 {refault['p50_us']} us, "
          f"p99 {refault['p99_us']} us; copy-on-write break that found a free frame "
          f"(same boot) p50 {r['cow_free_p50_us']} us, p99 {r['cow_free_p99_us']} us")
    print(f"satori-free: guests={len(guests)} zero_mib={zero_pages // MIB} "
          f"reported_mib={on_zero // MIB} pool_gain_mib={int(host['zero_saved_frames']) // MIB} "
          f"refault_us_p50={refault['p50_us']} refault_us_p99={refault['p99_us']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
