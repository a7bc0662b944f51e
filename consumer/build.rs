//! A dependent's build script, as a wrapper crate would write one: it takes the header that
//! libcuda-sys used from the `links = "cuda"` metadata (DEP_CUDA_INCLUDE, DEP_CUDA_VERSION),
//! compiles C against it with `cc`, and gates Rust code on the release.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

fn dep(name: &str) -> String {
    println!("cargo:rerun-if-env-changed={name}");
    env::var(name).unwrap_or_else(|_| {
        eprintln!("{name} is not set: libcuda-sys did not export its metadata");
        std::process::exit(1)
    })
}

fn main() {
    let include = PathBuf::from(dep("DEP_CUDA_INCLUDE"));
    let version: u32 = dep("DEP_CUDA_VERSION").parse().expect("DEP_CUDA_VERSION is a number");
    // With dynamic-loading nothing links libcuda, so C may not reference its symbols.
    let dynamic = dep("DEP_CUDA_DYNAMIC_LOADING") == "1";
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed=src/consumer.c");

    // C compiled against the same header.
    let mut c = cc::Build::new();
    c.include(&include).file("src/consumer.c").warnings_into_errors(true);
    if !dynamic {
        c.define("CONSUMER_LINKS_LIBCUDA", None);
    }
    c.compile("consumer");

    // The header's error codes, as the preprocessor sees them, for a table of Rust constants: a
    // code the crate lacks fails to compile here.
    let probe = out.join("errors.c");
    fs::write(&probe, "#include <cuda.h>\n").unwrap();
    let expanded = cc::Build::new().include(&include).file(&probe).expand();
    // Without the preprocessor's line markers.
    let text: String =
        String::from_utf8_lossy(&expanded).lines().filter(|l| !l.trim_start().starts_with('#')).collect::<Vec<_>>().join("\n");
    let start = text.find("enum cudaError_enum").expect("cuda.h declares enum cudaError_enum");
    let body = &text[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    let mut table = String::from(
        "/// Every `cudaError_enum` enumerator of the header, by name.\npub const ERRORS: &[(&str, libcuda_sys::CUresult)] = &[\n",
    );
    for item in body.split(',') {
        let name = item.split('=').next().unwrap().trim();
        if !name.is_empty() {
            let _ = writeln!(table, "    (\"{name}\", libcuda_sys::{name}),");
        }
    }
    table.push_str("];\n");
    fs::write(out.join("errors.rs"), table).unwrap();

    // Rust gated on the header's release.
    println!("cargo::rustc-check-cfg=cfg(ctx_create_takes_params, links_libcuda)");
    if !dynamic {
        println!("cargo:rustc-cfg=links_libcuda");
    }
    if version >= 13000 {
        println!("cargo:rustc-cfg=ctx_create_takes_params");
    }
    println!("cargo:rustc-env=CONSUMER_CUDA_VERSION={version}");
    // For its tests: the generated bindings, the header they say they came from, the target.
    println!("cargo:rustc-env=CONSUMER_BINDINGS={}", dep("DEP_CUDA_BINDINGS"));
    println!("cargo:rustc-env=CONSUMER_CUDA_H={}", include.join("cuda.h").display());
    println!("cargo:rustc-env=CONSUMER_TARGET={}", env::var("TARGET").unwrap_or_default());
}
