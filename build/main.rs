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
    // 1. cuda.h, and the headers bound with it; 2. the driver library to link (none with dynamic-loading).
    let machine = timing::step("pkg-config, ldconfig", || find::Machine::gather(config));
    let Some(headers) = find::headers(config, &machine)? else { return bindings::docs_rs_placeholder(config) };
    let bound = find::bound(config, &headers)?;
    let libcuda = find::libcuda(config, &machine, Some(&headers))?;
    // 3. The bindings: read from LIBCUDA_SYS_BINDINGS, else generated from the bound headers.
    let bindings = match config.path_var("LIBCUDA_SYS_BINDINGS")? {
        Some(file) => bindings::reuse::read(&file, &bindings::reuse::Found::new(config, &bound.files, headers.version))?,
        None => bindings::generate(config, &bound)?,
    };
    // 4. Written, while the C wrappers compile and libcuda (or a stub) is linked.
    let c_files = bindings.data.write_files(&config.out_dir).context("cannot write a file of the bindings")?;
    let include_dirs = [bound.include_dirs.clone(), vec![config.out_dir.clone()]].concat();
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
    if let Some(copy) = config.path_var("LIBCUDA_SYS_BINDINGS_OUT")? {
        bindings::copy_out(config, &copy)?;
    }
    // 5. What dependents learn.
    metadata::print(config, &headers, &bound)
}
