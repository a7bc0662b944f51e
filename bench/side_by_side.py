"""Helpers of bench/build_script.sh and bench/crate_compile.sh, which time one unit of a cargo
build (--timings) in this tree and another commit's, alternating.

  side_by_side.py unit TIMINGS_HTML KIND   the libcuda-sys unit's duration (KIND: build-script-run, lib)
  side_by_side.py summary RESULTS_TSV OTHER WHAT   medians and per-round ratios of the rows `tree\tseconds`
"""
import json
import re
import statistics
import sys

if sys.argv[1] == "unit":
    units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", open(sys.argv[2]).read(), re.S).group(1))
    run = sys.argv[3] == "build-script-run"
    print(next(u["duration"] for u in units if u["name"] == "libcuda-sys" and ("run-custom-build" in u["mode"]) == run and (run or u["target"].strip() == "")))
else:
    _, _, results, other, what = sys.argv
    rows = [l.split("\t") for l in open(results).read().split("\n") if l]
    m = {t: statistics.median(float(d) for tt, d in rows if tt == t) for t in ("other", "this")}
    # Each round's pair ran back to back: its ratio is less exposed to the machine's load than the medians.
    ratios = [float(a[1]) / float(b[1]) if a[0] == "this" else float(b[1]) / float(a[1]) for a, b in zip(rows[::2], rows[1::2])]
    print(f"{what}, median of {len(rows) // 2}: {other} {m['other']:.2f} s, this tree {m['this']:.2f} s ({m['this'] / m['other']:.2f}x); "
          f"per round this/{other}: {' '.join(f'{r:.2f}' for r in ratios)}, median {statistics.median(ratios):.2f}")
