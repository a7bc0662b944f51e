//! Build script of libcuda-sys: a pipeline whose stages each return what the next one takes.
//! `stages` below is its table of contents; each stage lives in its own module under build/:
//! - config.rs: the configuration, read once (the only reader of the environment);
//! - find/: cuda.h, the headers bound with it, the driver library to link;
//! - bindings/: the bindings, generated (bindgen, then passes over the syntax tree) or read from
//!   a bindings file, and written;
//! - link/: libcuda (or a stub) and the C wrappers of static inline functions;
//! - metadata.rs: what dependents learn (`DEP_CUDA_*`);
//! - error.rs: the one error type and the one way to stop; shared/: what the crate's other
//!   targets (its tests, systest, consumer) include.
//!
//! build/tests.rs is the root of the same tree for its unit tests.

mod bindings;
mod config;
mod error;
mod find;
mod link;
mod metadata;
// The conventions, provenance and build data shared with the crate's other targets: without the
// `bindgen` feature, the build only reads a bindings file, and uses part of them.
#[cfg_attr(not(feature = "bindgen"), allow(dead_code))]
mod shared;
mod timing;

use config::Config;
use error::{Context, Error};

fn main() {
    let config = Config::read();
    if let Err(error) = timing::step("build script", || stages(&config)) {
        error::stop(&config, error);
    }
}

fn stages(config: &Config) -> Result<(), Error> {
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=wrapper.h");
    println!("cargo:rerun-if-changed={}", shared::SHIPPED_DIR);
    // 1. cuda.h, and the headers bound with it (none found: the bindings can still be shipped ones).
    let machine = timing::step("pkg-config, ldconfig", || find::Machine::gather(config));
    let headers = find::headers(&machine)?;
    let bound = headers.as_ref().ok().map(|h| find::bound(config, h)).transpose()?;
    // 2. Where the bindings come from: generated, a bindings file, or shipped with the crate.
    let source = bindings::choose(config, &headers)?;
    // 3. The driver library to link against (none with dynamic-loading).
    let libcuda = find::libcuda(config, &machine, headers.as_ref().ok())?;
    // 4. The bindings.
    let bindings = bindings::load(config, source, headers.as_ref().ok(), bound.as_ref())?;
    // 5. Written, while the C wrappers compile and libcuda (or a stub) is linked.
    let c_files = bindings.data.write_files(&config.out_dir).context("cannot write a file of the bindings")?;
    let include_dirs = [bound.as_ref().map(|b| b.include_dirs.clone()).unwrap_or_default(), vec![config.out_dir.clone()]].concat();
    timing::step("write, C wrappers, link", || {
        std::thread::scope(|s| {
            let data = &bindings.data;
            let wrappers = s.spawn(|| link::c_wrappers(config, &include_dirs, &c_files, data));
            let linked = s.spawn(|| match &libcuda {
                Some(libcuda) => link::libcuda(config, libcuda, &data.library_symbols()).map(drop).context("cannot link libcuda"),
                None => Ok(()),
            });
            // The syntax tree stays on this thread (syn's trees are not Send).
            bindings::write(config, &bindings)?;
            for stage in [wrappers, linked] {
                stage.join().unwrap_or_else(|_| Err(Error::failed("a build stage failed", "its thread panicked")))?;
            }
            Ok(())
        })
    })?;
    for copy in [config.path_var("LIBCUDA_SYS_BINDINGS_OUT")?, config.path_var("LIBCUDA_SYS_SHIP")?].into_iter().flatten() {
        bindings::copy_out(config, &copy)?;
    }
    // 6. What dependents learn.
    metadata::print(config, headers.as_ref().ok(), bound.as_ref(), &bindings.provenance)
}
