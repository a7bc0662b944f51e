#!/usr/bin/env bash
# The build script's own run time with bindgen, this tree against another commit, side by side:
# each round reruns both build scripts (a variable both read changes) in turn and takes the
# `run-custom-build` unit time of `cargo build --timings`; medians.
#
#   bench/build_script.sh OTHER_COMMIT [ROUNDS]     (default 5; from the project root)
#
# Both are built once first (CUDA 13.0 headers, dev profile: build scripts run unoptimized in
# release builds too), in one target directory (target/build-script/target, kept between runs:
# the dependencies are shared); the trees live under target/build-script.
set -euo pipefail
cd "$(dirname "$0")/.."
other=$1 rounds=${2:-5}
eval "$(scripts/deps.sh 2>/dev/null)"
unset LIBCUDA_SYS_LIB_DIR CUDA_PATH CUDA_HOME CUDA_ROOT CUDA_TOOLKIT_ROOT_DIR LIBCUDA_SYS_BINDINGS
export LIBCUDA_SYS_INCLUDE_DIR=$CUDA_HEADERS_13_0
work=$PWD/target/build-script
rm -rf "$work/other" "$work/this"; mkdir -p "$work/other" "$work/this" "$work/target"
git archive "$other" | tar -x -C "$work/other"
git ls-files -z | xargs -0 tar -c | tar -x -C "$work/this"
# Read by both build scripts (env::var); set to empty and unset in turn, it reruns them.
toggle=LIBCLANG_PATH_$(rustc -vV | sed -n 's/^host: //p' | tr - _)
run() { # tree, round
  local dir=$work/$1
  if (($2 % 2)); then export "$toggle="; else unset "$toggle"; fi
  (cd "$dir" && CARGO_TARGET_DIR=$work/target cargo build -q -p libcuda-sys --timings) >/dev/null 2>&1
  python3 bench/side_by_side.py unit "$work/target/cargo-timings/cargo-timing.html" build-script-run
}
for t in other this; do (cd "$work/$t" && CARGO_TARGET_DIR=$work/target cargo build -q -p libcuda-sys 2>/dev/null); done
: >"$work/results.tsv"
for ((r = 1; r <= rounds; r++)); do
  for t in $( ((r % 2)) && echo "other this" || echo "this other"); do
    printf '%s\t%s\n' "$t" "$(run "$t" "$r")" | tee -a "$work/results.tsv"
  done
done
python3 bench/side_by_side.py summary "$work/results.tsv" "$other" "build script run"
