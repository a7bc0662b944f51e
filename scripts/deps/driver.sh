# NVIDIA's real driver library (libcuda.so.1, no GPU needed to load it): Debian non-free's
# libcuda1, through this machine's own mirror (read from apt's configuration, deps/sources.py),
# unpacked with dpkg -x into the cache; only when the system has no libcuda.so.1.
DRIVER_PACKAGE="libcuda1"

system_has_libcuda() { ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1 '; }

# Prints the folder holding libcuda.so.1. With an argument, the package of that Debian
# architecture (arm64) instead of the machine's own.
fetch_driver() {
  local arch=${1:-} dest="$LIBCUDA_SYS_CACHE/driver${1:+-$1}"
  if [ ! -f "$dest/.done" ]; then
    say "fetching Debian non-free $DRIVER_PACKAGE${arch:+ for $arch} (NVIDIA's libcuda.so.1) into $dest"
    local apt="$LIBCUDA_SYS_CACHE/apt"; rm -rf "$apt"; mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc" "$apt/debs"
    python3 "$REPO/scripts/deps/sources.py" "$apt/etc/sources.list" "$arch"
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
