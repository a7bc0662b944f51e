//! A bindings file instead of generation: `LIBCUDA_SYS_BINDINGS`, a `bindings.rs` that a build
//! with bindgen wrote (and `LIBCUDA_SYS_BINDINGS_OUT` copied out). Such a file is complete by
//! itself: its first lines say what it was made from (build/shared/provenance.rs), its last ones
//! carry the build data (build/shared/build_data.rs). What still needs the header, the C wrappers'
//! `#include <cuda.h>`, uses the header found, as a build with bindgen does; that header must be the
//! one the file was made from (hash). Nothing here needs more than `std`.

use super::{Bindings, Code};
use crate::config::Config;
use crate::error::Error;
use crate::shared::build_data::BuildData;
use crate::shared::provenance::{header_hash, header_name, Provenance};
use std::fs;
use std::path::{Path, PathBuf};

/// What this build found, to compare with what a bindings file records.
pub struct Found<'a> {
    /// The headers this build binds, in include order: cuda.h first (build/find/bound.rs).
    pub headers: &'a [PathBuf],
    pub cuda_version: u32,
    pub target: &'a str,
    pub crate_version: &'a str,
}

impl<'a> Found<'a> {
    pub fn new(config: &'a Config, headers: &'a [PathBuf], cuda_version: u32) -> Found<'a> {
        Found { headers, cuda_version, target: &config.target, crate_version: &config.crate_version }
    }
}

/// How to write a file for the header a build finds.
pub fn regenerate_help() -> String {
    "To write one for the header this build finds, build once with the `bindgen` feature (the default; it needs libclang) \
     and LIBCUDA_SYS_BINDINGS_OUT naming the file to write:\n  \
     LIBCUDA_SYS_BINDINGS_OUT=$PWD/cuda-bindings.rs cargo build -p libcuda-sys\n\
     then point LIBCUDA_SYS_BINDINGS at that file."
        .to_string()
}

/// Reads `path` and checks that it was made by this crate version, for this target, from the
/// headers found (every header whose hash it records).
pub fn read(path: &Path, found: &Found) -> Result<Bindings, Error> {
    println!("cargo:rerun-if-changed={}", path.display());
    let fail = |what: String| Error::failed(format!("LIBCUDA_SYS_BINDINGS={} cannot be used", path.display()), what);
    let text = fs::read_to_string(path).map_err(|e| fail(format!("cannot read it: {e}\n\n{}", regenerate_help())))?;
    let made = Provenance::read(&text).map_err(|e| fail(format!("{e}\n\n{}", regenerate_help())))?;
    let mut mismatches = Vec::new();
    if made.crate_version != found.crate_version {
        mismatches.push(format!("made by libcuda-sys {}, this is libcuda-sys {}", made.crate_version, found.crate_version));
    }
    if made.target != found.target {
        mismatches.push(format!("made for the target {}, this build is for {}", made.target, found.target));
    }
    if made.cuda_version != found.cuda_version {
        mismatches.push(format!("made from a header with CUDA_VERSION {}, the header found has {}", made.cuda_version, found.cuda_version));
    }
    let recorded = made.headers();
    let recorded_names: Vec<String> = recorded.iter().map(|(name, _)| name.clone()).collect();
    let bound_names: Vec<String> = found.headers.iter().map(|h| header_name(h)).collect();
    if recorded_names != bound_names {
        mismatches.push(format!(
            "made from the headers {}, this build binds {} (the headers found beside cuda.h and the features gl, egl, vdpau decide)",
            recorded_names.join(", "),
            bound_names.join(", ")
        ));
    }
    for (name, recorded) in &recorded {
        // A header recorded but not bound here is reported above.
        let Some(header) = found.headers.iter().find(|h| header_name(h) == *name) else {
            continue;
        };
        match header_hash(header) {
            Ok((_, hash)) if hash == *recorded => {}
            Ok((_, hash)) => mismatches
                .push(format!("made from a {name} with FNV-1a 64 {recorded:016x}, the one found ({}) has {hash:016x}", header.display())),
            Err(e) => mismatches.push(format!("made from a {name} with FNV-1a 64 {recorded:016x}; {e}")),
        }
    }
    if !mismatches.is_empty() {
        return Err(fail(format!(
            "The file was made for another build than this one:\n  - {}\n\n{}",
            mismatches.join("\n  - "),
            regenerate_help()
        )));
    }
    let data = BuildData::read(&text).map_err(fail)?;
    println!(
        "libcuda-sys: bindings from LIBCUDA_SYS_BINDINGS={} (made by libcuda-sys {} for {}), not generated",
        path.display(),
        made.crate_version,
        made.target
    );
    Ok(Bindings { code: Code::Text(text), data, provenance: made, about: String::new() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::provenance::fnv1a64;

    /// A folder with the given headers, a bindings file made from some of them, and a build that
    /// binds `bound` of them: what `read` answers.
    fn check(made_from: &[(&str, &str)], found: &[(&str, &str)], bound: &[&str], version: &str, target: &str) -> Result<BuildData, String> {
        let dir = crate::config::test_dir("reuse");
        let include = dir.join("include");
        fs::create_dir_all(&include).unwrap();
        for (name, text) in found {
            fs::write(include.join(name), text).unwrap();
        }
        let hash = |text: &str| fnv1a64(text.as_bytes());
        let made = Provenance {
            crate_version: "0.1.0".into(),
            cuda_version: 13000,
            cuda_h_hash: hash(made_from[0].1),
            target: "x86_64-unknown-linux-gnu".into(),
            other_headers: made_from[1..].iter().map(|(name, text)| (name.to_string(), hash(text))).collect(),
        };
        let data = BuildData { functions: vec!["cuInit".into()], ..BuildData::default() };
        let file = dir.join("bindings.rs");
        fs::write(&file, format!("{}pub const X: u32 = 1;\n{}", made.header(), data.trailer())).unwrap();
        let headers: Vec<PathBuf> = bound.iter().map(|name| include.join(name)).collect();
        let found = Found { headers: &headers, cuda_version: 13000, target, crate_version: version };
        let result = read(&file, &found).map(|b| b.data).map_err(|e| e.message());
        fs::remove_dir_all(&dir).unwrap();
        result
    }

    const CUDA_H: (&str, &str) = ("cuda.h", "#define CUDA_VERSION 13000\n");
    const TYPEDEFS: (&str, &str) = ("cudaTypedefs.h", "typedef int PFN_x;\n");
    const TARGET: &str = "x86_64-unknown-linux-gnu";

    #[test]
    fn a_file_made_from_the_headers_found_is_used() {
        let data = check(&[CUDA_H, TYPEDEFS], &[CUDA_H, TYPEDEFS], &["cuda.h", "cudaTypedefs.h"], "0.1.0", TARGET).unwrap();
        assert_eq!(data.functions, ["cuInit"]);
    }

    #[test]
    fn every_mismatch_is_named_with_how_to_regenerate() {
        let changed = ("cudaTypedefs.h", "typedef long PFN_x;\n");
        let e = check(&[CUDA_H, TYPEDEFS], &[CUDA_H, changed], &["cuda.h", "cudaTypedefs.h"], "0.2.0", "aarch64-unknown-linux-gnu")
            .unwrap_err();
        assert!(e.contains("made by libcuda-sys 0.1.0, this is libcuda-sys 0.2.0"), "{e}");
        assert!(e.contains("made for the target x86_64-unknown-linux-gnu, this build is for aarch64-unknown-linux-gnu"), "{e}");
        assert!(e.contains("made from a cudaTypedefs.h with FNV-1a 64"), "{e}");
        assert!(e.contains("LIBCUDA_SYS_BINDINGS_OUT="), "{e}");
    }

    #[test]
    fn a_file_made_from_other_headers_is_refused() {
        // Made where cudaTypedefs.h was bound; this build finds cuda.h alone.
        let e = check(&[CUDA_H, TYPEDEFS], &[CUDA_H], &["cuda.h"], "0.1.0", TARGET).unwrap_err();
        assert!(e.contains("made from the headers cuda.h, cudaTypedefs.h, this build binds cuda.h"), "{e}");
    }
}
