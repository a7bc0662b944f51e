# Wine 8, to run the Windows programs here: its prefix, and the DLLs they need.

# A Windows path for Wine (its drive Z: is /).
wine_path() { local p; p=$(realpath "$1"); echo "Z:${p//\//\\}"; }

# Compiles a C file into a DLL with mingw: wine_dll SOURCE.c OUT.dll [LIBS...]
wine_dll() { local src=$1 out=$2; shift 2; mkdir -p "$(dirname "$out")"; x86_64-w64-mingw32-gcc -shared -O1 "$src" -o "$out" "$@"; }

# The Wine prefix under $1; sets WINEPREFIX and prints nothing. Wine 8 lacks
# bcryptprimitives.dll!ProcessPrng, which Rust's standard library imports: a DLL that forwards it
# (scripts/wine/process_prng.c) goes into the prefix's system32.
wine_setup() {
  local dir=$1
  export WINEPREFIX=$dir/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    mkdir -p "$dir"; "$WINE" wineboot -i >"$dir/wineboot.log" 2>&1 || { cat "$dir/wineboot.log"; return 1; }
  fi
  wine_dll scripts/wine/process_prng.c "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" -ladvapi32
}
