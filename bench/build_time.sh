#!/usr/bin/env bash
# What depending on libcuda-sys costs a wrapper crate's users: cold `cargo build --release` of a
# one-line binary, side by side with cudarc's driver module, alternating, medians.
#
#   bench/build_time.sh [ROUNDS] [BASE_COMMIT]    (default 5 rounds; from the project root)
#
# Variants, each in a fresh target directory every round, built in turn (A B C, B C A, ...):
#   libcuda-sys           the default features (bindgen over cuda.h at build time)
#   libcuda-sys-pregen    without the `bindgen` feature, from a file a `bindgen` build wrote
#                         (LIBCUDA_SYS_BINDINGS); only where Cargo.toml has that feature
#   libcuda-sys-shipped   without the `bindgen` feature and with no header at all: the bindings the
#                         crate ships for LIBCUDA_SYS_CUDA_VERSION=13.0, libclang unloadable; only
#                         where the tree has shipped/
#   cudarc                cudarc 0.19.10, driver only, dynamic loading, cuda-13000
#   base, base-pregen     with BASE_COMMIT: the same two for that commit's tree, side by side
# Headers: CUDA 13.0 (scripts/deps.sh). Registry crates are fetched before timing starts. Then one
# more build of the default variant with --timings, whose unit times give the critical path.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5} base=${2:-}
eval "$(scripts/deps.sh)"
unset LIBCUDA_SYS_LIB_DIR CUDA_PATH CUDA_HOME CUDA_ROOT CUDA_TOOLKIT_ROOT_DIR LIBCUDA_SYS_BINDINGS
export LIBCUDA_SYS_INCLUDE_DIR=$CUDA_HEADERS_13_0
repo=$PWD
work=$repo/target/build-time
rm -rf "$work"; mkdir -p "$work" "$work/no-libclang"

# One consumer crate: NAME, the dependency line, the call.
consumer() {
  local name=$1 dep=$2 body=$3
  mkdir -p "$work/$name/src"
  cat >"$work/$name/Cargo.toml" <<EOF
[package]
name = "$name"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$dep

[workspace]
EOF
  echo "fn main() { $body }" >"$work/$name/src/main.rs"
  cp "$repo/Cargo.lock" "$work/$name/Cargo.lock" 2>/dev/null || true
  (cd "$work/$name" && cargo fetch -q)
}

call='let mut v = 0; let r = unsafe { libcuda_sys::cuDriverGetVersion(&mut v) }; println!("{r:?} {v}");'
variants=()
# The variants of one tree: NAME (its consumer; NAME-pregen without bindgen), the tree.
trees() {
  local name=$1 tree=$2
  consumer "$name" "libcuda-sys = { path = \"$tree\" }" "$call"
  variants+=("$name")
  grep -q '^bindgen = \[' "$tree/Cargo.toml" || return 0
  # The file a build with bindgen writes, for the build without it.
  (cd "$work/$name" && CARGO_TARGET_DIR="$work/seed-$name" cargo build -q --release)
  bindings=$(find "$work/seed-$name/release/build" -path '*libcuda-sys-*/out/bindings.rs' | head -n1)
  [ -f "$bindings" ] || { echo "build_time: no bindings.rs from the seed build of $name" >&2; exit 1; }
  cp "$bindings" "$work/$name.bindings.rs"
  consumer "$name-pregen" "libcuda-sys = { path = \"$tree\", default-features = false }" "$call"
  variants+=("$name-pregen")
  [ -d "$tree/shipped" ] || return 0
  consumer "$name-shipped" "libcuda-sys = { path = \"$tree\", default-features = false }" "$call"
  variants+=("$name-shipped")
}
trees libcuda-sys "$repo"
if [ -n "$base" ]; then
  mkdir -p "$work/base-tree"
  git archive "$base" | tar -x -C "$work/base-tree"
  trees base "$work/base-tree"
fi
consumer cudarc 'cudarc = { version = "=0.19.10", default-features = false, features = ["std", "driver", "dynamic-loading", "cuda-13000"] }' \
  'let mut v = 0; let r = unsafe { cudarc::driver::sys::cuDriverGetVersion(&mut v) }; println!("{r:?} {v}");'
variants+=(cudarc)

results=$work/results.tsv
: >"$results"
n=${#variants[@]}
for ((round = 0; round < rounds; round++)); do
  for ((i = 0; i < n; i++)); do
    v=${variants[$(((round + i) % n))]}
    rm -rf "$work/$v/target"
    env=()
    [[ "$v" = *-pregen ]] && env=(LIBCUDA_SYS_BINDINGS="$work/${v%-pregen}.bindings.rs")
    [[ "$v" = *-shipped ]] && env=(-u LIBCUDA_SYS_INCLUDE_DIR LIBCUDA_SYS_CUDA_VERSION=13.0 LIBCLANG_PATH="$work/no-libclang")
    start=$(date +%s.%N)
    (cd "$work/$v" && env "${env[@]}" cargo build -q --release --offline)
    end=$(date +%s.%N)
    printf '%s\t%s\t%s\n' "$round" "$v" "$(awk "BEGIN { print $end - $start }")" | tee -a "$results"
  done
done

# The critical path of the default variant.
rm -rf "$work/libcuda-sys/target"
(cd "$work/libcuda-sys" && cargo build -q --release --offline --timings)
python3 - "$results" "$work/libcuda-sys/target/cargo-timings/cargo-timing.html" <<'PY'
import json, re, statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
times = {}
for _, v, t in rows:
    times.setdefault(v, []).append(float(t))
base = statistics.median(times["cudarc"])
print(f"\n| variant | median s | min–max s | × cudarc |\n|---|---|---|---|")
for v, ts in times.items():
    m = statistics.median(ts)
    print(f"| {v} | {m:.2f} | {min(ts):.2f}–{max(ts):.2f} | {m / base:.2f} |")
# With a base commit: each round's ratio to it (the round's builds ran one after the other).
for this, other in (("libcuda-sys", "base"), ("libcuda-sys-pregen", "base-pregen"), ("libcuda-sys-shipped", "cudarc")):
    if other in times and this in times:
        per_round = {}
        for r, v, t in rows:
            per_round.setdefault(r, {})[v] = float(t)
        ratios = [d[this] / d[other] for d in per_round.values() if this in d and other in d]
        print(f"{this} / {other}: medians {statistics.median(times[this]) / statistics.median(times[other]):.2f}x; "
              f"per round {' '.join(f'{x:.2f}' for x in ratios)}, median {statistics.median(ratios):.2f}")
html = open(sys.argv[2]).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S).group(1))
print("\nunits of the default variant, longest first (s):")
for u in sorted(units, key=lambda u: -u["duration"])[:12]:
    what = u["name"] + (" " + u["target"].strip() if u["target"].strip() else "")
    print(f"  {u['duration']:6.2f}  start {u['start']:6.2f}  {what} {u['version']}")
PY
