//! Discovery of cuda.h and libcuda, replayed on fake layouts built in temporary folders. They lay
//! out Unix machines (Windows targets included) and compare Unix path strings: the build script's
//! tests run on the building machine.

mod errors;
mod libcuda;
mod windows;

use super::explain::explain;
use super::*;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// One fake machine: a temp dir standing for `/`, and what the caller would have gathered.
struct Machine {
    root: PathBuf,
    vars: HashMap<String, String>,
    pkg_config: HashMap<String, PkgConfig>,
    modules: Vec<String>,
    site_packages: Vec<PathBuf>,
    ldconfig: Vec<PathBuf>,
    os: &'static str,
    arch: &'static str,
    /// Whether the building machine runs Windows (as for a native Windows build).
    host_windows: bool,
}

impl Machine {
    fn new() -> Machine {
        Machine::for_target("linux", "x86_64")
    }

    fn windows() -> Machine {
        let mut m = Machine::for_target("windows", "x86_64");
        m.host_windows = true;
        m
    }

    fn for_target(os: &'static str, arch: &'static str) -> Machine {
        let root = crate::config::test_dir("discover");
        Machine {
            root,
            vars: HashMap::new(),
            pkg_config: HashMap::new(),
            modules: Vec::new(),
            site_packages: Vec::new(),
            ldconfig: Vec::new(),
            os,
            arch,
            host_windows: false,
        }
    }

    /// `root/rel`, as a path.
    fn at(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes `root/rel/cuda.h` defining `version`; returns `root/rel`.
    fn header(&self, rel: &str, version: u32) -> PathBuf {
        let dir = self.at(rel);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("cuda.h"), format!("#ifndef __cuda_cuda_h__\n#define CUDA_VERSION {version}\n#endif\n")).unwrap();
        dir
    }

    /// Creates the empty file `root/rel` (and its directories); returns its directory.
    fn file(&self, rel: &str) -> PathBuf {
        let path = self.at(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "").unwrap();
        path.parent().unwrap().to_path_buf()
    }

    fn set(&mut self, name: &str, value: impl AsRef<Path>) {
        self.vars.insert(name.into(), value.as_ref().display().to_string());
    }

    fn with_inputs<R>(&self, f: impl FnOnce(&Inputs) -> R) -> R {
        let var = |name: &str| self.vars.get(name).cloned();
        let pkg_config = |module: &str| self.pkg_config.get(module).cloned();
        let header_version = |path: &Path| {
            let text = fs::read_to_string(path).map_err(|e| e.to_string())?;
            version_from_text(&text).ok_or_else(|| "no CUDA_VERSION".to_string())
        };
        let python_site_packages = || self.site_packages.clone();
        f(&Inputs {
            var: &var,
            target_os: self.os,
            target_arch: self.arch,
            host_windows: self.host_windows,
            root: &self.root,
            pkg_config: &pkg_config,
            pkg_config_modules: &self.modules,
            python_site_packages: &python_site_packages,
            ldconfig_dirs: &self.ldconfig,
            header_version: &header_version,
        })
    }

    fn headers(&self) -> Result<Headers, HeaderError> {
        self.with_inputs(headers::find)
    }

    fn found(&self) -> Headers {
        self.headers().unwrap_or_else(|e| panic!("{}", explain(&e)))
    }

    fn libcuda(&self) -> Result<Libcuda, HeaderError> {
        let headers = self.found();
        self.with_inputs(|inp| super::libcuda::find(inp, Some(&headers)))
    }
}

impl Drop for Machine {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn assert_found(h: &Headers, include_dir: &Path, version: u32, how: &str) {
    assert_eq!(h.include_dir, include_dir);
    assert_eq!(h.version, version);
    assert_eq!(h.how, how);
}

#[test]
fn toolkit_root_with_include() {
    let mut m = Machine::new();
    let inc = m.header("opt/cuda-12.4/include", 12040);
    m.set("CUDA_HOME", m.at("opt/cuda-12.4"));
    let h = m.found();
    assert_found(&h, &inc, 12040, &format!("CUDA_HOME={}", m.at("opt/cuda-12.4").display()));
    assert_eq!(h.root, Some(m.at("opt/cuda-12.4")));
    let skipped: Vec<&str> = h.tried.iter().map(|t| t.what.as_str()).collect();
    assert_eq!(skipped, ["LIBCUDA_SYS_INCLUDE_DIR", "CUDA_PATH"]);
}

#[test]
fn toolkit_root_with_only_targets_include() {
    let mut m = Machine::new();
    let inc = m.header("toolkit/targets/x86_64-linux/include", 12060);
    m.set("CUDA_PATH", m.at("toolkit"));
    assert_found(&m.found(), &inc, 12060, &format!("CUDA_PATH={}", m.at("toolkit").display()));
}

#[test]
fn aarch64_sbsa_layout() {
    let m = Machine::for_target("linux", "aarch64");
    m.header("usr/local/cuda/targets/x86_64-linux/include", 12040); // the wrong architecture
    let inc = m.header("usr/local/cuda/targets/sbsa-linux/include", 12080);
    assert_found(&m.found(), &inc, 12080, &format!("default prefix {}", m.at("usr/local/cuda").display()));
}

#[test]
fn newest_usr_local_cuda_wins() {
    let m = Machine::new();
    m.header("usr/local/cuda-12.9/include", 12090);
    let inc = m.header("usr/local/cuda-12.10/targets/x86_64-linux/include", 12100);
    m.header("usr/local/cuda-11.8/include", 11080);
    let h = m.found();
    assert_found(&h, &inc, 12100, &format!("default prefix {}", m.at("usr/local/cuda-12.10").display()));
    // /usr/local/cuda was looked at first.
    assert_eq!(h.tried.last().unwrap().path, m.at("usr/local/cuda"));
}

#[test]
fn usr_local_cuda_comes_before_versioned_dirs() {
    let m = Machine::new();
    let inc = m.header("usr/local/cuda/include", 12040);
    m.header("usr/local/cuda-12.9/include", 12090);
    assert_found(&m.found(), &inc, 12040, &format!("default prefix {}", m.at("usr/local/cuda").display()));
}

#[test]
fn debian_usr_layout() {
    let m = Machine::new();
    let inc = m.header("usr/include", 12040);
    let h = m.found();
    assert_found(&h, &inc, 12040, &format!("default prefix {}", m.at("usr").display()));
    assert_eq!(h.root, Some(m.at("usr")));
}

#[test]
fn pip_cu13_wheel() {
    let mut m = Machine::new();
    let inc = m.header("site/nvidia/cu13/include", 13000);
    m.site_packages = vec![m.at("site")];
    assert_found(&m.found(), &inc, 13000, &format!("python3 pip wheel {}", m.at("site/nvidia/cu13").display()));
}

#[test]
fn pip_cu12_wheel() {
    let mut m = Machine::new();
    let inc = m.header("site/nvidia/cuda_runtime/include", 12090);
    m.site_packages = vec![m.at("user-site"), m.at("site")];
    assert_found(&m.found(), &inc, 12090, &format!("python3 pip wheel {}", m.at("site/nvidia/cuda_runtime").display()));
}

#[test]
fn pip_cu13_beats_cu12() {
    let mut m = Machine::new();
    m.header("site/nvidia/cuda_runtime/include", 12090);
    let inc = m.header("user-site/nvidia/cu13/include", 13000);
    m.site_packages = vec![m.at("site"), m.at("user-site")];
    let h = m.found();
    assert_found(&h, &inc, 13000, &format!("python3 pip wheel {}", m.at("user-site/nvidia/cu13").display()));
    let loser = h.tried.iter().find(|t| t.path == m.at("site/nvidia/cuda_runtime")).unwrap();
    assert!(loser.why_not.starts_with("CUDA 12.9 in "), "{}", loser.why_not);
}

#[test]
fn venv_with_wheel() {
    let mut m = Machine::new();
    let inc = m.header("venv/lib/python3.12/site-packages/nvidia/cu13/include", 13000);
    m.set("VIRTUAL_ENV", m.at("venv"));
    let h = m.found();
    let wheel = m.at("venv/lib/python3.12/site-packages/nvidia/cu13");
    assert_found(&h, &inc, 13000, &format!("VIRTUAL_ENV pip wheel {}", wheel.display()));
    assert_eq!(h.root, Some(wheel));
}

#[test]
fn conda_env_targets_include() {
    let mut m = Machine::new();
    let inc = m.header("conda/targets/x86_64-linux/include", 12040);
    m.set("CONDA_PREFIX", m.at("conda"));
    assert_found(&m.found(), &inc, 12040, &format!("CONDA_PREFIX {}", m.at("conda").display()));
}

#[test]
fn cuda_home_at_unpacked_wheel_root() {
    let mut m = Machine::new();
    let inc = m.header("wheels/nvidia/cu13/include", 13000);
    m.set("CUDA_HOME", m.at("wheels/nvidia/cu13"));
    assert_found(&m.found(), &inc, 13000, &format!("CUDA_HOME={}", m.at("wheels/nvidia/cu13").display()));
}

#[test]
fn precedence_include_dir_then_cuda_path_then_defaults() {
    let mut m = Machine::new();
    let explicit = m.header("explicit", 12020);
    let toolkit = m.header("toolkit/include", 12040);
    let default = m.header("usr/local/cuda/include", 12080);
    m.header("site/nvidia/cu13/include", 13000);
    m.site_packages = vec![m.at("site")];
    m.set("LIBCUDA_SYS_INCLUDE_DIR", &explicit);
    m.set("CUDA_PATH", m.at("toolkit"));
    m.set("CUDA_HOME", m.at("nowhere")); // after CUDA_PATH: never looked at
    assert_found(&m.found(), &explicit, 12020, &format!("LIBCUDA_SYS_INCLUDE_DIR={}", explicit.display()));
    m.vars.remove("LIBCUDA_SYS_INCLUDE_DIR");
    assert_found(&m.found(), &toolkit, 12040, &format!("CUDA_PATH={}", m.at("toolkit").display()));
    m.vars.clear();
    m.set("CUDA_PATH", ""); // empty counts as unset
    assert_found(&m.found(), &default, 12080, &format!("default prefix {}", m.at("usr/local/cuda").display()));
}

#[test]
fn pkg_config_newest_module_first() {
    let mut m = Machine::new();
    m.header("usr/local/cuda-12.9/targets/x86_64-linux/include", 12090);
    let inc = m.header("usr/local/cuda-12.10/targets/x86_64-linux/include", 12100);
    for v in ["12.9", "12.10"] {
        let module = format!("cuda-{v}");
        let toolkit = m.at(&format!("usr/local/cuda-{v}/targets/x86_64-linux"));
        let pc = PkgConfig { include_dirs: vec![toolkit.join("include")], lib_dirs: vec![toolkit.join("lib")] };
        m.pkg_config.insert(module.clone(), pc);
        m.modules.push(module);
    }
    let h = m.found();
    assert_found(&h, &inc, 12100, &format!("pkg-config cuda-12.10 {}", inc.display()));
    // pkg-config's library directory (and its stubs/) are searched for libcuda.
    let stubs = m.file("usr/local/cuda-12.10/targets/x86_64-linux/lib/stubs/libcuda.so");
    match m.libcuda().unwrap() {
        Libcuda::Dir { dir, file, how, .. } => {
            assert_eq!((dir, file.as_str()), (stubs.clone(), "libcuda.so"));
            assert_eq!(how, format!("toolkit stubs {}", stubs.display()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn nvcc_on_path() {
    let mut m = Machine::new();
    let inc = m.header("opt/nv/cuda-12.6/include", 12060);
    m.file("opt/nv/cuda-12.6/bin/nvcc");
    m.header("usr/local/cuda/include", 12040); // a default prefix comes after nvcc
    m.set("PATH", format!("{}:{}", m.at("usr/bin").display(), m.at("opt/nv/cuda-12.6/bin").display()));
    let h = m.found();
    assert_found(&h, &inc, 12060, &format!("nvcc on PATH {}", m.at("opt/nv/cuda-12.6/bin/nvcc").display()));
    assert_eq!(h.root, Some(m.at("opt/nv/cuda-12.6")));
}

#[test]
fn nvcc_without_headers_is_only_tried() {
    let mut m = Machine::new();
    m.file("nvcc-only/bin/nvcc");
    let inc = m.header("usr/local/cuda/include", 12040);
    m.set("PATH", m.at("nvcc-only/bin"));
    let h = m.found();
    assert_eq!(h.include_dir, inc);
    let nvcc = h.tried.iter().find(|t| t.what == "nvcc on PATH").unwrap();
    assert_eq!(nvcc.path, m.at("nvcc-only"));
}

/// `CUDA_VERSION` as `#define`d in the text of a cuda.h, e.g. 13000 for CUDA 13.0 (the build
/// asks the C preprocessor instead).
fn version_from_text(header_text: &str) -> Option<u32> {
    let (_, value) = crate::shared::directive_lines(header_text, "define").find(|(name, _)| *name == "CUDA_VERSION")?;
    value.split_whitespace().next()?.parse().ok()
}

#[test]
fn version_from_text_reads_the_define() {
    assert_eq!(version_from_text("#ifndef X\n#define CUDA_VERSION 13000\n"), Some(13000));
    assert_eq!(version_from_text("#  define CUDA_VERSION 12040 /* 12.4 */"), Some(12040));
    assert_eq!(version_from_text("#define CUDA_VERSION_MAJOR 12\n"), None);
    assert_eq!(version_from_text("// CUDA_VERSION 12040"), None);
}
