#!/usr/bin/env bash
# On a GPU machine with two GPUs, in the folder that bench/pack.sh filled (.bench/): compiles the
# C twin of peer_copy with -lcuda, runs C and the two Rust builds ROUNDS times in alternation (the
# order rotates every round), and prints the table of BENCHMARKS.md ("Copy bandwidth between two
# GPUs").
#   bash .bench/peer.sh            ROUNDS=9 PEER_ARGS="MIB REPS" (default 256 MiB, 20 copies)
set -euo pipefail
cd "$(dirname "$0")"
CUDA=${CUDA:-/usr/local/cuda}
ROUNDS=${ROUNDS:-9}
read -r -a args <<<"${PEER_ARGS:-256 20}"
cc -O2 -I"$CUDA/include" peer_copy.c -o peer_copy-c -L"$CUDA/lib64/stubs" -lcuda
nvidia-smi --query-gpu=index,name,driver_version,pci.bus_id --format=csv,noheader || true
nvidia-smi topo -m || true
variants=(peer_copy-c peer_copy-link peer_copy-dynamic)
: >peer_results.txt
for ((r = 0; r < ROUNDS; r++)); do
  for ((i = 0; i < 3; i++)); do
    exe=${variants[(r + i) % 3]}
    if "./$exe" "${args[@]}" >>peer_results.txt; then tail -n 1 peer_results.txt; else echo "$exe failed"; fi
  done
done
echo
python3 peer_table.py peer_results.txt "$(date -u '+%Y-%m-%d %H:%M UTC')"
