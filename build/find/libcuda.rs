//! The driver library to link against.

use super::*;

/// Finds the directory of libcuda to link against: `LIBCUDA_SYS_LIB_DIR`, the library
/// directories of the headers' toolkit (when headers were found), then of their `stubs/`, the system driver's directories
/// (ldconfig's, `/usr/lib/<multiarch>`, `/usr/lib64`, `/usr/lib`, `/usr/local/nvidia/lib64`,
/// `/usr/lib/wsl/lib`; not on windows), else [`Libcuda::Stub`].
///
/// Fails only with [`HeaderError::BadVariable`], when `LIBCUDA_SYS_LIB_DIR` holds no libcuda.
pub fn find(inp: &Inputs, headers: Option<&Headers>) -> Result<Libcuda, HeaderError> {
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

    let mut toolkit = headers.map(|h| h.lib_dirs.clone()).unwrap_or_default();
    if let Some(root) = headers.and_then(|h| h.root.as_ref()) {
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
