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
#
# Usage: source scripts/deps.sh [--nvcc]   (or run it: it prints the variables it sets)
# Sets: LIBCUDA_SYS_CACHE, CUDA_HEADERS_11_8, CUDA_HEADERS_12_9, CUDA_HEADERS_13_0, CUDA_HEADERS_13_5,
#       DRIVER_LIB_DIR (a directory holding libcuda.so.1, or empty if the system has one), NVCC_BIN.
# Pinned releases: the wheel, and the folder inside it that holds cuda.h.
CUDA_WHEELS=(
  "11_8 nvidia-cuda-runtime-cu11==11.8.89 nvidia/cuda_runtime/include"
  "12_9 nvidia-cuda-runtime-cu12==12.9.79 nvidia/cuda_runtime/include"
  "13_0 nvidia-cuda-runtime==13.0.96 nvidia/cu13/include"
  "13_5 nvidia-cuda-runtime==13.5.37 nvidia/cu13/include"
)
NVCC_WHEEL="nvidia-cuda-nvcc==13.5.37"
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

# Unpacks one pinned wheel into the cache (once) and prints the folder it went to.
fetch_wheel() {
  local spec=$1 dest="$LIBCUDA_SYS_CACHE/wheels/${1//==/-}"
  if [ ! -f "$dest/.done" ] || ! compgen -G "$dest/*.whl" >/dev/null; then
    say "fetching $spec"
    local dl; dl=$(mktemp -d)
    python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux_2_17_x86_64 \
      --platform manylinux2014_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_28_x86_64 \
      -d "$dl" "$spec" >&2
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
# configuration), unpacked with dpkg -x. Prints the folder holding libcuda.so.1.
fetch_driver() {
  local dest="$LIBCUDA_SYS_CACHE/driver"
  if [ ! -f "$dest/.done" ]; then
    say "fetching Debian non-free $DRIVER_PACKAGE (NVIDIA's libcuda.so.1) into $dest"
    local apt="$LIBCUDA_SYS_CACHE/apt"; rm -rf "$apt"; mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc" "$apt/debs"
    # Every Debian source of this machine, again with the non-free component.
    python3 - "$apt/etc/sources.list" <<'PY'
import glob, re, sys
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
        opt = f" [signed-by={keyring}]" if keyring.startswith("/") else ""
        for uri in f["uris"].split():
            for suite in f.get("suites", "").split():
                lines.append(f"deb{opt} {uri} {suite} main non-free non-free-firmware")
for path in ["/etc/apt/sources.list"] + glob.glob("/etc/apt/sources.list.d/*.list"):
    try:
        for line in open(path):
            m = re.match(r"\s*deb\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)", line)
            if m and "debian" in m.group(2):
                lines.append(f"deb {m.group(1) or ''}{m.group(2)} {m.group(3)} main non-free non-free-firmware")
    except OSError:
        pass
if not lines:
    sys.exit("deps: no Debian source in /etc/apt: cannot fetch libcuda1; set LIBCUDA_SYS_LIB_DIR to a folder holding libcuda.so.1")
open(sys.argv[1], "w").write("\n".join(sorted(set(lines))) + "\n")
PY
    local o=(-o "Dir::Etc::SourceList=$apt/etc/sources.list" -o "Dir::Etc::SourceParts=-"
             -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
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

# Unpacks one pinned wheel into a runtime wheel's folder (once), keeping the wheel beside it.
add_wheel() {
  local spec=$1 dest=$2 done="$2/.done-${1//==/-}"
  [ -f "$done" ] && return 0
  say "fetching $spec into $dest"
  local dl; dl=$(mktemp -d)
  python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_28_x86_64 \
    -d "$dl" "$spec" >&2
  python3 -m zipfile -e "$dl"/*.whl "$dest"
  mv "$dl"/*.whl "$dest/"
  rm -rf "$dl"; touch "$done"
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
  say "no GL, EGL or VDPAU headers for the interop features: installing Debian's ${missing[*]} with apt-get"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
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
  for v in LIBCUDA_SYS_CACHE CUDA_HEADERS_11_8 CUDA_HEADERS_12_9 CUDA_HEADERS_13_0 CUDA_HEADERS_13_5 DRIVER_LIB_DIR NVCC_BIN; do
    echo "$v=${!v}"
  done
fi
