//! Where are the CUDA headers (`cuda.h`) and the driver library (`libcuda`), and which of
//! NVIDIA's headers are bound?
//!
//! Discovery is a pure function of [`Inputs`]: it reads no environment variable, runs no process
//! and decides nothing with `cfg!`, so tests replay any machine's layout in a temporary folder.
//! [`machine`] gathers what needs the outside world (variables, pkg-config, python3, ldconfig, the
//! C preprocessor) and passes it in. [`headers::find`] finds cuda.h, [`libcuda::find`] the library
//! to link, [`bound::find`] the headers bound with cuda.h; [`explain`] says why a search failed.

pub mod bound;
pub mod explain;
pub mod headers;
pub mod libcuda;
pub mod machine;
// They lay out Unix machines and compare Unix path strings: a build script runs on the building
// machine, and these tests with it (not in the Windows suite, which runs under Wine).
#[cfg(all(test, unix))]
mod tests;

use std::path::{Path, PathBuf};

/// `CUDA_VERSION` of the oldest supported headers: CUDA 11.8.
pub const OLDEST_SUPPORTED: u32 = 11080;

/// Variables naming a toolkit root, in the order they are consulted.
const ROOT_VARIABLES: [&str; 4] = ["CUDA_PATH", "CUDA_HOME", "CUDA_ROOT", "CUDA_TOOLKIT_ROOT_DIR"];

/// Everything discovery looks at besides the filesystem.
pub struct Inputs<'a> {
    /// Reads a configuration variable (the caller's helper prints cargo:rerun-if-env-changed and
    /// handles target prefixes). None = unset; an empty value counts as unset too.
    pub var: &'a dyn Fn(&str) -> Option<String>,
    /// CARGO_CFG_TARGET_OS: "linux", "windows", ...
    pub target_os: &'a str,
    /// Whether the building machine (Cargo's HOST) runs Windows: headers are searched in its
    /// layout (`PATH` separated by `;`, `nvcc.exe`, `Program Files`, `CUDA_PATH_V*`, Python's
    /// `Lib\site-packages`), whatever the target.
    pub host_windows: bool,
    /// CARGO_CFG_TARGET_ARCH: "x86_64", "aarch64", ...
    pub target_arch: &'a str,
    /// Filesystem root under which every built-in default location is looked up ("/" in the
    /// build, a temp dir in tests). Paths that come from variables are used as given.
    pub root: &'a Path,
    /// pkg-config's answer for a module name ("cuda-13.0", "cuda"); None when it has none.
    pub pkg_config: &'a dyn Fn(&str) -> Option<PkgConfig>,
    /// The installed `cuda-X.Y` pkg-config modules, in any order.
    pub pkg_config_modules: &'a [String],
    /// site-packages directories of the python3 on PATH (empty when none); asked only when the
    /// search gets that far (python3 takes a while to start).
    pub python_site_packages: &'a dyn Fn() -> Vec<PathBuf>,
    /// Directories that `ldconfig -p` lists for libcuda.so.1 (empty when none).
    pub ldconfig_dirs: &'a [PathBuf],
    /// CUDA_VERSION of a cuda.h (the build asks the C preprocessor; tests read the text).
    /// Err = why it could not be read.
    pub header_version: &'a dyn Fn(&Path) -> Result<u32, String>,
}

/// What pkg-config says about one module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PkgConfig {
    /// Its include directories (`-I`).
    pub include_dirs: Vec<PathBuf>,
    /// Its library directories (`-L`).
    pub lib_dirs: Vec<PathBuf>,
}

/// The headers chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    /// The directory that holds cuda.h.
    pub include_dir: PathBuf,
    /// The toolkit or environment root, when known.
    pub root: Option<PathBuf>,
    /// Library directories the source named (pkg-config's), searched for libcuda before the
    /// root's.
    pub lib_dirs: Vec<PathBuf>,
    /// CUDA_VERSION of that cuda.h, e.g. 12040.
    pub version: u32,
    /// How it was found, e.g. "CUDA_HOME=/opt/cuda-12.4" or "default prefix /usr/local/cuda-12.4".
    pub how: String,
    /// The places looked at before, in order, with why they did not qualify.
    pub tried: Vec<Tried>,
}

/// A place searched that did not qualify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tried {
    /// The source, e.g. "CUDA_PATH", "pkg-config cuda-12.4", "nvcc on PATH", "default prefix".
    pub what: String,
    /// The directory or file looked at; empty when there was none (an unset variable).
    pub path: PathBuf,
    /// Why it did not qualify.
    pub why_not: String,
}

/// Why discovery failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    /// A variable is set but does not lead to a usable cuda.h (or libcuda): the search never
    /// falls through to the next source.
    BadVariable { var: String, value: String, problem: String },
    /// The cuda.h found (at `path`, through `how`) is older than `oldest`.
    TooOld { path: PathBuf, found: u32, oldest: u32, how: String },
    /// No cuda.h anywhere; `tried` lists every place searched, in order.
    NotFound { tried: Vec<Tried> },
}

/// The driver library to link against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Libcuda {
    /// A directory to pass to the linker and the file found there: "libcuda.so", "libcuda.so.1"
    /// (the driver without its development link) or "cuda.lib".
    Dir { dir: PathBuf, file: String, how: String, tried: Vec<Tried> },
    /// None anywhere: the build will generate a link-only stub.
    Stub { tried: Vec<Tried> },
}

impl Tried {
    fn new(what: impl Into<String>, path: impl Into<PathBuf>, why_not: impl Into<String>) -> Tried {
        Tried { what: what.into(), path: path.into(), why_not: why_not.into() }
    }
}

/// A variable's value; empty counts as unset.
fn var(inp: &Inputs, name: &str) -> Option<String> {
    (inp.var)(name).filter(|v| !v.is_empty())
}

fn bad(var: &str, value: &str, problem: String) -> HeaderError {
    HeaderError::BadVariable { var: var.into(), value: value.into(), problem }
}

/// The headers found (include dir and version) through `how`, unless too old.
fn accept((include_dir, version): (PathBuf, u32), root: Option<PathBuf>, how: String, tried: Vec<Tried>) -> Result<Headers, HeaderError> {
    if version < OLDEST_SUPPORTED {
        return Err(HeaderError::TooOld { path: include_dir.join("cuda.h"), found: version, oldest: OLDEST_SUPPORTED, how });
    }
    Ok(Headers { include_dir, root, lib_dirs: Vec::new(), version, how, tried })
}

/// The first of `dirs` that holds cuda.h, with its version; else why none is usable.
fn look(inp: &Inputs, dirs: &[PathBuf]) -> Result<(PathBuf, u32), String> {
    for dir in dirs {
        let cuda_h = dir.join("cuda.h");
        if cuda_h.is_file() {
            return match (inp.header_version)(&cuda_h) {
                Ok(version) => Ok((dir.clone(), version)),
                Err(e) => Err(format!("cannot read CUDA_VERSION from {}: {e}", cuda_h.display())),
            };
        }
    }
    Err(match dirs {
        [] => "no include directory given".to_string(),
        [dir] if !dir.is_dir() => format!("directory {} does not exist", dir.display()),
        [dir] => format!("{} does not exist", dir.join("cuda.h").display()),
        _ => format!("no cuda.h in {}", dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(" or ")),
    })
}

/// The headers of a toolkit (or environment, or wheel) root: `include/`, else
/// `targets/<arch>/include`.
fn look_root(inp: &Inputs, root: &Path) -> Result<(PathBuf, u32), String> {
    if !root.is_dir() {
        return Err(format!("directory {} does not exist", root.display()));
    }
    let targets = target_dirs(inp).iter().map(|t| root.join("targets").join(t).join("include"));
    look(inp, &[root.join("include")].into_iter().chain(targets).collect::<Vec<_>>())
}

/// The names of `targets/` subdirectories NVIDIA uses for the target (none on windows).
fn target_dirs(inp: &Inputs) -> &'static [&'static str] {
    match (inp.target_os, inp.target_arch) {
        ("windows", _) => &[],
        (_, "x86_64") => &["x86_64-linux"],
        // Servers (sbsa), then Jetson.
        (_, "aarch64") => &["sbsa-linux", "aarch64-linux"],
        (_, "powerpc64") => &["ppc64le-linux"],
        _ => &[],
    }
}

/// The subdirectories `<prefix>X.Y` of `dir`, newest first (12.10 before 12.9). When there is
/// none, the pattern itself, so that the search reports it.
fn newest_first(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
    let mut found: Vec<((u32, u32), PathBuf)> =
        entries.filter(|e| e.path().is_dir()).filter_map(|e| Some((version_in(e.file_name().to_str()?, prefix)?, e.path()))).collect();
    found.sort_by(|a, b| b.cmp(a));
    if found.is_empty() {
        return vec![dir.join(format!("{prefix}X.Y"))];
    }
    found.into_iter().map(|(_, dir)| dir).collect()
}

/// (major, minor) of a name `<prefix>X.Y`.
fn version_in(name: &str, prefix: &str) -> Option<(u32, u32)> {
    let (major, minor) = name.strip_prefix(prefix)?.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// A CUDA_VERSION as "major.minor": 12040 → "12.4".
fn dotted(version: u32) -> String {
    format!("{}.{}", version / 1000, version % 1000 / 10)
}

use crate::config::Config;
use crate::error::{Context, Error};
pub use machine::Machine;

/// No cuda.h anywhere: what the search says (every place searched, what to do).
#[derive(Debug)]
pub struct NotFound(pub String);

/// The headers: cuda.h as the search finds it (the module documentation of [`headers`] gives the
/// order). `Ok(Err(_))` when there is none anywhere: the bindings may still be shipped ones.
pub fn headers(machine: &Machine) -> Result<Result<Headers, NotFound>, Error> {
    match crate::timing::step("find cuda.h", || machine.with_inputs(headers::find)) {
        Ok(headers) => {
            println!(
                "libcuda-sys: using {} (CUDA_VERSION {}), found by {}",
                headers.include_dir.join("cuda.h").display(),
                headers.version,
                headers.how
            );
            // A header installed later (the profiler wheel) is noticed.
            println!("cargo:rerun-if-changed={}", headers.include_dir.display());
            Ok(Ok(headers))
        }
        Err(e @ HeaderError::NotFound { .. }) => Ok(Err(NotFound(explain::explain(&e)))),
        Err(e) => Err(Error::Explained(explain::explain(&e))),
    }
}

/// The headers bound with cuda.h (cudaProfiler.h and cudaTypedefs.h where found, the interop
/// headers with their features), and the umbrella header that includes them, written.
pub fn bound(config: &Config, headers: &Headers) -> Result<bound::Bound, Error> {
    let feature = |name: &str| config.features.has(name);
    let includable = |header: &str| machine::includable(config, header);
    let bound = bound::find(&headers.include_dir, &config.out_dir, &feature, &|p| p.is_file(), &includable)
        .context("a feature's headers are missing")?;
    for line in &bound.log {
        println!("libcuda-sys: {line}");
    }
    std::fs::write(&bound.umbrella, bound.umbrella_text())
        .map_err(|e| Error::failed("cannot write the umbrella header", format!("{}: {e}", bound.umbrella.display())))?;
    Ok(bound)
}

/// The driver library to link against; `None` with dynamic-loading, which links none.
pub fn libcuda(config: &Config, machine: &Machine, headers: Option<&Headers>) -> Result<Option<Libcuda>, Error> {
    if config.features.dynamic {
        println!("libcuda-sys: dynamic-loading: no link to libcuda; programs open the driver library on their first call");
        return Ok(None);
    }
    machine.with_inputs(|inputs| libcuda::find(inputs, headers)).map(Some).map_err(|e| Error::Explained(explain::explain(&e)))
}
