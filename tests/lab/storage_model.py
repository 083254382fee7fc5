"""storage_model.py: the storage model's composed figures (make bench).

Under QEMU's TCG a lab guest's read costs emulated CPU and no device time.
The model gives it a real device's time, per class of
bench/storage/classes.conf (a 4 KiB read's latency at queue depth 1 and a
sequential bandwidth). Injecting that time into the lab's disks, scaled
to the lab's slower clock, is what the storage model's disks do
(tests/lab/scenarios/storage.sh) and what the surplus lab test checks;
but the factor that matters for a read is the read path's own dilation,
which the passes measure at hundreds (against this machine's same pass,
bench/storage/native-pass.sh), and at that factor one pass on a disk
class would take longer than the whole bench. So the bench composes each
class's figure from what the lab measured and this machine's time:

  cpu(mode)    = the rest of the lab's pass time in that mode / D_pass +
                 the cache's own work in it at this machine's speed, where
                 D_pass = the lab's cache-off pass time per MiB (less the
                 cache's work) over this machine's (so cpu(off) is about
                 this machine's own pass time). The cache's own work is
                 taken out of the lab's time as the guest timed it
                 (cache_ns: the eviction hook, the put work item, serving
                 hits) and costed again from this machine's CPU-bound
                 kernels (bench/dilation): per page put two 4 KiB copies
                 (the guest's, Xen's) and an xxh64 (the hash check), per
                 page put again by key alone (a refresh: the hit's frame
                 still held) the guest's copy only, per page hit one copy
                 (Xen's). Under TCG these parts dilate
                 differently (copies about 7x, hashing about 1.5x, a
                 hypercall's exit far more), so no one factor would do.
  device(mode) = requests x latency + bytes / bandwidth, from the requests
                 and bytes blkfront sent the backend in that mode: one
                 request at a time, as one reader's readahead waits for its
                 window
  time(mode)   = cpu + device (serial: nothing overlaps) or
                 max(cpu, device) (overlap: readahead hides the smaller)

A speed-up or overhead is given under both, and the headline figure is
the worse of the two for the cache. What this leaves out: queueing and
deeper queues (which shorten device time for both modes), caches in the
storage, the spread of real latencies, the cache's work the guest does
not time (noting each read page's origin, looking up a miss's keys) or
that the native costing leaves out (hypercalls, locks, bookkeeping: about
a microsecond a batch), the difference between this machine's loop device
and a Xen guest's native path (blkfront, grant copies, blkback), and
memory pressure in the native pass (this machine has room for the whole
tree).
"""
import statistics


class MissingFigure(Exception):
    """A figure the model needs is absent or not a number."""


def fields(line):
    """NAME=VALUE words of a line, as a dict of strings."""
    return dict(kv.split("=", 1) for kv in line.split() if "=" in kv)


def guest_lines(out, guest, key):
    """The NAME=VALUE fields of guest's console lines "SATORI-GUEST key ..."
    in the lab run whose output is out (a Path)."""
    log = (out / "console" / f"guest-{guest}.log").read_text(errors="replace")
    prefix = f"SATORI-GUEST {key} "
    return [fields(l[len(prefix):]) for l in log.replace("\r", "").splitlines()
            if l.startswith(prefix)]


def number(figures, name):
    """figures[name] as a float; MissingFigure if absent or not a number."""
    try:
        return float(figures[name])
    except (KeyError, TypeError, ValueError):
        raise MissingFigure(name) from None


def native(text):
    """This machine's figures (scripts/bench.sh's native.txt: the output of
    bench/dilation and of native-pass.sh): seconds per MiB of the native
    pass (its median round), the median 4 KiB read of its loop device (us)
    and the median ns of a 4 KiB copy and of an xxh64 of 4 KiB."""
    found = {}
    for line in text.splitlines():
        if line.startswith("native-pass: "):
            found["pass"] = fields(line)
        elif line.startswith("native-read: "):
            found["read"] = fields(line)
        elif line.startswith("dilation: "):
            f = fields(line)
            found[f.get("kernel")] = f
    for need in ("pass", "read", "copy4k", "xxh64"):
        if need not in found:
            raise MissingFigure(f"this machine's {need} line")
    mb = number(found["pass"], "mb")
    seconds = number(found["pass"], "seconds_p50")
    if mb <= 0 or seconds <= 0:
        raise MissingFigure("native pass time")
    return {"seconds_per_mib": seconds / mb, "read_p50_us": number(found["read"], "p50_us"),
            "copy_ns": number(found["copy4k"], "median_ns"),
            "xxh64_ns": number(found["xxh64"], "median_ns")}


def cache_seconds(puts, refreshed, hits, nat):
    """The volatile cache's own work for puts pages copied for a put, of
    which refreshed were put again by key alone, and hits pages hit, at
    this machine's speed (see the module's comment)."""
    if not 0 <= refreshed <= puts:
        raise MissingFigure(f"{refreshed} pages refreshed of {puts} copied for a put")
    copied = puts - refreshed
    return (copied * (2 * nat["copy_ns"] + nat["xxh64_ns"]) +
            refreshed * nat["copy_ns"] + hits * nat["copy_ns"]) / 1e9


def lab_rest(p):
    """A lab pass's time less the cache's own work in it (seconds)."""
    return number(p, "seconds") - number(p, "cache_ns") / 1e9


def hint_seconds(pages, merging, nat):
    """Hints' own work for pages read, at this machine's speed: dom0 hashes
    every page (an xxh64 of 4 KiB); Xen compares a page that may merge
    with its match (4 KiB, costed as a copy). Hypercalls, the index and
    the sharing itself are left out."""
    return pages * (nat["xxh64_ns"] + (nat["copy_ns"] if merging else 0)) / 1e9


def native_cpu(lab_seconds, lab_cache_seconds, pass_dilation_, native_cache_seconds):
    """This machine's CPU time for lab work of lab_seconds, lab_cache_seconds
    of it the cache's own: the rest at the passes' dilation, plus the
    cache's work costed natively."""
    if pass_dilation_ <= 0:
        raise MissingFigure("the passes' dilation")
    return (lab_seconds - lab_cache_seconds) / pass_dilation_ + native_cache_seconds


def pass_dilation(off_passes, seconds_per_mib):
    """D_pass: the median over the lab's cache-off passes of their time per
    MiB, over this machine's time per MiB for the same pass."""
    if not off_passes or seconds_per_mib <= 0:
        raise MissingFigure("cache-off passes or the native pass time")
    lab = statistics.median(lab_rest(p) / number(p, "mb") for p in off_passes)
    if lab <= 0:
        raise MissingFigure("the lab's pass time")
    return lab / seconds_per_mib


def device_seconds(requests, nbytes, latency_us, bandwidth_mb_s):
    """A class's time for requests totalling nbytes, one at a time."""
    if latency_us < 0 or bandwidth_mb_s <= 0 or requests < 0 or nbytes < 0:
        raise ValueError("negative figure or no bandwidth")
    return requests * latency_us / 1e6 + nbytes / (bandwidth_mb_s * 1e6)


def times(cpu, device):
    """(serial, overlap) time of work costing cpu and device seconds."""
    return cpu + device, max(cpu, device)


def speedups(cpu_off, dev_off, cpu_on, dev_on):
    """Pass time off over on, (serial, overlap)."""
    off, on = times(cpu_off, dev_off), times(cpu_on, dev_on)
    if min(on) <= 0:
        raise MissingFigure("a pass time")
    return off[0] / on[0], off[1] / on[1]


def overheads(cpu_off, cpu_on, dev):
    """The time hints add to a read costing dev on the device, as fractions
    of the time without them, (serial, overlap)."""
    off, on = times(cpu_off, dev), times(cpu_on, dev)
    if min(off) <= 0:
        raise MissingFigure("a read time")
    return on[0] / off[0] - 1, on[1] / off[1] - 1


def run_dilation(out, guests, seconds_per_mib):
    """D_pass of a bench run: over every cache-off pass of every guest."""
    off = [p for g in guests for p in guest_lines(out, g, "pass") if p.get("mode") == "0"]
    return pass_dilation(off, seconds_per_mib)
