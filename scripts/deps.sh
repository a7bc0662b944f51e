#!/usr/bin/env bash
# Fetches what building and testing libcuda-sys needs on a machine that has only a Rust
# toolchain, without installing anything system-wide but libclang:
#   - libclang (bindgen's parser): Debian's libclang-dev through apt, when none is found;
#   - NVIDIA's CUDA headers: pinned PyPI wheels, unpacked into the cache; each release's
#     cudaProfiler.h wheel is unpacked into the same folder as its runtime wheel;
#   - the GL, EGL and VDPAU headers the interop features need: Debian's libgl-dev, libegl-dev,
#     libvdpau-dev through apt, when the C compiler cannot include them;
#   - NVIDIA's real driver library (libcuda.so.1): Debian non-free's libcuda1, downloaded through
#     a private apt configuration that adds the non-free component to this machine's own mirror,
#     unpacked with dpkg -x into the cache; only when the system has no libcuda.so.1;
#   - ptxas/nvcc (only with --nvcc): the pinned nvidia-cuda-nvcc wheel, for the PTX fixtures.
#   - with --target T (aarch64-unknown-linux-gnu, x86_64-pc-windows-gnu): what building for T and
#     running its programs here needs (see cross_deps), through rustup, apt, pip.
#
# Usage: source scripts/deps.sh [--nvcc | --target T]   (or run it: it prints the variables it sets)
# Sets: LIBCUDA_SYS_CACHE, CUDA_HEADERS_11_8, CUDA_HEADERS_12_9, CUDA_HEADERS_13_0, CUDA_HEADERS_13_5,
#       DRIVER_LIB_DIR (a directory holding libcuda.so.1, or empty if the system has one), NVCC_BIN;
#       with --target also CROSS_CUDA_ROOT, CROSS_DRIVER_LIB_DIR, WINE.
# Pinned releases: the wheel, and the folder inside it that holds cuda.h.
CUDA_WHEELS=(
  "11_8 nvidia-cuda-runtime-cu11==11.8.89 nvidia/cuda_runtime/include"
  "12_9 nvidia-cuda-runtime-cu12==12.9.79 nvidia/cuda_runtime/include"
  "13_0 nvidia-cuda-runtime==13.0.96 nvidia/cu13/include"
  "13_5 nvidia-cuda-runtime==13.5.37 nvidia/cu13/include"
)
NVCC_WHEEL="nvidia-cuda-nvcc==13.5.37"
# The headers (and, for Windows, cuda.lib) of the other targets: the same release, their platforms' wheels.
CROSS_WHEEL="nvidia-cuda-runtime==13.0.96"
# Debian's Wine 8 (package wine64) installs its loader here and puts no wine64 on PATH.
WINE=/usr/lib/wine/wine64
DRIVER_PACKAGE="libcuda1"

LIBCUDA_SYS_CACHE=${LIBCUDA_SYS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/libcuda-sys}
mkdir -p "$LIBCUDA_SYS_CACHE"
say() { echo "deps: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# libclang_find: whether bindgen will find libclang, by its loader's own rules.
source "$(dirname "${BASH_SOURCE[0]}")/libclang.sh"

ensure_libclang() {
  local status=0
  libclang_find || status=$?
  case $status in
    0) say "libclang for bindgen: ${LIBCLANG_FOUND[0]} (${#LIBCLANG_FOUND[@]} found where bindgen looks)"; return 0 ;;
    2) say "LIBCLANG_PATH is set but unusable (see above): nothing installed"; return 1 ;;
  esac
  local why=""
  [ ${#LIBCLANG_REJECTED[@]} -eq 0 ] || why=" (not usable: ${LIBCLANG_REJECTED[*]})"
  say "no libclang where bindgen looks (llvm-config --prefix, LD_LIBRARY_PATH, LIBRARY_PATH, /usr/lib*, /usr/local/lib*, ...)$why"
  if ! command -v apt-get >/dev/null; then
    say "no apt-get here: install libclang yourself (Fedora: clang-devel; Arch: clang; macOS: llvm) or set LIBCLANG_PATH to its folder"
    return 1
  fi
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    say "installing libclang-dev needs root: run 'apt-get install libclang-dev' as root, or set LIBCLANG_PATH to a folder holding libclang"
    return 1
  fi
  say "installing Debian's libclang-dev with apt-get"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libclang-dev >&2
  status=0
  libclang_find || status=$?
  if [ $status -ne 0 ]; then
    say "libclang-dev is installed, yet no libclang is where bindgen looks: set LIBCLANG_PATH to the folder holding libclang.so"
    return 1
  fi
  say "libclang for bindgen: ${LIBCLANG_FOUND[0]} (installed)"
}

# Unpacks one pinned wheel into the cache (once) and prints the folder it went to. The wheel is
# the x86_64 Linux one, or with a second argument the one for another platform (aarch64, win_amd64).
fetch_wheel() {
  local spec=$1 platform=${2:-} dest="$LIBCUDA_SYS_CACHE/wheels/${1//==/-}${2:+-$2}"
  local tags=(manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux_2_27_x86_64 manylinux_2_28_x86_64)
  case $platform in
    aarch64) tags=(manylinux_2_17_aarch64 manylinux2014_aarch64 manylinux_2_27_aarch64 manylinux_2_28_aarch64) ;;
    win_amd64) tags=(win_amd64) ;;
  esac
  if [ ! -f "$dest/.done" ] || ! compgen -G "$dest/*.whl" >/dev/null; then
    say "fetching $spec${platform:+ for $platform}"
    local dl; dl=$(mktemp -d)
    python3 -m pip download -q --no-deps --only-binary=:all: "${tags[@]/#/--platform=}" -d "$dl" "$spec" >&2
    rm -rf "$dest"; mkdir -p "$dest"
    python3 -m zipfile -e "$dl"/*.whl "$dest"
    mv "$dl"/*.whl "$dest/"  # kept, for installing into a virtualenv
    # zipfile drops the executable bits of the tools (nvcc, ptxas).
    find "$dest" -path '*/bin/*' -type f -exec chmod +x {} +
    rm -rf "$dl"; touch "$dest/.done"
  fi
  echo "$dest"
}

system_has_libcuda() { ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1 '; }

# NVIDIA's libcuda1 from Debian non-free, through this machine's own mirror (read from apt's
# configuration), unpacked with dpkg -x. Prints the folder holding libcuda.so.1. With an argument,
# the package of that Debian architecture (arm64) instead of the machine's own.
fetch_driver() {
  local arch=${1:-} dest="$LIBCUDA_SYS_CACHE/driver${1:+-$1}"
  if [ ! -f "$dest/.done" ]; then
    say "fetching Debian non-free $DRIVER_PACKAGE${arch:+ for $arch} (NVIDIA's libcuda.so.1) into $dest"
    local apt="$LIBCUDA_SYS_CACHE/apt"; rm -rf "$apt"; mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc" "$apt/debs"
    # Every Debian source of this machine, again with the non-free component.
    python3 - "$apt/etc/sources.list" "$arch" <<'PY'
import glob, re, sys
arch = f"arch={sys.argv[2]} " if sys.argv[2] else ""
lines = []
for path in glob.glob("/etc/apt/sources.list.d/*.sources"):
    for stanza in re.split(r"\n\s*\n", open(path).read()):
        f = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line:
                continue
            k, v = line.split(":", 1)
            f[k.strip().lower()] = v.strip()
        if "deb" not in f.get("types", "").split() or not f.get("uris"):
            continue
        keyring = f.get("signed-by", "")
        opt = f" [{arch}signed-by={keyring}]" if keyring.startswith("/") else (f" [{arch.strip()}]" if arch else "")
        for uri in f["uris"].split():
            for suite in f.get("suites", "").split():
                lines.append(f"deb{opt} {uri} {suite} main non-free non-free-firmware")
for path in ["/etc/apt/sources.list"] + glob.glob("/etc/apt/sources.list.d/*.list"):
    try:
        for line in open(path):
            m = re.match(r"\s*deb\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)", line)
            if m and "debian" in m.group(2):
                opt = m.group(1) or ""
                if arch:
                    opt = f"[{arch}{opt.strip()[1:]} " if opt else f"[{arch.strip()}] "
                lines.append(f"deb {opt}{m.group(2)} {m.group(3)} main non-free non-free-firmware")
    except OSError:
        pass
if not lines:
    sys.exit("deps: no Debian source in /etc/apt: cannot fetch libcuda1; set LIBCUDA_SYS_LIB_DIR to a folder holding libcuda.so.1")
open(sys.argv[1], "w").write("\n".join(sorted(set(lines))) + "\n")
PY
    local o=(-o "Dir::Etc::SourceList=$apt/etc/sources.list" -o "Dir::Etc::SourceParts=-"
             -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
    [ -z "$arch" ] || o+=(-o "APT::Architecture=$arch" -o "APT::Architectures=$arch")
    apt-get "${o[@]}" -qq update >&2
    (cd "$apt/debs" && apt-get "${o[@]}" -qq download "$DRIVER_PACKAGE" >&2)
    rm -rf "$dest"; mkdir -p "$dest"
    dpkg -x "$apt"/debs/*.deb "$dest/root"
    local so; so=$(find "$dest/root" -name 'libcuda.so.1' | head -n1)
    [ -n "$so" ] || { say "libcuda.so.1 not found in $DRIVER_PACKAGE"; return 1; }
    ln -sfn "$(dirname "$so")" "$dest/lib"
    rm -rf "$apt"; touch "$dest/.done"
  fi
  echo "$dest/lib"
}

apt_install() {
  say "installing Debian's $* with apt-get"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# Another target (--target): the Rust target, Debian's cross compiler and the emulator that runs
# its programs here, NVIDIA's pinned wheel for that platform (the aarch64 one has the same
# nvidia/cu13 layout; the win_amd64 one adds lib/x64/cuda.lib), and for aarch64 Debian non-free's
# arm64 libcuda1. Sets CROSS_CUDA_ROOT (the wheel's nvidia/cu13) and CROSS_DRIVER_LIB_DIR (the
# arm64 libcuda.so.1's folder; empty for Windows, where no NVIDIA driver can run here).
cross_deps() {
  local target=$1 packages=()
  case $target in
    aarch64-unknown-linux-gnu)
      command -v aarch64-linux-gnu-gcc >/dev/null || packages+=(gcc-aarch64-linux-gnu)
      [ -f /usr/aarch64-linux-gnu/include/stdio.h ] || packages+=(libc6-dev-arm64-cross)
      command -v qemu-aarch64 >/dev/null || packages+=(qemu-user)
      [ ${#packages[@]} -eq 0 ] || apt_install "${packages[@]}"
      CROSS_CUDA_ROOT="$(fetch_wheel "$CROSS_WHEEL" aarch64)/nvidia/cu13"
      CROSS_DRIVER_LIB_DIR=$(fetch_driver arm64) ;;
    x86_64-pc-windows-gnu)
      command -v x86_64-w64-mingw32-gcc >/dev/null || packages+=(gcc-mingw-w64-x86-64)
      [ -x "$WINE" ] || packages+=(wine64)
      [ ${#packages[@]} -eq 0 ] || apt_install "${packages[@]}"
      CROSS_CUDA_ROOT="$(fetch_wheel "$CROSS_WHEEL" win_amd64)/nvidia/cu13"
      CROSS_DRIVER_LIB_DIR="" ;;
    *) say "no setup for the target $target (known: aarch64-unknown-linux-gnu, x86_64-pc-windows-gnu)"; return 1 ;;
  esac
  rustup target list --installed | grep -qx "$target" || rustup target add "$target" >&2
  export CROSS_CUDA_ROOT CROSS_DRIVER_LIB_DIR WINE
}

# cudaProfiler.h (cuProfilerStart, cuProfilerStop) ships in a wheel of its own, pinned to each
# release above and unpacked into the folder of that release's runtime wheel, as pip installs
# them side by side: 13.x puts it beside cuda.h (nvidia/cu13/include), the cu12 and cu11 wheels
# into nvidia/cuda_profiler_api/include beside nvidia/cuda_runtime/include.
PROFILER_WHEELS=(
  "11_8 nvidia-cuda-profiler-api-cu11==11.8.86"
  "12_9 nvidia-cuda-profiler-api-cu12==12.9.79"
  "13_0 nvidia-cuda-profiler-api==13.0.85"
  "13_5 nvidia-cuda-profiler-api==13.5.25"
)

# Adds one pinned wheel's files (fetched like the others) to a runtime wheel's folder, once, with
# the wheel itself beside that folder's own.
add_wheel() {
  local spec=$1 dest=$2 done="$2/.done-${1//==/-}" src
  [ -f "$done" ] && return 0
  src=$(fetch_wheel "$spec")
  say "adding $spec to $dest"
  cp -r "$src/nvidia" "$src"/*.whl "$dest/"
  touch "$done"
}

# The system headers of the interop features (gl, egl, vdpau), from Debian when the C compiler
# cannot include them.
INTEROP_HEADERS=("GL/gl.h libgl-dev" "EGL/egl.h libegl-dev" "EGL/eglext.h libegl-dev" "vdpau/vdpau.h libvdpau-dev")
ensure_interop_headers() {
  local missing=() h pkg
  for w in "${INTEROP_HEADERS[@]}"; do
    read -r h pkg <<<"$w"
    printf '#include <%s>\n' "$h" | "${CC:-cc}" -E -x c - >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  missing=($(printf '%s\n' "${missing[@]}" | sort -u))
  say "no GL, EGL or VDPAU headers for the interop features"
  apt_install "${missing[@]}"
}

main() {
  ensure_libclang
  ensure_interop_headers
  for w in "${CUDA_WHEELS[@]}"; do
    read -r tag spec inc <<<"$w"
    printf -v "CUDA_HEADERS_$tag" '%s' "$(fetch_wheel "$spec")/$inc"
    export "CUDA_HEADERS_$tag"
  done
  for w in "${PROFILER_WHEELS[@]}"; do
    read -r tag spec <<<"$w"
    local inc="CUDA_HEADERS_$tag"
    add_wheel "$spec" "$(cd "${!inc}/../../.." && pwd)"
  done
  DRIVER_LIB_DIR=""
  if [ -n "${LIBCUDA_SYS_LIB_DIR:-}" ]; then DRIVER_LIB_DIR=$LIBCUDA_SYS_LIB_DIR
  elif ! system_has_libcuda; then DRIVER_LIB_DIR=$(fetch_driver); fi
  NVCC_BIN=""
  if [ "${1:-}" = --nvcc ]; then NVCC_BIN="$(fetch_wheel "$NVCC_WHEEL")/nvidia/cu13/bin"; fi
  export LIBCUDA_SYS_CACHE DRIVER_LIB_DIR NVCC_BIN
  if [ "${1:-}" = --target ]; then cross_deps "${2:?--target needs a target triple}"; fi
}

# Strict mode while fetching; a shell that sources this file gets its own options back. (Not
# through $(set +o): a command substitution does not inherit errexit, so it would report it off.)
deps_saved_flags=$-
deps_saved_pipefail=$(shopt -qo pipefail && echo -o || echo +o)
set -euo pipefail
main "$@"
case $deps_saved_flags in *e*) ;; *) set +e ;; esac
case $deps_saved_flags in *u*) ;; *) set +u ;; esac
set "$deps_saved_pipefail" pipefail
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  for v in LIBCUDA_SYS_CACHE CUDA_HEADERS_11_8 CUDA_HEADERS_12_9 CUDA_HEADERS_13_0 CUDA_HEADERS_13_5 DRIVER_LIB_DIR NVCC_BIN \
           CROSS_CUDA_ROOT CROSS_DRIVER_LIB_DIR; do
    echo "$v=${!v:-}"
  done
fi
