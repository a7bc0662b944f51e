#!/usr/bin/env bash
# The MSRV, checked: the crate as it would be published (cargo package) is built with the toolchain
# that Cargo.toml's rust-version names (installed with rustup, minimal profile, when missing),
# against a lockfile that Cargo's MSRV-aware resolver chose for that version
# (CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback), in link mode and with dynamic-loading.
# Only the library: the dev-dependencies may need a newer Rust. The repository's Cargo.lock, made
# for the stable toolchain, is not touched: the build happens in a scratch copy.
#
# Usage: scripts/msrv.sh   (fetches what it needs through scripts/deps.sh; CUDA 13.0's headers are used)
set -euo pipefail
cd "$(dirname "$0")/.."
msrv=$(sed -n 's/^rust-version = "\([0-9.]*\)"$/\1/p' Cargo.toml)
[ -n "$msrv" ] || { echo "msrv: no rust-version in Cargo.toml" >&2; exit 1; }
grep -q "^| MSRV | Rust $msrv " README.md || { echo "msrv: README.md does not state Rust $msrv (rust-version in Cargo.toml)" >&2; exit 1; }

eval "$(scripts/deps.sh)"
unset LIBCUDA_SYS_LIB_DIR CUDA_PATH CUDA_HOME CUDA_ROOT CUDA_TOOLKIT_ROOT_DIR
if ! rustup run "$msrv" rustc --version >/dev/null 2>&1; then
  echo "=== msrv: installing Rust $msrv (rustup, minimal profile)"
  rustup toolchain install "$msrv" --profile minimal
fi

# The scratch copy lies outside this workspace (and its .cargo/config.toml). Its files get new
# times (tar -m), so that the crate and its build script are built again: the build script
# reaches wrapper.h by the path it was compiled in (build/find/bound.rs).
target=$PWD/target/msrv
scratch=${TMPDIR:-/tmp}/libcuda-sys-msrv-$(printf %s "$PWD" | cksum | cut -d' ' -f1)
CARGO_TARGET_DIR=$target cargo package -q -p libcuda-sys --no-verify --allow-dirty
crate=$(ls -t "$target"/package/libcuda-sys-*.crate | head -n1)
rm -rf "$scratch"; mkdir -p "$scratch"
trap 'rm -rf "$scratch"' EXIT
tar -xzmf "$crate" -C "$scratch"
cd "$scratch"/libcuda-sys-*/

echo "=== msrv: $(rustup run "$msrv" rustc --version), lockfile resolved for rust-version $msrv"
CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback cargo "+$msrv" generate-lockfile -q
export LIBCUDA_SYS_INCLUDE_DIR=$CUDA_HEADERS_13_0 CARGO_TARGET_DIR=$target
for features in "" dynamic-loading; do
  echo "=== msrv: cargo +$msrv build -p libcuda-sys --lib --locked${features:+ --features $features}"
  cargo "+$msrv" build -p libcuda-sys --lib --locked ${features:+--features "$features"}
done
echo "msrv: libcuda-sys builds with Rust $msrv, in link mode and with dynamic-loading"
