# The bindings the crate ships (shipped/): what the generator writes from the pinned headers; each
# file ABI-checked against its header (both mappings); the whole suite built from each with no
# header anywhere and libclang unloadable, in both link modes; a one-line dependent with default
# features off; docs.rs's build simulated on the packaged crate; the package's size.

# An empty folder for LIBCLANG_PATH: with it set, clang-sys looks nowhere else, so libclang
# cannot load.
no_libclang_dir() { mkdir -p target/no-libclang; echo "$PWD/target/no-libclang"; }

shipped_suite() {
  local release log no_libclang names_line
  no_libclang=$(no_libclang_dir)
  bash scripts/ship.sh --check
  for release in $CUDA_RELEASES; do
    echo "=== CUDA $release shipped bindings: the ABI check against the header (bindgen off, libclang unloadable)"
    log=$(LIBCLANG_PATH=$no_libclang LIBCUDA_SYS_INCLUDE_DIR=$(headers_of "$release") CARGO_TARGET_DIR=target/shipped \
      cargo test -p libcuda-sys-systest --no-default-features -vv 2>&1) || { echo "$log"; exit 1; }
    grep -F "bindings shipped with the crate" <<<"$log" | sed 's/^\[[^]]*\] //' | head -1
    grep -q "bindings shipped with the crate: shipped/cuda-$release-linux.rs" <<<"$log" || { echo "$log" | tail -40; echo "the shipped file was not used"; exit 1; }
    grep -E '^(abi|names|skipped|planted|selftest) |^test result:' <<<"$log"
    # CUDA_RELEASES is oldest first: the last line kept is the newest release's, which docs.rs shows.
    names_line=$(grep -E "^names $release:" <<<"$log")
  done
  for release in $CUDA_RELEASES; do
    for features in "" "--features libcuda-sys/versioned"; do
      echo "=== CUDA $release shipped bindings, no header anywhere, libclang unloadable: cargo test --workspace --exclude libcuda-sys-consumer --no-default-features $features"
      echo "    (the consumer crate compiles C against the header libcuda-sys found: without one it has nothing to compile)"
      # shellcheck disable=SC2086
      LIBCUDA_SYS_CUDA_VERSION=$release LIBCLANG_PATH=$no_libclang CARGO_TARGET_DIR=target/shipped-no-header \
        cargo test --workspace --exclude libcuda-sys-consumer --no-default-features $features
    done
  done
  one_line_dependent
  docs_rs "$names_line"
}

# A dependent of one line, `libcuda-sys = { path = ..., default-features = false }`, built with no
# header anywhere for 13.0 and 12.9, in both link modes: cuInit(0) against Debian's driver answers
# CUDA_ERROR_NO_DEVICE. With default features, no header and no release named, it fails, and says
# which releases are shipped and which variable names one.
one_line_dependent() {
  local dir=$PWD/target/one-line no_libclang out
  no_libclang=$(no_libclang_dir)
  mkdir -p "$dir/src"
  printf '[package]\nname = "one-line"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[dependencies]\nlibcuda-sys = { path = "%s", default-features = false }\n\n[features]\ndynamic = ["libcuda-sys/dynamic-loading"]\nbindgen = ["libcuda-sys/bindgen"]\n\n[workspace]\n' "$PWD" >"$dir/Cargo.toml"
  echo 'fn main() { println!("{:?}", unsafe { libcuda_sys::cuInit(0) }); }' >"$dir/src/main.rs"
  for release in 13.0 12.9; do
    for features in "" "--features dynamic"; do
      # shellcheck disable=SC2086
      out=$(cd "$dir" && LIBCUDA_SYS_CUDA_VERSION=$release LIBCLANG_PATH=$no_libclang cargo run -q --release $features)
      echo "one-line dependent, CUDA $release shipped${features:+, dynamic-loading}: cuInit(0) = $out"
      [ "$out" = CUDA_ERROR_NO_DEVICE ] || { echo "expected CUDA_ERROR_NO_DEVICE"; exit 1; }
    done
  done
  if out=$(cd "$dir" && cargo build -q --features bindgen 2>&1); then
    echo "one-line dependent with bindgen, no header, no release named: built, but it must fail"; exit 1
  fi
  grep -q "LIBCUDA_SYS_CUDA_VERSION" <<<"$out" && grep -q "Shipped: ${CUDA_RELEASES// /, }" <<<"$out" ||
    { echo "$out"; echo "the failure does not name LIBCUDA_SYS_CUDA_VERSION and the shipped releases"; exit 1; }
  echo "one-line dependent with bindgen, no header, no release named: fails, naming the variable and the shipped releases:"
  grep -E "^ *libcuda-sys: cannot find the CUDA headers|Or build without a header" <<<"$out" | sed 's/^ */    /'
}

# docs.rs: the crate as packaged, unpacked, documented with DOCS_RS set, no header, libclang
# unloadable, `-D warnings`, with the features docs.rs builds ([package.metadata.docs.rs]); it must
# document every C-callable function name of the newest release (its ABI check's `names` line).
# The package must stay well under crates.io's 10 MB.
docs_rs() {
  local names_line=$1 crate size dir no_libclang documented expected
  no_libclang=$(no_libclang_dir)
  CARGO_TARGET_DIR=target/package-check cargo package -q -p libcuda-sys --no-verify --allow-dirty
  crate=$(ls -t target/package-check/package/libcuda-sys-*.crate | head -n1)
  size=$(wc -c <"$crate")
  echo "package: $(basename "$crate") is $size bytes ($((size / 1024)) KiB)"
  [ "$size" -le $((8 * 1024 * 1024)) ] || { echo "the package is over 8 MB"; exit 1; }
  # Outside this workspace, as docs.rs has it.
  dir=${TMPDIR:-/tmp}/libcuda-sys-docs-rs-$(printf %s "$PWD" | cksum | cut -d' ' -f1)
  rm -rf "$dir"; mkdir -p "$dir"
  tar -xzf "$crate" -C "$dir"
  echo "=== docs.rs, simulated: DOCS_RS=1 cargo doc on the packaged crate, no header, libclang unloadable"
  (cd "$dir"/libcuda-sys-*/ && DOCS_RS=1 LIBCLANG_PATH=$no_libclang RUSTDOCFLAGS="-D warnings --cfg docsrs" CARGO_TARGET_DIR="$dir/target" \
    cargo doc -q --no-deps --no-default-features --features dynamic-loading,versioned)
  documented=$(ls "$dir"/target/doc/libcuda_sys/fn.*.html | wc -l)
  expected=$(sed -n 's/^names [0-9.]*: \([0-9]*\) C-callable function names.*/\1/p' <<<"$names_line")
  echo "docs.rs: $documented functions documented at the crate root; the ABI check of the newest release: $names_line"
  [ -n "$expected" ] && [ "$documented" -eq "$expected" ] || { echo "expected $expected"; exit 1; }
}
