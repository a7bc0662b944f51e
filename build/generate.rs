//! Rust declarations for cuda.h and the headers bound with it (build/extras.rs): bindgen's output,
//! then what bindgen cannot derive by itself — the documented names as re-exports of the symbols C
//! calls, the macros that cast as typed constants, the `PFN_*` names that macros map to versioned
//! types, and the `|` operators of the flag enums.

use crate::extras::Bound;
use crate::probe::Probe;
use std::fmt::Write as _;
use std::fs;
use std::panic;
use std::path::Path;
use std::sync::{Arc, Mutex};

pub enum Error {
    /// libclang is missing or does not load (bindgen's message).
    Libclang(String),
    Other(String),
}

/// What the generated file declares, for the later build steps.
pub struct Generated {
    /// Every function symbol declared, in the order of the header.
    pub functions: Vec<String>,
    /// What a link stub must export: `functions`, and the names kept from Rust because a macro
    /// maps them elsewhere, which the compiled static inline wrappers may still call as symbols
    /// (`cuGetProcAddress_v2` with per-thread streams; the other names cost an unused entry).
    pub link_symbols: Vec<String>,
    /// Declared symbols whose name a later macro gives to a static inline wrapper; with
    /// dynamic-loading they are resolved under a hidden name (`dynamic::hidden_name`).
    pub shadowed: Vec<String>,
}

/// The header's Doxygen becomes rustdoc Markdown (doxygen-bindgen), then `docs::tidy_doc` mends
/// what it leaves: NVIDIA's aliases, `\code` blocks, `::name` references, brackets that are no
/// links.
#[derive(Debug)]
struct Docs;

impl bindgen::callbacks::ParseCallbacks for Docs {
    fn process_comment(&self, comment: &str) -> Option<String> {
        Some(crate::docs::tidy_doc(&doxygen_bindgen::transform(comment).unwrap_or_else(|_| comment.to_string())))
    }
}

/// The type aliases bindgen declares (`typedef`s), so that a macro naming one can become an alias too.
#[derive(Debug)]
struct Aliases(Arc<Mutex<Vec<String>>>);

impl bindgen::callbacks::ParseCallbacks for Aliases {
    fn new_item_found(
        &self,
        _id: bindgen::callbacks::DiscoveredItemId,
        item: bindgen::callbacks::DiscoveredItem,
        _location: Option<&bindgen::callbacks::SourceLocation>,
    ) {
        if let (bindgen::callbacks::DiscoveredItem::Alias { alias_name, .. }, Ok(mut names)) = (item, self.0.lock()) {
            names.push(alias_name);
        }
    }
}

/// Integer macros whose C type is unsigned (`#define X (~0u)`): bindgen evaluates the value in 64
/// bits but not the type (it would write `X: i32 = -1`); the preprocessor probe saw the suffix.
/// bindgen writes them as `u64` with the 64-bit value; [`narrow_unsigned`] then gives the 32-bit
/// ones C's `unsigned int` value.
#[derive(Debug)]
struct UnsignedMacros {
    unsigned: Vec<(String, bool)>,
    narrow: Arc<Mutex<Vec<(String, i64)>>>,
}

impl bindgen::callbacks::ParseCallbacks for UnsignedMacros {
    fn int_macro(&self, name: &str, value: i64) -> Option<bindgen::callbacks::IntKind> {
        let (_, wide) = self.unsigned.iter().find(|(n, _)| n == name)?;
        if !wide {
            self.narrow.lock().ok()?.push((name.to_string(), value));
        }
        Some(bindgen::callbacks::IntKind::U64)
    }
}

/// `pub const X : u64 = 18446744073709551615 ;` → `pub const X : u32 = 4294967295 ;`
fn narrow_unsigned(code: &mut String, narrow: &[(String, i64)]) {
    for (name, value) in narrow {
        let wide = format!("pub const {name} : u64 = {} ;", *value as u64);
        *code = code.replace(&wide, &format!("pub const {name} : u32 = {} ;", *value as u32));
    }
}

/// The C enums that C code combines with `|`: every enum whose name says it holds flags, and
/// `CUmemAllocationHandleType`, which cuda.h documents as a bit mask ("requestedHandleTypes").
fn is_flag_enum(name: &str) -> bool {
    name.to_ascii_lowercase().contains("flags") || name == "CUmemAllocationHandleType_enum"
}

fn bindgen_builder(bound: &Bound, per_thread: bool) -> bindgen::Builder {
    // Read for Cargo's rerun tracking and the -vv log; clang-sys itself looks at it.
    let _ = crate::env::var("LIBCLANG_PATH");
    let mut builder = bindgen::Builder::default()
        .header(bound.wrapper.to_string_lossy())
        .clang_args(bound.include_dirs.iter().map(|d| format!("-I{}", d.display())))
        // NVIDIA's headers only; the GL, EGL and VDPAU types they use come along as bindgen meets them.
        .allowlist_file(bound.allowlist_pattern())
        .use_core()
        .ctypes_prefix("::core::ffi")
        .default_enum_style(bindgen::EnumVariation::NewType { is_bitfield: false, is_global: true })
        .prepend_enum_name(false)
        .must_use_type("cudaError_enum")
        .derive_default(true)
        .generate_comments(true)
        .merge_extern_blocks(true)
        .formatter(bindgen::Formatter::None)
        .parse_callbacks(Box::new(Docs))
        .parse_callbacks(Box::new(bindgen::CargoCallbacks::new()));
    if per_thread {
        builder = builder.clang_arg("-DCUDA_API_PER_THREAD_DEFAULT_STREAM");
    }
    builder
}

/// Runs bindgen. libclang missing or unloadable makes bindgen panic: that panic is caught and
/// turned into an error whose text the caller explains.
fn run_bindgen(builder: bindgen::Builder) -> Result<String, Error> {
    let message = Arc::new(Mutex::new(String::new()));
    let seen = Arc::clone(&message);
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        // The message alone, without bindgen's source location.
        let payload = info.payload();
        let text = payload.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| payload.downcast_ref::<String>().cloned());
        if let Ok(mut m) = seen.lock() {
            *m = text.unwrap_or_else(|| info.to_string());
        }
    }));
    let result = panic::catch_unwind(panic::AssertUnwindSafe(|| builder.generate()));
    panic::set_hook(previous);
    match result {
        Ok(Ok(bindings)) => Ok(bindings.to_string()),
        Ok(Err(e)) => Err(Error::Other(format!("bindgen could not parse cuda.h: {e}"))),
        Err(_) => {
            let message = message.lock().map(|m| m.clone()).unwrap_or_default();
            Err(if message.contains("libclang") { Error::Libclang(message) } else { Error::Other(message) })
        }
    }
}

/// Identifiers that follow `pub fn ` in bindgen's output.
fn declared_functions(code: &str) -> Vec<String> {
    code.match_indices("pub fn ")
        .map(|(i, m)| {
            let rest = &code[i + m.len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            rest[..end].to_string()
        })
        .collect()
}

/// Names of the newtype enums bindgen wrote (`pub struct NAME (pub u32) ;`).
fn newtype_enums(code: &str) -> Vec<String> {
    code.match_indices("pub struct ")
        .filter_map(|(i, m)| {
            let rest = &code[i + m.len()..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
            let after = rest[end..].trim_start();
            after.starts_with("(pub ").then(|| rest[..end].to_string())
        })
        .collect()
}

/// Compiles bindgen's C wrappers of the header's static inline functions into a static library.
/// `shadowed` symbols (only with dynamic-loading) are called under their hidden names.
fn compile_static_fns(bound: &Bound, per_thread: bool, shadowed: &[String], c_file: &Path) -> Result<(), Error> {
    let mut build = cc::Build::new();
    build.includes(&bound.include_dirs).file(c_file).warnings(false);
    if per_thread {
        build.define("CUDA_API_PER_THREAD_DEFAULT_STREAM", None);
    }
    for name in shadowed {
        build.define(name, Some(crate::dynamic::hidden_name(name).as_str()));
    }
    build.try_compile("libcuda_sys_static_fns").map_err(|e| Error::Other(format!("cannot compile {}: {e}", c_file.display())))
}

/// The Rust type for a C type named in a cast macro.
fn rust_type(c_type: &str) -> String {
    match c_type {
        "void*" => "*mut ::core::ffi::c_void".to_string(),
        ty => ty.to_string(),
    }
}

/// With `dynamic` (the dynamic-loading feature), the declarations become lazily resolving
/// wrappers (build/dynamic.rs).
pub fn bindings(bound: &Bound, per_thread: bool, dynamic: bool, probe: &Probe, out_file: &Path) -> Result<Generated, Error> {
    let narrow = Arc::new(Mutex::new(Vec::new()));
    let unsigned = UnsignedMacros { unsigned: probe.unsigned.clone(), narrow: Arc::clone(&narrow) };
    let aliases = Arc::new(Mutex::new(Vec::new()));
    let mut builder =
        bindgen_builder(bound, per_thread).parse_callbacks(Box::new(unsigned)).parse_callbacks(Box::new(Aliases(Arc::clone(&aliases))));
    // Casting macros are written below with their C type; macros the header #undefs are gone.
    for name in probe.casts.iter().map(|c| &c.name).chain(&probe.undefined) {
        builder = builder.blocklist_item(name);
    }
    // Static inline functions (with per-thread streams, `cuGetProcAddress_v2_ptsz`, which adds the
    // per-thread flag) get C wrappers that bindgen writes and the build compiles below.
    // A name that a later macro gives to another function is not C's to call under that name
    // (`cuGetProcAddress_v2` then means `cuGetProcAddress_v2_ptsz`): in link mode its symbol is
    // not declared in Rust at all; with dynamic-loading it is resolved like every other symbol,
    // under a hidden name that the C wrappers are compiled to call.
    let static_fns = out_file.with_file_name("static_fns");
    builder = builder.wrap_static_fns(true).wrap_static_fns_path(&static_fns);
    if !dynamic {
        for (name, _) in &probe.renames {
            builder = builder.blocklist_function(name);
        }
    }
    let mut code = run_bindgen(builder)?;
    narrow_unsigned(&mut code, &narrow.lock().map(|n| n.clone()).unwrap_or_default());
    let functions = declared_functions(&code);
    let shadowed: Vec<String> = probe.renames.iter().map(|(name, _)| name.clone()).filter(|n| functions.contains(n)).collect();
    if code.contains("__extern\"") {
        compile_static_fns(bound, per_thread, &shadowed, &static_fns.with_extension("c"))?;
    }
    if dynamic {
        code = crate::dynamic::wrappers(&code, &shadowed).map_err(|e| Error::Other(format!("cannot wrap bindgen's declarations: {e}")))?.0;
    }

    code.push_str("\n// Documented names that cuda.h maps to versioned or per-thread symbols.\n");
    for (name, symbol) in &probe.renames {
        if functions.iter().any(|f| f == symbol) {
            let _ = writeln!(code, "#[doc = \"`{name}` as C calls it with this header: the symbol `{symbol}`.\"]\n#[doc(inline)]\npub use self::{symbol} as {name};");
        } else {
            println!("libcuda-sys: {name} maps to {symbol}, which this header does not declare: skipped");
        }
    }

    code.push_str("\n// Type names that the headers' macros map to versioned types (cudaTypedefs.h before CUDA 13).\n");
    let aliases = aliases.lock().map(|a| a.clone()).unwrap_or_default();
    for (name, target) in &probe.type_renames {
        if aliases.contains(target) {
            let _ = writeln!(code, "#[doc = \"`{name}` as C names it with this header: `{target}`.\"]\npub type {name} = {target};");
        } else {
            println!("libcuda-sys: {name} maps to {target}, which this header does not declare: skipped");
        }
    }

    code.push_str("\n// Macros that cast, with their C type.\n");
    for cast in &probe.casts {
        let ty = rust_type(&cast.c_type);
        let _ = writeln!(
            code,
            "#[doc = \"`#define {} {}`\"]\npub const {}: {ty} = {} as {ty};",
            cast.name, cast.expansion, cast.name, cast.value
        );
    }

    code.push_str("\n// Flag enums combine with `|`, as in C.\n");
    for name in newtype_enums(&code).iter().filter(|n| is_flag_enum(n)) {
        let _ = writeln!(
            code,
            "impl ::core::ops::BitOr for {name} {{ type Output = Self; #[inline] fn bitor(self, other: Self) -> Self {{ {name}(self.0 | other.0) }} }}\n\
             impl ::core::ops::BitOrAssign for {name} {{ #[inline] fn bitor_assign(&mut self, other: Self) {{ self.0 |= other.0; }} }}\n\
             impl ::core::ops::BitAnd for {name} {{ type Output = Self; #[inline] fn bitand(self, other: Self) -> Self {{ {name}(self.0 & other.0) }} }}\n\
             impl ::core::ops::BitAndAssign for {name} {{ #[inline] fn bitand_assign(&mut self, other: Self) {{ self.0 &= other.0; }} }}"
        );
    }
    fs::write(out_file, &code).map_err(|e| Error::Other(format!("cannot write {}: {e}", out_file.display())))?;
    let mut link_symbols = functions.clone();
    link_symbols.extend(probe.renames.iter().map(|(name, _)| name.clone()).filter(|n| !functions.contains(n)));
    Ok(Generated { functions, link_symbols, shadowed })
}
