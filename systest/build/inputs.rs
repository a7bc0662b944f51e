//! What the check is about: the bindings libcuda-sys generated and the header it read, as the
//! crate's build script tells its dependents (`DEP_CUDA_*`, from `links = "cuda"`).

use std::env;
use std::path::{Path, PathBuf};

/// The headers libcuda-sys bound: cuda.h and those found beside it (cudaProfiler.h, cudaTypedefs.h,
/// the interop headers of its features).
pub struct Headers {
    /// `DEP_CUDA_WRAPPER`: the header that includes them all, in the order the bindings read them.
    pub wrapper: PathBuf,
    /// `DEP_CUDA_INCLUDE_DIRS`: the folders it needs (cuda.h's first).
    pub include_dirs: Vec<PathBuf>,
    /// `DEP_CUDA_HEADERS`: NVIDIA's headers among them, whose items the bindings hold.
    pub files: Vec<PathBuf>,
}

impl Headers {
    /// Whether a file the C compiler names (in `-aux-info`, say) is one of the bound headers.
    pub fn is_bound(&self, path: &Path) -> bool {
        path.file_name().is_some_and(|name| self.files.iter().any(|f| f.file_name() == Some(name)))
    }
}

pub struct Inputs {
    /// `DEP_CUDA_BINDINGS`: the generated `bindings.rs` that `libcuda_sys` includes.
    pub bindings: PathBuf,
    /// What the bindings were generated from.
    pub headers: Headers,
    /// `DEP_CUDA_VERSION`: the header's `CUDA_VERSION` (13000 for 13.0).
    pub version: u32,
    /// `DEP_CUDA_DYNAMIC_LOADING=1`: the crate's `dynamic-loading` feature, where the functions
    /// are Rust wrappers that resolve their symbol at run time: nothing to compare by address.
    pub dynamic: bool,
    pub out_dir: PathBuf,
}

impl Inputs {
    /// `None` when libcuda-sys found no header (its shipped bindings, named by release): there is
    /// nothing to compare them with.
    pub fn read() -> Result<Option<Inputs>, String> {
        println!("cargo:rerun-if-env-changed=DEP_CUDA_WRAPPER");
        if std::env::var_os("DEP_CUDA_WRAPPER").is_none() {
            return Ok(None);
        }
        let version = dep("VERSION")?;
        let inputs = Inputs {
            bindings: PathBuf::from(dep("BINDINGS")?),
            headers: Headers {
                wrapper: PathBuf::from(dep("WRAPPER")?),
                include_dirs: env::split_paths(&dep("INCLUDE_DIRS")?).collect(),
                files: env::split_paths(&dep("HEADERS")?).collect(),
            },
            version: version.parse().map_err(|_| format!("DEP_CUDA_VERSION is `{version}`, not a number"))?,
            dynamic: dep("DYNAMIC_LOADING").is_ok_and(|v| v == "1"),
            out_dir: PathBuf::from(env::var("OUT_DIR").map_err(|_| "OUT_DIR unset".to_string())?),
        };
        println!("cargo:rerun-if-changed={}", inputs.bindings.display());
        Ok(Some(inputs))
    }

    /// The release as people write it: 13000 → `13.0`, 12090 → `12.9`, 11080 → `11.8`.
    pub fn release(&self) -> String {
        format!("{}.{}", self.version / 1000, self.version % 1000 / 10)
    }

    /// What the summary lines name: the release, and the target when it is not the host
    /// (`13.0 for x86_64-pc-windows-gnu`), whose C compiler and ABI the check used.
    pub fn label(&self) -> String {
        let (host, target) = (env::var("HOST").unwrap_or_default(), env::var("TARGET").unwrap_or_default());
        if host == target {
            self.release()
        } else {
            format!("{} for {target}", self.release())
        }
    }
}

/// One `DEP_CUDA_*` variable; libcuda-sys's build script sets all of them.
fn dep(key: &str) -> Result<String, String> {
    let name = format!("DEP_CUDA_{key}");
    println!("cargo:rerun-if-env-changed={name}");
    env::var(&name).map_err(|_| format!("{name} is unset: libcuda-sys's build script did not export it"))
}
