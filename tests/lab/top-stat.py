#!/usr/bin/env python3
"""top-stat.py EXPR [FILE]: one figure from satori-top's JSON.

Reads the last JSON snapshot of FILE (or of stdin) and prints int(EXPR),
where EXPR is Python over top (the snapshot), host (its host object), doms
(its domain rows) and dom(NAME) (the row of the domain named NAME), e.g.
'host["saved_frames"]' or 'sum(d["shared"] for d in doms)'. Used in dom0
by the lab's scenarios and on the host by the lab's checks and the demo.
"""
import json
import sys

text = open(sys.argv[2]).read() if len(sys.argv) > 2 else sys.stdin.read()
top = json.loads(text.splitlines()[-1])
host, doms = top["host"], top["domains"]


def dom(name):
    for d in doms:
        if d["name"] == name:
            return d
    sys.exit("top-stat.py: no domain named %r in the snapshot (there are: %s)"
             % (name, ", ".join(d["name"] for d in doms)))


print(int(eval(sys.argv[1])))
