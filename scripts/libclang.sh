# Whether bindgen will find a libclang it can load, decided by the rules of its loader, clang-sys
# (bindgen's "runtime" feature, which this crate uses), restated for Linux hosts. Sourced by
# scripts/deps.sh, which installs libclang exactly when this says none is there; tests/libclang.rs
# runs it on layouts built in temporary folders.
#
# The rules (clang-sys 1.9: build/dynamic.rs, build/common.rs):
#   - Names: libclang.so, libclang-*.so, libclang.so.*, libclang-*.so.*; never a name containing
#     "-cpp." (libclang-cpp.so.14 is clang's C++ library, which bindgen cannot use).
#   - A file with such a name counts only if it is an ELF object of the host's word size.
#   - LIBCLANG_PATH, when set (even empty), is the only place searched: a file with such a name,
#     else a folder holding one.
#   - Otherwise, in this order: bin/, lib/ and lib64/ under `llvm-config --prefix` (LLVM_CONFIG_PATH
#     names llvm-config, else it is looked up on PATH), each folder of LD_LIBRARY_PATH, each folder
#     of LIBRARY_PATH, then every folder matching /usr/local/llvm*/lib*, /usr/local/lib*/*/*,
#     /usr/local/lib*/*, /usr/local/lib*, /usr/lib*/*/*, /usr/lib*/*, /usr/lib* (case-insensitive).
#     ldconfig's cache is not read: a libclang that only it knows of is not found.
#
# libclang_find [ROOT]
#   ROOT (default empty) is prefixed to the default folders, so that a temporary folder can stand
#   for "/"; the variables above are read as they are. Sets the arrays LIBCLANG_FOUND (the usable
#   files, in search order), LIBCLANG_SEARCHED (the places looked in) and LIBCLANG_REJECTED (files
#   with a libclang-like name that do not count, each with the reason). Returns 0 when one was
#   found, 1 when none was, 2 when LIBCLANG_PATH is set but holds none (explained on stderr).

# Looks in one folder: appends to LIBCLANG_SEARCHED, sets libclang_names to what the names accept.
libclang_search_folder() {
  local dir=${1:-.} file name  # An empty folder name is the current folder, as in clang-sys.
  LIBCLANG_SEARCHED+=("$dir")
  libclang_names=()
  for file in "$dir"/libclang[.-]*; do
    name=${file##*/}
    case $name in
      *-cpp.*) LIBCLANG_REJECTED+=("$file: clang's C++ library (libclang-cpp), not libclang") ;;
      libclang.so | libclang-*.so | libclang.so.* | libclang-*.so.*) libclang_names+=("$file") ;;
    esac
  done
}

# Keeps the files in libclang_names that are ELF objects of the host's word size.
libclang_keep() {
  local file magic
  for file in ${libclang_names[@]+"${libclang_names[@]}"}; do
    magic=$(od -An -N5 -tx1 "$file" 2>/dev/null | tr -d ' \n') || magic=""
    if [ "$magic" = "$libclang_elf" ]; then
      LIBCLANG_FOUND+=("$file")
    elif [ "${magic:0:8}" = 7f454c46 ]; then
      LIBCLANG_REJECTED+=("$file: an ELF object of the other word size")
    else
      LIBCLANG_REJECTED+=("$file: not an ELF shared library (or unreadable)")
    fi
  done
}

# Each folder of a PATH-like value, empty entries included (they mean the current folder).
libclang_split() {
  local rest=$1
  libclang_parts=()
  while :; do
    libclang_parts+=("${rest%%:*}")
    case $rest in *:*) rest=${rest#*:} ;; *) break ;; esac
  done
}

libclang_find() {
  local root=${1:-} saved dir pattern prefix var
  LIBCLANG_FOUND=() LIBCLANG_SEARCHED=() LIBCLANG_REJECTED=()
  # The ELF magic and class (1: 32-bit, 2: 64-bit) that libclang_keep wants.
  case $(getconf LONG_BIT 2>/dev/null) in 32) libclang_elf=7f454c4601 ;; *) libclang_elf=7f454c4602 ;; esac
  saved=$(shopt -p nullglob dotglob nocaseglob)
  shopt -s nullglob
  shopt -u dotglob nocaseglob

  if [ -n "${LIBCLANG_PATH+set}" ]; then
    local path=$LIBCLANG_PATH name
    name=${path##*/}
    if [ -z "$path" ]; then
      :
    elif [ -e "$path" ] && [ ! -d "$path" ]; then
      # A file: it counts if its name does.
      LIBCLANG_SEARCHED+=("$path")
      libclang_names=()
      case $name in
        *-cpp.*) LIBCLANG_REJECTED+=("$path: clang's C++ library (libclang-cpp), not libclang") ;;
        libclang.so | libclang-*.so | libclang.so.* | libclang-*.so.*) libclang_names=("$path") ;;
        *) LIBCLANG_REJECTED+=("$path: not a name libclang goes by") ;;
      esac
      libclang_keep
    else
      libclang_search_folder "$path"
      libclang_keep
    fi
    eval "$saved"
    [ ${#LIBCLANG_FOUND[@]} -gt 0 ] && return 0
    {
      if [ -z "$path" ]; then
        echo "LIBCLANG_PATH is set but empty: bindgen would then search only the build's current folder."
      else
        echo "LIBCLANG_PATH=$path holds no libclang that bindgen can load; when it is set, bindgen looks nowhere else."
      fi
      echo "  wanted: libclang.so, libclang-*.so, libclang.so.* or libclang-*.so.* (not libclang-cpp), an ELF library for this machine"
      local why
      for why in ${LIBCLANG_REJECTED[@]+"${LIBCLANG_REJECTED[@]}"}; do echo "  rejected $why"; done
      echo "  Set LIBCLANG_PATH to the folder that holds libclang (Debian and Ubuntu: /usr/lib/llvm-<version>/lib"
      echo "  after 'apt-get install libclang-dev'), or unset it to let the search find one."
    } >&2
    return 2
  fi

  # llvm-config: only its first line counts, and only when it succeeds.
  if prefix=$("${LLVM_CONFIG_PATH-llvm-config}" --prefix 2>/dev/null) && [ -n "$prefix" ]; then
    prefix=${prefix%%$'\n'*}
    for dir in "$prefix/bin" "$prefix/lib" "$prefix/lib64"; do
      libclang_search_folder "$dir"
      libclang_keep
    done
  fi
  for var in LD_LIBRARY_PATH LIBRARY_PATH; do
    [ -n "${!var+set}" ] || continue
    libclang_split "${!var}"
    for dir in "${libclang_parts[@]}"; do
      libclang_search_folder "$dir"
      libclang_keep
    done
  done
  for pattern in /usr/local/llvm'*'/lib'*' /usr/local/lib'*'/'*'/'*' /usr/local/lib'*'/'*' /usr/local/lib'*' \
    /usr/lib'*'/'*'/'*' /usr/lib'*'/'*' /usr/lib'*'; do
    local dirs=()
    shopt -s nocaseglob dotglob
    # shellcheck disable=SC2206 # the pattern is meant to expand; the root is quoted.
    dirs=("$root"$pattern)
    shopt -u nocaseglob dotglob
    for dir in ${dirs[@]+"${dirs[@]}"}; do
      [ -d "$dir" ] || continue
      libclang_search_folder "$dir"
      libclang_keep
    done
  done
  eval "$saved"
  [ ${#LIBCLANG_FOUND[@]} -gt 0 ]
}
