//! Build script of the ABI check. It reads like its steps:
//! read what libcuda-sys built from → ask the C compiler what cuda.h declares → parse the Rust
//! bindings (as this build compiles them) → generate every check, in C and in Rust → compile the C
//! side (the compiler's rejections become findings) → the same for the module `per_thread`
//! against C with `CUDA_API_PER_THREAD_DEFAULT_STREAM`, and for the types of the module `legacy`
//! against C with `__CUDA_API_VERSION_INTERNAL` → the same for a copy with planted errors →
//! compile the stub `libcuda.so.1` the test binaries run against. Each step lives in its own file
//! under `build/`.

#[path = "build/compile.rs"]
mod compile;
// What libcuda-sys's build script shares with the crate's other targets; the provenance and the
// build data of the generated file are not used here.
#[path = "build/generate.rs"]
mod generate;
#[path = "build/header.rs"]
mod header;
#[path = "build/inputs.rs"]
mod inputs;
#[path = "build/model.rs"]
mod model;
#[path = "build/modes.rs"]
mod modes;
#[path = "build/plant.rs"]
mod plant;
#[allow(dead_code)]
#[path = "../build/shared/mod.rs"]
mod shared;
#[path = "build/stub.rs"]
mod stub;

use header::View;
use std::fmt::Write as _;
use std::fs;

fn main() {
    if let Err(e) = run() {
        println!("cargo:warning=libcuda-sys-systest: {}", e.lines().next().unwrap_or(""));
        eprintln!("libcuda-sys-systest: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-changed=../build/shared");

    // 1. What libcuda-sys was built from; no header (shipped bindings named by release): the
    //    tests report the check as ignored.
    println!("cargo::rustc-check-cfg=cfg(no_header)");
    let Some(inputs) = inputs::Inputs::read()? else {
        println!("cargo:rustc-cfg=no_header");
        return Ok(());
    };
    let release = inputs.label();

    // 2. The C side, from the header alone.
    let header = header::read(&inputs.headers, View::Root, &inputs.out_dir)?;

    // 3. The Rust side, from the generated bindings, as this build compiles them.
    let text = fs::read_to_string(&inputs.bindings).map_err(|e| format!("cannot read {}: {e}", inputs.bindings.display()))?;
    let mut file = syn::parse_file(&text).map_err(|e| format!("cannot parse {}: {e}", inputs.bindings.display()))?;
    modes::configure(&mut file, inputs.dynamic)?;
    let model = model::Model::new(&file);

    // 4. The check of the crate itself: `b` is `libcuda_sys`.
    let plan = generate::plan(&model, &header, inputs.dynamic);
    let findings = compile::c_side(&plan, "real", &inputs, View::Root)?;
    let module = "#[allow(unused_imports)]\nuse ::libcuda_sys as b;";
    let rust = generate::rust_source(&plan, "real", module, &release, View::Root, &findings);
    header::write(&inputs.out_dir.join("real/checks.rs"), &rust)?;

    // 5. The same for the module `per_thread`, against C with CUDA_API_PER_THREAD_DEFAULT_STREAM.
    let per_thread_header = per_thread_check(&file, &inputs, &release)?;
    let default_declared = header.declared;

    // 6. The types of the module `legacy`, against C with __CUDA_API_VERSION_INTERNAL.
    legacy_check(&file, &inputs, &release)?;

    // 7. The same check over a copy with planted errors: `b` is that copy, in link mode, of what
    //    `per_thread` names (so that a name of cuda.h's own inline function is planted too).
    let (mut file, header) = planted_copy(&text, per_thread_header)?;
    let model = model::Model::new(&file);
    let plants = plant::apply(&mut file, &model, &header)?;
    header::write(&inputs.out_dir.join("planted/bindings.rs"), &quote::ToTokens::to_token_stream(&file).to_string())?;
    let planted_model = model::Model::new(&file);
    let planted_plan = generate::plan(&planted_model, &header, false);
    let planted_findings = compile::c_side(&planted_plan, "planted", &inputs, View::PerThread)?;
    let module = "#[allow(warnings, clippy::all, non_camel_case_types, non_snake_case, non_upper_case_globals)]\n\
                  pub mod b { include!(concat!(env!(\"OUT_DIR\"), \"/planted/bindings.rs\")); }";
    let mut rust = generate::rust_source(&planted_plan, "planted", module, &release, View::PerThread, &planted_findings);
    rust.push_str("pub static PLANTS: &[::libcuda_sys_systest::Plant] = &[\n");
    for p in &plants {
        let _ = writeln!(
            rust,
            "::libcuda_sys_systest::Plant {{ what: {:?}, kind: {:?}, item: {:?}, also: &{:?}, affected: &{:?} }},",
            p.what, p.kind, p.item, p.also, p.affected
        );
    }
    rust.push_str("];\n");
    header::write(&inputs.out_dir.join("planted/checks.rs"), &rust)?;

    // 8. The library the test binaries load: every function either mapping declares.
    let mut declared = default_declared;
    declared.extend(header.declared.iter().filter(|f| !declared.contains(f)).cloned().collect::<Vec<_>>());
    stub::libcuda(&declared, &inputs.out_dir)
}

/// The tree of the planted copy, and the header it is checked against: what
/// `libcuda_sys::per_thread` names in link mode, against C with `CUDA_API_PER_THREAD_DEFAULT_STREAM`.
fn planted_copy(text: &str, per_thread_header: header::Header) -> Result<(syn::File, header::Header), String> {
    let mut file = syn::parse_file(text).map_err(|e| format!("cannot parse the bindings: {e}"))?;
    modes::configure(&mut file, false)?;
    Ok((modes::per_thread_view(&file)?, per_thread_header))
}

/// The check of `libcuda_sys::per_thread` (`b`): what its names resolve to, against what C
/// compiled with `CUDA_API_PER_THREAD_DEFAULT_STREAM` calls; types and constants through its
/// glob import. Returns that header's view.
fn per_thread_check(file: &syn::File, inputs: &inputs::Inputs, release: &str) -> Result<header::Header, String> {
    let header = header::read(&inputs.headers, View::PerThread, &inputs.out_dir)?;
    let model = model::Model::new(&modes::per_thread_view(file)?);
    let plan = generate::plan(&model, &header, inputs.dynamic);
    let findings = compile::c_side(&plan, "per_thread", inputs, View::PerThread)?;
    let module = format!("#[allow(unused_imports)]\nuse ::libcuda_sys::{} as b;", shared::PER_THREAD_MODULE);
    let rust = generate::rust_source(&plan, "per_thread", &module, release, View::PerThread, &findings);
    header::write(&inputs.out_dir.join("per_thread/checks.rs"), &rust)?;
    Ok(header)
}

/// The check of the types of `libcuda_sys::legacy`, which cuda.h and cudaTypedefs.h declare only
/// under `__CUDA_API_VERSION_INTERNAL`: against C compiled with that macro (`b` is the module). Bindings
/// without the module: no checks.
fn legacy_check(file: &syn::File, inputs: &inputs::Inputs, release: &str) -> Result<(), String> {
    let (view, names) = modes::legacy_view(file).unwrap_or_else(|| (file.clone(), Default::default()));
    let header = header::read(&inputs.headers, View::Legacy, &inputs.out_dir)?;
    let plan = generate::plan_types(&model::Model::new(&view), &header, &names);
    let findings = compile::c_side(&plan, "legacy", inputs, View::Legacy)?;
    let module = match names.is_empty() {
        true => "#[allow(unused_imports)]\nuse ::libcuda_sys as b;".to_string(),
        false => format!("#[allow(unused_imports)]\nuse ::libcuda_sys::{} as b;", shared::LEGACY_MODULE),
    };
    let rust = generate::rust_source(&plan, "legacy", &module, release, View::Legacy, &findings);
    header::write(&inputs.out_dir.join("legacy/checks.rs"), &rust).map(drop)
}
