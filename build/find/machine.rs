//! The impure half of discovery: everything it looks at that comes from outside the filesystem —
//! variables, pkg-config, python3, ldconfig, the C preprocessor — gathered here, so that the rest
//! of `find` stays a pure function that tests drive.

use super::{Inputs, PkgConfig};
use crate::config::Config;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What pkg-config and ldconfig list, asked once.
pub struct Machine<'a> {
    config: &'a Config,
    pkg_config_modules: Vec<String>,
    ldconfig_dirs: Vec<PathBuf>,
}

impl<'a> Machine<'a> {
    pub fn gather(config: &'a Config) -> Machine<'a> {
        let native = config.native();
        Machine {
            config,
            pkg_config_modules: if native { pkg_config_modules(config) } else { Vec::new() },
            ldconfig_dirs: if native && config.target_os == "linux" { ldconfig_dirs() } else { Vec::new() },
        }
    }

    /// Runs `f` with the inputs discovery reads.
    pub fn with_inputs<R>(&self, f: impl FnOnce(&Inputs) -> R) -> R {
        let config = self.config;
        let var = |name: &str| config.var(name);
        let python_site_packages = || python_site_packages(config);
        let header_version = |cuda_h: &Path| header_version(config, cuda_h);
        f(&Inputs {
            var: &var,
            target_os: &config.target_os,
            host_windows: config.host_windows(),
            target_arch: &config.target_arch,
            root: Path::new("/"),
            pkg_config: &pkg_config,
            pkg_config_modules: &self.pkg_config_modules,
            python_site_packages: &python_site_packages,
            ldconfig_dirs: &self.ldconfig_dirs,
            header_version: &header_version,
        })
    }
}

fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// NVIDIA's toolkits install `cuda-X.Y.pc` modules.
fn pkg_config_modules(config: &Config) -> Vec<String> {
    let program = config.var("PKG_CONFIG").unwrap_or_else(|| "pkg-config".into());
    let list = output(Command::new(program).arg("--list-all")).unwrap_or_default();
    list.lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|m| m.starts_with("cuda-") && m[5..].chars().all(|c| c.is_ascii_digit() || c == '.'))
        .map(String::from)
        .collect()
}

fn pkg_config(module: &str) -> Option<PkgConfig> {
    let lib = pkg_config::Config::new().cargo_metadata(false).env_metadata(true).probe(module).ok()?;
    Some(PkgConfig { include_dirs: lib.include_paths, lib_dirs: lib.link_paths })
}

/// site-packages folders of the python3 on PATH (where NVIDIA's wheels put their headers).
fn python_site_packages(config: &Config) -> Vec<PathBuf> {
    if !config.native() {
        return Vec::new();
    }
    let python = config.var("PYTHON").unwrap_or_else(|| "python3".into());
    let code = "import site,sys;print('\\n'.join(site.getsitepackages()+[site.getusersitepackages()]))";
    output(Command::new(python).args(["-c", code])).map(|s| s.lines().map(PathBuf::from).collect()).unwrap_or_default()
}

/// Folders that ldconfig's cache lists for libcuda.so.1 (the system driver).
fn ldconfig_dirs() -> Vec<PathBuf> {
    let listing = ["/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"].iter().find_map(|l| output(Command::new(l).arg("-p")));
    listing
        .unwrap_or_default()
        .lines()
        .filter(|l| l.trim_start().starts_with("libcuda.so"))
        .filter_map(|l| l.rsplit("=> ").next())
        .filter_map(|p| Path::new(p.trim()).parent().map(Path::to_path_buf))
        .fold(Vec::new(), |mut dirs, d| {
            if !dirs.contains(&d) {
                dirs.push(d);
            }
            dirs
        })
}

/// `CUDA_VERSION` of the cuda.h in `include_dir`, as the C preprocessor sees it.
fn header_version(config: &Config, cuda_h: &Path) -> Result<u32, String> {
    let include_dir = cuda_h.parent().ok_or("no parent folder")?;
    let dir = config.out_dir.join("version-probe");
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let file = dir.join("version.c");
    fs::write(&file, "#include <cuda.h>\nlibcuda_sys_version = CUDA_VERSION ;\n").map_err(|e| e.to_string())?;
    let out = cc::Build::new()
        .include(include_dir)
        .file(&file)
        .cargo_metadata(false)
        .warnings(false)
        .try_expand()
        .map_err(|e| format!("the C preprocessor failed: {e}"))?;
    let text = String::from_utf8_lossy(&out);
    let line = text.lines().find_map(|l| l.trim().strip_prefix("libcuda_sys_version =")).ok_or("no CUDA_VERSION")?;
    line.trim().trim_end_matches(';').trim().parse().map_err(|_| format!("CUDA_VERSION expands to `{}`", line.trim()))
}

/// Whether the target's C compiler can include a system header (`GL/gl.h`): the interop
/// features need it, and it is the compiler, not a guessed path, that knows where it looks.
pub fn includable(config: &Config, header: &str) -> bool {
    let dir = config.out_dir.join("system-headers");
    let file = dir.join(format!("{}.c", header.replace(['/', '.'], "_")));
    if fs::create_dir_all(&dir).and_then(|_| fs::write(&file, format!("#include <{header}>\n"))).is_err() {
        return false;
    }
    cc::Build::new().file(&file).cargo_metadata(false).cargo_warnings(false).warnings(false).try_expand().is_ok()
}
