#!/usr/bin/env bash
# Fetches what building and testing libcuda-sys needs on a machine that has only a Rust toolchain
# and Python's pip, then prints what it found as shell assignments:
#
#   eval "$(scripts/deps.sh)"                 libclang, the pinned CUDA headers, the interop
#                                             headers, NVIDIA's driver library
#   eval "$(scripts/deps.sh --nvcc)"          the same, and ptxas/nvcc for the PTX fixtures
#   eval "$(scripts/deps.sh --target T)"      the same, and what building for T and running its
#                                             programs here needs (aarch64-unknown-linux-gnu,
#                                             x86_64-pc-windows-gnu)
#
# One job per file under scripts/deps/: libclang.sh (asked of clang-sys, bindgen's loader;
# Debian's libclang-dev when it finds none), wheels.sh (NVIDIA's pinned header wheels from PyPI),
# driver.sh (Debian non-free's libcuda1, unpacked), interop.sh (Debian's GL, EGL, VDPAU headers),
# cross.sh (cross compilers, qemu-user, Wine, the Rust targets). Everything goes into the cache
# (~/.cache/libcuda-sys, LIBCUDA_SYS_CACHE) but what apt and rustup install system-wide.
#
# Prints: LIBCUDA_SYS_CACHE, CUDA_RELEASES, CUDA_HEADERS_11_8, _12_9, _13_0, _13_5, DRIVER_LIB_DIR
# (a folder holding libcuda.so.1, or empty when the system has one), NVCC_BIN; with --target also
# CROSS_CUDA_ROOT, CROSS_DRIVER_LIB_DIR, WINE. Messages go to stderr.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
for part in common libclang wheels driver interop cross; do
  # shellcheck source=/dev/null
  source "$REPO/scripts/deps/$part.sh"
done
LIBCUDA_SYS_CACHE=${LIBCUDA_SYS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libcuda-sys}
mkdir -p "$LIBCUDA_SYS_CACHE"

ensure_libclang
ensure_interop_headers
fetch_headers
CUDA_RELEASES=$(for w in "${CUDA_WHEELS[@]}"; do t=${w%% *}; echo "${t/_/.}"; done | paste -sd ' ')
DRIVER_LIB_DIR=""
if [ -n "${LIBCUDA_SYS_LIB_DIR:-}" ]; then DRIVER_LIB_DIR=$LIBCUDA_SYS_LIB_DIR
elif ! system_has_libcuda; then DRIVER_LIB_DIR=$(fetch_driver); fi
NVCC_BIN=""
if [ "${1:-}" = --nvcc ]; then NVCC_BIN="$(fetch_wheel "$NVCC_WHEEL")/nvidia/cu13/bin"; fi
vars=(LIBCUDA_SYS_CACHE CUDA_RELEASES CUDA_HEADERS_11_8 CUDA_HEADERS_12_9 CUDA_HEADERS_13_0 CUDA_HEADERS_13_5 DRIVER_LIB_DIR NVCC_BIN)
if [ "${1:-}" = --target ]; then
  cross_deps "${2:?--target needs a target triple}"
  vars+=(CROSS_CUDA_ROOT CROSS_DRIVER_LIB_DIR WINE)
fi
for v in "${vars[@]}"; do
  printf 'export %s=%q\n' "$v" "${!v}"
done
