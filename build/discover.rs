//! Where are the CUDA headers (`cuda.h`) and the driver library (`libcuda`)?
//!
//! Discovery is a pure function of [`Inputs`]: it reads no environment variable, runs no process
//! and decides nothing with `cfg!`, so tests can replay any machine's layout in a temp dir. The
//! caller gathers what needs the outside world (variables, pkg-config, python3, ldconfig, the C
//! preprocessor) and passes it in.
//!
//! [`find_headers`] searches, first match wins:
//! 1. `LIBCUDA_SYS_INCLUDE_DIR`, the directory that holds cuda.h;
//! 2. a toolkit root named by `CUDA_PATH`, `CUDA_HOME`, `CUDA_ROOT`, `CUDA_TOOLKIT_ROOT_DIR`, and
//!    on a Windows build machine the newest set `CUDA_PATH_V<major>_<minor>`;
//! 3. pkg-config: `cuda-X.Y` modules, newest first, then `cuda`;
//! 4. `nvcc` on `PATH`: the toolkit root above its `bin/`;
//! 5. default prefixes under [`Inputs::root`]: `/usr/local/cuda`, `/usr/local/cuda-X.Y` (newest
//!    first), `/opt/cuda`, `/usr/lib/cuda`, `/usr`; on a Windows build machine instead
//!    `Program Files/NVIDIA GPU Computing Toolkit/CUDA/vX.Y` (newest first);
//! 6. python environments: `VIRTUAL_ENV`, `CONDA_PREFIX`, the site-packages of python3, with
//!    NVIDIA's pip wheels (`nvidia/cu13`, `nvidia/cuda_runtime`); the highest version wins.
//!
//! A toolkit root has its headers in `include/`, else in `targets/<arch>/include`. A CUDA variable
//! (steps 1 and 2) that is set but leads to no usable cuda.h is an error, never a fall-through, and
//! so is a header older than [`OLDEST_SUPPORTED`].
// Shared by build.rs and tests/discover.rs, which each use a part of it.
#![allow(dead_code)]

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
    /// Cargo's TARGET triple, e.g. "x86_64-unknown-linux-gnu" or "x86_64-pc-windows-msvc".
    pub target: &'a str,
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

/// Finds cuda.h; see the module documentation for the order.
pub fn find_headers(inp: &Inputs) -> Result<Headers, HeaderError> {
    let windows = inp.host_windows;
    let mut tried = Vec::new();

    // 1. The directory of cuda.h, named explicitly.
    let name = "LIBCUDA_SYS_INCLUDE_DIR";
    match var(inp, name) {
        Some(dir) => {
            let found = look(inp, &[PathBuf::from(&dir)]).map_err(|p| bad(name, &dir, p))?;
            return accept(found, None, format!("{name}={dir}"), tried);
        }
        None => tried.push(Tried::new(name, "", "not set")),
    }

    // 2. Toolkit roots named by variables; on windows, the installer's CUDA_PATH_V<major>_<minor>
    // too (probed, since the caller cannot list variables), newest first.
    let mut names: Vec<String> = ROOT_VARIABLES.map(String::from).to_vec();
    if windows {
        let per_version = [13, 12].into_iter().flat_map(|major| (0..=9).rev().map(move |minor| format!("CUDA_PATH_V{major}_{minor}")));
        names.extend(per_version.chain(["CUDA_PATH_V11_8".into()]));
    }
    for name in &names {
        match var(inp, name) {
            Some(root) => {
                let found = look_root(inp, Path::new(&root)).map_err(|p| bad(name, &root, p))?;
                return accept(found, Some(root.clone().into()), format!("{name}={root}"), tried);
            }
            None if name.starts_with("CUDA_PATH_V") => {}
            None => tried.push(Tried::new(name, "", "not set")),
        }
    }
    if windows {
        tried.push(Tried::new("CUDA_PATH_V13_9 .. CUDA_PATH_V11_8", "", "none set"));
    }

    // 3. pkg-config: the toolkit's cuda-X.Y modules, newest first, then a distribution's cuda.
    let mut modules: Vec<((u32, u32), &str)> =
        inp.pkg_config_modules.iter().filter_map(|m| Some((version_in(m, "cuda-")?, m.as_str()))).collect();
    modules.sort_by(|a, b| b.cmp(a));
    for module in modules.iter().map(|m| m.1).chain(["cuda"]) {
        let what = format!("pkg-config {module}");
        let Some(pc) = (inp.pkg_config)(module) else {
            tried.push(Tried::new(what, "", "pkg-config does not know it"));
            continue;
        };
        match look(inp, &pc.include_dirs) {
            Ok(found) => {
                let how = format!("{what} {}", found.0.display());
                return accept(found, None, how, tried).map(|h| Headers { lib_dirs: pc.lib_dirs, ..h });
            }
            Err(why) => tried.push(Tried::new(what, pc.include_dirs.first().cloned().unwrap_or_default(), why)),
        }
    }

    // 4. nvcc on PATH: the toolkit root is the parent of its bin/ (of the PATH entry, else of
    // where a symbolic link leads).
    let exe = if windows { "nvcc.exe" } else { "nvcc" };
    let separator = if windows { ';' } else { ':' };
    let path = var(inp, "PATH").unwrap_or_default();
    let dirs = path.split(separator).map(|d| d.trim_matches('"')).filter(|d| !d.is_empty());
    match dirs.map(|d| Path::new(d).join(exe)).find(|f| f.is_file()) {
        Some(nvcc) => {
            let mut roots: Vec<PathBuf> = [Some(nvcc.clone()), nvcc.canonicalize().ok()]
                .into_iter()
                .flatten()
                .filter_map(|f| Some(f.parent()?.parent()?.to_path_buf()))
                .collect();
            roots.dedup();
            for root in roots {
                match look_root(inp, &root) {
                    Ok(found) => return accept(found, Some(root), format!("nvcc on PATH {}", nvcc.display()), tried),
                    Err(why) => tried.push(Tried::new("nvcc on PATH", root, why)),
                }
            }
        }
        None if path.is_empty() => tried.push(Tried::new("nvcc on PATH", "", "PATH is not set")),
        None => tried.push(Tried::new("nvcc on PATH", "", format!("no {exe} in PATH={path}"))),
    }

    // 5. Default prefixes under root.
    let prefixes: Vec<PathBuf> = if windows {
        let program_files = var(inp, "ProgramFiles").map_or_else(|| inp.root.join("Program Files"), PathBuf::from);
        newest_first(&program_files.join("NVIDIA GPU Computing Toolkit/CUDA"), "v")
    } else {
        let local = inp.root.join("usr/local");
        let after = ["opt/cuda", "usr/lib/cuda", "usr"].map(|p| inp.root.join(p));
        [local.join("cuda")].into_iter().chain(newest_first(&local, "cuda-")).chain(after).collect()
    };
    for prefix in prefixes {
        match look_root(inp, &prefix) {
            Ok(found) => return accept(found, Some(prefix.clone()), format!("default prefix {}", prefix.display()), tried),
            Err(why) => tried.push(Tried::new("default prefix", prefix, why)),
        }
    }

    // 6. Python environments: conda's own headers and NVIDIA's pip wheels, the highest version
    // wins. The environment variables only point at places: unlike CUDA's, they are no error.
    // Each place is a root to look in, or why there is none.
    let mut places: Vec<(String, Result<PathBuf, &str>)> = Vec::new();
    let wheels = |what: &str, site: &Path| ["cu13", "cuda_runtime"].map(|w| (format!("{what} pip wheel"), Ok(site.join("nvidia").join(w))));
    for name in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
        let Some(env) = var(inp, name).map(PathBuf::from) else {
            places.push((name.into(), Err("not set")));
            continue;
        };
        if name == "CONDA_PREFIX" {
            let conda_root = if windows { env.join("Library") } else { env.clone() };
            places.push((name.into(), Ok(conda_root)));
        }
        places.extend(site_packages(&env, windows).iter().flat_map(|s| wheels(name, s)));
    }
    let python_site_packages = (inp.python_site_packages)();
    places.extend(python_site_packages.iter().flat_map(|s| wheels("python3", s)));
    if python_site_packages.is_empty() {
        places.push(("python3 site-packages".into(), Err("none (no python3 on PATH?)")));
    }
    let mut found = Vec::new();
    for (i, (what, place)) in places.iter().enumerate() {
        match place {
            Err(why) => tried.push(Tried::new(what, "", *why)),
            Ok(root) if places[..i].iter().any(|(_, p)| p.as_ref() == Ok(root)) => {}
            Ok(root) => match look_root(inp, root) {
                Ok((include_dir, version)) => found.push((what, root, include_dir, version)),
                Err(why) => tried.push(Tried::new(what, root, why)),
            },
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.3)); // stable: among equals, the first place wins
    if let Some(((what, root, include_dir, version), others)) = found.split_first() {
        for (other, other_root, _, other_version) in others {
            let why = format!(
                "CUDA {} in {}; chose CUDA {} at {}",
                dotted(*other_version),
                other_root.display(),
                dotted(*version),
                root.display()
            );
            tried.push(Tried::new(*other, *other_root, why));
        }
        let how = format!("{what} {}", root.display());
        return accept((include_dir.clone(), *version), Some((*root).clone()), how, tried);
    }

    Err(HeaderError::NotFound { tried })
}

/// Finds the directory of libcuda to link against: `LIBCUDA_SYS_LIB_DIR`, the library
/// directories of the headers' toolkit, then of their `stubs/`, the system driver's directories
/// (ldconfig's, `/usr/lib/<multiarch>`, `/usr/lib64`, `/usr/lib`, `/usr/local/nvidia/lib64`,
/// `/usr/lib/wsl/lib`; not on windows), else [`Libcuda::Stub`].
///
/// Fails only with [`HeaderError::BadVariable`], when `LIBCUDA_SYS_LIB_DIR` holds no libcuda.
pub fn find_libcuda(inp: &Inputs, headers: &Headers) -> Result<Libcuda, HeaderError> {
    let windows = inp.target_os == "windows";
    let files: &[&str] = if windows { &["cuda.lib"] } else { &["libcuda.so", "libcuda.so.1"] };
    let file_in = |dir: &Path| files.iter().copied().find(|f| dir.join(f).is_file()).map(String::from);
    let mut tried = Vec::new();

    let name = "LIBCUDA_SYS_LIB_DIR";
    match var(inp, name) {
        Some(dir) => {
            let file = file_in(Path::new(&dir)).ok_or_else(|| bad(name, &dir, format!("{dir} holds no {}", files.join(" or "))))?;
            return Ok(Libcuda::Dir { dir: dir.clone().into(), file, how: format!("{name}={dir}"), tried });
        }
        None => tried.push(Tried::new(name, "", "not set")),
    }

    let mut toolkit = headers.lib_dirs.clone();
    if let Some(root) = &headers.root {
        let subdirs: &[&str] = if windows { &["lib/x64", "lib"] } else { &["lib64", "lib"] };
        toolkit.extend(subdirs.iter().map(|s| root.join(s)));
        toolkit.extend(target_dirs(inp).iter().map(|t| root.join("targets").join(t).join("lib")));
    }
    let stubs: Vec<PathBuf> = toolkit.iter().map(|d| d.join("stubs")).collect();
    let mut dirs: Vec<(&str, PathBuf)> =
        toolkit.into_iter().map(|d| ("toolkit", d)).chain(stubs.into_iter().map(|d| ("toolkit stubs", d))).collect();
    if !windows {
        dirs.extend(inp.ldconfig_dirs.iter().map(|d| ("ldconfig", d.clone())));
        let multiarch = match inp.target_arch {
            "x86_64" => Some("usr/lib/x86_64-linux-gnu"),
            "aarch64" => Some("usr/lib/aarch64-linux-gnu"),
            _ => None,
        };
        let system = multiarch.into_iter().chain(["usr/lib64", "usr/lib", "usr/local/nvidia/lib64", "usr/lib/wsl/lib"]);
        dirs.extend(system.map(|d| ("system driver", inp.root.join(d))));
    }

    for (i, (what, dir)) in dirs.iter().enumerate() {
        if dirs[..i].iter().any(|(_, d)| d == dir) {
            continue;
        }
        match file_in(dir) {
            Some(file) => return Ok(Libcuda::Dir { dir: dir.clone(), file, how: format!("{what} {}", dir.display()), tried }),
            None if dir.is_dir() => tried.push(Tried::new(*what, dir, format!("no {} in {}", files.join(" or "), dir.display()))),
            None => tried.push(Tried::new(*what, dir, format!("directory {} does not exist", dir.display()))),
        }
    }
    Ok(Libcuda::Stub { tried })
}

/// The complete human message for an error: a one-line summary (starting "libcuda-sys: "), every
/// place searched in order with why it did not qualify, what to set or install, and a last line
/// naming `host`, `target` and the crate version.
pub fn explain(err: &HeaderError, host: &str, target: &str, crate_version: &str) -> String {
    let mut lines = Vec::new();
    match err {
        HeaderError::BadVariable { var, value, problem } => {
            lines.push(format!("libcuda-sys: {var}={value} is not usable: {problem}"));
            lines.push(format!("{var} is set, so the search stops there: correct it, or unset it."));
        }
        HeaderError::TooOld { path, found, oldest, how } => {
            let (found, oldest) = (dotted(*found), dotted(*oldest));
            let path = path.display();
            lines.push(format!("libcuda-sys: {path} is CUDA {found}; the oldest supported is CUDA {oldest}"));
            lines.push(format!("Found through {how}; the search stops at the first cuda.h, so name newer headers:"));
        }
        HeaderError::NotFound { tried } => {
            let oldest = dotted(OLDEST_SUPPORTED);
            lines.push(format!("libcuda-sys: cannot find the CUDA headers (cuda.h of CUDA {oldest} or newer)"));
            lines.push("Searched, in order:".into());
            lines.extend(tried.iter().enumerate().map(|(i, t)| format!("  {:>2}. {}: {}", i + 1, t.what, t.why_not)));
        }
    }
    let help = match err {
        HeaderError::BadVariable { var, .. } if var == "LIBCUDA_SYS_LIB_DIR" => LIBCUDA_HELP,
        _ => HEADERS_HELP,
    };
    lines.extend(help.lines().map(String::from));
    lines.push(format!("HOST={host} TARGET={target} libcuda-sys {crate_version}"));
    lines.join("\n")
}

const HEADERS_HELP: &str = "\
To use headers you have: set LIBCUDA_SYS_INCLUDE_DIR to the directory that holds cuda.h, or
CUDA_PATH to the root of a CUDA toolkit or of an unpacked NVIDIA wheel (.../nvidia/cu13).
To get headers, any of:
  - the CUDA toolkit: https://developer.nvidia.com/cuda-downloads
  - pip, in the active virtualenv or for the python3 on PATH: `pip install nvidia-cuda-runtime`
    (CUDA 13.x) or `pip install nvidia-cuda-runtime-cu12` (CUDA 12.x)
  - Debian/Ubuntu: `apt install nvidia-cuda-dev`";

const LIBCUDA_HELP: &str = "\
LIBCUDA_SYS_LIB_DIR names the directory of libcuda.so or libcuda.so.1 (cuda.lib on windows).
Unset, the build looks in the toolkit's and the system driver's library directories, and links
against a stub generated from cuda.h when there is no libcuda.";

/// `CUDA_VERSION` as `#define`d in the text of a cuda.h, e.g. 13000 for CUDA 13.0.
pub fn version_from_text(header_text: &str) -> Option<u32> {
    header_text.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix('#')?.trim_start().strip_prefix("define")?;
        let mut words = rest.split_whitespace();
        if words.next()? != "CUDA_VERSION" {
            return None;
        }
        words.next()?.parse().ok()
    })
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

/// The site-packages directories of a virtualenv or conda environment. When there is none, the
/// pattern itself, so that the search reports it.
fn site_packages(env: &Path, windows: bool) -> Vec<PathBuf> {
    if windows {
        return vec![env.join("Lib/site-packages")];
    }
    let entries = std::fs::read_dir(env.join("lib")).into_iter().flatten().flatten();
    let mut dirs: Vec<PathBuf> =
        entries.filter(|e| e.file_name().to_string_lossy().starts_with("python3.")).map(|e| e.path().join("site-packages")).collect();
    dirs.sort();
    if dirs.is_empty() {
        dirs.push(env.join("lib/python3.*/site-packages"));
    }
    dirs
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
