#!/usr/bin/env bash
# The crate's own compile (rustc of libcuda_sys, release, with dynamic-loading: where the lazily
# resolving functions are compiled; FEATURES=versioned for the versioned ones too), this tree
# against another commit, side by side: each round touches src/lib.rs of both trees and rebuilds
# them in turn, taking the crate's unit time of `cargo build --timings`; medians and per-round ratios.
#
#   [FEATURES=versioned] bench/crate_compile.sh OTHER_COMMIT [ROUNDS]     (default 5; from the project root)
set -euo pipefail
cd "$(dirname "$0")/.."
other=$1 rounds=${2:-5} features=${FEATURES:-dynamic-loading}
eval "$(scripts/deps.sh 2>/dev/null)"
unset LIBCUDA_SYS_LIB_DIR CUDA_PATH CUDA_HOME CUDA_ROOT CUDA_TOOLKIT_ROOT_DIR LIBCUDA_SYS_BINDINGS
export LIBCUDA_SYS_INCLUDE_DIR=$CUDA_HEADERS_13_0
work=$PWD/target/crate-compile
rm -rf "$work/other" "$work/this"; mkdir -p "$work/other" "$work/this"
git archive "$other" | tar -x -C "$work/other"
git ls-files -z | xargs -0 tar -c | tar -x -C "$work/this"
run() { # tree
  local dir=$work/$1
  touch "$dir/src/lib.rs"
  (cd "$dir" && CARGO_TARGET_DIR=$work/target-$1 cargo build -q --release -p libcuda-sys --features "$features" --timings) >/dev/null 2>&1
  python3 bench/side_by_side.py unit "$work/target-$1/cargo-timings/cargo-timing.html" lib
}
for t in other this; do (cd "$work/$t" && CARGO_TARGET_DIR=$work/target-$t cargo build -q --release -p libcuda-sys --features "$features" 2>/dev/null); done
: >"$work/results.tsv"
for ((r = 1; r <= rounds; r++)); do
  for t in $( ((r % 2)) && echo "other this" || echo "this other"); do
    printf '%s\t%s\n' "$t" "$(run "$t")" | tee -a "$work/results.tsv"
  done
done
python3 bench/side_by_side.py summary "$work/results.tsv" "$other" "crate compile (release, $features)"
