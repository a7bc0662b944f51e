//! Build script of libcuda-sys. It reads like its steps:
//! find cuda.h → find the headers bound with it → ask the C preprocessor what they define, in
//! both stream modes → generate the bindings (one file for every feature combination that binds
//! the same headers) → compile the C wrappers of static inline functions while linking libcuda
//! (or not, with dynamic-loading) → tell dependents. Each step lives in its own file under
//! `build/`.

#[path = "build/conventions.rs"]
mod conventions;
#[path = "build/cross.rs"]
mod cross;
#[path = "build/discover.rs"]
mod discover;
#[path = "build/docs.rs"]
mod docs;
#[path = "build/dynamic.rs"]
mod dynamic;
#[path = "build/enums.rs"]
mod enums;
#[path = "build/env.rs"]
mod env;
#[path = "build/extras.rs"]
mod extras;
#[path = "build/fail.rs"]
mod fail;
#[path = "build/generate.rs"]
mod generate;
#[path = "build/implib.rs"]
mod implib;
#[path = "build/inputs.rs"]
mod inputs;
#[path = "build/link.rs"]
mod link;
#[path = "build/per_thread.rs"]
mod per_thread;
#[path = "build/probe.rs"]
mod probe;
#[path = "build/provenance.rs"]
mod provenance;

use fail::{Context, Error};
use std::fs;

fn main() {
    if let Err(error) = run() {
        fail::stop(error);
    }
}

fn explain(e: &discover::HeaderError) -> Error {
    Error::Explained(discover::explain(e, &env::cargo("HOST"), &env::cargo("TARGET"), &env::cargo("CARGO_PKG_VERSION")))
}

fn run() -> Result<(), Error> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=wrapper.h");
    let out = env::out_dir();
    let dynamic = env::feature(conventions::DYNAMIC_FEATURE);
    let target = env::cargo("TARGET");
    let target_os = env::cargo("CARGO_CFG_TARGET_OS");

    // 1. Find the headers.
    let world = inputs::World::gather();
    let inp = world.inputs();
    let headers = match discover::find_headers(&inp) {
        Ok(h) => h,
        Err(discover::HeaderError::NotFound { .. }) if env::var("DOCS_RS").is_some() => {
            // docs.rs has no CUDA: the crate documents how its bindings are made, nothing more.
            let file = out.join("bindings.rs");
            return fs::write(&file, "").map_err(|e| Error::failed("cannot write bindings.rs", format!("{}: {e}", file.display())));
        }
        Err(e) => return Err(explain(&e)),
    };
    println!(
        "libcuda-sys: using {} (CUDA_VERSION {}), found by {}",
        headers.include_dir.join("cuda.h").display(),
        headers.version,
        headers.how
    );

    // 2. The headers bound with cuda.h: cudaProfiler.h and cudaTypedefs.h where found, the
    //    interop headers with their features (gl, egl, vdpau).
    let bound = extras::find(&headers.include_dir, &out, &env::feature, &|p| p.is_file(), &inputs::includable)
        .context("a feature's headers are missing")?;
    for line in &bound.log {
        println!("libcuda-sys: {line}");
    }
    fs::write(&bound.wrapper, bound.wrapper_text())
        .map_err(|e| Error::failed("cannot write the wrapper header", format!("{}: {e}", bound.wrapper.display())))?;
    // A header installed later (the profiler wheel) is noticed.
    println!("cargo:rerun-if-changed={}", headers.include_dir.display());

    // 3. What only the preprocessor knows (documented names, casting macros), without and with
    //    CUDA_API_PER_THREAD_DEFAULT_STREAM.
    let bound_ref = &bound;
    let (default, per_thread) = std::thread::scope(|s| {
        let per_thread = s.spawn(|| probe::run(bound_ref, true, &out));
        (probe::run(bound_ref, false, &out), per_thread.join().unwrap_or_else(|_| Err("the probe panicked".into())))
    });
    const PROBE: &str = "the C preprocessor could not read cuda.h";
    let (default, per_thread) = (default.context(PROBE)?, per_thread.context(PROBE)?);

    // 4. The bindings: one file, whatever the features that choose no header.
    let generated = generate::bindings(&bound, &default, &per_thread, &target, &out)?;

    // 5. The C wrappers of static inline functions (cuda.h's per-thread cuGetProcAddress), while
    // 6. libcuda is linked (perhaps a stub compiled); with dynamic-loading, no link at all: the
    //    library to open at run time.
    std::thread::scope(|s| {
        let wrappers = s.spawn(|| generate::compile_c_wrappers(&bound, &generated, dynamic));
        if dynamic {
            dynamic::table(&target_os, &default.renames, &generated.functions, &out).context("cannot write the dynamic-loading table")?;
        } else {
            let libcuda = discover::find_libcuda(&inp, &headers).map_err(|e| explain(&e))?;
            let symbols: Vec<String> = generated.functions.iter().chain(&generated.per_thread_functions).cloned().collect();
            link::libcuda(&libcuda, &symbols, &target_os, &out).context("cannot link libcuda")?;
        }
        wrappers.join().unwrap_or_else(|_| Err(Error::failed("the C wrappers could not be compiled", "the compiling thread panicked")))
    })?;

    // 7. Metadata for dependents: DEP_CUDA_INCLUDE, DEP_CUDA_VERSION, DEP_CUDA_ROOT, ...
    let root = headers.root.clone().unwrap_or_else(|| headers.include_dir.parent().unwrap_or(&headers.include_dir).to_path_buf());
    println!("cargo:include={}", headers.include_dir.display());
    println!("cargo:version={}", headers.version);
    println!("cargo:root={}", root.display());
    println!("cargo:dynamic_loading={}", u8::from(dynamic));
    println!("cargo:bindings={}", out.join("bindings.rs").display());
    // The bound headers: the wrapper that includes them all, the folders it needs, NVIDIA's files.
    println!("cargo:wrapper={}", bound.wrapper.display());
    for (key, paths) in [("include_dirs", &bound.include_dirs), ("headers", &bound.files)] {
        let list = std::env::join_paths(paths).map_err(|e| Error::failed("a header's path holds a path separator", e.to_string()))?;
        println!("cargo:{key}={}", list.to_string_lossy());
    }
    // ... and for this package's own examples and tests: `cfg(cuda_major = "13", cuda_minor = "0")`.
    println!("cargo::rustc-check-cfg=cfg(cuda_major, values(any()))");
    println!("cargo::rustc-check-cfg=cfg(cuda_minor, values(any()))");
    println!("cargo:rustc-cfg=cuda_major=\"{}\"", headers.version / 1000);
    println!("cargo:rustc-cfg=cuda_minor=\"{}\"", headers.version % 1000 / 10);
    // `cfg(cuda_header = "cudaProfiler.h")`: each header bound.
    println!("cargo::rustc-check-cfg=cfg(cuda_header, values(any()))");
    for name in bound.names() {
        println!("cargo:rustc-cfg=cuda_header=\"{name}\"");
    }
    Ok(())
}
