#!/bin/bash
# check-layout.sh: compares docs/layout.md with `git ls-files`. Prints a
# FAIL line for every tracked file that its directory's table does not
# list and every file a table lists that git does not track, or one PASS
# line; exit status 1 on any FAIL. make test runs it (tests/run-all.sh).
# A table is the "## `DIR/`" section (files of tests/lab/workloads/*/ are
# listed in tests/lab/workloads/'s, by their path below it).
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files | python3 -c '
import os, re, sys
tracked = set(sys.stdin.read().split())
def table(path):
    d = os.path.dirname(path) or "."
    if d.startswith("tests/lab/workloads/"):
        d = "tests/lab/workloads"
    return d
listed = {}
section = None
for line in open("docs/layout.md"):
    m = re.match(r"## (?:`(.*)/`|\(top level\))", line)
    if m:
        section = m.group(1) or "."
        continue
    if section and line.startswith("| `"):
        cell = line.split("|")[1]
        for name in re.findall(r"`([^`]+)`", cell):
            listed[os.path.normpath(os.path.join(section, name))] = True
bad = 0
if not tracked:
    print("FAIL layout: git ls-files listed nothing (not a git checkout?)"); bad = 1
for f in sorted(tracked):
    if f not in listed:
        print("FAIL layout: docs/layout.md does not list", f); bad = 1
for f in sorted(listed):
    if f not in tracked:
        print("FAIL layout: docs/layout.md lists", f, "which git does not track"); bad = 1
if not bad:
    print("PASS layout: docs/layout.md lists the %d tracked files, and no other" % len(tracked))
sys.exit(bad)
'
