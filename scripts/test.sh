#!/usr/bin/env bash
# The test suite, on a machine with only a Rust toolchain: no GPU and no CUDA needed.
# scripts/deps.sh fetches what is missing (libclang, pinned CUDA header wheels, NVIDIA's driver
# library from Debian non-free), then every supported header release is built and tested, each in
# its own target directory. The GPU tests report themselves as ignored where there is no GPU.
#
#   scripts/test.sh            every release, then dynamic loading (both stream mappings are checked
#                              in every suite: the crate root and libcuda_sys::per_thread), then the
#                              interop features (gl, egl, vdpau), then the build without
#                              bindgen (LIBCUDA_SYS_BINDINGS, libclang unloadable), then aarch64 and
#                              Windows
#   scripts/test.sh 13.0       one release (11.8, 12.9, 13.0, 13.5; any other is refused), and its ABI
#                              check with gl, egl, vdpau
#   scripts/test.sh --target aarch64-unknown-linux-gnu   the workspace for aarch64, under qemu-user
#   scripts/test.sh --target x86_64-pc-windows-gnu       the workspace for Windows, under Wine
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

# --- Other targets, built here and run under an emulator ------------------------------------
# Both build into target/cross (they share the host's build dependencies), with CUDA 13.0 headers
# from NVIDIA's wheel for the target's platform; cross_deps (scripts/deps.sh) fetches the rest.

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
}

# A Windows path for Wine (its drive Z: is /).
wine_path() { local p; p=$(realpath "$1"); echo "Z:${p//\//\\}"; }

# Compiles a DLL from C on stdin with mingw: wine_dll OUT.dll [LIBS...]
wine_dll() { local out=$1; shift; x86_64-w64-mingw32-gcc -shared -O1 -x c - -o "$out" "$@"; }

# The Wine 8 prefix the Windows programs run in, and the DLLs they need; sets WINEPREFIX and prints
# nothing. Wine 8 lacks bcryptprimitives.dll!ProcessPrng, which Rust's standard library imports: a
# DLL that forwards it to advapi32's SystemFunction036 goes into the prefix's system32.
wine_setup() {
  local dir=$1
  export WINEPREFIX=$dir/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    mkdir -p "$dir"; "$WINE" wineboot -i >"$dir/wineboot.log" 2>&1 || { cat "$dir/wineboot.log"; return 1; }
  fi
  wine_dll "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" -ladvapi32 <<'C'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
C
}

# A stub nvcuda.dll exporting every function the header declares (gcc -aux-info lists them),
# each answering CUDA_ERROR_STUB_LIBRARY (34), as the Linux link stub does: programs linked
# through an import library start against it, which proves linking and symbol resolution only.
wine_stub_nvcuda() {
  local include=$1 dir=$2
  mkdir -p "$dir"
  echo '#include <cuda.h>' >"$dir/declared.c"
  x86_64-w64-mingw32-gcc -fsyntax-only -aux-info "$dir/declared.aux" -I"$include" "$dir/declared.c"
  grep 'cuda\.h:[0-9]*:NC \*/' "$dir/declared.aux" | sed -E 's@^/\*[^*]*\*/ *@@; s/ \(.*//; s/.*[^A-Za-z0-9_]//' |
    awk 'BEGIN { print "static volatile int calls[4096];" } { printf "__declspec(dllexport) int %s(void) { calls[%d]++; return 34; }\n", $1, NR }' |
    wine_dll "$dir/nvcuda.dll"
}

# A planted nvcuda.dll whose DllMain writes where it was loaded from into the file named by
# LIBCUDA_SYS_TEST_MARK (tests/windows.rs).
wine_planted_nvcuda() {
  mkdir -p "$(dirname "$1")"
  wine_dll "$1" <<'C'
#include <windows.h>
BOOL WINAPI DllMain(HINSTANCE self, DWORD reason, LPVOID reserved) {
    char mark[MAX_PATH], path[MAX_PATH];
    DWORD n = GetEnvironmentVariableA("LIBCUDA_SYS_TEST_MARK", mark, sizeof mark), written;
    if (reason == DLL_PROCESS_ATTACH && n > 0 && n < sizeof mark) {
        HANDLE f = CreateFileA(mark, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        if (f != INVALID_HANDLE_VALUE) {
            DWORD len = GetModuleFileNameA(self, path, sizeof path);
            WriteFile(f, "planted nvcuda.dll loaded from ", 31, &written, NULL);
            WriteFile(f, path, len, &written, NULL);
            CloseHandle(f);
        }
    }
    return TRUE;
}
C
}

# x86_64 Windows (GNU): the workspace under Wine 8, which has no NVIDIA driver, so tests that call
# the driver report themselves as ignored. Link mode twice: through an import library generated
# from the header (no cuda.lib given), starting against a stub nvcuda.dll on WINEPATH; and through
# the wheel's cuda.lib. Then dynamic-loading without any nvcuda.dll.
windows_suite() {
  local t=x86_64-pc-windows-gnu dir=$PWD/target/cross/wine
  wine_setup "$dir"
  wine_stub_nvcuda "$CROSS_CUDA_ROOT/include" "$dir/stub"
  wine_planted_nvcuda "$dir/planted/nvcuda.dll"
  export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=$WINE
  echo "=== $t under Wine, link mode through an import library generated from cuda.h: cargo test --workspace"
  echo "    (nvcuda.dll is a stub generated from the header: this proves linking and symbol resolution, not driver behaviour)"
  WINEPATH=$(wine_path "$dir/stub") LIBCUDA_SYS_INCLUDE_DIR=$CROSS_CUDA_ROOT/include CARGO_TARGET_DIR=target/cross \
    cargo test --workspace --target $t
  echo "=== $t under Wine, link mode through NVIDIA's cuda.lib ($CROSS_CUDA_ROOT/lib/x64): cargo test -p libcuda-sys"
  CUDA_PATH=$CROSS_CUDA_ROOT CARGO_TARGET_DIR=target/cross cargo test -p libcuda-sys --target $t
  echo "=== $t under Wine, dynamic-loading without a driver: cargo test -p libcuda-sys --features dynamic-loading"
  LIBCUDA_SYS_TEST_PLANTED_DLL=$(wine_path "$dir/planted/nvcuda.dll") CUDA_PATH=$CROSS_CUDA_ROOT CARGO_TARGET_DIR=target/cross \
    cargo test -p libcuda-sys --target $t --features dynamic-loading
}

# One target, in a subshell: its variables (runners, LIBCUDA_SYS_TEST_RUNNER, Wine's) end with it.
cross_suite() (
  source scripts/deps.sh --target "$1"
  case $1 in
    aarch64-unknown-linux-gnu) aarch64_suite ;;
    x86_64-pc-windows-gnu) windows_suite ;;
  esac
)

if [ "${1:-}" = --target ]; then
  cross_suite "${2:?--target needs aarch64-unknown-linux-gnu or x86_64-pc-windows-gnu}"
  exit
fi

# The graphics interop headers (features gl, egl, vdpau) bound too: the ABI check of one release,
# and with no arguments the whole suite, in link mode and with dynamic-loading.
INTEROP=libcuda-sys/gl,libcuda-sys/egl,libcuda-sys/vdpau,libcuda-sys-consumer/gl
interop_abi() {
  local release=$1
  echo "=== CUDA $release headers with gl, egl, vdpau: the ABI check"
  LIBCUDA_SYS_INCLUDE_DIR=$(headers_of "$release") CARGO_TARGET_DIR="target/cuda-$release" \
    cargo test -p libcuda-sys-systest --features libcuda-sys/gl,libcuda-sys/egl,libcuda-sys/vdpau
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
for release in ${releases[*]}; do
  interop_abi "$release"
done
if [ $# -eq 0 ]; then
  suite 13.0 --features "$INTEROP"
  suite 13.0 --features "$INTEROP,libcuda-sys/dynamic-loading"
  cross_suite aarch64-unknown-linux-gnu
  cross_suite x86_64-pc-windows-gnu
fi
