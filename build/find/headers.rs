//! Where is `cuda.h`? [`find`] searches, first match wins:
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

use super::*;

/// Finds cuda.h; see the module documentation for the order.
pub fn find(inp: &Inputs) -> Result<Headers, HeaderError> {
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
