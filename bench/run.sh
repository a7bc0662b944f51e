#!/usr/bin/env bash
# On the GPU machine, in the folder that bench/pack.sh filled (.bench/): compiles the C twin with
# -lcuda, runs the three variants ROUNDS times in alternation (the order rotates every round), all
# pinned to one CPU, and prints the table.
#   bash .bench/run.sh            ROUNDS=15 BENCH_ARGS="HOST_CALLS LAUNCHES COPIES REPS" BENCH_CPU=2
set -euo pipefail
cd "$(dirname "$0")"
CUDA=${CUDA:-/usr/local/cuda}
ROUNDS=${ROUNDS:-15}
read -r -a args <<<"${BENCH_ARGS:-10000000 100000 20000 5}"
cc -O2 -I"$CUDA/include" calls.c -o calls-c -L"$CUDA/lib64/stubs" -lcuda
pin=()
if taskset -c "${BENCH_CPU:-2}" true 2>/dev/null; then pin=(taskset -c "${BENCH_CPU:-2}"); else echo "not pinned: taskset -c ${BENCH_CPU:-2} fails here"; fi
nvidia-smi --query-gpu=name,driver_version,persistence_mode --format=csv,noheader || true
for exe in calls-c calls-link calls-dynamic; do
  echo "$exe NEEDED: $(readelf -d "$exe" 2>/dev/null | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
done
variants=(calls-c calls-link calls-dynamic)
: >results.txt
for ((r = 0; r < ROUNDS; r++)); do
  for ((i = 0; i < 3; i++)); do
    exe=${variants[(r + i) % 3]}
    if EMPTY_PTX=empty.ptx "${pin[@]}" "./$exe" "${args[@]}" >>results.txt; then tail -n 1 results.txt; else echo "$exe failed"; fi
  done
done
echo
python3 table.py results.txt "$(date -u '+%Y-%m-%d %H:%M UTC')"
