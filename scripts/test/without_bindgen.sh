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
  no_generation_crates
  export LIBCLANG_PATH=$no_libclang LIBCUDA_SYS_BINDINGS=$file
  SUITE_TARGET_DIR=target/cuda-$release-pregenerated suite "$release" --no-default-features
  SUITE_TARGET_DIR=target/cuda-$release-pregenerated suite "$release" --no-default-features --features libcuda-sys/dynamic-loading
  LIBCUDA_SYS_INCLUDE_DIR=$(headers_of "$release") CARGO_TARGET_DIR=target/cuda-$release-pregenerated cargo build -q -p libcuda-sys --no-default-features
  LIBCUDA_SYS_INCLUDE_DIR=$(headers_of "$release") CARGO_TARGET_DIR=target/cuda-$release-pregenerated no_rerun --no-default-features
  LIBCUDA_SYS_INCLUDE_DIR=$(headers_of "$release") CARGO_TARGET_DIR=target/cuda-$release-pregenerated \
    RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p libcuda-sys --no-default-features
  unset LIBCLANG_PATH LIBCUDA_SYS_BINDINGS
}

# `cargo tree` of libcuda-sys without default features, in both link modes: none of the crates
# generation needs.
no_generation_crates() {
  local graph edges features
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
}
