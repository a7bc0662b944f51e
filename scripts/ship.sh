#!/usr/bin/env bash
# The bindings the crate ships, shipped/cuda-<release>-<abi>.rs: generated from NVIDIA's pinned
# header wheels (scripts/deps.sh) by the crate's own build script in its shipped flavor
# (LIBCUDA_SYS_SHIP: interface facts only, no text of NVIDIA's), for x86_64 Linux, aarch64 Linux and
# x86_64 Windows (GNU). The two Linux targets must give byte-identical files (one file serves both);
# Windows gets its own (it names another driver library). The same inputs give the same bytes.
#
#   scripts/ship.sh           writes shipped/
#   scripts/ship.sh --check   regenerates into target/ship and fails when shipped/ differs
set -euo pipefail
cd "$(dirname "$0")/.."
check=false
[ "${1:-}" = --check ] && check=true
# The cross compilers the build script's C preprocessor and C wrappers need for the other targets.
eval "$(scripts/deps.sh --target aarch64-unknown-linux-gnu)"
eval "$(scripts/deps.sh --target x86_64-pc-windows-gnu)"
unset LIBCUDA_SYS_LIB_DIR CUDA_PATH CUDA_HOME CUDA_ROOT CUDA_TOOLKIT_ROOT_DIR LIBCUDA_SYS_CUDA_VERSION LIBCUDA_SYS_BINDINGS

out=$PWD/target/ship
rm -rf "$out"
mkdir -p "$out/per-target" "$out/shipped"
targets=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-pc-windows-gnu)
for release in $CUDA_RELEASES; do
  headers=CUDA_HEADERS_${release/./_}
  for t in "${targets[@]}"; do
    # dynamic-loading: nothing is linked, so no link stub is compiled for the target.
    LIBCUDA_SYS_SHIP=$out/per-target/cuda-$release-$t.rs LIBCUDA_SYS_INCLUDE_DIR=${!headers} CARGO_TARGET_DIR=target/ship-build \
      cargo build -q -p libcuda-sys --target "$t" --features dynamic-loading
  done
  if ! cmp "$out/per-target/cuda-$release-x86_64-unknown-linux-gnu.rs" "$out/per-target/cuda-$release-aarch64-unknown-linux-gnu.rs"; then
    echo "ship: CUDA $release: x86_64 and aarch64 Linux give different bindings; one file cannot serve both" >&2
    diff "$out/per-target/cuda-$release-x86_64-unknown-linux-gnu.rs" "$out/per-target/cuda-$release-aarch64-unknown-linux-gnu.rs" | head -20 >&2
    exit 1
  fi
  cp "$out/per-target/cuda-$release-x86_64-unknown-linux-gnu.rs" "$out/shipped/cuda-$release-linux.rs"
  cp "$out/per-target/cuda-$release-x86_64-pc-windows-gnu.rs" "$out/shipped/cuda-$release-windows-gnu.rs"
  echo "ship: CUDA $release: linux $(wc -c <"$out/shipped/cuda-$release-linux.rs") bytes (x86_64 = aarch64), windows-gnu $(wc -c <"$out/shipped/cuda-$release-windows-gnu.rs") bytes"
done
if $check; then
  if ! diff -r -q shipped "$out/shipped"; then
    echo "ship: shipped/ is not what scripts/ship.sh generates from the pinned headers: run scripts/ship.sh and commit shipped/" >&2
    exit 1
  fi
  echo "ship: shipped/ is what the generator writes from the pinned headers ($(ls shipped | wc -l) files)"
else
  rm -rf shipped && cp -r "$out/shipped" shipped
  echo "ship: wrote shipped/ ($(du -sh shipped | cut -f1))"
fi
