#!/usr/bin/env python3
"""Writes N small Express apps that all need fixing (the dense benchmark: nothing can be skipped).

    python3 bench/make-dense.py OUT_DIR N

Each is bench/dense-app.js with NNNN replaced by the app's number (benches/pipeline.rs times
the same file stage by stage).
"""
import os
import sys

TEMPLATE = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "dense-app.js")).read()

out, count = sys.argv[1], int(sys.argv[2])
for n in range(count):
    folder = os.path.join(out, f"svc{n // 100:04d}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"app{n}.js"), "w") as f:
        f.write(TEMPLATE.replace("NNNN", str(n)))
