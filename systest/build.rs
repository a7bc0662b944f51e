//! Build script of the ABI check. It reads like its steps:
//! read what libcuda-sys built from → ask the C compiler what cuda.h declares → parse the Rust
//! bindings → generate every check, in C and in Rust → compile the C side (the compiler's
//! rejections become findings) → the same for a copy with planted errors → compile the stub
//! `libcuda.so.1` the test binaries run against. Each step lives in its own file under `build/`.

#[path = "build/compile.rs"]
mod compile;
#[path = "build/generate.rs"]
mod generate;
#[path = "build/header.rs"]
mod header;
#[path = "build/inputs.rs"]
mod inputs;
#[path = "build/model.rs"]
mod model;
#[path = "build/plant.rs"]
mod plant;
#[path = "build/stub.rs"]
mod stub;

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

    // 1. What libcuda-sys was built from.
    let inputs = inputs::Inputs::read()?;
    let release = inputs.release();

    // 2. The C side, from the header alone.
    let header = header::read(&inputs.headers, inputs.per_thread, &inputs.out_dir)?;

    // 3. The Rust side, from the generated bindings.
    let text = fs::read_to_string(&inputs.bindings).map_err(|e| format!("cannot read {}: {e}", inputs.bindings.display()))?;
    let mut file = syn::parse_file(&text).map_err(|e| format!("cannot parse {}: {e}", inputs.bindings.display()))?;
    let model = model::Model::new(&file);

    // 4. The check of the crate itself: `b` is `libcuda_sys`.
    let plan = generate::plan(&model, &header, inputs.dynamic);
    let findings = compile::c_side(&plan, "real", &inputs)?;
    let module = "#[allow(unused_imports)]\nuse ::libcuda_sys as b;";
    let rust = generate::rust_source(&plan, "real", module, &release, inputs.per_thread, &findings);
    header::write(&inputs.out_dir.join("real/checks.rs"), &rust)?;

    // 5. The same check over a copy with planted errors: `b` is that copy.
    let plants = plant::apply(&mut file, &model)?;
    header::write(&inputs.out_dir.join("planted/bindings.rs"), &quote::ToTokens::to_token_stream(&file).to_string())?;
    let planted_model = model::Model::new(&file);
    let planted_plan = generate::plan(&planted_model, &header, false);
    let planted_findings = compile::c_side(&planted_plan, "planted", &inputs)?;
    let module = "#[allow(warnings, clippy::all, non_camel_case_types, non_snake_case, non_upper_case_globals)]\n\
                  pub mod b { include!(concat!(env!(\"OUT_DIR\"), \"/planted/bindings.rs\")); }";
    let mut rust = generate::rust_source(&planted_plan, "planted", module, &release, inputs.per_thread, &planted_findings);
    rust.push_str("pub static PLANTS: &[::libcuda_sys_systest::Plant] = &[\n");
    for p in &plants {
        let _ =
            writeln!(rust, "::libcuda_sys_systest::Plant {{ what: {:?}, kinds: &{:?}, affected: &{:?} }},", p.what, p.kinds, p.affected);
    }
    rust.push_str("];\n");
    header::write(&inputs.out_dir.join("planted/checks.rs"), &rust)?;

    // 6. The library the test binaries load.
    stub::libcuda(&header.declared, &inputs.out_dir)
}
