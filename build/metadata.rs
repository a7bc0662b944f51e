//! What dependents learn (`DEP_CUDA_*` through `links = "cuda"`), and the cfgs of this package's
//! own examples and tests.

use crate::config::{join_paths, Config};
use crate::error::{Context, Error};
use crate::find::bound::Bound;
use crate::find::Headers;
use crate::shared::provenance::Provenance;

/// `headers` and `bound`: what the search found and bound (none for shipped bindings named by
/// release); `made`: what the bindings were made from.
pub fn print(config: &Config, headers: Option<&Headers>, bound: Option<&Bound>, made: &Provenance) -> Result<(), Error> {
    println!("cargo:version={}", made.cuda_version);
    println!("cargo:dynamic_loading={}", u8::from(config.features.dynamic));
    println!("cargo:bindings={}", config.out_dir.join("bindings.rs").display());
    if let Some(headers) = headers {
        let root = headers.root.clone().unwrap_or_else(|| headers.include_dir.parent().unwrap_or(&headers.include_dir).to_path_buf());
        println!("cargo:include={}", headers.include_dir.display());
        println!("cargo:root={}", root.display());
    }
    if let Some(bound) = bound {
        // The bound headers: the umbrella header that includes them all, the folders it needs,
        // NVIDIA's files.
        println!("cargo:wrapper={}", bound.umbrella.display());
        for (key, paths) in [("include_dirs", &bound.include_dirs), ("headers", &bound.files)] {
            let list = join_paths(paths).context("a header's path holds a path separator")?;
            println!("cargo:{key}={}", list.to_string_lossy());
        }
    }
    // `cfg(cuda_major = "13", cuda_minor = "0")` for this package's own examples and tests.
    println!("cargo::rustc-check-cfg=cfg(cuda_major, values(any()))");
    println!("cargo::rustc-check-cfg=cfg(cuda_minor, values(any()))");
    println!("cargo:rustc-cfg=cuda_major=\"{}\"", made.cuda_version / 1000);
    println!("cargo:rustc-cfg=cuda_minor=\"{}\"", made.cuda_version % 1000 / 10);
    // `cfg(cuda_header = "cudaProfiler.h")`: each header whose items the bindings hold.
    println!("cargo::rustc-check-cfg=cfg(cuda_header, values(any()))");
    for (name, _) in made.headers() {
        println!("cargo:rustc-cfg=cuda_header=\"{name}\"");
    }
    Ok(())
}
