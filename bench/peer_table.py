#!/usr/bin/env python3
"""Reads the lines that peer_copy-c, peer_copy-link and peer_copy-dynamic print (peer_results.txt)
and prints the table of BENCHMARKS.md: per variant the median over the rounds of each process's
median GB/s, the range over the rounds, and the ratio to C.

usage: peer_table.py RESULTS [DATE]
"""
import collections
import statistics
import sys

VARIANTS = ["c", "rust-link", "rust-dynamic"]

gbps = collections.defaultdict(list)
card, driver, size, p2p = "?", 0, 0, "?"
for line in open(sys.argv[1]):
    if not line.startswith("variant="):
        continue
    head, _, card = line.rstrip("\n").partition(" card=")
    fields = dict(kv.split("=", 1) for kv in head.split())
    driver, size, p2p = int(fields["driver"]), int(fields["bytes"]), fields["p2p"]
    gbps[fields["variant"]].append(float(fields["gbps"]))

rounds = min((len(gbps[v]) for v in VARIANTS), default=0)
date = sys.argv[2] if len(sys.argv) > 2 else "?"
print(f"card: {card}; driver: cuDriverGetVersion {driver} (CUDA {driver // 1000}.{driver % 1000 // 10}); date: {date}")
print(f"cuMemcpyPeerAsync GPU 1 -> GPU 0, {size >> 20} MiB, peer access {'on' if p2p == '1' else 'off'}; "
      f"{rounds} rounds, variants alternating; each cell: median over rounds (min–max), ×C = ratio to C's median")
print()
print("| variant | GB/s | ×C |")
print("|---|---:|---:|")
for variant in VARIANTS:
    v = gbps[variant]
    if not v:
        print(f"| {variant} | missing | |")
        continue
    m = statistics.median(v)
    ratio = f"{m / statistics.median(gbps['c']):.3f}" if gbps["c"] else "n/a"
    print(f"| {variant} | {m:.2f} ({min(v):.2f}–{max(v):.2f}) | {ratio} |")
