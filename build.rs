//! Build script of libcuda-sys. It reads like its steps:
//! find cuda.h → find the headers bound with it → ask the C preprocessor what they define →
//! generate the bindings → link libcuda → tell dependents. Each step lives in its own file under
//! `build/`.

#[path = "build/discover.rs"]
mod discover;
#[path = "build/docs.rs"]
mod docs;
#[path = "build/dynamic.rs"]
mod dynamic;
#[path = "build/env.rs"]
mod env;
#[path = "build/extras.rs"]
mod extras;
#[path = "build/fail.rs"]
mod fail;
#[path = "build/generate.rs"]
mod generate;
#[path = "build/inputs.rs"]
mod inputs;
#[path = "build/link.rs"]
mod link;
#[path = "build/probe.rs"]
mod probe;

use std::fs;

fn explain(e: &discover::HeaderError) -> String {
    discover::explain(e, &env::cargo("HOST"), &env::cargo("TARGET"), &env::cargo("CARGO_PKG_VERSION"))
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    let out = env::out_dir();
    let per_thread = env::feature("per-thread-default-stream");
    let dynamic = env::feature("dynamic-loading");
    let target_os = env::cargo("CARGO_CFG_TARGET_OS");

    // 1. Find the headers.
    let world = inputs::World::gather();
    let inp = world.inputs();
    let headers = match discover::find_headers(&inp) {
        Ok(h) => h,
        Err(discover::HeaderError::NotFound { .. }) if env::var("DOCS_RS").is_some() => {
            // docs.rs has no CUDA: the crate documents how its bindings are made, nothing more.
            fs::write(out.join("bindings.rs"), "").unwrap_or_else(|e| fail::die("cannot write bindings.rs", &e.to_string()));
            return;
        }
        Err(e) => fail::explained(&explain(&e)),
    };
    println!(
        "libcuda-sys: using {} (CUDA_VERSION {}), found by {}",
        headers.include_dir.join("cuda.h").display(),
        headers.version,
        headers.how
    );

    // 2. The headers bound with cuda.h: cudaProfiler.h and cudaTypedefs.h where found, the
    //    interop headers with their features (gl, egl, vdpau).
    let bound = extras::find(&headers.include_dir, &out, &env::feature, &|p| p.is_file(), &inputs::includable)
        .unwrap_or_else(|e| fail::die("a feature's headers are missing", &e));
    for line in &bound.log {
        println!("libcuda-sys: {line}");
    }
    fs::write(&bound.wrapper, bound.wrapper_text()).unwrap_or_else(|e| fail::die("cannot write the wrapper header", &e.to_string()));
    // A header installed later (the profiler wheel) is noticed.
    println!("cargo:rerun-if-changed={}", headers.include_dir.display());

    // 3. What only the preprocessor knows: documented names, casting macros.
    let probe = probe::run(&bound, per_thread, &out).unwrap_or_else(|e| fail::die("the C preprocessor could not read cuda.h", &e));

    // 4. The bindings.
    let generated = match generate::bindings(&bound, per_thread, dynamic, &probe, &out.join("bindings.rs")) {
        Ok(g) => g,
        Err(generate::Error::Libclang(message)) => fail::libclang(&message),
        Err(generate::Error::Other(message)) => fail::die("could not generate the bindings", &message),
    };
    println!(
        "libcuda-sys: {} functions, {} documented names, {} casting macros",
        generated.functions.len(),
        probe.renames.len(),
        probe.casts.len()
    );

    // 5. Link; with dynamic-loading, no link at all: the library to open at run time.
    if dynamic {
        dynamic::driver(&target_os, &probe.renames, &generated.functions, &generated.shadowed, &out)
            .unwrap_or_else(|e| fail::die("cannot write the dynamic-loading table", &e));
    } else {
        let libcuda = discover::find_libcuda(&inp, &headers).unwrap_or_else(|e| fail::explained(&explain(&e)));
        link::libcuda(&libcuda, &generated.link_symbols, &target_os, &out).unwrap_or_else(|e| fail::die("cannot link libcuda", &e));
    }

    // 6. Metadata for dependents: DEP_CUDA_INCLUDE, DEP_CUDA_VERSION, DEP_CUDA_ROOT, ...
    let root = headers.root.clone().unwrap_or_else(|| headers.include_dir.parent().unwrap_or(&headers.include_dir).to_path_buf());
    println!("cargo:include={}", headers.include_dir.display());
    println!("cargo:version={}", headers.version);
    println!("cargo:root={}", root.display());
    println!("cargo:per_thread_default_stream={}", u8::from(per_thread));
    println!("cargo:dynamic_loading={}", u8::from(dynamic));
    println!("cargo:bindings={}", out.join("bindings.rs").display());
    // The bound headers: the wrapper that includes them all, the folders it needs, NVIDIA's files.
    println!("cargo:wrapper={}", bound.wrapper.display());
    for (key, paths) in [("include_dirs", &bound.include_dirs), ("headers", &bound.files)] {
        let list = std::env::join_paths(paths).unwrap_or_else(|e| fail::die("a header's path holds a path separator", &e.to_string()));
        println!("cargo:{key}={}", list.to_string_lossy());
    }
    // ... and for this package's own examples and tests: `cfg(cuda_major = "13", cuda_minor = "0")`.
    println!("cargo::rustc-check-cfg=cfg(cuda_major, values(any()))");
    println!("cargo::rustc-check-cfg=cfg(cuda_minor, values(any()))");
    println!("cargo:rustc-cfg=cuda_major=\"{}\"", headers.version / 1000);
    println!("cargo:rustc-cfg=cuda_minor=\"{}\"", headers.version % 1000 / 10);
    // `cfg(cuda_header = "cudaProfiler.h")`: each header bound.
    println!("cargo::rustc-check-cfg=cfg(cuda_header, values(any()))");
    for name in bound.names() {
        println!("cargo:rustc-cfg=cuda_header=\"{name}\"");
    }
}
