# The suites of one header release on this machine: cargo test, the bindings of both link modes,
# discovery end to end, the ABI check with the interop headers.

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
    cargo build -q -p libcuda-sys --message-format=json "$@" | python3 scripts/test/out_dir.py libcuda-sys
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

# No-op rebuild: a second `cargo build` (extra arguments: its options) runs no build script.
no_rerun() {
  local log
  log=$(cargo build -p libcuda-sys -v "$@" 2>&1)
  if grep -q "build-script-main" <<<"$log"; then echo "a no-op rebuild ran the build script again:"; echo "$log"; exit 1; fi
  echo "second build: $(grep -c Fresh <<<"$log") crates fresh, build script not run"
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

# The graphics interop headers (features gl, egl, vdpau) bound too: the ABI check of one release.
INTEROP=libcuda-sys/gl,libcuda-sys/egl,libcuda-sys/vdpau,libcuda-sys-consumer/gl
interop_abi() {
  local release=$1
  echo "=== CUDA $release headers with gl, egl, vdpau: the ABI check"
  LIBCUDA_SYS_INCLUDE_DIR=$(headers_of "$release") CARGO_TARGET_DIR="target/cuda-$release" \
    cargo test -p libcuda-sys-systest --features libcuda-sys/gl,libcuda-sys/egl,libcuda-sys/vdpau
}

# examples/any_driver.rs against this machine's driver (CI: Debian's 535, CUDA 12.2, no GPU): it
# names the newest cuCtxCreate ABI the driver has, then ends with the no-device diagnosis.
any_driver_example() {
  local out
  if out=$(LIBCUDA_SYS_INCLUDE_DIR=$(headers_of 13.0) CARGO_TARGET_DIR=target/cuda-13.0 \
    cargo run -q --example any_driver --features libcuda-sys/versioned 2>&1); then
    echo "$out"; echo "any_driver: ended with success where there is no GPU"; exit 1
  fi
  echo "$out"
  grep -q "is the one to use" <<<"$out" && grep -q "no usable GPU: cuInit answered CUDA_ERROR_NO_DEVICE" <<<"$out" ||
    { echo "any_driver: expected the ABI it would use, then the no-device diagnosis"; exit 1; }
}
