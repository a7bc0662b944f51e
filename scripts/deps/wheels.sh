# NVIDIA's CUDA header wheels from PyPI, pinned, unpacked into the cache: each release's runtime
# wheel (cuda.h, cudaTypedefs.h, the interop headers) with its cudaProfiler.h wheel beside it, as
# pip installs them; the nvcc wheel (ptxas) for the PTX fixtures; another platform's wheel for
# the cross targets.

# Pinned releases: the wheel, and the folder inside it that holds cuda.h.
CUDA_WHEELS=(
  "11_8 nvidia-cuda-runtime-cu11==11.8.89 nvidia/cuda_runtime/include"
  "12_9 nvidia-cuda-runtime-cu12==12.9.79 nvidia/cuda_runtime/include"
  "13_0 nvidia-cuda-runtime==13.0.96 nvidia/cu13/include"
  "13_5 nvidia-cuda-runtime==13.5.37 nvidia/cu13/include"
)
# cudaProfiler.h ships in a wheel of its own: 13.x puts it beside cuda.h (nvidia/cu13/include),
# the cu12 and cu11 wheels into nvidia/cuda_profiler_api/include beside nvidia/cuda_runtime/include.
PROFILER_WHEELS=(
  "11_8 nvidia-cuda-profiler-api-cu11==11.8.86"
  "12_9 nvidia-cuda-profiler-api-cu12==12.9.79"
  "13_0 nvidia-cuda-profiler-api==13.0.85"
  "13_5 nvidia-cuda-profiler-api==13.5.25"
)
NVCC_WHEEL="nvidia-cuda-nvcc==13.5.37"
# The headers (and, for Windows, cuda.lib) of the other targets: the same release, their platforms' wheels.
CROSS_WHEEL="nvidia-cuda-runtime==13.0.96"

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

# Sets CUDA_HEADERS_<release> for every pinned release.
fetch_headers() {
  local w tag spec inc
  for w in "${CUDA_WHEELS[@]}"; do
    read -r tag spec inc <<<"$w"
    printf -v "CUDA_HEADERS_$tag" '%s' "$(fetch_wheel "$spec")/$inc"
  done
  for w in "${PROFILER_WHEELS[@]}"; do
    read -r tag spec <<<"$w"
    inc="CUDA_HEADERS_$tag"
    add_wheel "$spec" "$(cd "${!inc}/../../.." && pwd)"
  done
}
