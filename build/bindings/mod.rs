//! The bindings, `OUT_DIR/bindings.rs`: generated from the bound headers (with the `bindgen`
//! feature), read from a bindings file (`LIBCUDA_SYS_BINDINGS`, [`reuse`]), or shipped with the
//! crate ([`shipped`]); [`choose`] decides which. Either way the stage returns [`Bindings`]: the
//! code and the [`BuildData`] the later stages need; [`write`] prints them.
//!
//! Generation: the C preprocessor answers what only it knows ([`probe`]), in both stream modes;
//! bindgen reads the umbrella header (`bindgen`); its output is parsed once into a syntax tree,
//! the [`passes`] add what bindgen cannot derive, and the tree is printed formatted (prettyplease).
//! The file depends on the headers bound and the target only, and says so in its first lines.

#[cfg(feature = "bindgen")]
mod bindgen;
#[cfg(feature = "bindgen")]
mod cross;
#[cfg(feature = "bindgen")]
mod doxygen;
#[cfg(feature = "bindgen")]
mod generate;
#[cfg(feature = "bindgen")]
mod passes;
#[cfg(feature = "bindgen")]
mod probe;
pub mod reuse;
pub mod shipped;

use crate::config::Config;
use crate::error::Error;
use crate::find::bound::Bound;
use crate::find::{Headers, NotFound};
use crate::shared::build_data::BuildData;
use crate::shared::provenance::Provenance;
use crate::shared::release;
use shipped::ShippedFile;
use std::fs;
use std::path::PathBuf;

/// The bindings of this build, and what the later stages need of them.
pub struct Bindings {
    pub code: Code,
    pub data: BuildData,
    /// What they were made from (the file's first lines).
    pub provenance: Provenance,
    /// Where they came from, for the crate's documentation (`OUT_DIR/about.md`).
    pub about: String,
}

pub enum Code {
    /// Generated here: the syntax tree, and the comment lines that go before it (the shipped
    /// flavor's notice).
    #[cfg(feature = "bindgen")]
    Tree(syn::File, String),
    /// A bindings file read as it is, first lines and build data included.
    Text(String),
}

/// Where the bindings come from.
pub enum Source {
    /// Generated from the bound headers (the `bindgen` feature).
    Generate,
    /// Generated in the shipped flavor, which the build copies to `LIBCUDA_SYS_SHIP` (scripts/ship.sh).
    Ship,
    /// `LIBCUDA_SYS_BINDINGS`: a file a build with bindgen wrote for the header found.
    File(PathBuf),
    /// A file this crate ships, and why it was chosen (for the log).
    Shipped(ShippedFile, String),
}

/// Decides where the bindings come from. A header found and `bindgen` on: generated from it. A
/// header found and `bindgen` off: the shipped file of that very header. No header: the shipped file
/// of the release `LIBCUDA_SYS_CUDA_VERSION` names (on docs.rs, the newest). `LIBCUDA_SYS_BINDINGS`
/// before all of these. Never another release than the one found or named.
pub fn choose(config: &Config, headers: &Result<Headers, NotFound>) -> Result<Source, Error> {
    let named = match config.var("LIBCUDA_SYS_CUDA_VERSION") {
        None => None,
        Some(value) => Some(shipped::parse_release(&value).ok_or_else(|| {
            Error::failed(
                format!("LIBCUDA_SYS_CUDA_VERSION={value} is no CUDA release"),
                format!("Name a release as `13.0` (or `13000`, as CUDA_VERSION writes it). Shipped: {}.", shipped::releases(config)),
            )
        })?),
    };
    if let Some(path) = config.path_var("LIBCUDA_SYS_SHIP")? {
        return match headers {
            Ok(_) if config.features.bindgen => Ok(Source::Ship),
            _ => Err(Error::failed(
                format!("LIBCUDA_SYS_SHIP={} needs a header found and the `bindgen` feature", path.display()),
                "It writes the shipped flavor of the bindings generated from the header found (scripts/ship.sh).",
            )),
        };
    }
    if let Some(file) = config.path_var("LIBCUDA_SYS_BINDINGS")? {
        return match headers {
            Ok(_) => Ok(Source::File(file)),
            Err(NotFound(searched)) => Err(Error::failed(
                format!("LIBCUDA_SYS_BINDINGS={} needs the header it was made from, and none was found", file.display()),
                format!("A bindings file is checked against the headers it was made from. {searched}"),
            )),
        };
    }
    let chosen = match (headers, named) {
        (Ok(headers), Some(named)) if named != release(headers.version) => {
            return Err(Error::failed(
                format!("LIBCUDA_SYS_CUDA_VERSION={named} names another release than the header found (CUDA {})", release(headers.version)),
                format!(
                    "The header found is {} ({}); a build binds the release it finds or the one named, never another. Unset LIBCUDA_SYS_CUDA_VERSION, or point the search at CUDA {named} headers (LIBCUDA_SYS_INCLUDE_DIR).",
                    headers.include_dir.join("cuda.h").display(),
                    headers.how
                ),
            ))
        }
        (Ok(_), _) if config.features.bindgen => return Ok(Source::Generate),
        (Ok(headers), _) => {
            let found = release(headers.version);
            let file = shipped::find(config, &found).map_err(|why| no_bindings(headers, &why))?;
            Source::Shipped(file, format!("CUDA {found}, the release of the header found, checked by its hashes"))
        }
        (Err(_), Some(named)) => {
            let file = shipped::find(config, &named).map_err(|why| {
                Error::failed(format!("LIBCUDA_SYS_CUDA_VERSION={named}: no bindings of that release are shipped"), format!("{why} Name one of them, or give the build CUDA {named} headers (LIBCUDA_SYS_INCLUDE_DIR) and the `bindgen` feature."))
            })?;
            Source::Shipped(file, format!("CUDA {named}, named by LIBCUDA_SYS_CUDA_VERSION; no cuda.h found"))
        }
        (Err(_), None) if config.docs_rs() && shipped::newest(config).is_some() => {
            let file = shipped::newest(config).expect("checked above");
            let why = format!("CUDA {}, the newest shipped: docs.rs has no CUDA", file.release);
            Source::Shipped(file, why)
        }
        (Err(NotFound(searched)), None) => {
            return Err(Error::Explained(format!(
                "{searched}\nOr build without a header, from the bindings this crate ships: set LIBCUDA_SYS_CUDA_VERSION to the \
                 release whose Driver API you program against. Shipped: {}.",
                shipped::releases(config)
            )))
        }
    };
    if !config.features.interop.is_empty() {
        return Err(Error::failed(
            format!("the features {} need their headers, which the shipped bindings do not hold", config.features.interop.join(", ")),
            "The shipped bindings hold cuda.h, cudaProfiler.h and cudaTypedefs.h. The interop features bind cudaGL.h, cudaEGL.h or \
             cudaVDPAU.h from the headers found: build with the `bindgen` feature (the default; it needs libclang) and those headers.",
        ));
    }
    Ok(chosen)
}

/// The header found has no shipped bindings, and bindgen is off.
fn no_bindings(headers: &Headers, why: &str) -> Error {
    Error::failed(
        format!(
            "no bindings for the CUDA {} headers found: the `bindgen` feature is off, and none are shipped for them",
            release(headers.version)
        ),
        format!(
            "The header found: {} ({}). {why}\n\nEither:\n  \
             - turn the `bindgen` feature on (the default; it needs libclang) to generate the bindings from this header, or\n  \
             - point the search at the headers of a shipped release (LIBCUDA_SYS_INCLUDE_DIR), or unset every CUDA variable and \
             name a shipped release in LIBCUDA_SYS_CUDA_VERSION, or\n  \
             - set LIBCUDA_SYS_BINDINGS to a bindings file a build with bindgen wrote for this header.",
            headers.include_dir.join("cuda.h").display(),
            headers.how
        ),
    )
}

/// The bindings from their source: generated from the `bound` headers, or a file read (and checked
/// against the headers found).
pub fn load(config: &Config, source: Source, headers: Option<&Headers>, bound: Option<&Bound>) -> Result<Bindings, Error> {
    let no_header = || Error::failed("no header to generate the bindings from", "the search found no cuda.h");
    let found = || {
        headers
            .map(|h| format!("`{}` (CUDA {}, {})", h.include_dir.join("cuda.h").display(), release(h.version), h.how))
            .unwrap_or_default()
    };
    let (mut bindings, about) = match source {
        Source::Generate => (
            generate(config, bound.ok_or_else(no_header)?, false)?,
            format!("the bindings generated by this build from {}, with NVIDIA's documentation from the header", found()),
        ),
        Source::Ship => (generate(config, bound.ok_or_else(no_header)?, true)?, format!("the shipped form of the bindings of {}", found())),
        Source::File(path) => {
            let (headers, bound) = headers.zip(bound).ok_or_else(no_header)?;
            let bindings = reuse::read(&path, &reuse::Found::new(config, &bound.files, headers.version))?;
            (bindings, format!("the bindings read from `LIBCUDA_SYS_BINDINGS={}`, made for {}", path.display(), found()))
        }
        Source::Shipped(file, why) => {
            let bindings = shipped::read(&file, bound.map(|b| b.files.as_slice()), &why)?;
            let about = format!(
                "the bindings libcuda-sys ships for CUDA {} (`shipped/{}`; {why}). They hold the interface: items, signatures, \
                 values and layouts, each item with the header and the group of NVIDIA's Driver API reference that describe it. \
                 On a machine with CUDA's headers, `cargo doc --open -p libcuda-sys` documents the bindings generated from \
                 your own header, with NVIDIA's descriptions",
                file.release,
                crate::shared::shipped_file_name(&file.release, &file.abi)
            );
            (bindings, about)
        }
    };
    bindings.about = format!("**These docs** show {about}.\n");
    Ok(bindings)
}

/// Writes `OUT_DIR/bindings.rs`, which `src/lib.rs` includes.
pub fn write(config: &Config, bindings: &Bindings) -> Result<(), Error> {
    let out_file = config.out_dir.join("bindings.rs");
    let text = match &bindings.code {
        #[cfg(feature = "bindgen")]
        Code::Tree(file, preamble) => {
            let code = crate::timing::step("print", || prettyplease::unparse(file));
            format!("{}{preamble}{code}{}", bindings.provenance.header(), bindings.data.trailer())
        }
        Code::Text(text) => text.clone(),
    };
    fs::write(&out_file, text).map_err(|e| Error::failed("cannot write the bindings", format!("{}: {e}", out_file.display())))?;
    let about = config.out_dir.join("about.md");
    fs::write(&about, &bindings.about).map_err(|e| Error::failed("cannot write the bindings", format!("{}: {e}", about.display())))
}

/// Generates the bindings of the `bound` headers (`shipped`: in the flavor the crate ships);
/// without bindgen, that is an error that says where bindings can come from instead.
fn generate(config: &Config, bound: &Bound, shipped: bool) -> Result<Bindings, Error> {
    #[cfg(feature = "bindgen")]
    return generate::run(config, bound, if shipped { generate::Flavor::Shipped } else { generate::Flavor::Full });
    #[cfg(not(feature = "bindgen"))]
    let _ = (config, bound, shipped);
    #[cfg(not(feature = "bindgen"))]
    Err(Error::failed(
        "no bindings: the `bindgen` feature is off and LIBCUDA_SYS_BINDINGS is unset",
        format!(
            "Either enable the `bindgen` feature (the default; it needs libclang), or set LIBCUDA_SYS_BINDINGS to a \
             bindings file that a build with bindgen wrote for this header and target.\n\n{}",
            reuse::regenerate_help()
        ),
    ))
}

/// `LIBCUDA_SYS_BINDINGS_OUT` (for builds without bindgen) and `LIBCUDA_SYS_SHIP` (the shipped
/// flavor, for scripts/ship.sh): a copy of the bindings written.
pub fn copy_out(config: &Config, to: &std::path::Path) -> Result<(), Error> {
    let bindings = config.out_dir.join("bindings.rs");
    fs::copy(&bindings, to)
        .map_err(|e| Error::failed("cannot copy the bindings out", format!("copying {} to {}: {e}", bindings.display(), to.display())))?;
    println!("libcuda-sys: bindings copied to {}", to.display());
    Ok(())
}
