//! Build script of libcuda-sys. It reads like its steps:
//! find cuda.h → find the headers bound with it → ask the C preprocessor what they define, in
//! both stream modes → generate the bindings (one file for every feature combination that binds
//! the same headers), or take a file a build with bindgen made (`LIBCUDA_SYS_BINDINGS`) → compile
//! the C wrappers of static inline functions while linking libcuda (or not, with dynamic-loading)
//! → tell dependents. Each step lives in its own file under `build/`; those that only generation
//! needs are compiled with the `bindgen` feature only.

#[cfg_attr(not(feature = "bindgen"), allow(dead_code))]
#[path = "build/conventions.rs"]
mod conventions;
#[cfg_attr(not(feature = "bindgen"), allow(dead_code))]
#[path = "build/cross.rs"]
mod cross;
#[path = "build/discover.rs"]
mod discover;
#[cfg(feature = "bindgen")]
#[path = "build/docs.rs"]
mod docs;
#[cfg(feature = "bindgen")]
#[path = "build/dynamic.rs"]
mod dynamic;
#[cfg(feature = "bindgen")]
#[path = "build/enums.rs"]
mod enums;
#[path = "build/env.rs"]
mod env;
#[cfg_attr(not(feature = "bindgen"), allow(dead_code))]
#[path = "build/extras.rs"]
mod extras;
#[cfg_attr(not(feature = "bindgen"), allow(dead_code))]
#[path = "build/fail.rs"]
mod fail;
#[cfg(feature = "bindgen")]
#[path = "build/generate.rs"]
mod generate;
#[path = "build/implib.rs"]
mod implib;
#[path = "build/inputs.rs"]
mod inputs;
#[path = "build/link.rs"]
mod link;
#[cfg(feature = "bindgen")]
#[path = "build/per_thread.rs"]
mod per_thread;
#[cfg_attr(not(feature = "bindgen"), allow(dead_code))]
#[path = "build/pregenerated.rs"]
mod pregenerated;
#[cfg(feature = "bindgen")]
#[path = "build/probe.rs"]
mod probe;
#[cfg_attr(not(feature = "bindgen"), allow(dead_code))]
#[path = "build/provenance.rs"]
mod provenance;
#[path = "build/timing.rs"]
mod timing;

use extras::Bound;
use fail::{Context, Error};
use pregenerated::Generated;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    if let Err(error) = timing::step("build script", run) {
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
    let world = timing::step("pkg-config, ldconfig", inputs::World::gather);
    let inp = world.inputs();
    let headers = match timing::step("find cuda.h", || discover::find_headers(&inp)) {
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

    // 3.-6. The bindings: one file, whatever the features that choose no header; generated, or a
    //       file a build with bindgen made. Beside the printing of a generated file (as soon as
    //       the symbols are known): 5. the C wrappers of static inline functions (cuda.h's
    //       per-thread cuGetProcAddress) compile while 6. libcuda is linked (perhaps a stub
    //       compiled); with dynamic-loading, no link at all: the library is opened at run time.
    let libcuda = if dynamic { None } else { Some(discover::find_libcuda(&inp, &headers).map_err(|e| explain(&e))?) };
    let compile_and_link = |generated: &Generated| -> Result<(), Error> {
        let c_files = generated.write_files(&out)?;
        timing::step("C wrappers and link", || {
            std::thread::scope(|s| {
                let wrappers = s.spawn(|| link::c_wrappers(&bound, &c_files, generated, dynamic));
                match &libcuda {
                    None => {
                        println!("libcuda-sys: dynamic-loading: no link to libcuda; programs open the driver library on their first call")
                    }
                    Some(libcuda) => {
                        let symbols: Vec<String> = generated.functions.iter().chain(&generated.per_thread_functions).cloned().collect();
                        link::libcuda(libcuda, &symbols, &target_os, &out).context("cannot link libcuda")?;
                    }
                }
                wrappers
                    .join()
                    .unwrap_or_else(|_| Err(Error::failed("the C wrappers could not be compiled", "the compiling thread panicked")))
            })
        })
    };
    match absolute_path("LIBCUDA_SYS_BINDINGS")? {
        Some(file) => {
            println!("cargo:rerun-if-changed={}", file.display());
            let version = env::cargo("CARGO_PKG_VERSION");
            let found =
                pregenerated::Found { headers: &bound.files, cuda_version: headers.version, target: &target, crate_version: &version };
            compile_and_link(&pregenerated::use_file(&file, &found, &out)?)?;
        }
        None => generate(&bound, &target, &target_os, &out, &compile_and_link)?,
    }
    if let Some(copy) = absolute_path("LIBCUDA_SYS_BINDINGS_OUT")? {
        copy_out(&out.join("bindings.rs"), &copy)?;
    }

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

/// Steps called while the generated file is printed.
type Beside<'a> = &'a (dyn Fn(&Generated) -> Result<(), Error> + Sync);

/// Steps 3 and 4 with bindgen: what only the preprocessor knows (documented names, casting
/// macros), without and with CUDA_API_PER_THREAD_DEFAULT_STREAM, then the bindings; `beside` runs
/// while they are printed.
#[cfg(feature = "bindgen")]
fn generate(bound: &Bound, target: &str, target_os: &str, out: &Path, beside: Beside) -> Result<(), Error> {
    let (default, per_thread) = timing::step("probe", || {
        std::thread::scope(|s| {
            let per_thread = s.spawn(|| probe::run(bound, true, out));
            (probe::run(bound, false, out), per_thread.join().unwrap_or_else(|_| Err("the probe panicked".into())))
        })
    });
    const PROBE: &str = "the C preprocessor could not read cuda.h";
    let (default, per_thread) = (default.context(PROBE)?, per_thread.context(PROBE)?);
    generate::bindings(bound, &default, &per_thread, target, target_os, out, beside)
}

/// Without bindgen, the bindings can only come from a file.
#[cfg(not(feature = "bindgen"))]
fn generate(_: &Bound, _: &str, _: &str, _: &Path, _: Beside) -> Result<(), Error> {
    Err(Error::failed(
        "no bindings: the `bindgen` feature is off and LIBCUDA_SYS_BINDINGS is unset",
        format!(
            "Either enable the `bindgen` feature (the default; it needs libclang), or set LIBCUDA_SYS_BINDINGS to a \
             bindings file that a build with bindgen wrote for this header and target.\n\n{}",
            pregenerated::regenerate_help()
        ),
    ))
}

/// A variable that names a file: an absolute path, since the build script runs in the crate's own
/// folder, not where cargo was started.
fn absolute_path(name: &str) -> Result<Option<PathBuf>, Error> {
    match env::var(name).map(PathBuf::from) {
        Some(path) if !path.is_absolute() => Err(Error::failed(
            format!("{name}={} is no absolute path", path.display()),
            format!("The build script runs in libcuda-sys's own folder, not where cargo was started: give {name} an absolute path (e.g. {name}=$PWD/{}).", path.display()),
        )),
        path => Ok(path),
    }
}

/// `LIBCUDA_SYS_BINDINGS_OUT`: a copy of the bindings, for builds without bindgen.
fn copy_out(bindings: &Path, to: &Path) -> Result<(), Error> {
    fs::copy(bindings, to).map_err(|e| {
        Error::failed("cannot write LIBCUDA_SYS_BINDINGS_OUT", format!("copying {} to {}: {e}", bindings.display(), to.display()))
    })?;
    println!("libcuda-sys: bindings copied to LIBCUDA_SYS_BINDINGS_OUT={}", to.display());
    Ok(())
}
