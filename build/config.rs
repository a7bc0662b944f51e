//! The build's configuration, read once: the only module that reads the environment.
//!
//! Cargo's own variables (`TARGET`, `HOST`, `OUT_DIR`, `CARGO_CFG_*`, `CARGO_FEATURE_*`) are read
//! in [`Config::read`]. Every other variable goes through [`Config::var`]: it asks Cargo to rerun
//! the script when the variable changes, prefers the target-qualified form
//! (`CUDA_PATH_x86_64_unknown_linux_gnu`, or with the target's own dashes, as `cc` and bindgen also
//! accept), and logs what it saw (visible with `cargo build -vv`); an empty value counts as unset.

use std::ffi::OsString;
use std::path::PathBuf;

/// The crate features that change what the build does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// `bindgen`: generate from the header found.
    pub bindgen: bool,
    /// `dynamic-loading`: no link to libcuda.
    pub dynamic: bool,
    /// The interop features that bind a header each: `gl`, `egl`, `vdpau`.
    pub interop: Vec<&'static str>,
}

impl Features {
    /// Whether the feature `name` is on (`gl`, `egl`, `vdpau`).
    pub fn has(&self, name: &str) -> bool {
        self.interop.contains(&name)
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub host: String,
    pub target: String,
    /// `CARGO_CFG_TARGET_OS`, `_ARCH`, `_ENV`.
    pub target_os: String,
    pub target_arch: String,
    pub target_env: String,
    pub out_dir: PathBuf,
    /// This crate's folder, which holds the shipped bindings (`shipped/`).
    pub manifest_dir: PathBuf,
    pub crate_version: String,
    pub features: Features,
}

impl Config {
    pub fn read() -> Config {
        let cargo = |name: &str| std::env::var(name).unwrap_or_default();
        let feature = |name: &str| std::env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase().replace('-', "_"))).is_some();
        Config {
            host: cargo("HOST"),
            target: cargo("TARGET"),
            target_os: cargo("CARGO_CFG_TARGET_OS"),
            target_arch: cargo("CARGO_CFG_TARGET_ARCH"),
            target_env: cargo("CARGO_CFG_TARGET_ENV"),
            out_dir: PathBuf::from(cargo("OUT_DIR")),
            manifest_dir: PathBuf::from(cargo("CARGO_MANIFEST_DIR")),
            crate_version: cargo("CARGO_PKG_VERSION"),
            features: Features {
                bindgen: feature("bindgen"),
                dynamic: feature("dynamic-loading"),
                interop: ["gl", "egl", "vdpau"].into_iter().filter(|f| feature(f)).collect(),
            },
        }
    }

    /// A configuration variable, the target-qualified form first; `None` when unset or empty.
    pub fn var(&self, name: &str) -> Option<String> {
        let keys = [format!("{name}_{}", self.target), format!("{name}_{}", self.target.replace('-', "_")), name.to_string()];
        for key in keys {
            println!("cargo:rerun-if-env-changed={key}");
            match std::env::var(&key) {
                Ok(v) if !v.is_empty() => {
                    println!("libcuda-sys: {key} = {v}");
                    return Some(v);
                }
                _ => println!("libcuda-sys: {key} unset"),
            }
        }
        None
    }

    /// A variable that names a file: an absolute path, since the build script runs in the crate's
    /// own folder, not where cargo was started.
    pub fn path_var(&self, name: &str) -> Result<Option<PathBuf>, crate::error::Error> {
        match self.var(name).map(PathBuf::from) {
            Some(path) if !path.is_absolute() => Err(crate::error::Error::failed(
                format!("{name}={} is no absolute path", path.display()),
                format!(
                    "The build script runs in libcuda-sys's own folder, not where cargo was started: give {name} an absolute path \
                     (e.g. {name}=$PWD/{}).",
                    path.display()
                ),
            )),
            path => Ok(path),
        }
    }

    /// Whether this is docs.rs's build (`DOCS_RS`), which has no CUDA.
    pub fn docs_rs(&self) -> bool {
        self.var("DOCS_RS").is_some()
    }

    /// Whether the build runs for the machine it runs on: only then do its programs' answers
    /// (pkg-config, python3, ldconfig) describe the target's libraries.
    pub fn native(&self) -> bool {
        self.host == self.target
    }

    /// Whether the building machine runs Windows (its paths, `PATH` separator, installers).
    pub fn host_windows(&self) -> bool {
        self.host.contains("-windows")
    }

    /// The line every failure ends with.
    pub fn whoami(&self) -> String {
        format!("HOST={} TARGET={} libcuda-sys {}", self.host, self.target, self.crate_version)
    }
}

/// `PATH`-style list of `paths` (for the metadata of dependents); Err when a path holds the separator.
pub fn join_paths(paths: &[PathBuf]) -> Result<OsString, String> {
    std::env::join_paths(paths).map_err(|e| e.to_string())
}

/// The folders of a `PATH`-style list (`INCLUDE` of MSVC's environment).
#[cfg(feature = "bindgen")]
pub fn split_paths(list: &std::ffi::OsStr) -> Vec<PathBuf> {
    std::env::split_paths(list).collect()
}

/// A fresh folder for one unit test's files.
#[cfg(test)]
pub fn test_dir(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("libcuda-sys-{name}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

/// A configuration for unit tests: the host's own build.
#[cfg(test)]
pub fn test_config(out_dir: &std::path::Path) -> Config {
    Config {
        host: "x86_64-unknown-linux-gnu".into(),
        target: "x86_64-unknown-linux-gnu".into(),
        target_os: "linux".into(),
        target_arch: "x86_64".into(),
        target_env: "gnu".into(),
        out_dir: out_dir.to_path_buf(),
        manifest_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        crate_version: env!("CARGO_PKG_VERSION").into(),
        features: Features { bindgen: true, ..Features::default() },
    }
}
