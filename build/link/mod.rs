//! Linking: libcuda from the folder discovery chose, or a link-only stub generated from the
//! bindings when the building machine has none (build/shared/stub.rs; for Windows targets an
//! import library of nvcuda.dll, [`implib`]); and the C wrappers of static inline functions,
//! compiled into the crate.
//!
//! The stub is the same kind of file NVIDIA ships in the toolkit's `lib64/stubs`: a `libcuda.so`
//! whose SONAME is `libcuda.so.1`. It is written as `OUT_DIR/stub/libcuda.so` only: the dynamic
//! loader looks for `libcuda.so.1`, which is never there, so even when Cargo adds the directory to
//! `LD_LIBRARY_PATH` for `cargo run`, programs load the driver's library.

mod implib;

use crate::config::Config;
use crate::error::Error;
use crate::find::Libcuda;
use crate::shared::build_data::BuildData;
use crate::shared::{hidden_name, stub};
use std::fs;
use std::path::{Path, PathBuf};

/// Tells Cargo how to link libcuda, whose functions are `symbols`; returns the directory handed
/// to the linker.
pub fn libcuda(config: &Config, choice: &Libcuda, symbols: &[String]) -> Result<PathBuf, String> {
    let out_dir = &config.out_dir;
    let dir = match choice {
        Libcuda::Dir { dir, file, how, .. } if file == "libcuda.so.1" => {
            // Only the run-time name is there (a driver without its development link): give the
            // linker a `libcuda.so` that points at it.
            let link_dir = out_dir.join("link");
            let _ = fs::remove_dir_all(&link_dir);
            fs::create_dir_all(&link_dir).map_err(|e| format!("cannot create {}: {e}", link_dir.display()))?;
            symlink(&dir.join(file), &link_dir.join("libcuda.so"))?;
            println!("libcuda-sys: linking against {} ({how}), through {}", dir.join(file).display(), link_dir.display());
            link_dir
        }
        Libcuda::Dir { dir, file, how, .. } => {
            println!("libcuda-sys: linking against {} ({how})", dir.join(file).display());
            dir.clone()
        }
        Libcuda::Stub { .. } if config.target_os == "windows" => {
            let dir = implib::nvcuda(config, symbols)?;
            println!(
                "cargo:warning=no cuda.lib found at build time: linked through an import library of nvcuda.dll generated from the bindings' functions; running needs the NVIDIA driver's nvcuda.dll"
            );
            dir
        }
        Libcuda::Stub { .. } => {
            if config.target_os != "linux" {
                return Err(format!(
                    "no CUDA driver library to link against, and a link stub can only be generated for Linux and Windows targets (this one is {}): set LIBCUDA_SYS_LIB_DIR to the folder holding the driver's library",
                    config.target_os
                ));
            }
            let dir = out_dir.join("stub");
            let compiler = cc::Build::new().cargo_metadata(false).get_compiler().to_command();
            stub::compile(compiler, symbols, &dir, "libcuda.so")?;
            println!(
                "cargo:warning=no libcuda found at build time: linked against a stub generated from the bindings' functions; running needs the NVIDIA driver's libcuda.so.1"
            );
            dir
        }
    };
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=cuda");
    Ok(dir)
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> Result<(), String> {
    std::os::unix::fs::symlink(target, link).map_err(|e| format!("cannot link {} to {}: {e}", link.display(), target.display()))
}

#[cfg(not(unix))]
fn symlink(target: &Path, link: &Path) -> Result<(), String> {
    fs::copy(target, link).map(|_| ()).map_err(|e| format!("cannot copy {} to {}: {e}", target.display(), link.display()))
}

/// Compiles the C wrappers of static inline functions (`c_files`) into a static library of this
/// crate, with the folders `include_dirs` (the bound headers' and the umbrella header's). With
/// dynamic-loading nothing links libcuda: the driver symbols they call are redirected
/// (`-Dname=hidden name`) to the lazily resolving functions exported under those names.
pub fn c_wrappers(config: &Config, include_dirs: &[PathBuf], c_files: &[PathBuf], data: &BuildData) -> Result<(), Error> {
    if c_files.is_empty() {
        return Ok(());
    }
    let mut build = cc::Build::new();
    build.includes(include_dirs).files(c_files).warnings(false);
    if config.features.dynamic {
        for symbol in &data.wrapper_calls {
            build.define(symbol, Some(hidden_name(symbol).as_str()));
        }
    }
    build
        .try_compile("libcuda_sys_static_fns")
        .map_err(|e| Error::failed("cannot compile the C wrappers of cuda.h's static inline functions", e.to_string()))
}
