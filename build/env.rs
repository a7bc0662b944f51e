//! The one way the build script reads its environment.
//!
//! Every configuration variable goes through [`var`]: it asks Cargo to rerun the script when the
//! variable changes, prefers the target-qualified form (`CUDA_PATH_x86_64_unknown_linux_gnu`, or
//! with the target's own dashes, as `cc` and bindgen also accept), and
//! logs what it saw (visible with `cargo build -vv`). Nothing else calls `std::env::var` for
//! configuration; Cargo's own variables (`OUT_DIR`, `TARGET`, ...) are read with [`cargo`].

use std::env;
use std::path::PathBuf;

/// A configuration variable; an empty value counts as unset.
pub fn var(name: &str) -> Option<String> {
    let target = cargo("TARGET");
    for key in [format!("{name}_{target}"), format!("{name}_{}", target.replace('-', "_")), name.to_string()] {
        println!("cargo:rerun-if-env-changed={key}");
        match env::var(&key) {
            Ok(v) if !v.is_empty() => {
                println!("libcuda-sys: {key} = {v}");
                return Some(v);
            }
            _ => println!("libcuda-sys: {key} unset"),
        }
    }
    None
}

/// A variable that Cargo sets for every build script (TARGET, OUT_DIR, CARGO_CFG_*, ...).
pub fn cargo(name: &str) -> String {
    env::var(name).unwrap_or_default()
}

/// Whether a cargo feature of this crate is enabled.
pub fn feature(name: &str) -> bool {
    env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase().replace('-', "_"))).is_some()
}

pub fn out_dir() -> PathBuf {
    PathBuf::from(cargo("OUT_DIR"))
}
