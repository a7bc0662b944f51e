//! The bindings, `OUT_DIR/bindings.rs`: generated from the bound headers (with the `bindgen`
//! feature), or read from a bindings file (`LIBCUDA_SYS_BINDINGS`, [`reuse`]). Either way the
//! stage returns [`Bindings`]: the code and the [`BuildData`] the later stages need; [`write`]
//! prints them.
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

use crate::config::Config;
use crate::error::Error;
use crate::shared::build_data::BuildData;
use std::fs;

/// The bindings of this build, and what the later stages need of them.
pub struct Bindings {
    pub code: Code,
    pub data: BuildData,
}

pub enum Code {
    /// Generated here: the file's first lines (build/shared/provenance.rs) and the syntax tree.
    #[cfg(feature = "bindgen")]
    Tree { provenance: String, file: syn::File },
    /// A bindings file read as it is, build data included.
    Text(String),
}

/// Writes `OUT_DIR/bindings.rs`, which `src/lib.rs` includes.
pub fn write(config: &Config, bindings: &Bindings) -> Result<(), Error> {
    let out_file = config.out_dir.join("bindings.rs");
    let text = match &bindings.code {
        #[cfg(feature = "bindgen")]
        Code::Tree { provenance, file } => {
            let code = crate::timing::step("print", || prettyplease::unparse(file));
            format!("{provenance}{code}{}", bindings.data.trailer())
        }
        Code::Text(text) => text.clone(),
    };
    fs::write(&out_file, text).map_err(|e| Error::failed("cannot write the bindings", format!("{}: {e}", out_file.display())))
}

/// Generates the bindings of the `bound` headers; without bindgen, that is an error that says
/// where bindings can come from instead.
pub fn generate(config: &Config, bound: &crate::find::bound::Bound) -> Result<Bindings, Error> {
    #[cfg(feature = "bindgen")]
    return generate::run(config, bound);
    #[cfg(not(feature = "bindgen"))]
    let _ = (config, bound);
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

/// `LIBCUDA_SYS_BINDINGS_OUT`: a copy of the bindings written, for builds without bindgen.
pub fn copy_out(config: &Config, to: &std::path::Path) -> Result<(), Error> {
    let bindings = config.out_dir.join("bindings.rs");
    fs::copy(&bindings, to).map_err(|e| {
        Error::failed("cannot write LIBCUDA_SYS_BINDINGS_OUT", format!("copying {} to {}: {e}", bindings.display(), to.display()))
    })?;
    println!("libcuda-sys: bindings copied to LIBCUDA_SYS_BINDINGS_OUT={}", to.display());
    Ok(())
}

/// docs.rs has no CUDA: the crate documents how its bindings are made, nothing more.
pub fn docs_rs_placeholder(config: &Config) -> Result<(), Error> {
    let file = config.out_dir.join("bindings.rs");
    fs::write(&file, "").map_err(|e| Error::failed("cannot write bindings.rs", format!("{}: {e}", file.display())))
}
