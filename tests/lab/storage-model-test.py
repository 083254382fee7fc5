#!/usr/bin/env python3
"""The storage model's composed figures (storage_model.py) and the bench
report that prints them (bench-surplus.py), on this host with made-up
figures: nothing boots. Run by tests/run-all.sh (make test); prints one
"PASS ..." or "FAIL ..." line per case and exits 1 if any failed.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

here = Path(__file__).resolve().parent
sys.path.insert(0, str(here))
import storage_model  # noqa: E402
from storage_model import MissingFigure  # noqa: E402

failed = 0


def check(name, ok, detail=""):
    global failed
    if ok:
        print(f"PASS storage model: {name}")
    else:
        failed += 1
        print(f"FAIL storage model: {name} {detail}")


def close(a, b):
    return abs(a - b) < 1e-9 * max(1.0, abs(b))


def raises(exc, fn, *args):
    try:
        fn(*args)
    except exc:
        return True
    except Exception:  # noqa: BLE001: any other is a failure of the case
        return False
    return False


NATIVE = ("dilation: kernel=xxh64 unit=page rounds=7 min_ns=900 median_ns=950 max_ns=1000\n"
          "dilation: kernel=copy4k unit=page rounds=7 min_ns=200 median_ns=250 max_ns=300\n"
          "dilation: kernel=syscall unit=call rounds=7 min_ns=70 median_ns=76 max_ns=80\n"
          "native-pass: mb=240 rounds=7 seconds_min=0.1 seconds_p50=0.12 seconds_max=0.2\n"
          "native-read: read-latency: dev=/dev/loop0 reads=2000 mean_us=19.0 p50_us=7.2 "
          "p99_us=70 min_us=3 max_us=200\n")

# Device time: requests one at a time, plus the bytes at the bandwidth.
d = storage_model.device_seconds(100, 25e6, 750, 250)
check("device time is requests x latency + bytes / bandwidth", close(d, 0.075 + 0.1), d)
check("device time of nothing is 0", storage_model.device_seconds(0, 0, 8000, 150) == 0)
check("a class with no bandwidth is refused",
      raises(ValueError, storage_model.device_seconds, 1, 4096, 50, 0))

# Speed-ups: every read a hit, and no hits at all.
serial, overlap = storage_model.speedups(0.1, 1.0, 0.115, 0.003)
check("all hits: serial speed-up (cpu + device)", close(serial, 1.1 / 0.118), serial)
check("all hits: overlapped speed-up (the larger of the two)", close(overlap, 1.0 / 0.115), overlap)
serial, overlap = storage_model.speedups(0.1, 1.0, 0.12, 1.0)
check("no hits: the cache's CPU shows when nothing overlaps", serial < 1, serial)
check("no hits: and hides behind the device when it does", close(overlap, 1.0), overlap)
serial, overlap = storage_model.speedups(0.1, 0.05, 0.12, 0.05)
check("no hits on a fast device: the CPU shows either way", serial < 1 and overlap < 1,
      (serial, overlap))

# Overheads of hints, the device time the same with them on or off.
serial, overlap = storage_model.overheads(0.1, 0.12, 0.4)
check("hints' overhead, serial", close(serial, 0.52 / 0.5 - 1), serial)
check("hints' overhead, overlapped: hidden by a slower device", close(overlap, 0.0), overlap)

# The native pass and the dilation.
nat = storage_model.native(NATIVE)
check("native pass: seconds per MiB", close(nat["seconds_per_mib"], 0.12 / 240), nat)
check("native read: the median", close(nat["read_p50_us"], 7.2), nat)
check("native: the copy and hash kernels' medians", nat["copy_ns"] == 250 and nat["xxh64_ns"] == 950, nat)
check("native: a missing pass line is a missing figure",
      raises(MissingFigure, storage_model.native, NATIVE.replace("native-pass:", "other:")))
check("native: a missing kernel line is a missing figure",
      raises(MissingFigure, storage_model.native, NATIVE.replace("kernel=copy4k", "kernel=other")))
h = storage_model.hint_seconds(1000, True, nat), storage_model.hint_seconds(1000, False, nat)
check("hints' work here: a hash a page, and a compare a page that merges",
      close(h[0], 1000 * (950 + 250) / 1e9) and close(h[1], 1000 * 950 / 1e9), h)
c = storage_model.cache_seconds(1000, 0, 500, nat)
check("the cache's work here: two copies and a hash a put, a copy a hit",
      close(c, (1000 * (2 * 250 + 950) + 500 * 250) / 1e9), c)
c = storage_model.cache_seconds(1000, 400, 500, nat)
check("the cache's work here: a page put again by key alone costs the guest's copy",
      close(c, (600 * (2 * 250 + 950) + 400 * 250 + 500 * 250) / 1e9), c)
check("the cache's work here: more pages refreshed than copied is a missing figure",
      raises(MissingFigure, storage_model.cache_seconds, 10, 11, 0, nat))
check("native: a pass of no time is a missing figure",
      raises(MissingFigure, storage_model.native, NATIVE.replace("seconds_p50=0.12", "seconds_p50=0")))
passes = [{"seconds": "10", "mb": "100", "cache_ns": "0"}, {"seconds": "30", "mb": "100", "cache_ns": "0"},
          {"seconds": "25", "mb": "120", "cache_ns": "1000000000"}]
dil = storage_model.pass_dilation(passes, 0.0005)
check("dilation: the median pass time per MiB, less the cache's work, over this machine's",
      close(dil, 0.2 / 0.0005), dil)
check("dilation: a pass without the cache's time is a missing figure",
      raises(MissingFigure, storage_model.pass_dilation, [{"seconds": "10", "mb": "100"}], 0.0005))
cpu = storage_model.native_cpu(12.0, 2.0, 200, 0.003)
check("native cpu: the rest at D_pass, plus the cache's work costed here", close(cpu, 10 / 200 + 0.003), cpu)
check("dilation: no passes is a missing figure",
      raises(MissingFigure, storage_model.pass_dilation, [], 0.0005))
check("a figure that is not a number is missing",
      raises(MissingFigure, storage_model.number, {"x": "NA"}, "x"))
check("an absent figure is missing", raises(MissingFigure, storage_model.number, {}, "x"))


def pass_line(mode, seconds, requests, nbytes, restored, missed, cache_ns, puts, refreshed):
    return (f"SATORI-GUEST pass mode={mode} mb=100 seconds={seconds} disk_bytes={nbytes} "
            f"disk_requests={requests} cache_ns={cache_ns} puts={puts} restored={restored} "
            f"missed={missed} refreshed={refreshed} entitled=25600 "
            f"held=20000 evict_max_ns=1 evict_ns=1 evict_runs=1 hit_requests=10 hit_ns=5 "
            f"read_requests=20 read_ns=10 read_bytes=1\n")


def bench_run(work, native=True, classes="nvme,network"):
    """A made-up bench run: one guest, one hold; returns (status, output)."""
    out = work / "out"
    (out / "console").mkdir(parents=True, exist_ok=True)
    lines = ""
    for _ in range(2):  # rounds: (warm, measured) x on, then off
        lines += pass_line(1, 12.0, 8, 1 << 20, 25000, 600, 400_000_000, 25600, 10000) * 2
        lines += pass_line(0, 10.0, 800, 100 << 20, 0, 0, 0, 0, 0) * 2
    (out / "console" / "guest-g1.log").write_text(lines)
    results = ["surplus_hold100_mb=100", f"storage_classes={classes}", "storage_dilation=3.8",
               "storage_none_dom0_p50_us=173", "storage_none_guest_p50_us=1021"]
    for c, (lat, bw) in {"nvme": (50, 3000), "network": (750, 250)}.items():
        results += [f"storage_{c}_latency_us={lat}", f"storage_{c}_bandwidth_mb_s={bw}",
                    f"storage_{c}_ndelay_ns={int(lat * 3800)}", f"storage_{c}_dom0_p50_us={lat * 4}",
                    f"storage_{c}_guest_p50_us={lat * 5}"]
    (out / "results").write_text("\n".join(results) + "\n")
    nat = work / "native.txt"
    if native:
        nat.write_text(NATIVE)
    elif nat.exists():
        nat.unlink()
    r = subprocess.run([sys.executable, str(here / "bench-surplus.py"), str(out), str(nat)],
                       capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


with tempfile.TemporaryDirectory() as tmp:
    rc, said = bench_run(Path(tmp))
    net = [l for l in said.splitlines() if l.startswith("satori-surplus: class=network ")]
    check("bench-surplus: a composed line per class", rc == 0 and len(net) == 1, said)
    if net:
        f = storage_model.fields(net[0])
        # D_pass = (10 s / 100 MiB) / (0.12 s / 240 MiB) = 200: cpu off 50 ms,
        # on 11.6 s / 200 + the cache's work here (25,600 puts of which
        # 10,000 by key alone, 25,000 hits);
        # device off 800 x 750 us + 100 MiB / 250 MB/s, on 8 x 750 us + 1 MiB
        # / 250 MB/s.
        cpu_on = 11.6 / 200 + (15600 * (2 * 250 + 950) + 10000 * 250 + 25000 * 250) / 1e9
        dev_off = 0.6 + (100 << 20) / 250e6
        dev_on = 0.006 + (1 << 20) / 250e6
        want = min((0.05 + dev_off) / (cpu_on + dev_on), max(0.05, dev_off) / max(cpu_on, dev_on))
        check("bench-surplus: the network class's speed-up is the worse composition",
              f.get("speedup") == f"{want:.2f}x" and f.get("dilation") == "200", net[0])
    rc, said = bench_run(Path(tmp), native=False)
    check("bench-surplus: without this machine's pass time it fails",
          rc == 1 and "missing" in said and "satori-surplus: class=network" not in said, said)
    rc, said = bench_run(Path(tmp), classes="nvme,network,hdd")
    check("bench-surplus: a class with no figures fails", rc == 1 and "missing" in said, said)

sys.exit(1 if failed else 0)
