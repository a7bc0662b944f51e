//! The `libcuda.so.1` the test binaries run against.
//!
//! The symbol check takes, in one process, the address of every function by each name C can call
//! it, in C and in Rust. A function whose address is taken is bound when the binary loads (a
//! `GLOB_DAT` relocation, resolved at startup even with lazy binding), and NVIDIA's driver library
//! on a given machine may lack functions that a newer cuda.h declares (the 535 driver lacks about
//! 110 of 13.5's): against it the test would not start. So this build compiles
//! its own stub exporting every function the header declares, each with a distinct body (its own
//! counter), so that no two functions share an address and a name that resolves to the wrong
//! function shows. It is named `libcuda.so.1`, the driver's SONAME, and the test binaries find it
//! through `DT_RPATH` (`-rpath` with `--disable-new-dtags`), which the dynamic loader consults
//! before `LD_LIBRARY_PATH`, so neither Cargo's nor the user's library path can slip the real
//! driver in. It is never called: a call would return `CUDA_ERROR_STUB_LIBRARY` (34). It is built
//! by the same function as the crate's own link stub (`build/shared/stub.rs`).

use std::path::Path;

pub fn libcuda(functions: &[String], out_dir: &Path) -> Result<(), String> {
    let dir = out_dir.join("stub");
    let compiler = cc::Build::new().cargo_metadata(false).get_compiler().to_command();
    // Windows has no DT_RPATH: the test binaries load the nvcuda.dll of the DLL search path. This
    // one, `OUT_DIR/stub/nvcuda.dll`, is where scripts/test/cross.sh puts it on Wine's WINEPATH
    // for the whole Windows suite, as a machine without NVIDIA's driver needs.
    if std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "windows") {
        crate::shared::stub::compile(compiler, functions, &dir, "nvcuda.dll")?;
        return Ok(());
    }
    let so = crate::shared::stub::compile(compiler, functions, &dir, "libcuda.so.1")?;
    // Linked by its path, not through a search directory: Cargo puts the search directories of
    // build scripts on LD_LIBRARY_PATH for every test it runs, and this stub must reach no other
    // test binary of the workspace.
    println!("cargo:rustc-link-arg-tests={}", so.display());
    println!("cargo:rustc-link-arg-tests=-Wl,-rpath,{}", dir.display());
    println!("cargo:rustc-link-arg-tests=-Wl,--disable-new-dtags");
    Ok(())
}
