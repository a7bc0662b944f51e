//! Discovery of cuda.h and libcuda, replayed on fake layouts built in temp dirs.
//!
//! Discovery runs in the build script, on the building machine. These tests lay out Unix machines
//! (Windows targets included) and compare Unix path strings, so they are compiled for Unix hosts
//! only: a test binary built for Windows (run under Wine here) has none of them.
#![cfg(unix)]

#[path = "../build/discover.rs"]
mod discover;

use discover::*;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One fake machine: a temp dir standing for `/`, and what the caller would have gathered.
struct Machine {
    root: PathBuf,
    vars: HashMap<String, String>,
    pkg_config: HashMap<String, PkgConfig>,
    modules: Vec<String>,
    site_packages: Vec<PathBuf>,
    ldconfig: Vec<PathBuf>,
    target: &'static str,
    os: &'static str,
    arch: &'static str,
    /// Whether the building machine runs Windows (as for a native Windows build).
    host_windows: bool,
}

impl Machine {
    fn new() -> Machine {
        Machine::for_target("x86_64-unknown-linux-gnu", "linux", "x86_64")
    }

    fn windows() -> Machine {
        let mut m = Machine::for_target("x86_64-pc-windows-msvc", "windows", "x86_64");
        m.host_windows = true;
        m
    }

    fn for_target(target: &'static str, os: &'static str, arch: &'static str) -> Machine {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("libcuda-sys-discover-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        Machine {
            root,
            vars: HashMap::new(),
            pkg_config: HashMap::new(),
            modules: Vec::new(),
            site_packages: Vec::new(),
            ldconfig: Vec::new(),
            target,
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
            target: self.target,
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
        self.with_inputs(find_headers)
    }

    fn found(&self) -> Headers {
        self.headers().unwrap_or_else(|e| panic!("{}", explain(&e, "host", self.target, "0.0.0")))
    }

    fn libcuda(&self) -> Result<Libcuda, HeaderError> {
        let headers = self.found();
        self.with_inputs(|inp| find_libcuda(inp, &headers))
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
    let m = Machine::for_target("aarch64-unknown-linux-gnu", "linux", "aarch64");
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
fn windows_program_files_newest_wins() {
    let m = Machine::windows();
    let toolkits = "Program Files/NVIDIA GPU Computing Toolkit/CUDA";
    m.header(&format!("{toolkits}/v12.4/include"), 12040);
    let inc = m.header(&format!("{toolkits}/v13.0/include"), 13000);
    m.header("usr/local/cuda/include", 12090); // unix prefixes are not looked at
    let h = m.found();
    assert_found(&h, &inc, 13000, &format!("default prefix {}", m.at(&format!("{toolkits}/v13.0")).display()));
    assert!(h.tried.iter().all(|t| !t.path.starts_with(m.at("usr"))));
}

#[test]
fn windows_cuda_path_versioned_variable() {
    let mut m = Machine::windows();
    let toolkits = "Program Files/NVIDIA GPU Computing Toolkit/CUDA";
    let inc = m.header(&format!("{toolkits}/v12.4/include"), 12040);
    m.header(&format!("{toolkits}/v13.0/include"), 13000);
    m.set("CUDA_PATH_V12_4", m.at(&format!("{toolkits}/v12.4")));
    m.set("CUDA_PATH_V11_8", m.at("nowhere")); // older: not looked at
    let how = format!("CUDA_PATH_V12_4={}", m.at(&format!("{toolkits}/v12.4")).display());
    assert_found(&m.found(), &inc, 12040, &how);
}

#[test]
fn windows_nvcc_exe_and_libcuda() {
    let mut m = Machine::windows();
    let inc = m.header("CUDA/v12.4/include", 12040);
    m.file("CUDA/v12.4/bin/nvcc.exe");
    let lib = m.file("CUDA/v12.4/lib/x64/cuda.lib");
    m.set("PATH", format!("{};{}", m.at("elsewhere").display(), m.at("CUDA/v12.4/bin").display()));
    assert_found(&m.found(), &inc, 12040, &format!("nvcc on PATH {}", m.at("CUDA/v12.4/bin/nvcc.exe").display()));
    match m.libcuda().unwrap() {
        Libcuda::Dir { dir, file, .. } => assert_eq!((dir, file.as_str()), (lib, "cuda.lib")),
        other => panic!("{other:?}"),
    }
}

/// A build for Windows on Linux searches the Linux machine: its PATH (`:`, `nvcc`), its prefixes.
#[test]
fn cross_build_for_windows_searches_the_building_machine() {
    let mut m = Machine::for_target("x86_64-pc-windows-gnu", "windows", "x86_64");
    let inc = m.header("opt/cuda-13.0/include", 13000);
    m.file("opt/cuda-13.0/bin/nvcc");
    m.set("PATH", format!("{}:{}", m.at("elsewhere").display(), m.at("opt/cuda-13.0/bin").display()));
    assert_found(&m.found(), &inc, 13000, &format!("nvcc on PATH {}", m.at("opt/cuda-13.0/bin/nvcc").display()));
    // No cuda.lib in a Linux toolkit: the build generates the import library.
    assert!(matches!(m.libcuda().unwrap(), Libcuda::Stub { .. }));
    let m = Machine::for_target("x86_64-pc-windows-gnu", "windows", "x86_64");
    m.header("usr/local/cuda/include", 12040);
    assert_eq!(m.found().how, format!("default prefix {}", m.at("usr/local/cuda").display()));
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

#[test]
fn variable_at_missing_directory_is_bad_variable() {
    let mut m = Machine::new();
    m.header("usr/local/cuda/include", 12040); // never reached
    m.set("CUDA_ROOT", m.at("missing"));
    match m.headers() {
        Err(HeaderError::BadVariable { var, value, problem }) => {
            assert_eq!((var.as_str(), value), ("CUDA_ROOT", m.at("missing").display().to_string()));
            assert_eq!(problem, format!("directory {} does not exist", m.at("missing").display()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn variable_at_directory_without_cuda_h_is_bad_variable() {
    let mut m = Machine::new();
    fs::create_dir_all(m.at("empty")).unwrap();
    m.set("LIBCUDA_SYS_INCLUDE_DIR", m.at("empty"));
    let err = m.headers().unwrap_err();
    let HeaderError::BadVariable { var, problem, .. } = &err else { panic!("{err:?}") };
    assert_eq!(var, "LIBCUDA_SYS_INCLUDE_DIR");
    assert_eq!(*problem, format!("{} does not exist", m.at("empty/cuda.h").display()));
    let text = explain(&err, "h", "t", "0.1.0");
    assert!(text.starts_with(&format!("libcuda-sys: LIBCUDA_SYS_INCLUDE_DIR={} is not usable", m.at("empty").display())), "{text}");

    m.vars.clear();
    m.set("CUDA_TOOLKIT_ROOT_DIR", m.at("empty"));
    let HeaderError::BadVariable { problem, .. } = m.headers().unwrap_err() else { panic!() };
    assert!(problem.contains(&m.at("empty/include").display().to_string()), "{problem}");
    assert!(problem.contains(&m.at("empty/targets/x86_64-linux/include").display().to_string()), "{problem}");
}

#[test]
fn unreadable_version_is_not_usable() {
    let mut m = Machine::new();
    fs::create_dir_all(m.at("bad/include")).unwrap();
    fs::write(m.at("bad/include/cuda.h"), "/* no version */\n").unwrap();
    m.set("CUDA_PATH", m.at("bad"));
    let HeaderError::BadVariable { problem, .. } = m.headers().unwrap_err() else { panic!() };
    assert!(problem.starts_with("cannot read CUDA_VERSION from"), "{problem}");
    // As a default prefix, it is recorded and the search goes on.
    m.vars.clear();
    fs::create_dir_all(m.at("usr/local")).unwrap();
    fs::rename(m.at("bad"), m.at("usr/local/cuda")).unwrap();
    let inc = m.header("usr/include", 12040);
    let h = m.found();
    assert_eq!(h.include_dir, inc);
    assert!(h.tried.iter().any(|t| t.path == m.at("usr/local/cuda") && t.why_not.contains("no CUDA_VERSION")));
}

#[test]
fn too_old_header() {
    let m = Machine::new();
    let inc = m.header("usr/local/cuda/include", 11040);
    m.header("usr/local/cuda-12.4/include", 12040); // no fall-through to it
    let err = m.headers().unwrap_err();
    let how = format!("default prefix {}", m.at("usr/local/cuda").display());
    let expected = HeaderError::TooOld { path: inc.join("cuda.h"), found: 11040, oldest: OLDEST_SUPPORTED, how };
    assert_eq!(err, expected);
    let text = explain(&err, "h", "t", "0.1.0");
    assert!(text.lines().next().unwrap().contains("cuda.h is CUDA 11.4; the oldest supported is CUDA 11.8"), "{text}");
}

#[test]
fn nothing_anywhere() {
    let mut m = Machine::new();
    m.set("PATH", m.at("bin"));
    m.modules = vec!["cuda-12.4".into()];
    m.site_packages = vec![m.at("site")];
    let err = m.headers().unwrap_err();
    let HeaderError::NotFound { tried } = &err else { panic!("{err:?}") };
    let text = explain(&err, "x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "0.1.0");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("libcuda-sys: cannot find the CUDA headers"), "{text}");
    // Every place, in order.
    let order = [
        "LIBCUDA_SYS_INCLUDE_DIR",
        "CUDA_PATH",
        "CUDA_HOME",
        "CUDA_ROOT",
        "CUDA_TOOLKIT_ROOT_DIR",
        "pkg-config cuda-12.4",
        "pkg-config cuda",
        "nvcc on PATH",
        "default prefix",
        "default prefix",
        "default prefix",
        "default prefix",
        "default prefix",
        "VIRTUAL_ENV",
        "CONDA_PREFIX",
        "python3 pip wheel",
        "python3 pip wheel",
    ];
    assert_eq!(tried.iter().map(|t| t.what.as_str()).collect::<Vec<_>>(), order);
    let mut at = 0;
    for t in tried {
        let found = lines[at..].iter().position(|l| l.contains(&t.what) && l.contains(&t.why_not));
        at += found.unwrap_or_else(|| panic!("{t:?} missing or out of order in:\n{text}")) + 1;
    }
    for needle in [
        "LIBCUDA_SYS_INCLUDE_DIR",
        "CUDA_PATH",
        "pip install nvidia-cuda-runtime`",
        "pip install nvidia-cuda-runtime-cu12",
        "apt install nvidia-cuda-dev",
        "HOST=x86_64-unknown-linux-gnu TARGET=aarch64-unknown-linux-gnu libcuda-sys 0.1.0",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
    assert!(text.contains(&m.at("usr/local/cuda-X.Y").display().to_string()), "{text}");
}

#[test]
fn version_from_text_reads_the_define() {
    assert_eq!(version_from_text("#ifndef X\n#define CUDA_VERSION 13000\n"), Some(13000));
    assert_eq!(version_from_text("#  define CUDA_VERSION 12040 /* 12.4 */"), Some(12040));
    assert_eq!(version_from_text("#define CUDA_VERSION_MAJOR 12\n"), None);
    assert_eq!(version_from_text("// CUDA_VERSION 12040"), None);
}

/// A machine whose headers come from a toolkit at /usr/local/cuda.
fn with_toolkit() -> Machine {
    let m = Machine::new();
    m.header("usr/local/cuda/include", 12040);
    m
}

fn libcuda_dir(m: &Machine) -> (PathBuf, String, String) {
    match m.libcuda().unwrap() {
        Libcuda::Dir { dir, file, how, .. } => (dir, file, how),
        other => panic!("{other:?}"),
    }
}

#[test]
fn libcuda_explicit_dir() {
    let mut m = with_toolkit();
    m.file("usr/local/cuda/lib64/stubs/libcuda.so");
    let dir = m.file("driver/libcuda.so.1");
    m.set("LIBCUDA_SYS_LIB_DIR", &dir);
    assert_eq!(libcuda_dir(&m), (dir.clone(), "libcuda.so.1".into(), format!("LIBCUDA_SYS_LIB_DIR={}", dir.display())));
}

#[test]
fn libcuda_toolkit_stubs() {
    let m = with_toolkit();
    let stubs = m.file("usr/local/cuda/lib64/stubs/libcuda.so");
    m.file("usr/lib/x86_64-linux-gnu/libcuda.so.1"); // the system driver comes after the toolkit
    assert_eq!(libcuda_dir(&m), (stubs.clone(), "libcuda.so".into(), format!("toolkit stubs {}", stubs.display())));
}

#[test]
fn libcuda_ldconfig_dir() {
    let mut m = with_toolkit();
    let driver = m.file("run/driver/libcuda.so.1");
    m.file("usr/lib/x86_64-linux-gnu/libcuda.so.1");
    m.ldconfig = vec![driver.clone()];
    assert_eq!(libcuda_dir(&m), (driver.clone(), "libcuda.so.1".into(), format!("ldconfig {}", driver.display())));
}

#[test]
fn libcuda_multiarch_dir() {
    let m = with_toolkit();
    let dir = m.file("usr/lib/x86_64-linux-gnu/libcuda.so");
    m.file("usr/lib/x86_64-linux-gnu/libcuda.so.1");
    assert_eq!(libcuda_dir(&m), (dir.clone(), "libcuda.so".into(), format!("system driver {}", dir.display())));
}

#[test]
fn libcuda_nothing_gives_stub() {
    let m = with_toolkit();
    let Libcuda::Stub { tried } = m.libcuda().unwrap() else { panic!() };
    assert_eq!(tried[0].what, "LIBCUDA_SYS_LIB_DIR");
    assert!(tried.iter().any(|t| t.path == m.at("usr/local/cuda/lib64/stubs")));
    assert!(tried.iter().any(|t| t.path == m.at("usr/lib/wsl/lib")));
}

#[test]
fn libcuda_lib_dir_without_library_is_bad_variable() {
    let mut m = with_toolkit();
    m.file("usr/local/cuda/lib64/stubs/libcuda.so"); // never reached
    let dir = m.file("driver/libcudart.so");
    m.set("LIBCUDA_SYS_LIB_DIR", &dir);
    let err = m.libcuda().unwrap_err();
    let HeaderError::BadVariable { var, problem, .. } = &err else { panic!("{err:?}") };
    assert_eq!(var, "LIBCUDA_SYS_LIB_DIR");
    assert_eq!(*problem, format!("{} holds no libcuda.so or libcuda.so.1", dir.display()));
    let text = explain(&err, "h", "t", "0.1.0");
    assert!(text.starts_with("libcuda-sys: LIBCUDA_SYS_LIB_DIR="), "{text}");
    assert!(!text.contains("pip install"), "{text}");
}
