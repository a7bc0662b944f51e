#!/usr/bin/env bash
# The vector-add demo (the CUDA programming guide's vectorAddDrv, examples/vector_add.rs).
# Uses the CUDA headers and driver the machine has; fetches pinned headers (CUDA 13.0) and
# NVIDIA's driver library from Debian non-free only when they are missing (scripts/deps.sh).
# Without a GPU the demo ends with a one-line diagnosis and exit status 1.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/deps.sh)"
if [ -z "${LIBCUDA_SYS_INCLUDE_DIR:-}${CUDA_PATH:-}${CUDA_HOME:-}" ] && [ ! -e /usr/local/cuda/include/cuda.h ] && ! command -v nvcc >/dev/null; then
  export LIBCUDA_SYS_INCLUDE_DIR=$CUDA_HEADERS_13_0
fi
if [ -n "$DRIVER_LIB_DIR" ]; then
  export LD_LIBRARY_PATH="$DRIVER_LIB_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
exec cargo run --release --example vector_add
