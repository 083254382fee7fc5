#!/usr/bin/env python3
"""scrape-textfile.py FILE: serve FILE the way satori-metrics.service does
on a real host, through node_exporter's textfile collector, scrape it over
HTTP as Prometheus would, and print the scrape's satori_* families (their
HELP and TYPE lines and samples) on stdout.

FILE is copied as satori.prom into a fresh directory given to
prometheus-node-exporter (--collector.textfile.directory, every other
collector off) on a free port of 127.0.0.1. Exits 0 when the scrape
succeeded and held a satori_ sample; 1 when node_exporter reported the
file unreadable (node_textfile_scrape_error 1), served no satori_ sample or
did not answer within 10 s; 2 on bad arguments.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

EXPORTER = "prometheus-node-exporter"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(url, deadline):
    """The body of url, retried until node_exporter listens or deadline."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                return None
            time.sleep(0.1)


def main():
    if len(sys.argv) != 2 or not os.path.isfile(sys.argv[1]):
        print("usage: scrape-textfile.py FILE (an existing file)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(sys.argv[1], os.path.join(d, "satori.prom"))
        addr = "127.0.0.1:%d" % free_port()
        exporter = subprocess.Popen(
            [EXPORTER, "--web.listen-address=" + addr,
             "--collector.disable-defaults", "--collector.textfile",
             "--collector.textfile.directory=" + d],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            body = scrape("http://%s/metrics" % addr, time.monotonic() + 10)
        finally:
            exporter.terminate()
            _, err = exporter.communicate(timeout=10)
    if body is None:
        print("node_exporter did not answer: %s" % err.decode()[-500:],
              file=sys.stderr)
        return 1
    if "\nnode_textfile_scrape_error 0\n" not in "\n" + body:
        print("node_exporter could not read the file: %s"
              % [l for l in body.splitlines() if "textfile" in l],
              file=sys.stderr)
        return 1
    lines = [l for l in body.splitlines()
             if l.startswith("satori_") or l.startswith("# HELP satori_")
             or l.startswith("# TYPE satori_")]
    if not any(l.startswith("satori_") for l in lines):
        print("the scrape held no satori_ sample", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
