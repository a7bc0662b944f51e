//! What is bound: cuda.h, the Driver API's headers besides it, and the umbrella header that
//! includes them all.
//!
//! NVIDIA ships the rest of the Driver API beside cuda.h: `cudaTypedefs.h` (the `PFN_*`
//! function-pointer types of every function at every ABI version), `cudaProfiler.h`
//! (`cuProfilerStart`, `cuProfilerStop`), and the graphics interop headers `cudaGL.h`, `cudaEGL.h`
//! and `cudaVDPAU.h`, each with its own `*Typedefs.h`. The first two are bound wherever they are
//! found; a missing one leaves its items out and says so in the build log (`cargo build -vv`). The
//! interop headers are bound only with their feature (`gl`, `egl`, `vdpau`), because they need the
//! system's GL, EGL or VDPAU headers; with the feature on, a missing header is an error that names
//! it and the package to install.
//!
//! [`find`] is a pure function of the cuda.h folder, the features and two questions about the
//! filesystem (does this file exist, can the C compiler include this system header), so tests can
//! replay any layout. [`Bound::umbrella_text`] is the umbrella header the bindings, the preprocessor
//! probe and the ABI check all read: the crate's `wrapper.h` (`#include <cuda.h>`), then every header
//! found, in this order.

use crate::shared::UMBRELLA;
use std::path::{Path, PathBuf};

/// A system header an interop header needs, with the packages that install it.
pub struct SystemHeader {
    pub header: &'static str,
    pub debian: &'static str,
    pub fedora: &'static str,
}

/// One of NVIDIA's headers besides cuda.h.
pub struct Extra {
    /// The header that declares the API (`cudaGL.h`).
    pub header: &'static str,
    /// Its companion with the `PFN_*` types, bound with it where found (`cudaGLTypedefs.h`).
    pub typedefs: Option<&'static str>,
    /// The feature that binds it; `None`: bound wherever found.
    pub feature: Option<&'static str>,
    /// System headers it uses, included before it (cudaVDPAU.h does not include vdpau.h itself).
    pub system: &'static [SystemHeader],
    /// The folder of NVIDIA's per-component pip wheel whose `include/` holds it when that is not
    /// cuda.h's folder: the CUDA 11 and 12 wheels put each component under `nvidia/<component>/`.
    pub pip_component: Option<&'static str>,
    /// What it declares, for the build log.
    pub declares: &'static str,
    /// Where it ships, for the build log and errors.
    pub ships_in: &'static str,
}

const GL: SystemHeader = SystemHeader { header: "GL/gl.h", debian: "libgl-dev", fedora: "libglvnd-devel" };
const EGL: SystemHeader = SystemHeader { header: "EGL/egl.h", debian: "libegl-dev", fedora: "libglvnd-devel" };
const EGLEXT: SystemHeader = SystemHeader { header: "EGL/eglext.h", debian: "libegl-dev", fedora: "libglvnd-devel" };
const VDPAU: SystemHeader = SystemHeader { header: "vdpau/vdpau.h", debian: "libvdpau-dev", fedora: "libvdpau-devel" };

const RUNTIME: &str = "the toolkit's include/ and the nvidia-cuda-runtime wheels";

/// Every header besides cuda.h that the crate can bind, in the order they are included.
pub const EXTRAS: &[Extra] = &[
    Extra {
        header: "cudaProfiler.h",
        typedefs: Some("cudaProfilerTypedefs.h"),
        feature: None,
        system: &[],
        pip_component: Some("cuda_profiler_api"),
        declares: "cuProfilerStart, cuProfilerStop",
        ships_in: "the toolkit's include/ and the nvidia-cuda-profiler-api wheel (-cu12, -cu11 for those releases)",
    },
    Extra {
        header: "cudaTypedefs.h",
        typedefs: None,
        feature: None,
        system: &[],
        pip_component: None,
        declares: "the PFN_* function-pointer types",
        ships_in: RUNTIME,
    },
    Extra {
        header: "cudaGL.h",
        typedefs: Some("cudaGLTypedefs.h"),
        feature: Some("gl"),
        system: &[GL],
        pip_component: None,
        declares: "OpenGL interop",
        ships_in: RUNTIME,
    },
    Extra {
        header: "cudaEGL.h",
        typedefs: Some("cudaEGLTypedefs.h"),
        feature: Some("egl"),
        system: &[EGL, EGLEXT],
        pip_component: None,
        declares: "EGL interop",
        ships_in: RUNTIME,
    },
    Extra {
        header: "cudaVDPAU.h",
        typedefs: Some("cudaVDPAUTypedefs.h"),
        feature: Some("vdpau"),
        system: &[VDPAU],
        pip_component: None,
        declares: "VDPAU interop",
        ships_in: RUNTIME,
    },
];

/// What is bound: cuda.h and the extra headers found, in the order the umbrella header includes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    /// The umbrella header in OUT_DIR that includes them all ([`Bound::umbrella_text`]).
    pub umbrella: PathBuf,
    /// Folders for `-I`: cuda.h's first, then any other that holds an extra header.
    pub include_dirs: Vec<PathBuf>,
    /// NVIDIA's headers bound, as paths: cuda.h first. Their items are the crate's.
    pub files: Vec<PathBuf>,
    /// `#include <...>` lines of the umbrella header, system headers included, in order.
    pub includes: Vec<String>,
    /// What the build log says about each extra header (found where, or left out and why).
    pub log: Vec<String>,
}

impl Bound {
    /// The names of the bound NVIDIA headers (`cuda.h`, `cudaProfiler.h`, ...).
    #[cfg(any(test, feature = "bindgen"))]
    pub fn names(&self) -> Vec<String> {
        self.files.iter().filter_map(|f| f.file_name()).map(|n| n.to_string_lossy().into_owned()).collect()
    }

    /// The umbrella header: the crate's `wrapper.h` (cuda.h, always bound) in place of cuda.h,
    /// then every other bound header, system headers before the interop headers that use them.
    pub fn umbrella_text(&self) -> String {
        let mut text = String::from("/* Generated by libcuda-sys's build script: the headers it binds. */\n");
        for include in &self.includes {
            text.push_str(&match include.as_str() {
                "cuda.h" => format!("#include \"{BASE_HEADER}\"\n"),
                _ => format!("#include <{include}>\n"),
            });
        }
        text
    }

    /// bindgen's `allowlist_file` pattern: the bound NVIDIA headers, by name, in any folder.
    #[cfg(feature = "bindgen")]
    pub fn allowlist_pattern(&self) -> String {
        let names: Vec<String> = self.names().iter().map(|n| n.replace('.', "\\.")).collect();
        format!(".*[/\\\\]({})", names.join("|"))
    }
}

/// The crate's own header, which the umbrella header includes first: what is bound always (cuda.h).
pub const BASE_HEADER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/wrapper.h");

/// Decides which extra headers are bound. `include_dir` holds cuda.h; `out_dir` is where the
/// umbrella header goes; `feature` answers whether a
/// cargo feature is on; `exists` whether a file exists; `system_header` whether the C compiler can
/// include a system header (`GL/gl.h`). Err: a feature is on but what it needs is missing.
pub fn find(
    include_dir: &Path,
    out_dir: &Path,
    feature: &dyn Fn(&str) -> bool,
    exists: &dyn Fn(&Path) -> bool,
    system_header: &dyn Fn(&str) -> bool,
) -> Result<Bound, String> {
    let mut bound = Bound {
        umbrella: out_dir.join(UMBRELLA),
        include_dirs: vec![include_dir.to_path_buf()],
        files: vec![include_dir.join("cuda.h")],
        includes: vec!["cuda.h".to_string()],
        log: Vec::new(),
    };
    for extra in EXTRAS {
        if let Some(f) = extra.feature {
            if !feature(f) {
                bound.log.push(format!("{} ({}) not bound: feature `{f}` is off", extra.header, extra.declares));
                continue;
            }
        }
        let candidates = candidate_dirs(include_dir, extra);
        let Some(dir) = candidates.iter().find(|d| exists(&d.join(extra.header))) else {
            let tried: Vec<String> = candidates.iter().map(|d| d.join(extra.header).display().to_string()).collect();
            match extra.feature {
                Some(f) => {
                    return Err(format!(
                        "feature `{f}` needs {}, which is not beside the cuda.h found (looked for {}). It ships in {}: use \
                         headers that have it, or turn the feature off.",
                        extra.header,
                        tried.join(", "),
                        extra.ships_in
                    ))
                }
                None => {
                    bound.log.push(format!(
                        "{} not found ({}): its items ({}) are left out; it ships in {}",
                        extra.header,
                        tried.join(", "),
                        extra.declares,
                        extra.ships_in
                    ));
                    continue;
                }
            }
        };
        let missing: Vec<&SystemHeader> = extra.system.iter().filter(|s| !system_header(s.header)).collect();
        if let (false, Some(f)) = (missing.is_empty(), extra.feature) {
            let lines: Vec<String> = missing
                .iter()
                .map(|s| format!("  {}: Debian, Ubuntu: apt install {}; Fedora, RHEL: dnf install {}", s.header, s.debian, s.fedora))
                .collect();
            return Err(format!(
                "feature `{f}` needs the system header{} {}, which the C compiler cannot include ({} uses {}). Install:\n{}",
                if missing.len() > 1 { "s" } else { "" },
                missing.iter().map(|s| s.header).collect::<Vec<_>>().join(" and "),
                extra.header,
                if missing.len() > 1 { "their types" } else { "its types" },
                lines.join("\n")
            ));
        }
        if !bound.include_dirs.contains(dir) {
            bound.include_dirs.push(dir.clone());
        }
        bound.includes.extend(extra.system.iter().map(|s| s.header.to_string()));
        bound.includes.push(extra.header.to_string());
        bound.files.push(dir.join(extra.header));
        let mut found = format!("{} bound ({}), from {}", extra.header, extra.declares, dir.display());
        if let Some(typedefs) = extra.typedefs {
            // The typedefs live beside cuda.h (the runtime wheel ships them) or beside the header.
            match [include_dir, dir.as_path()].iter().map(|d| d.join(typedefs)).find(|p| exists(p)) {
                Some(path) => {
                    bound.includes.push(typedefs.to_string());
                    bound.files.push(path);
                    found.push_str(&format!(", with {typedefs}"));
                }
                None => found.push_str(&format!("; {typedefs} not found: its PFN_* types are left out")),
            }
        }
        bound.log.push(found);
    }
    Ok(bound)
}

/// Where an extra header may be: cuda.h's folder, and for a pip wheel layout
/// (`.../nvidia/cuda_runtime/include`) the component's own `.../nvidia/<component>/include`.
fn candidate_dirs(include_dir: &Path, extra: &Extra) -> Vec<PathBuf> {
    let mut dirs = vec![include_dir.to_path_buf()];
    let runtime = include_dir.parent().filter(|p| p.file_name().is_some_and(|n| n == "cuda_runtime"));
    if let (Some(component), Some(nvidia)) = (extra.pip_component, runtime.and_then(Path::parent)) {
        dirs.push(nvidia.join(component).join("include"));
    }
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn layout(files: &[&str]) -> impl Fn(&Path) -> bool {
        let files: BTreeSet<PathBuf> = files.iter().map(PathBuf::from).collect();
        move |p: &Path| files.contains(p)
    }

    #[test]
    fn toolkit_layout_binds_profiler_and_typedefs_without_features() {
        let exists = layout(&["/cuda/include/cudaProfiler.h", "/cuda/include/cudaProfilerTypedefs.h", "/cuda/include/cudaTypedefs.h"]);
        let b = find(Path::new("/cuda/include"), Path::new("/out"), &|_| false, &exists, &|_| true).unwrap();
        assert_eq!(b.names(), ["cuda.h", "cudaProfiler.h", "cudaProfilerTypedefs.h", "cudaTypedefs.h"]);
        assert_eq!(b.include_dirs, [PathBuf::from("/cuda/include")]);
        assert_eq!(b.umbrella_text().lines().nth(1), Some(format!("#include \"{BASE_HEADER}\"").as_str()));
        assert!(b.log.iter().any(|l| l.contains("cudaGL.h") && l.contains("feature `gl` is off")));
    }

    #[test]
    fn missing_profiler_is_logged_not_an_error() {
        let exists = layout(&["/cuda/include/cudaTypedefs.h"]);
        let b = find(Path::new("/cuda/include"), Path::new("/out"), &|_| false, &exists, &|_| true).unwrap();
        assert_eq!(b.names(), ["cuda.h", "cudaTypedefs.h"]);
        assert!(b.log.iter().any(|l| l.starts_with("cudaProfiler.h not found") && l.contains("nvidia-cuda-profiler-api")));
    }

    #[test]
    fn pip_layout_finds_the_profiler_component() {
        let exists = layout(&[
            "/site/nvidia/cuda_profiler_api/include/cudaProfiler.h",
            "/site/nvidia/cuda_runtime/include/cudaProfilerTypedefs.h",
            "/site/nvidia/cuda_runtime/include/cudaTypedefs.h",
        ]);
        let b = find(Path::new("/site/nvidia/cuda_runtime/include"), Path::new("/out"), &|_| false, &exists, &|_| true).unwrap();
        assert_eq!(b.include_dirs[1], PathBuf::from("/site/nvidia/cuda_profiler_api/include"));
        assert_eq!(b.files[1], PathBuf::from("/site/nvidia/cuda_profiler_api/include/cudaProfiler.h"));
        assert_eq!(b.files[2], PathBuf::from("/site/nvidia/cuda_runtime/include/cudaProfilerTypedefs.h"));
    }

    #[test]
    fn features_bind_interop_after_its_system_headers() {
        let exists = layout(&["/i/cudaGL.h", "/i/cudaGLTypedefs.h", "/i/cudaEGL.h", "/i/cudaVDPAU.h"]);
        let b = find(Path::new("/i"), Path::new("/out"), &|_| true, &exists, &|_| true).unwrap();
        assert_eq!(
            b.includes,
            ["cuda.h", "GL/gl.h", "cudaGL.h", "cudaGLTypedefs.h", "EGL/egl.h", "EGL/eglext.h", "cudaEGL.h", "vdpau/vdpau.h", "cudaVDPAU.h"]
        );
        assert_eq!(b.allowlist_pattern(), ".*[/\\\\](cuda\\.h|cudaGL\\.h|cudaGLTypedefs\\.h|cudaEGL\\.h|cudaVDPAU\\.h)");
    }

    #[test]
    fn a_feature_without_its_system_header_names_header_and_package() {
        let exists = layout(&["/i/cudaGL.h", "/i/cudaVDPAU.h"]);
        let gl = find(Path::new("/i"), Path::new("/out"), &|f| f == "gl", &exists, &|h| h != "GL/gl.h").unwrap_err();
        assert!(gl.contains("feature `gl`") && gl.contains("GL/gl.h") && gl.contains("apt install libgl-dev"), "{gl}");
        let vdpau = find(Path::new("/i"), Path::new("/out"), &|f| f == "vdpau", &exists, &|_| false).unwrap_err();
        assert!(vdpau.contains("vdpau/vdpau.h") && vdpau.contains("libvdpau-dev"), "{vdpau}");
    }

    #[test]
    fn a_feature_without_nvidias_header_is_an_error() {
        let e = find(Path::new("/i"), Path::new("/out"), &|f| f == "egl", &layout(&[]), &|_| true).unwrap_err();
        let tried = Path::new("/i").join("cudaEGL.h");
        assert!(e.contains("feature `egl` needs cudaEGL.h") && e.contains(&tried.display().to_string()), "{e}");
    }
}
