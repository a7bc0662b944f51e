#!/usr/bin/env bash
# The test suite, on a machine with only a Rust toolchain and Python's pip: no GPU and no CUDA
# needed. scripts/deps.sh fetches what is missing; then every pinned header release is built and
# tested, each in its own target directory. The GPU tests report themselves as ignored where there
# is no GPU. Both stream mappings (the crate root and libcuda_sys::per_thread) are checked in every
# suite.
#
#   scripts/test.sh            every release; dynamic loading; the bindings of both link modes;
#                              discovery; the build without bindgen; the shipped bindings (each
#                              checked, the suite without any header, docs.rs, the package); the
#                              ABI check with the interop headers (gl, egl, vdpau) and their
#                              suites; aarch64 and Windows
#   scripts/test.sh 13.0       one release (11.8, 12.9, 13.0, 13.5; any other is refused), and its
#                              ABI check with gl, egl, vdpau
#   scripts/test.sh --target aarch64-unknown-linux-gnu   the workspace for aarch64, under qemu-user
#   scripts/test.sh --target x86_64-pc-windows-gnu       the workspace for Windows, under Wine
#
# The steps live in scripts/test/: suites.sh (one release's suites, the bindings of both modes,
# discovery, the interop ABI check), without_bindgen.sh, shipped.sh, cross.sh and wine.sh (the
# other targets).
set -euo pipefail
cd "$(dirname "$0")/.."
for part in suites without_bindgen shipped wine cross; do
  # shellcheck source=/dev/null
  source "scripts/test/$part.sh"
done

if [ "${1:-}" = --target ]; then
  cross_suite "${2:?--target needs aarch64-unknown-linux-gnu or x86_64-pc-windows-gnu}"
  exit
fi

eval "$(scripts/deps.sh)"
if [ -n "$DRIVER_LIB_DIR" ]; then
  # The driver library is found at run time only; at build time the crate links against a stub
  # it generates from the header, as with a toolkit's lib64/stubs.
  export LD_LIBRARY_PATH="$DRIVER_LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
unset LIBCUDA_SYS_LIB_DIR CUDA_PATH CUDA_HOME CUDA_ROOT CUDA_TOOLKIT_ROOT_DIR

releases=("${@:-13.0 12.9 11.8 13.5}")
for release in ${releases[*]}; do
  if [ -z "$(headers_of "$release")" ]; then
    echo "scripts/test.sh: no CUDA $release headers: scripts/deps.sh pins headers for $CUDA_RELEASES" >&2
    exit 2
  fi
done
for release in ${releases[*]}; do
  suite "$release"
done
if [ $# -eq 0 ]; then
  suite 13.0 --features libcuda-sys/versioned
  any_driver_example
  suite 12.9 --features libcuda-sys/dynamic-loading
  same_bindings 13.0
  same_bindings 12.9
  discovery
  without_bindgen 13.0
  shipped_suite
fi
for release in ${releases[*]}; do
  interop_abi "$release"
done
if [ $# -eq 0 ]; then
  suite 13.0 --features "$INTEROP"
  suite 13.0 --features "$INTEROP,libcuda-sys/dynamic-loading"
  cross_suite aarch64-unknown-linux-gnu
  cross_suite x86_64-pc-windows-gnu
fi
