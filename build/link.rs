//! Linking libcuda: the directory discovery chose, or a link-only stub generated from the header
//! when the building machine has no libcuda at all (for Windows targets, an import library of
//! nvcuda.dll: build/implib.rs).
//!
//! The stub is the same kind of file NVIDIA ships in the toolkit's `lib64/stubs`: a `libcuda.so`
//! whose SONAME is `libcuda.so.1` and which exports every function the header declares. It is
//! written as `OUT_DIR/stub/libcuda.so` only: the dynamic loader looks for `libcuda.so.1`, which
//! is never there, so even when Cargo adds the directory to `LD_LIBRARY_PATH` for `cargo run`,
//! programs load the driver's library.

use crate::conventions::hidden_name;
use crate::discover::Libcuda;
use crate::extras::Bound;
use crate::fail::Error;
use crate::pregenerated::Generated;
use std::fs;
use std::path::{Path, PathBuf};

/// Tells Cargo how to link libcuda; returns the directory handed to the linker.
pub fn libcuda(choice: &Libcuda, functions: &[String], target_os: &str, out_dir: &Path) -> Result<PathBuf, String> {
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
        Libcuda::Stub { .. } if target_os == "windows" => {
            let dir = crate::implib::nvcuda(functions, out_dir)?;
            println!(
                "cargo:warning=no cuda.lib found at build time: linked through an import library of nvcuda.dll generated from cuda.h; running needs the NVIDIA driver's nvcuda.dll"
            );
            dir
        }
        Libcuda::Stub { .. } => {
            if target_os != "linux" {
                return Err(format!(
                    "no CUDA driver library to link against, and a link stub can only be generated for Linux and Windows targets (this one is {target_os}): set LIBCUDA_SYS_LIB_DIR to the folder holding the driver's library"
                ));
            }
            let dir = stub(functions, out_dir)?;
            println!(
                "cargo:warning=no libcuda found at build time: linked against a stub generated from cuda.h; running needs the NVIDIA driver's libcuda.so.1"
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

/// Compiles `OUT_DIR/stub/libcuda.so` (SONAME `libcuda.so.1`) exporting `functions`.
pub fn stub(functions: &[String], out_dir: &Path) -> Result<PathBuf, String> {
    let dir = out_dir.join("stub");
    crate::conventions::compile_stub(functions, &dir, "libcuda.so")?;
    Ok(dir)
}

/// Compiles the C wrappers of static inline functions into a static library of this crate. With
/// dynamic-loading nothing links libcuda: the driver symbols they call are redirected
/// (`-Dname=hidden name`) to the lazily resolving functions exported under those names.
pub fn c_wrappers(bound: &Bound, c_files: &[PathBuf], generated: &Generated, dynamic: bool) -> Result<(), Error> {
    if c_files.is_empty() {
        return Ok(());
    }
    let mut build = cc::Build::new();
    build.includes(&bound.include_dirs).includes(bound.wrapper.parent()).files(c_files).warnings(false);
    if dynamic {
        for symbol in &generated.wrapper_calls {
            build.define(symbol, Some(hidden_name(symbol).as_str()));
        }
    }
    build
        .try_compile("libcuda_sys_static_fns")
        .map_err(|e| Error::failed("cannot compile the C wrappers of cuda.h's static inline functions", e.to_string()))
}
