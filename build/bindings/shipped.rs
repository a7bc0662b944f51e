//! The bindings this crate ships: `shipped/cuda-<release>-<abi>.rs`, written by scripts/ship.sh
//! from NVIDIA's pinned header wheels with this build script's own generator, in their
//! interface-only form (`LIBCUDA_SYS_SHIP`, build/bindings/generate.rs): items, signatures, values
//! and layouts, with no text of NVIDIA's. A build uses one when it does not generate — without the
//! `bindgen` feature, the file of the very header found (same hashes); with no header at all, the
//! release `LIBCUDA_SYS_CUDA_VERSION` names (on docs.rs, the newest). Nothing here needs more than
//! `std`.

use super::{Bindings, Code};
use crate::config::Config;
use crate::error::Error;
use crate::shared::build_data::BuildData;
use crate::shared::provenance::{header_hash, header_name, Provenance};
use crate::shared::{abi_class, release, shipped_file_name, SHIPPED_DIR};
use std::fs;
use std::path::{Path, PathBuf};

/// One shipped file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippedFile {
    /// `13.0`.
    pub release: String,
    /// The target ABI it serves (`shared::abi_class`).
    pub abi: String,
    pub path: PathBuf,
}

/// The shipped files for this build's target ABI, oldest release first.
pub fn for_target(config: &Config) -> Vec<ShippedFile> {
    let Some(abi) = abi_class(&config.target_os, &config.target_arch, &config.target_env) else { return Vec::new() };
    let dir = config.manifest_dir.join(SHIPPED_DIR);
    let mut files: Vec<((u32, u32), ShippedFile)> = fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let (release, file_abi) = name.strip_prefix("cuda-")?.strip_suffix(".rs")?.split_once('-')?;
            let (major, minor) = release.split_once('.')?;
            let key = (major.parse().ok()?, minor.parse().ok()?);
            (file_abi == abi).then(|| (key, ShippedFile { release: release.to_string(), abi: abi.to_string(), path: entry.path() }))
        })
        .collect();
    files.sort_by_key(|(key, _)| *key);
    files.into_iter().map(|(_, file)| file).collect()
}

/// The releases shipped for this target, as a list for messages: `11.8, 12.9, 13.0, 13.5`.
pub fn releases(config: &Config) -> String {
    let files = for_target(config);
    if files.is_empty() {
        return format!("none for {} (bindings are shipped for x86_64 and aarch64 Linux, and x86_64-pc-windows-gnu)", config.target);
    }
    let list: Vec<&str> = files.iter().map(|f| f.release.as_str()).collect();
    format!("{} (for {} targets)", list.join(", "), files[0].abi)
}

/// The shipped file of `release` (`13.0`) for this target; Err: why there is none.
pub fn find(config: &Config, wanted: &str) -> Result<ShippedFile, String> {
    let abi = abi_class(&config.target_os, &config.target_arch, &config.target_env).unwrap_or("none");
    for_target(config).into_iter().find(|f| f.release == wanted).ok_or_else(|| {
        format!(
            "No bindings for CUDA {wanted} are shipped for {} (no {}). Shipped: {}.",
            config.target,
            Path::new(SHIPPED_DIR).join(shipped_file_name(wanted, abi)).display(),
            releases(config)
        )
    })
}

/// The newest shipped file for this target (docs.rs documents it).
pub fn newest(config: &Config) -> Option<ShippedFile> {
    for_target(config).pop()
}

/// `LIBCUDA_SYS_CUDA_VERSION`'s value as a release (`13.0`): `13.0`, `13.0.1` or `13000`.
pub fn parse_release(value: &str) -> Option<String> {
    let value = value.trim();
    if let Ok(version) = value.parse::<u32>() {
        return (version >= 1000).then(|| release(version));
    }
    let mut parts = value.split('.');
    let (major, minor) = (parts.next()?.parse::<u32>().ok()?, parts.next()?.parse::<u32>().ok()?);
    parts.all(|p| p.parse::<u32>().is_ok()).then(|| format!("{major}.{minor}"))
}

/// Reads a shipped file. `headers`: the headers this build found (cuda.h first), whose hashes must
/// be the ones the file was made from; `None` when there is none (a release named).
pub fn read(file: &ShippedFile, headers: Option<&[PathBuf]>, why: &str) -> Result<Bindings, Error> {
    println!("cargo:rerun-if-changed={}", file.path.display());
    let fail = |what: String| Error::failed(format!("the shipped bindings {} cannot be used", file.path.display()), what);
    let text = fs::read_to_string(&file.path).map_err(|e| fail(format!("cannot read them: {e}")))?;
    let made = Provenance::read(&text).map_err(&fail)?;
    if let Some(headers) = headers {
        check_headers(&made, headers).map_err(|e| {
            Error::failed(
                format!("the CUDA {} headers found are not the ones its shipped bindings were made from", file.release),
                format!(
                    "{e}\n\nThe `bindgen` feature is off, so the bindings must be the shipped ones, which are checked against the \
                     headers found. Either turn the `bindgen` feature on (the default; it needs libclang) to generate them from \
                     these headers, or set LIBCUDA_SYS_BINDINGS to a bindings file a build with bindgen wrote for them."
                ),
            )
        })?;
    }
    let data = BuildData::read(&text).map_err(&fail)?;
    println!(
        "libcuda-sys: bindings shipped with the crate: {}/{} ({why}), not generated",
        SHIPPED_DIR,
        shipped_file_name(&file.release, &file.abi)
    );
    Ok(Bindings { code: Code::Text(text), data, provenance: made, about: String::new() })
}

/// The headers found must be those the file was made from: cuda.h's hash, and each other header
/// the file records that is found beside it (one not found is left out of a build with bindgen
/// too, so its items in the file are no surprise; the driver has them all the same). A header
/// found that the file does not record (the interop features' cudaGL.h, ...) is not in it.
fn check_headers(made: &Provenance, headers: &[PathBuf]) -> Result<(), String> {
    let recorded = made.headers();
    let mut problems = Vec::new();
    for header in headers {
        let name = header_name(header);
        match (recorded.iter().find(|(n, _)| *n == name), header_hash(header)) {
            (None, _) => problems.push(format!("{name} is bound by this build (a feature asks for it) but not in the shipped bindings")),
            (Some(_), Err(e)) => problems.push(e),
            (Some((_, want)), Ok((_, hash))) if *want != hash => problems
                .push(format!("{} has FNV-1a 64 {hash:016x}; the shipped bindings were made from one with {want:016x}", header.display())),
            _ => {}
        }
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(format!("  - {}", problems.join("\n  - "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{test_config, test_dir};
    use crate::shared::provenance::fnv1a64;

    #[test]
    fn releases_are_parsed_as_people_write_them() {
        assert_eq!(parse_release("13.0").as_deref(), Some("13.0"));
        assert_eq!(parse_release(" 12.9.1 ").as_deref(), Some("12.9"));
        assert_eq!(parse_release("13000").as_deref(), Some("13.0"));
        assert_eq!(parse_release("11080").as_deref(), Some("11.8"));
        for bad in ["13", "thirteen", "13.x", "12"] {
            assert_eq!(parse_release(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_files_of_the_targets_abi_oldest_first() {
        let dir = test_dir("shipped");
        fs::create_dir_all(dir.join(SHIPPED_DIR)).unwrap();
        for name in ["cuda-13.0-linux.rs", "cuda-12.10-linux.rs", "cuda-12.9-linux.rs", "cuda-13.0-windows-gnu.rs", "notes.txt"] {
            fs::write(dir.join(SHIPPED_DIR).join(name), "").unwrap();
        }
        let mut config = test_config(&dir);
        config.manifest_dir = dir.clone();
        let found: Vec<String> = for_target(&config).into_iter().map(|f| f.release).collect();
        assert_eq!(found, ["12.9", "12.10", "13.0"]);
        assert_eq!(newest(&config).unwrap().path, dir.join("shipped/cuda-13.0-linux.rs"));
        let e = find(&config, "11.8").unwrap_err();
        assert!(e.contains("No bindings for CUDA 11.8") && e.contains("Shipped: 12.9, 12.10, 13.0 (for linux targets)"), "{e}");
        config.target_os = "macos".into();
        assert!(releases(&config).starts_with("none for"));
    }

    #[test]
    fn the_headers_found_must_be_the_shipped_ones() {
        let dir = test_dir("shipped-headers");
        let write = |name: &str, text: &str| {
            fs::write(dir.join(name), text).unwrap();
            dir.join(name)
        };
        let made = Provenance {
            crate_version: "0.1.0".into(),
            cuda_version: 13000,
            cuda_h_hash: fnv1a64(b"cuda"),
            target: "linux".into(),
            other_headers: vec![("cudaProfiler.h".into(), fnv1a64(b"profiler")), ("cudaTypedefs.h".into(), fnv1a64(b"typedefs"))],
        };
        let (cuda_h, typedefs) = (write("cuda.h", "cuda"), write("cudaTypedefs.h", "typedefs"));
        // cudaProfiler.h not found: the file is used all the same.
        assert_eq!(check_headers(&made, &[cuda_h.clone(), typedefs.clone()]), Ok(()));
        let other = write("cudaTypedefs.h", "other typedefs");
        let e = check_headers(&made, &[cuda_h.clone(), other]).unwrap_err();
        assert!(e.contains("cudaTypedefs.h has FNV-1a 64") && e.contains("were made from one with"), "{e}");
        let gl = write("cudaGL.h", "gl");
        let e = check_headers(&made, &[cuda_h, typedefs, gl]).unwrap_err();
        assert!(e.contains("cudaGL.h is bound by this build (a feature asks for it) but not in the shipped bindings"), "{e}");
    }
}
