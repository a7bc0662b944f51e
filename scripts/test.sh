#!/usr/bin/env bash
# The test suite, on a machine with only a Rust toolchain: no GPU and no CUDA needed.
# scripts/deps.sh fetches what is missing (libclang, pinned CUDA header wheels, NVIDIA's driver
# library from Debian non-free), then every supported header release is built and tested, each in
# its own target directory. The GPU tests report themselves as ignored where there is no GPU.
#
#   scripts/test.sh            every release, then dynamic loading (both stream mappings are checked
#                              in every suite: the crate root and libcuda_sys::per_thread), then the
#                              build without bindgen (LIBCUDA_SYS_BINDINGS, libclang unloadable)
#   scripts/test.sh 13.0       one release (11.8, 12.9, 13.0, 13.5; any other is refused)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
if [ -n "$DRIVER_LIB_DIR" ]; then
  # The driver library is found at run time only; at build time the crate links against a stub
  # it generates from the header, as with a toolkit's lib64/stubs.
  export LD_LIBRARY_PATH="$DRIVER_LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
unset LIBCUDA_SYS_LIB_DIR CUDA_PATH CUDA_HOME CUDA_ROOT CUDA_TOOLKIT_ROOT_DIR

# The headers folder scripts/deps.sh set for a release (13.0 -> $CUDA_HEADERS_13_0); empty if none.
headers_of() { [[ $1 =~ ^[0-9]+\.[0-9]+$ ]] || return 0; local v="CUDA_HEADERS_${1/./_}"; echo "${!v:-}"; }

# cargo test for one header release; extra arguments go to cargo.
suite() {
  local release=$1; shift
  echo "=== CUDA $release headers: cargo test --workspace $*"
  LIBCUDA_SYS_INCLUDE_DIR=$(headers_of "$release") CARGO_TARGET_DIR="${SUITE_TARGET_DIR:-target/cuda-$release}" \
    cargo test --workspace "$@"
}

# The out dir of libcuda-sys's build script for a release; extra arguments go to cargo build.
out_dir_of() {
  local release=$1; shift
  LIBCUDA_SYS_INCLUDE_DIR=$(headers_of "$release") CARGO_TARGET_DIR="target/cuda-$release" \
    cargo build -q -p libcuda-sys --message-format=json "$@" |
    python3 -c 'import json, sys
for m in map(json.loads, sys.stdin):
    if m.get("reason") == "build-script-executed" and "#libcuda-sys@" in m["package_id"]:
        print(m["out_dir"])'
}

# The generated bindings depend on the header and the target only: a build with dynamic-loading
# generates, byte for byte, the file a build without it generates.
same_bindings() {
  local release=$1 link dynamic
  link=$(out_dir_of "$release")/bindings.rs
  dynamic=$(out_dir_of "$release" --features dynamic-loading)/bindings.rs
  [ "$link" != "$dynamic" ] || { echo "bindings $release: one build script run for both modes ($link)"; exit 1; }
  cmp "$link" "$dynamic" || { echo "bindings $release: $link and $dynamic differ"; exit 1; }
  echo "bindings $release: the same $(wc -c <"$link") bytes with and without dynamic-loading ($(sed -n '2,5s|^// ||p' "$link" | paste -sd ';' | sed 's/;/; /g'))"
}

# Discovery end to end: the real build with CUDA_HOME at an unpacked wheel root, then with no
# variable at all but an active virtualenv that has the wheel installed; a second build must not
# run the build script again.
discovery() {
  local wheel_root; wheel_root=$(dirname "$(headers_of 13.0)")
  echo "=== discovery: CUDA_HOME=$wheel_root"
  CUDA_HOME=$wheel_root CARGO_TARGET_DIR=target/discovery cargo build -p libcuda-sys
  local venv=target/discovery-venv
  [ -x "$venv/bin/python3" ] || python3 -m venv "$venv"
  "$venv/bin/python3" -m pip install -q --no-deps --no-index "$wheel_root"/../../*.whl
  echo "=== discovery: no variable, VIRTUAL_ENV=$venv with nvidia-cuda-runtime"
  local log
  log=$(VIRTUAL_ENV="$PWD/$venv" PATH="$PWD/$venv/bin:$PATH" CARGO_TARGET_DIR=target/discovery cargo build -p libcuda-sys -vv 2>&1)
  grep -F "libcuda-sys: using" <<<"$log" | sed 's/^\[[^]]*\] //'
  grep -q "found by VIRTUAL_ENV" <<<"$log" || { echo "the virtualenv's headers were not chosen"; exit 1; }
  VIRTUAL_ENV="$PWD/$venv" PATH="$PWD/$venv/bin:$PATH" CARGO_TARGET_DIR=target/discovery no_rerun
}

# No-op rebuild: a second `cargo build` (extra arguments: its options) runs no build script.
no_rerun() {
  local log
  log=$(cargo build -p libcuda-sys -v "$@" 2>&1)
  if grep -q "build-script-build" <<<"$log"; then echo "a no-op rebuild ran the build script again:"; echo "$log"; exit 1; fi
  echo "second build: $(grep -c Fresh <<<"$log") crates fresh, build script not run"
}

# Without bindgen: a build with it writes the bindings file (LIBCUDA_SYS_BINDINGS_OUT); then the
# whole suite, in both link modes, with LIBCLANG_PATH at an empty folder (libclang cannot load) and
# LIBCUDA_SYS_BINDINGS at that file. Nothing that generation needs may be in the build graph.
without_bindgen() {
  local release=$1 file no_libclang
  file=$PWD/target/pregenerated/cuda-$release-$(rustc -vV | sed -n 's/^host: //p').rs
  no_libclang=$PWD/target/no-libclang
  mkdir -p "$(dirname "$file")" "$no_libclang"
  echo "=== CUDA $release headers: the bindings file, from a build with bindgen"
  LIBCUDA_SYS_BINDINGS_OUT=$file LIBCUDA_SYS_INCLUDE_DIR=$(headers_of "$release") CARGO_TARGET_DIR="target/cuda-$release" \
    cargo build -p libcuda-sys
  echo "$file: $(wc -c <"$file") bytes ($(sed -n '2,5s|^// ||p' "$file" | paste -sd ';' | sed 's/;/; /g'))"
  local graph
  for edges in build normal,build; do
    for features in "" "--features dynamic-loading"; do
      # shellcheck disable=SC2086
      graph=$(cargo tree -e "$edges" -p libcuda-sys --no-default-features $features --prefix none)
      if grep -Eq '^(bindgen|clang-sys|syn|prettyplease|doxygen-bindgen) ' <<<"$graph"; then
        echo "cargo tree -e $edges -p libcuda-sys --no-default-features $features still holds generation's crates:"; echo "$graph"; exit 1
      fi
    done
  done
  echo "cargo tree -e build -p libcuda-sys --no-default-features: $(cargo tree -e build -p libcuda-sys --no-default-features --prefix none | sed 1d | paste -sd ' ')"
  export LIBCLANG_PATH=$no_libclang LIBCUDA_SYS_BINDINGS=$file
  SUITE_TARGET_DIR=target/cuda-$release-pregenerated suite "$release" --no-default-features
  SUITE_TARGET_DIR=target/cuda-$release-pregenerated suite "$release" --no-default-features --features libcuda-sys/dynamic-loading
  LIBCUDA_SYS_INCLUDE_DIR=$(headers_of "$release") CARGO_TARGET_DIR=target/cuda-$release-pregenerated cargo build -q -p libcuda-sys --no-default-features
  LIBCUDA_SYS_INCLUDE_DIR=$(headers_of "$release") CARGO_TARGET_DIR=target/cuda-$release-pregenerated no_rerun --no-default-features
  LIBCUDA_SYS_INCLUDE_DIR=$(headers_of "$release") CARGO_TARGET_DIR=target/cuda-$release-pregenerated \
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p libcuda-sys --no-default-features
  unset LIBCLANG_PATH LIBCUDA_SYS_BINDINGS
}

releases=("${@:-13.0 12.9 11.8 13.5}")
for release in ${releases[*]}; do
  if [ -z "$(headers_of "$release")" ]; then
    known=$(for wheel in "${CUDA_WHEELS[@]}"; do w=${wheel%% *}; printf ' %s' "${w/_/.}"; done)
    echo "scripts/test.sh: no CUDA $release headers: scripts/deps.sh pins headers for$known" >&2
    exit 2
  fi
done
for release in ${releases[*]}; do
  suite "$release"
done
if [ $# -eq 0 ]; then
  suite 13.0 --features libcuda-sys/dynamic-loading
  suite 12.9 --features libcuda-sys/dynamic-loading
  same_bindings 13.0
  same_bindings 12.9
  discovery
  without_bindgen 13.0
fi
