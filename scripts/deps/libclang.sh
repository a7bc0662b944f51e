# libclang (bindgen's parser): asked of bindgen's own loader, clang-sys (scripts/libclang, a
# program built here), whether it can load one; Debian's libclang-dev is installed only when not.
libclang_check() {
  (cd "$REPO/scripts/libclang" && CARGO_TARGET_DIR="$REPO/target/tools" cargo run -q 2>&1)
}

ensure_libclang() {
  local answer
  if answer=$(libclang_check); then
    say "libclang for bindgen (clang-sys loaded it): $answer"
    return 0
  fi
  say "clang-sys, bindgen's loader, cannot load libclang: $answer"
  if [ -n "${LIBCLANG_PATH+set}" ]; then
    say "LIBCLANG_PATH is set, so bindgen looks nowhere else: nothing installed; correct or unset it"
    return 1
  fi
  if ! command -v apt-get >/dev/null; then
    say "no apt-get here: install libclang yourself (Fedora: clang-devel; Arch: clang; macOS: llvm) or set LIBCLANG_PATH to its folder"
    return 1
  fi
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    say "installing libclang-dev needs root: run 'apt-get install libclang-dev' as root, or set LIBCLANG_PATH to a folder holding libclang"
    return 1
  fi
  apt_install libclang-dev
  if ! answer=$(libclang_check); then
    say "libclang-dev is installed, yet clang-sys cannot load libclang: $answer"
    return 1
  fi
  say "libclang for bindgen (clang-sys loaded it): $answer (installed)"
}
