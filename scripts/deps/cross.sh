# Another target (--target): the Rust target, Debian's cross compiler and the emulator that runs
# its programs here, NVIDIA's pinned wheel for that platform (the aarch64 one has the same
# nvidia/cu13 layout; the win_amd64 one adds lib/x64/cuda.lib), and for aarch64 Debian non-free's
# arm64 libcuda1. Sets CROSS_CUDA_ROOT (the wheel's nvidia/cu13) and CROSS_DRIVER_LIB_DIR (the
# arm64 libcuda.so.1's folder; empty for Windows, where no NVIDIA driver can run here).
# Debian's Wine 8 (package wine64) installs its loader here and puts no wine64 on PATH.
WINE=/usr/lib/wine/wine64
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
}
