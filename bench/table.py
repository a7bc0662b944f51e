#!/usr/bin/env python3
"""Reads the lines that calls-c, calls-link and calls-dynamic print (results.txt) and prints the
table of BENCHMARKS.md: per variant and metric the median over the rounds (each round's value is
already the median of its in-process repetitions), the range, and the ratio to C.

usage: table.py RESULTS [DATE]
"""
import collections
import statistics
import sys

METRICS = [
    ("host_ns", "cuCtxGetCurrent, ns/call"),
    ("launch_us", "empty-kernel launch submit, µs"),
    ("copy_us", "4-byte cuMemcpyHtoD, µs"),
]
VARIANTS = ["c", "rust-link", "rust-dynamic"]

values = collections.defaultdict(lambda: collections.defaultdict(list))
card, driver = "?", 0
for line in open(sys.argv[1]):
    if not line.startswith("variant="):
        continue
    head, _, card = line.rstrip("\n").partition(" card=")
    fields = dict(kv.split("=", 1) for kv in head.split())
    driver = int(fields["driver"])
    for key, _ in METRICS:
        values[fields["variant"]][key].append(float(fields[key]))

rounds = min((len(values[v]["host_ns"]) for v in VARIANTS), default=0)
date = sys.argv[2] if len(sys.argv) > 2 else "?"
print(f"card: {card}; driver: cuDriverGetVersion {driver} (CUDA {driver // 1000}.{driver % 1000 // 10}); date: {date}")
print(f"{rounds} rounds, variants alternating; each cell: median over rounds (min–max), ×C = ratio to C's median")
print()
print("| variant | " + " | ".join(f"{title} | ×C" for _, title in METRICS) + " |")
print("|---|" + "---:|---:|" * len(METRICS))
for variant in VARIANTS:
    if not values[variant]["host_ns"]:
        print(f"| {variant} | " + " | ".join("missing | " for _ in METRICS) + " |")
        continue
    cells = []
    for key, _ in METRICS:
        v = values[variant][key]
        m = statistics.median(v)
        digits = 2 if key == "host_ns" else 3
        ratio = f"{m / statistics.median(values['c'][key]):.3f}" if values["c"][key] else "n/a"
        cells.append(f"{m:.{digits}f} ({min(v):.{digits}f}–{max(v):.{digits}f}) | {ratio}")
    print(f"| {variant} | " + " | ".join(cells) + " |")
