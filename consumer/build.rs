//! A dependent's build script, as a wrapper crate would write one: it takes the header that
//! libcuda-sys used from the `links = "cuda"` metadata (DEP_CUDA_INCLUDE, DEP_CUDA_VERSION),
//! compiles C against it with `cc`, and gates Rust code on the release and on the headers bound
//! (DEP_CUDA_HEADERS, DEP_CUDA_WRAPPER, DEP_CUDA_INCLUDE_DIRS).

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
    // Every header libcuda-sys bound (cudaProfiler.h, cudaTypedefs.h, cudaGL.h with its gl
    // feature), and the one header that includes them all, with the folders it needs.
    let headers: Vec<String> =
        env::split_paths(&dep("DEP_CUDA_HEADERS")).filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
    let bound = |name: &str| headers.iter().any(|h| h == name);
    let wrapper = dep("DEP_CUDA_WRAPPER");

    // C compiled against the same headers.
    let mut c = cc::Build::new();
    c.include(&include).file("src/consumer.c").warnings_into_errors(true);
    c.includes(env::split_paths(&dep("DEP_CUDA_INCLUDE_DIRS"))).define("CONSUMER_WRAPPER", format!("\"{wrapper}\"").as_str());
    if bound("cudaProfiler.h") {
        c.define("CONSUMER_HAS_PROFILER", None);
    }
    if !dynamic {
        c.define("CONSUMER_LINKS_LIBCUDA", None);
    }
    c.compile("consumer");
    // C's cuGetProcAddress through the driver library it opens itself, to compare with
    // libcuda_sys::versioned (dynamic-loading only: then nothing links libcuda).
    let unix = env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f.split(',').any(|f| f == "unix"));
    println!("cargo:rerun-if-changed=src/proc_address.c");
    if dynamic && unix && bound("cudaTypedefs.h") {
        cc::Build::new().include(&include).file("src/proc_address.c").warnings_into_errors(true).compile("consumer_proc_address");
        println!("cargo:rustc-link-lib=dl");
        println!("cargo:rustc-cfg=has_proc_address");
    }

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
    println!(
        "cargo::rustc-check-cfg=cfg(ctx_create_takes_params, links_libcuda, has_profiler, has_gl, has_ctx_create_v12050, has_proc_address)"
    );
    if bound("cudaProfiler.h") {
        println!("cargo:rustc-cfg=has_profiler");
    }
    if bound("cudaGL.h") {
        println!("cargo:rustc-cfg=has_gl");
    }
    // cudaTypedefs.h has the CUDA 12.5 ABI of cuCtxCreate from 12.5 on.
    if bound("cudaTypedefs.h") && version >= 12050 {
        println!("cargo:rustc-cfg=has_ctx_create_v12050");
    }
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
