# Other targets, built here and run under an emulator. Both build into target/cross (they share
# the host's build dependencies), with CUDA 13.0 headers from NVIDIA's wheel for the target's
# platform; scripts/deps.sh --target fetches the rest.

# aarch64 Linux: the workspace under qemu-user against Debian non-free's arm64 libcuda.so.1
# (NVIDIA's real driver library: cuInit answers CUDA_ERROR_NO_DEVICE), the ABI check against
# aarch64 GCC included.
aarch64_suite() {
  local t=aarch64-unknown-linux-gnu
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
  # qemu-user does not follow execve: tests that run themselves again do it through the runner.
  export LIBCUDA_SYS_TEST_RUNNER=$CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER
  echo "=== $t under qemu-user: cargo test --workspace (headers: $CROSS_CUDA_ROOT; driver: arm64 libcuda.so.1 in $CROSS_DRIVER_LIB_DIR)"
  LD_LIBRARY_PATH=$CROSS_DRIVER_LIB_DIR CUDA_PATH=$CROSS_CUDA_ROOT CARGO_TARGET_DIR=target/cross cargo test --workspace --target $t
  # NVIDIA's headers are the same text on every platform (the aarch64 wheel's cuda.h is the x86_64
  # one's), but that wheel comes without cudaProfiler.h, whose items the shipped file holds: the
  # check reads the pinned 13.0 headers with the profiler wheel beside them, with aarch64's compiler.
  echo "=== $t under qemu-user: the shipped bindings of CUDA 13.0 (bindgen off), ABI-checked against the header with aarch64's C compiler"
  LD_LIBRARY_PATH=$CROSS_DRIVER_LIB_DIR LIBCUDA_SYS_INCLUDE_DIR=$CUDA_HEADERS_13_0 LIBCLANG_PATH=$(no_libclang_dir) CARGO_TARGET_DIR=target/cross \
    cargo test -p libcuda-sys-systest --target $t --no-default-features
}

# x86_64 Windows (GNU): the workspace under Wine 8, which has no NVIDIA driver, so tests that call
# the driver report themselves as ignored. Link mode twice: through an import library generated
# from the header (no cuda.lib given), starting against the stub nvcuda.dll that the ABI check's
# build compiles (every function the header declares, each answering CUDA_ERROR_STUB_LIBRARY:
# this proves linking and symbol resolution, not driver behaviour); and through the wheel's
# cuda.lib. Then dynamic-loading without any nvcuda.dll.
windows_suite() {
  local t=x86_64-pc-windows-gnu dir=$PWD/target/cross/wine stub
  wine_setup "$dir"
  wine_dll scripts/wine/planted_nvcuda.c "$dir/planted/nvcuda.dll"
  export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$WINE
  stub=$(LIBCUDA_SYS_INCLUDE_DIR=$CROSS_CUDA_ROOT/include CARGO_TARGET_DIR=target/cross \
    cargo test --workspace --target $t --no-run --message-format=json | python3 scripts/test/out_dir.py libcuda-sys-systest)/stub
  [ -f "$stub/nvcuda.dll" ] || { echo "the ABI check's build wrote no $stub/nvcuda.dll"; exit 1; }
  echo "=== $t under Wine, link mode through an import library generated from cuda.h: cargo test --workspace"
  echo "    (nvcuda.dll is a stub generated from the header: this proves linking and symbol resolution, not driver behaviour)"
  WINEPATH=$(wine_path "$stub") LIBCUDA_SYS_INCLUDE_DIR=$CROSS_CUDA_ROOT/include CARGO_TARGET_DIR=target/cross \
    cargo test --workspace --target $t
  echo "=== $t under Wine, link mode through NVIDIA's cuda.lib ($CROSS_CUDA_ROOT/lib/x64): cargo test -p libcuda-sys"
  CUDA_PATH=$CROSS_CUDA_ROOT CARGO_TARGET_DIR=target/cross cargo test -p libcuda-sys --target $t
  echo "=== $t under Wine, dynamic-loading without a driver: cargo test -p libcuda-sys --features dynamic-loading"
  LIBCUDA_SYS_TEST_PLANTED_DLL=$(wine_path "$dir/planted/nvcuda.dll") CUDA_PATH=$CROSS_CUDA_ROOT CARGO_TARGET_DIR=target/cross \
    cargo test -p libcuda-sys --target $t --features dynamic-loading
  windows_shipped_abi
}

# Each release's shipped windows-gnu file, with bindgen off and the release's header found: the
# ABI check against mingw's C compiler, under Wine against the stub nvcuda.dll of that build.
windows_shipped_abi() {
  local t=x86_64-pc-windows-gnu release headers stub
  for release in $CUDA_RELEASES; do
    headers=CUDA_HEADERS_${release/./_}
    echo "=== $t under Wine: the shipped bindings of CUDA $release (bindgen off), ABI-checked against the header"
    stub=$(LIBCLANG_PATH=$(no_libclang_dir) LIBCUDA_SYS_INCLUDE_DIR=${!headers} CARGO_TARGET_DIR=target/cross \
      cargo test -p libcuda-sys-systest --target $t --no-default-features --no-run --message-format=json |
      python3 scripts/test/out_dir.py libcuda-sys-systest)/stub
    WINEPATH=$(wine_path "$stub") LIBCLANG_PATH=$(no_libclang_dir) LIBCUDA_SYS_INCLUDE_DIR=${!headers} CARGO_TARGET_DIR=target/cross \
      cargo test -p libcuda-sys-systest --target $t --no-default-features
  done
}

# One target, in a subshell: its variables (runners, LIBCUDA_SYS_TEST_RUNNER, Wine's) end with it.
cross_suite() (
  eval "$(scripts/deps.sh --target "$1")"
  case $1 in
    aarch64-unknown-linux-gnu) aarch64_suite ;;
    x86_64-pc-windows-gnu) windows_suite ;;
  esac
)
