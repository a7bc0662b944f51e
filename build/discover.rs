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
//!    on windows targets the newest set `CUDA_PATH_V<major>_<minor>`;
//! 3. pkg-config: `cuda-X.Y` modules, newest first, then `cuda`;
//! 4. `nvcc` on `PATH`: the toolkit root above its `bin/`;
//! 5. default prefixes under [`Inputs::root`]: `/usr/local/cuda`, `/usr/local/cuda-X.Y` (newest
//!    first), `/opt/cuda`, `/usr/lib/cuda`, `/usr`; on windows targets instead
//!    `Program Files/NVIDIA GPU Computing Toolkit/CUDA/vX.Y` (newest first);
//! 6. python environments: `VIRTUAL_ENV`, `CONDA_PREFIX`, the site-packages of python3, with
//!    NVIDIA's pip wheels (`nvidia/cu13`, `nvidia/cuda_runtime`); the highest version wins.
//!
//! A toolkit root has its headers in `include/`, else in `targets/<arch>/include`. A CUDA variable
//! (steps 1 and 2) that is set but leads to no usable cuda.h is an error, never a fall-through, and
//! so is a header older than [`OLDEST_SUPPORTED`].
// Shared by build.rs and tests/discover.rs, which each use a part of it.
#![allow(dead_code)]

use std::fmt::Write as _;
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
    /// CARGO_CFG_TARGET_ARCH: "x86_64", "aarch64", ...
    pub target_arch: &'a str,
    /// Filesystem root under which every built-in default location is looked up ("/" in the
    /// build, a temp dir in tests). Paths that come from variables are used as given.
    pub root: &'a Path,
    /// pkg-config's answer for a module name ("cuda-13.0", "cuda"); None when it has none.
    pub pkg_config: &'a dyn Fn(&str) -> Option<PkgConfig>,
    /// The installed `cuda-X.Y` pkg-config modules, in any order.
    pub pkg_config_modules: &'a [String],
    /// site-packages directories of the python3 on PATH (empty when none).
    pub python_site_packages: &'a [PathBuf],
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
    let windows = inp.target_os == "windows";
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
        let per_version = (12..=13).rev().flat_map(|major| (0..=9).rev().map(move |minor| (major, minor)));
        names.extend(per_version.chain([(11, 8)]).map(|(major, minor)| format!("CUDA_PATH_V{major}_{minor}")));
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
    let mut modules: Vec<(u32, u32, &str)> = (inp.pkg_config_modules.iter())
        .filter_map(|m| version_in(m, "cuda-").map(|(major, minor)| (major, minor, m.as_str())))
        .collect();
    modules.sort_by(|a, b| b.cmp(a));
    for module in modules.iter().map(|m| m.2).chain(["cuda"]) {
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
    match path.split(separator).filter(|d| !d.is_empty()).map(|d| Path::new(d).join(exe)).find(|f| f.is_file()) {
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
    let wheels = |what: &str, site: &Path| ["cu13", "cuda_runtime"].map(|w| (format!("{what} pip wheel"), site.join("nvidia").join(w)));
    let mut roots = Vec::new();
    match var(inp, "VIRTUAL_ENV") {
        Some(venv) => roots.extend(site_packages(Path::new(&venv), windows).iter().flat_map(|s| wheels("VIRTUAL_ENV", s))),
        None => tried.push(Tried::new("VIRTUAL_ENV", "", "not set")),
    }
    match var(inp, "CONDA_PREFIX").map(PathBuf::from) {
        Some(conda) => {
            roots.push(("CONDA_PREFIX".to_string(), if windows { conda.join("Library") } else { conda.clone() }));
            roots.extend(site_packages(&conda, windows).iter().flat_map(|s| wheels("CONDA_PREFIX", s)));
        }
        None => tried.push(Tried::new("CONDA_PREFIX", "", "not set")),
    }
    roots.extend(inp.python_site_packages.iter().flat_map(|s| wheels("python3", s)));
    if inp.python_site_packages.is_empty() {
        tried.push(Tried::new("python3 site-packages", "", "none (no python3 on PATH?)"));
    }
    let mut found = Vec::new();
    for (i, (what, root)) in roots.iter().enumerate() {
        if roots[..i].iter().any(|(_, r)| r == root) {
            continue;
        }
        match look_root(inp, root) {
            Ok(f) => found.push((what, root, f)),
            Err(why) => tried.push(Tried::new(what, root, why)),
        }
    }
    let best = (0..found.len()).reduce(|best, i| if found[i].2 .1 > found[best].2 .1 { i } else { best });
    if let Some(best) = best {
        let (what, root, (include_dir, version)) = found.remove(best);
        for (other, other_root, (_, other_version)) in &found {
            let why = format!("CUDA {} here; chose CUDA {} at {}", dotted(*other_version), dotted(version), root.display());
            tried.push(Tried::new(*other, *other_root, why));
        }
        return accept((include_dir, version), Some(root.clone()), format!("{what} {}", root.display()), tried);
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
    let file_in = |dir: &Path| files.iter().find(|f| dir.join(f).is_file()).map(|f| f.to_string());
    let mut tried = Vec::new();

    let name = "LIBCUDA_SYS_LIB_DIR";
    match var(inp, name) {
        Some(dir) => {
            let problem = || format!("{dir} holds no {}", files.join(" or "));
            let file = file_in(Path::new(&dir)).ok_or_else(|| bad(name, &dir, problem()))?;
            return Ok(Libcuda::Dir { dir: dir.clone().into(), file, how: format!("{name}={dir}"), tried });
        }
        None => tried.push(Tried::new(name, "", "not set")),
    }

    let mut toolkit = headers.lib_dirs.clone();
    if let Some(root) = &headers.root {
        let targets = target_dirs(inp).iter().map(|t| format!("targets/{t}/lib"));
        let subdirs: Vec<String> = if windows { vec!["lib/x64".into(), "lib".into()] } else { ["lib64".into(), "lib".into()].into_iter().chain(targets).collect() };
        toolkit.extend(subdirs.iter().map(|s| root.join(s)));
    }
    let stubs: Vec<PathBuf> = toolkit.iter().map(|d| d.join("stubs")).collect();
    let mut dirs: Vec<(&str, PathBuf)> = toolkit.into_iter().map(|d| ("toolkit", d)).chain(stubs.into_iter().map(|d| ("toolkit stubs", d))).collect();
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
            None if dir.is_dir() => tried.push(Tried::new(*what, dir, format!("no {}", files.join(" or ")))),
            None => tried.push(Tried::new(*what, dir, "does not exist")),
        }
    }
    Ok(Libcuda::Stub { tried })
}

/// The complete human message for an error: a one-line summary (starting "libcuda-sys: "), every
/// place searched in order with why it did not qualify, what to set or install, and a last line
/// naming `host`, `target` and the crate version.
pub fn explain(err: &HeaderError, host: &str, target: &str, crate_version: &str) -> String {
    let oldest = dotted(OLDEST_SUPPORTED);
    let mut s = String::new();
    let mut headers_help = true;
    match err {
        HeaderError::BadVariable { var, value, problem } => {
            let _ = writeln!(s, "libcuda-sys: {var}={value} is not usable: {problem}");
            let _ = writeln!(s, "{var} is set, so the build searches no further: correct it, or unset it to let the build search.");
            headers_help = var != "LIBCUDA_SYS_LIB_DIR";
            if !headers_help {
                let _ = writeln!(s, "It names the directory of libcuda.so (or libcuda.so.1; cuda.lib on windows). Unset, the build looks in the toolkit and the system driver's directories, and links against a generated stub when there is none.");
            }
        }
        HeaderError::TooOld { path, found, oldest: need, how } => {
            let (found, need) = (dotted(*found), dotted(*need));
            let _ = writeln!(s, "libcuda-sys: the CUDA headers found are too old: {} is CUDA {found}, the oldest supported is CUDA {need}", path.display());
            let _ = writeln!(s, "They were found through {how}; the search stops at the first cuda.h, so point it at newer headers.");
        }
        HeaderError::NotFound { tried } => {
            let _ = writeln!(s, "libcuda-sys: cannot find the CUDA headers (cuda.h, CUDA {oldest} or newer)");
            let _ = writeln!(s, "Searched, in order:");
            for (i, t) in tried.iter().enumerate() {
                let place = if t.path.as_os_str().is_empty() { String::new() } else { format!(" {}", t.path.display()) };
                let _ = writeln!(s, "  {:>2}. {}{place}: {}", i + 1, t.what, t.why_not);
            }
        }
    }
    if headers_help {
        let _ = writeln!(s, "To use headers you have, set LIBCUDA_SYS_INCLUDE_DIR to the directory that holds cuda.h, or CUDA_PATH to the root of a CUDA toolkit (or of an unpacked NVIDIA wheel such as .../site-packages/nvidia/cu13); LIBCUDA_SYS_LIB_DIR names the directory of libcuda if needed.");
        let _ = writeln!(s, "To get the headers (CUDA {oldest} or newer), any of:");
        let _ = writeln!(s, "  - the CUDA toolkit: https://developer.nvidia.com/cuda-downloads");
        let _ = writeln!(s, "  - pip, in the active virtualenv or for the python3 on PATH: `pip install nvidia-cuda-runtime` (CUDA 13.x) or `pip install nvidia-cuda-runtime-cu12` (CUDA 12.x)");
        let _ = writeln!(s, "  - Debian/Ubuntu: `apt install nvidia-cuda-dev`");
    }
    let _ = write!(s, "HOST={host} TARGET={target} libcuda-sys {crate_version}");
    s
}

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
        [] => "no include directory".to_string(),
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
    let mut dirs: Vec<PathBuf> = entries
        .filter(|e| e.file_name().to_string_lossy().starts_with("python3."))
        .map(|e| e.path().join("site-packages"))
        .collect();
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
    let mut found: Vec<((u32, u32), PathBuf)> = entries
        .filter(|e| e.path().is_dir())
        .filter_map(|e| Some((version_in(e.file_name().to_str()?, prefix)?, e.path())))
        .collect();
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
