//! A build without bindgen: the bindings come from `LIBCUDA_SYS_BINDINGS`, a `bindings.rs` that a
//! build with bindgen wrote (and that `LIBCUDA_SYS_BINDINGS_OUT` copies out). Nothing here needs
//! more than `std`.
//!
//! Such a file is complete by itself: after the Rust code, comment lines carry what the later
//! steps need and bindgen alone could tell, the "build data" ([`Generated`]): the library symbols
//! (for the link stub), the driver symbols the C wrappers call (for dynamic-loading), and the
//! files written beside `bindings.rs` (`dynamic.rs`, the C wrappers of static inline functions).
//! What still needs the header, the C wrappers' `#include <cuda.h>`, uses the header found as a
//! build with bindgen does; that header must be the one the file was made from (hash).
//!
//! ```text
//! // libcuda-sys build data: read by builds without bindgen (LIBCUDA_SYS_BINDINGS); do not edit.
//! // @functions
//! // cuGetErrorString
//! // @file dynamic.rs
//! // pub const DEFAULT_LIBRARY: &str = "libcuda.so.1";
//! ```

use crate::fail::Error;
use crate::provenance::{header_hash, header_name, Provenance};
use std::fs;
use std::path::{Path, PathBuf};

/// What the generated file declares and needs beside it, for the later build steps.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Generated {
    /// The library symbols declared at the crate root, in the order of the header.
    pub functions: Vec<String>,
    /// The library symbols declared in `per_thread` only.
    pub per_thread_functions: Vec<String>,
    /// The driver symbols the C wrappers of static inline functions call (with dynamic-loading,
    /// under their hidden name).
    pub wrapper_calls: Vec<String>,
    /// Files written into `OUT_DIR` beside `bindings.rs`, by name: `dynamic.rs`, and the C
    /// wrappers of static inline functions (`*.c`, compiled into the crate).
    pub files: Vec<(String, String)>,
}

const MARKER: &str = "// libcuda-sys build data: read by builds without bindgen (LIBCUDA_SYS_BINDINGS); do not edit.";

impl Generated {
    /// The comment lines that end the generated file.
    pub fn trailer(&self) -> String {
        let mut text = format!("\n{MARKER}\n");
        let mut section = |title: &str, lines: &mut dyn Iterator<Item = &str>| {
            text.push_str(&format!("// @{title}\n"));
            for line in lines {
                text.push_str(&if line.is_empty() { "//\n".to_string() } else { format!("// {line}\n") });
            }
        };
        section("functions", &mut self.functions.iter().map(String::as_str));
        section("per_thread_functions", &mut self.per_thread_functions.iter().map(String::as_str));
        section("wrapper_calls", &mut self.wrapper_calls.iter().map(String::as_str));
        for (name, content) in &self.files {
            section(&format!("file {name}"), &mut content.lines());
        }
        text
    }

    /// Reads the build data back from a whole generated file.
    pub fn read(file: &str) -> Result<Generated, String> {
        let mut lines = file.lines().skip_while(|l| *l != MARKER);
        if lines.next().is_none() {
            return Err("the file has no build data (it was not written by a build of this crate with bindgen)".into());
        }
        let mut generated = Generated::default();
        let mut current: Option<&mut Vec<String>> = None;
        let mut files: Vec<(String, Vec<String>)> = Vec::new();
        for line in lines {
            let text = line.strip_prefix("//").ok_or_else(|| format!("`{line}` in the build data is no comment"))?;
            let text = text.strip_prefix(' ').unwrap_or(text);
            if let Some(title) = text.strip_prefix('@') {
                current = Some(match title {
                    "functions" => &mut generated.functions,
                    "per_thread_functions" => &mut generated.per_thread_functions,
                    "wrapper_calls" => &mut generated.wrapper_calls,
                    _ => {
                        let name = title.strip_prefix("file ").ok_or_else(|| format!("unknown build data section `{title}`"))?;
                        files.push((name.to_string(), Vec::new()));
                        &mut files.last_mut().expect("just pushed").1
                    }
                });
                continue;
            }
            current.as_mut().ok_or("build data before its first section")?.push(text.to_string());
        }
        generated.files = files.into_iter().map(|(name, lines)| (name, lines.iter().map(|l| format!("{l}\n")).collect())).collect();
        Ok(generated)
    }

    /// Writes [`Generated::files`] into `out_dir`; returns the C files among them.
    pub fn write_files(&self, out_dir: &Path) -> Result<Vec<PathBuf>, Error> {
        let mut c_files = Vec::new();
        for (name, content) in &self.files {
            let path = out_dir.join(name);
            fs::write(&path, content).map_err(|e| Error::failed("cannot write a generated file", format!("{}: {e}", path.display())))?;
            if name.ends_with(".c") {
                c_files.push(path);
            }
        }
        Ok(c_files)
    }
}

/// What a build found, to compare with what a pregenerated file records.
pub struct Found<'a> {
    /// The headers this build binds, in include order: cuda.h first (build/extras.rs `Bound::files`).
    pub headers: &'a [PathBuf],
    pub cuda_version: u32,
    pub target: &'a str,
    pub crate_version: &'a str,
}

/// How to write a file for the header a build finds.
pub fn regenerate_help() -> String {
    "To write one for the header this build finds, build once with the `bindgen` feature (the default; it needs libclang) \
     and LIBCUDA_SYS_BINDINGS_OUT naming the file to write:\n  \
     LIBCUDA_SYS_BINDINGS_OUT=$PWD/cuda-bindings.rs cargo build -p libcuda-sys\n\
     then point LIBCUDA_SYS_BINDINGS at that file."
        .to_string()
}

/// Reads `path`, checks that it was made by this crate version, for this target, from the headers
/// found (every header whose hash it records), and writes it and its files into `out_dir`.
pub fn use_file(path: &Path, found: &Found, out_dir: &Path) -> Result<Generated, Error> {
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
    let recorded = recorded_headers(&made);
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
    let generated = Generated::read(&text).map_err(fail)?;
    let out_file = out_dir.join("bindings.rs");
    fs::write(&out_file, &text).map_err(|e| Error::failed("cannot write the bindings", format!("{}: {e}", out_file.display())))?;
    println!(
        "libcuda-sys: bindings from LIBCUDA_SYS_BINDINGS={} (made by libcuda-sys {} for {}), not generated",
        path.display(),
        made.crate_version,
        made.target
    );
    Ok(generated)
}

/// Every header whose hash the file records, by file name, in include order: `cuda.h`, then the
/// headers bound with it.
fn recorded_headers(made: &Provenance) -> Vec<(String, u64)> {
    let mut headers = vec![("cuda.h".to_string(), made.cuda_h_hash)];
    headers.extend(made.other_headers.iter().cloned());
    headers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provenance::fnv1a64;

    #[test]
    fn build_data_reads_back() {
        let generated = Generated {
            functions: vec!["cuInit".into(), "cuDriverGetVersion".into()],
            per_thread_functions: vec!["cuMemcpy_ptds".into()],
            wrapper_calls: vec![],
            files: vec![("dynamic.rs".into(), "const A: u8 = 1;\n\nconst B: u8 = 2;\n".into()), ("x.c".into(), "int x;\n".into())],
        };
        let file = format!("pub const X: u32 = 1;\n{}", generated.trailer());
        assert_eq!(Generated::read(&file), Ok(generated));
        assert!(Generated::read("pub const X: u32 = 1;\n").unwrap_err().contains("no build data"));
    }

    /// A folder with the given headers, a bindings file made from some of them, and a build that
    /// binds `bound` of them: what `use_file` answers.
    fn check(made_from: &[(&str, &str)], found: &[(&str, &str)], bound: &[&str], version: &str, target: &str) -> Result<Generated, String> {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("libcuda-sys-pregenerated-{}-{n}", std::process::id()));
        let (include, out) = (dir.join("include"), dir.join("out"));
        fs::create_dir_all(&include).unwrap();
        fs::create_dir_all(&out).unwrap();
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
        let generated = Generated { functions: vec!["cuInit".into()], ..Generated::default() };
        let file = dir.join("bindings.rs");
        fs::write(&file, format!("{}pub const X: u32 = 1;\n{}", made.header(), generated.trailer())).unwrap();
        let headers: Vec<PathBuf> = bound.iter().map(|name| include.join(name)).collect();
        let found = Found { headers: &headers, cuda_version: 13000, target, crate_version: version };
        let result = use_file(&file, &found, &out).map_err(|e| match e {
            Error::Failed { summary, details } => format!("{summary}\n{details}"),
            Error::Explained(text) | Error::Libclang(text) => text,
        });
        fs::remove_dir_all(&dir).unwrap();
        result
    }

    const CUDA_H: (&str, &str) = ("cuda.h", "#define CUDA_VERSION 13000\n");
    const TYPEDEFS: (&str, &str) = ("cudaTypedefs.h", "typedef int PFN_x;\n");
    const TARGET: &str = "x86_64-unknown-linux-gnu";

    #[test]
    fn a_file_made_from_the_headers_found_is_used() {
        let generated = check(&[CUDA_H, TYPEDEFS], &[CUDA_H, TYPEDEFS], &["cuda.h", "cudaTypedefs.h"], "0.1.0", TARGET).unwrap();
        assert_eq!(generated.functions, ["cuInit"]);
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
