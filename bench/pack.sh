#!/usr/bin/env bash
# Here (no GPU needed): builds the benchmarks twice, in link mode and with dynamic-loading, against
# the headers named by LIBCUDA_SYS_INCLUDE_DIR (use the GPU machine's release: 13.0), and packs the
# binaries (calls, peer_copy) with the C twins, the PTX, the run scripts and the table scripts into
# .bench/ (ignored by git).
#   eval "$(scripts/deps.sh)" && LIBCUDA_SYS_INCLUDE_DIR=$CUDA_HEADERS_13_0 bash bench/pack.sh
# then on the GPU machine, from a copy of the project root that holds .bench/: bash .bench/run.sh
# (and, with two GPUs, bash .bench/peer.sh)
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
: "${LIBCUDA_SYS_INCLUDE_DIR:?set LIBCUDA_SYS_INCLUDE_DIR to the headers of the CUDA release of the GPU machine}"
exclude="$(git rev-parse --git-dir)/info/exclude"
grep -qx '/.bench/' "$exclude" 2>/dev/null || echo '/.bench/' >>"$exclude"
target=${CARGO_TARGET_DIR:-target}/bench
# From the project root, so that .cargo/config.toml applies as to every binary of this repository.
cargo build --release --manifest-path bench/Cargo.toml --target-dir "$target/link"
cargo build --release --manifest-path bench/Cargo.toml --features dynamic --target-dir "$target/dynamic"
rm -rf .bench
mkdir -p .bench
cp "$target/link/release/calls" .bench/calls-link
cp "$target/dynamic/release/calls" .bench/calls-dynamic
cp "$target/link/release/peer_copy" .bench/peer_copy-link
cp "$target/dynamic/release/peer_copy" .bench/peer_copy-dynamic
cp bench/check.h bench/calls.c bench/empty.ptx bench/run.sh bench/table.py .bench/
cp bench/peer_copy.c bench/peer.sh bench/peer_table.py .bench/
du -sh .bench
