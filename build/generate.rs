//! `OUT_DIR/bindings.rs`: bindgen's output over cuda.h and the headers bound with it
//! (build/extras.rs), parsed once into a syntax tree (syn), then typed passes add what bindgen
//! cannot derive by itself, and the tree is printed formatted (prettyplease). One file for every
//! combination of the features that do not choose headers: it depends on the headers bound and the
//! target only, and says so in its first lines.
//!
//! The passes, each of which fails when what it expects is not there:
//! - unsigned macros get C's type (`(~0u)` is `u32`, not bindgen's `i32 -1`);
//! - each function gets its link form (`extern "C"`, without `dynamic-loading`) and its lazily
//!   resolving form (with it) — build/dynamic.rs;
//! - documented names become re-exports of the symbol C calls (`cuCtxCreate` → `cuCtxCreate_v4`);
//! - `PFN_*` names that macros map to versioned types become aliases (`PFN_cuCtxCreate` →
//!   `PFN_cuCtxCreate_v3020`, cudaTypedefs.h before CUDA 13), in `per_thread` too;
//! - macros that cast become constants of their C type (`CU_LAUNCH_PARAM_END: *mut c_void`);
//! - enums get associated constants, `Debug` by name, and `|` for flags — build/enums.rs;
//! - struct tags that bindgen renamed (declared inside a union) get C's name as an alias;
//! - the module `per_thread`, C's `CUDA_API_PER_THREAD_DEFAULT_STREAM` mapping — build/per_thread.rs.

use crate::conventions::{hidden_name, static_fn_symbol, DYNAMIC_FEATURE, STATIC_FN_SUFFIX};
use crate::extras::Bound;
use crate::fail::{Context, Error};
use crate::pregenerated::Generated;
use crate::probe::Probe;
use crate::provenance::{header_hash, Provenance};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::panic;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use syn::{parse_quote, ForeignItem, ForeignItemFn, Item, Type};

/// One function bindgen declared.
pub struct Function {
    pub decl: ForeignItemFn,
    /// The symbol it is bound to: bindgen's `link_name`, else its name.
    pub symbol: String,
    /// Bound to bindgen's C wrapper of a static inline function (`NAME__extern`), not to the library.
    pub static_fn: bool,
}

/// The header's Doxygen becomes rustdoc Markdown (doxygen-bindgen), then `docs::tidy_doc` mends
/// what it leaves: NVIDIA's aliases, `\code` blocks, `::name` references, brackets that are no
/// links, punctuation inside code spans. That work runs on another thread while bindgen goes on:
/// the callback hands each comment over and returns a placeholder, which [`put_docs`] replaces.
#[derive(Debug)]
struct Docs {
    to_convert: Mutex<mpsc::Sender<(usize, String)>>,
    next: AtomicUsize,
}

const DOC_PLACEHOLDER: &str = "libcuda-sys doc #";

impl bindgen::callbacks::ParseCallbacks for Docs {
    fn process_comment(&self, comment: &str) -> Option<String> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        self.to_convert.lock().ok()?.send((n, comment.to_string())).ok()?;
        Some(format!("{DOC_PLACEHOLDER}{n}"))
    }
}

/// Sent after bindgen returned: no more comments.
const DOCS_DONE: usize = usize::MAX;

/// Converts the comments `Docs` hands over until bindgen is done ([`DOCS_DONE`]).
fn convert_docs(comments: mpsc::Receiver<(usize, String)>) -> HashMap<usize, String> {
    comments
        .into_iter()
        .take_while(|(n, _)| *n != DOCS_DONE)
        .map(|(n, comment)| {
            let doc = crate::docs::tidy_doc(&doxygen_bindgen::transform(&comment).unwrap_or(comment));
            // `/// Text`, not `///Text`, once printed.
            (n, if doc.starts_with(char::is_whitespace) { doc } else { format!(" {doc}") })
        })
        .collect()
}

/// Puts the converted docs where bindgen wrote their placeholders; every placeholder must have its
/// doc, and every doc its placeholder.
fn put_docs(file: &mut syn::File, mut docs: HashMap<usize, String>) -> Result<(), String> {
    struct Put<'a> {
        docs: &'a mut HashMap<usize, String>,
        missing: Vec<String>,
    }
    impl syn::visit_mut::VisitMut for Put<'_> {
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            let syn::Meta::NameValue(nv) = &mut attr.meta else { return };
            let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = &mut nv.value else { return };
            let Some(n) = text.value().strip_prefix(DOC_PLACEHOLDER).and_then(|n| n.parse::<usize>().ok()) else { return };
            match self.docs.remove(&n) {
                Some(doc) => *text = syn::LitStr::new(&doc, text.span()),
                None => self.missing.push(n.to_string()),
            }
        }
    }
    let mut put = Put { docs: &mut docs, missing: Vec::new() };
    syn::visit_mut::VisitMut::visit_file_mut(&mut put, file);
    if !put.missing.is_empty() {
        return Err(format!("bindgen wrote doc placeholders that no comment was converted for: {}", put.missing.join(", ")));
    }
    if !docs.is_empty() {
        return Err(format!("{} converted comments have no placeholder in bindgen's output", docs.len()));
    }
    Ok(())
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

/// What bindgen says it generated: which structs are enums, the C tag of each record, the typedefs.
#[derive(Debug, Default)]
struct Discovered {
    enums: Vec<String>,
    /// The type aliases (`typedef`s), so that a macro naming one can become an alias too.
    aliases: Vec<String>,
    /// Rust name → (C tag, `struct` or `union`).
    records: BTreeMap<String, (String, &'static str)>,
}

#[derive(Debug)]
struct Discover(Arc<Mutex<Discovered>>);

impl bindgen::callbacks::ParseCallbacks for Discover {
    fn new_item_found(
        &self,
        _id: bindgen::callbacks::DiscoveredItemId,
        item: bindgen::callbacks::DiscoveredItem,
        _location: Option<&bindgen::callbacks::SourceLocation>,
    ) {
        use bindgen::callbacks::DiscoveredItem;
        let Ok(mut seen) = self.0.lock() else { return };
        match item {
            DiscoveredItem::Enum { final_name } => seen.enums.push(final_name),
            DiscoveredItem::Alias { alias_name, .. } => seen.aliases.push(alias_name),
            DiscoveredItem::Struct { original_name: Some(tag), final_name } => {
                seen.records.insert(final_name, (tag, "struct"));
            }
            DiscoveredItem::Union { original_name: Some(tag), final_name } => {
                seen.records.insert(final_name, (tag, "union"));
            }
            _ => {}
        }
    }
}

/// The one bindgen configuration.
fn bindgen_builder(bound: &Bound, docs: Docs) -> Result<bindgen::Builder, Error> {
    // Read for Cargo's rerun tracking and the -vv log; clang-sys itself looks at it.
    let _ = crate::env::var("LIBCLANG_PATH");
    Ok(bindgen::Builder::default()
        .header(bound.wrapper.to_string_lossy())
        .clang_args(bound.include_dirs.iter().map(|d| format!("-I{}", d.display())))
        .clang_args(crate::cross::clang_args()?)
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
        .wrap_static_fns(true)
        .wrap_static_fns_suffix(STATIC_FN_SUFFIX)
        .parse_callbacks(Box::new(docs))
        // Every header the wrapper includes is tracked; the wrapper itself is this script's output,
        // written on each run: tracking it would make every build look dirty.
        .parse_callbacks(Box::new(bindgen::CargoCallbacks::new().rerun_on_header_files(false))))
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
        Ok(Err(e)) => Err(Error::failed("could not generate the bindings", format!("bindgen could not parse cuda.h: {e}"))),
        Err(_) => {
            let message = message.lock().map(|m| m.clone()).unwrap_or_default();
            Err(if message.contains("libclang") {
                Error::Libclang(message)
            } else {
                Error::failed("could not generate the bindings", message)
            })
        }
    }
}

/// Generates `out_dir/bindings.rs` from the `bound` headers; `default` and `per_thread` are the
/// preprocessor's answers without and with `CUDA_API_PER_THREAD_DEFAULT_STREAM`. What it declares
/// and the files to write beside it (recorded at its end, build/pregenerated.rs) go to `beside`,
/// which runs on another thread while the file is printed.
pub fn bindings(
    bound: &Bound,
    default: &Probe,
    per_thread: &Probe,
    target: &str,
    target_os: &str,
    out_dir: &Path,
    beside: &(dyn Fn(&Generated) -> Result<(), Error> + Sync),
) -> Result<(), Error> {
    let narrow = Arc::new(Mutex::new(Vec::new()));
    let discovered = Arc::new(Mutex::new(Discovered::default()));
    let static_fns = out_dir.join("static_fns");
    let (to_convert, comments) = mpsc::channel();
    let done = to_convert.clone();
    let docs = Docs { to_convert: Mutex::new(to_convert), next: AtomicUsize::new(0) };
    let mut builder = bindgen_builder(bound, docs)?
        .parse_callbacks(Box::new(UnsignedMacros { unsigned: default.unsigned.clone(), narrow: Arc::clone(&narrow) }))
        .parse_callbacks(Box::new(Discover(Arc::clone(&discovered))))
        .wrap_static_fns_path(&static_fns);
    // Casting macros are written below with their C type; macros the header #undefs are gone.
    for name in default.casts.iter().map(|c| &c.name).chain(&default.undefined) {
        builder = builder.blocklist_item(name);
    }
    let (text, docs) = std::thread::scope(|s| {
        let docs = s.spawn(|| convert_docs(comments));
        let text = crate::timing::step("bindgen", || run_bindgen(builder));
        let _ = done.send((DOCS_DONE, String::new()));
        (text, crate::timing::step("docs, after bindgen", || docs.join()))
    });
    let (text, docs) =
        (text?, docs.map_err(|_| Error::failed("could not convert the header's documentation", "the converting thread panicked"))?);
    let mut file = crate::timing::step("parse", || syn::parse_file(&text))
        .map_err(|e| Error::failed("cannot parse bindgen's output", e.to_string()))?;
    put_docs(&mut file, docs).context("cannot put the documentation in")?;
    let narrow = narrow.lock().map(|n| n.clone()).unwrap_or_default();
    let discovered = std::mem::take(&mut *discovered.lock().map_err(|_| Error::failed("bindgen's callbacks failed", ""))?);
    let records: BTreeMap<String, &'static str> =
        discovered.records.iter().filter(|(rust, (tag, _))| *rust == tag).map(|(rust, (_, kind))| (rust.clone(), *kind)).collect();

    let passes = std::time::Instant::now();
    const PASS: &str = "a pass over bindgen's output failed";
    if discovered.enums.is_empty() || records.is_empty() {
        return Err(Error::failed(
            PASS,
            "bindgen reported no enum or no struct (new_item_found): the enum and tag passes would do nothing",
        ));
    }
    narrow_unsigned(&mut file, &narrow).context(PASS)?;
    let (at, functions) = take_functions(&mut file).context(PASS)?;
    let per_thread_probe = per_thread;
    let per_thread = crate::per_thread::module(&functions, default, per_thread, &records).context(PASS)?;
    let declarations = declarations(&functions, &per_thread.calls).context(PASS)?;
    file.items.splice(at..at, declarations);
    documented_names(&mut file, &default.renames, &functions).context(PASS)?;
    casts(&mut file, &default.casts).context(PASS)?;
    let flag_enums = crate::enums::extend(&mut file, &discovered.enums).context(PASS)?;
    let aliases = tag_aliases(&mut file, &discovered.records);
    let mut module = per_thread.module;
    type_names(&mut file, &mut module, default, per_thread_probe, &discovered.aliases).context(PASS)?;
    file.items.push(module);

    println!("libcuda-sys: time: passes {:.3} s", passes.elapsed().as_secs_f64());
    let linked: Vec<String> = functions.iter().filter(|f| !f.static_fn).map(|f| f.symbol.clone()).collect();
    let table = crate::dynamic::table(target_os, &default.renames, &linked);
    let mut files = vec![("dynamic.rs".to_string(), table)];
    if functions.iter().any(|f| f.static_fn) {
        let path = static_fns.with_extension("c");
        let source = fs::read_to_string(&path).map_err(|e| {
            Error::failed("cannot read bindgen's C wrappers of static inline functions", format!("{}: {e}", path.display()))
        })?;
        // bindgen includes the wrapper header by its path in this OUT_DIR; a build that reuses the
        // file (LIBCUDA_SYS_BINDINGS) has its own, found through -I OUT_DIR (build/link.rs).
        let source = source.replace(&format!("\"{}\"", bound.wrapper.display()), &format!("\"{}\"", crate::extras::WRAPPER));
        files.push(("static_fns.c".to_string(), source));
    }
    if let Some(source) = per_thread.c_source {
        files.push(("per_thread_static_fns.c".to_string(), source));
    }
    let functions = linked;
    let generated = Generated { functions, per_thread_functions: per_thread.functions, wrapper_calls: per_thread.calls, files };

    let header = provenance(bound, default.version, target).context("cannot read the headers")?;
    let out_file = out_dir.join("bindings.rs");
    std::thread::scope(|s| {
        let beside = s.spawn(|| beside(&generated));
        let code = crate::timing::step("print", || prettyplease::unparse(&file));
        fs::write(&out_file, format!("{header}{code}{}", generated.trailer()))
            .map_err(|e| Error::failed("cannot write the bindings", format!("{}: {e}", out_file.display())))?;
        beside.join().unwrap_or_else(|_| Err(Error::failed("a build step failed", "its thread panicked")))
    })?;

    println!(
        "libcuda-sys: {} functions, {} documented names, {} casting macros, {} enums ({} of flags), {} struct tags under C's name; \
         per_thread: {} names map to {} per-thread symbols",
        generated.functions.len(),
        default.renames.len(),
        default.casts.len(),
        discovered.enums.len(),
        flag_enums,
        aliases,
        per_thread.names,
        generated.per_thread_functions.len() + generated.wrapper_calls.len()
    );
    Ok(())
}

/// The file's first lines: what it was generated from.
fn provenance(bound: &Bound, cuda_version: u32, target: &str) -> Result<String, String> {
    let mut hashes = bound.files.iter().map(|file| header_hash(file)).collect::<Result<Vec<_>, _>>()?;
    // cuda.h comes first (build/extras.rs), the headers bound with it after.
    let cuda_h_hash = hashes.remove(0).1;
    let provenance = Provenance {
        crate_version: env!("CARGO_PKG_VERSION").to_string(),
        cuda_version,
        cuda_h_hash,
        target: target.to_string(),
        other_headers: hashes,
    };
    Ok(provenance.header())
}

/// `pub const X: u64 = 18446744073709551615;` → `pub const X: u32 = 4294967295;`
fn narrow_unsigned(file: &mut syn::File, narrow: &[(String, i64)]) -> Result<(), String> {
    for (name, value) in narrow {
        let constant = file.items.iter_mut().find_map(|item| match item {
            Item::Const(c) if c.ident == name => Some(c),
            _ => None,
        });
        let constant = constant.ok_or_else(|| format!("the unsigned macro {name} is not among bindgen's constants"))?;
        if !matches!(&*constant.ty, Type::Path(p) if p.path.is_ident("u64")) {
            return Err(format!("bindgen wrote the unsigned macro {name} with another type than u64"));
        }
        let value = syn::LitInt::new(&(*value as u32).to_string(), proc_macro2::Span::call_site());
        *constant.ty = parse_quote!(u32);
        *constant.expr = parse_quote!(#value);
    }
    Ok(())
}

/// Takes bindgen's `extern "C"` blocks out of the file: where the first one was, and every
/// function they declare.
fn take_functions(file: &mut syn::File) -> Result<(usize, Vec<Function>), String> {
    let at = file.items.iter().position(|i| matches!(i, Item::ForeignMod(_))).ok_or("bindgen's output has no `extern \"C\"` block")?;
    let mut functions = Vec::new();
    for item in std::mem::take(&mut file.items) {
        let Item::ForeignMod(block) = item else {
            file.items.push(item);
            continue;
        };
        for foreign in block.items {
            let decl = match foreign {
                ForeignItem::Fn(decl) => decl,
                other => return Err(format!("bindgen declared `{}`, which is no function", quote!(#other))),
            };
            let link_name = decl.attrs.iter().find(|a| a.path().is_ident("link_name")).map(|a| match &a.meta {
                syn::Meta::NameValue(syn::MetaNameValue { value: syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }), .. }) => {
                    // bindgen marks a name the platform must not mangle with a leading \u{1}.
                    Ok(s.value().trim_start_matches('\u{1}').to_string())
                }
                _ => Err(format!("{}: a link_name that is no string", decl.sig.ident)),
            });
            let name = decl.sig.ident.to_string();
            let symbol = link_name.transpose()?.unwrap_or_else(|| name.clone());
            let static_fn = symbol == static_fn_symbol(&name);
            functions.push(Function { decl, symbol, static_fn });
        }
    }
    Ok((at, functions))
}

/// The root's functions in both forms: the library's symbols declared `extern "C"` without
/// dynamic-loading and as lazily resolving wrappers with it; the C wrappers of static inline
/// functions declared in both. A symbol that the per-thread C wrappers call (`exported`) is
/// exported by its wrapper under its hidden name.
fn declarations(functions: &[Function], exported: &[String]) -> Result<Vec<Item>, String> {
    let (statics, linked): (Vec<&Function>, Vec<&Function>) = functions.iter().partition(|f| f.static_fn);
    let mut items = vec![extern_block(linked.iter().map(|f| f.decl.clone()), Some(parse_quote!(#[cfg(not(feature = #DYNAMIC_FEATURE))])))];
    if !statics.is_empty() {
        items.push(extern_block(statics.iter().map(|f| f.decl.clone()), None));
    }
    for f in linked {
        let export = exported.contains(&f.symbol).then(|| hidden_name(&f.symbol));
        items.push(crate::dynamic::wrapper(&f.decl, &f.symbol, export.as_deref())?);
    }
    Ok(items)
}

/// An `unsafe extern "C"` block of `decls`, with `cfg` if any. (The declarations are moved into
/// the tree, not printed and parsed again: their docs are most of the file.)
pub fn extern_block(decls: impl IntoIterator<Item = ForeignItemFn>, cfg: Option<syn::Attribute>) -> Item {
    let mut block: syn::ItemForeignMod = parse_quote!(
        unsafe extern "C" {}
    );
    block.attrs.extend(cfg);
    block.items.extend(decls.into_iter().map(ForeignItem::Fn));
    Item::ForeignMod(block)
}

/// `pub use self::SYMBOL as NAME;` for each documented name whose symbol the header declares.
fn documented_names(file: &mut syn::File, renames: &[(String, String)], functions: &[Function]) -> Result<(), String> {
    if renames.is_empty() {
        return Err("the preprocessor found no documented name (cuCtxCreate, cuMemAlloc, ...) in cuda.h".into());
    }
    for (name, symbol) in renames {
        if functions.iter().any(|f| f.decl.sig.ident == name) {
            return Err(format!("{name} is both a macro of cuda.h and a function bindgen declared"));
        }
        if !functions.iter().any(|f| f.decl.sig.ident == symbol) {
            println!("libcuda-sys: {name} maps to {symbol}, which this header does not declare: skipped");
            continue;
        }
        let doc = format!(" `{name}` as C calls it with this header: the symbol `{symbol}`.");
        let (name, symbol) = (format_ident!("{name}"), format_ident!("{symbol}"));
        file.items.push(parse_quote!(#[doc = #doc] #[doc(inline)] pub use self::#symbol as #name;));
    }
    Ok(())
}

/// `#define PFN_cuMemcpyHtoD __API_TYPEDEF_PTDS(PFN_cuMemcpyHtoD, 3020, 7000)` (cudaTypedefs.h before
/// CUDA 13) → `pub type PFN_cuMemcpyHtoD = PFN_cuMemcpyHtoD_v3020;` at the root and, where the
/// macro names another type with `CUDA_API_PER_THREAD_DEFAULT_STREAM`, `pub type PFN_cuMemcpyHtoD =
/// PFN_cuMemcpyHtoD_v7000_ptds;` in `module` (which otherwise takes the root's). A macro
/// naming a type the headers do not declare (NVIDIA's `PFN_cuStreamGetId_v12000_v12000` in 12.x)
/// is no name C code can use either: skipped, and said so.
fn type_names(file: &mut syn::File, module: &mut Item, default: &Probe, per_thread: &Probe, declared: &[String]) -> Result<(), String> {
    let Item::Mod(syn::ItemMod { content: Some((_, module_items)), .. }) = module else {
        return Err("the per_thread module has no body".into());
    };
    // `in_module`: the alias sits in `per_thread`, where the root's types are in scope.
    let alias = |name: &str, target: &str, in_module: bool| -> Option<Item> {
        let macro_doc = if in_module { " with CUDA_API_PER_THREAD_DEFAULT_STREAM" } else { "" };
        if !declared.iter().any(|d| d == target) {
            println!("libcuda-sys: {name} maps to `{target}`{macro_doc}, which the headers do not declare: skipped");
            return None;
        }
        let doc = format!("`{name}` as C names it{macro_doc}: `{target}`.");
        let (name, target) = (format_ident!("{name}"), format_ident!("{target}"));
        Some(parse_quote!(#[doc = #doc] pub type #name = #target;))
    };
    for (name, target) in &default.type_renames {
        file.items.extend(alias(name, target, false));
    }
    for (name, target) in &per_thread.type_renames {
        let at_root = default.type_renames.iter().find(|(n, _)| n == name).map(|(_, t)| t);
        if at_root != Some(target) {
            module_items.extend(alias(name, target, true));
        }
    }
    Ok(())
}

/// `#define CU_LAUNCH_PARAM_END ((void*)0x00)` → `pub const CU_LAUNCH_PARAM_END: *mut c_void = 0x00 as *mut c_void;`
fn casts(file: &mut syn::File, casts: &[crate::probe::Cast]) -> Result<(), String> {
    for cast in casts {
        let ty: Type = match cast.c_type.as_str() {
            "void*" => parse_quote!(*mut ::core::ffi::c_void),
            ty => syn::parse_str(ty).map_err(|e| format!("{}: the C type `{ty}` is no Rust type: {e}", cast.name))?,
        };
        let value: syn::Expr =
            syn::parse_str(&cast.value).map_err(|e| format!("{}: `{}` is no Rust literal: {e}", cast.name, cast.value))?;
        let doc = format!(" `#define {} {}`", cast.name, cast.expansion);
        let name = format_ident!("{}", cast.name);
        file.items.push(parse_quote!(#[doc = #doc] pub const #name: #ty = #value as #ty;));
    }
    Ok(())
}

/// C puts a struct tag declared inside a union or struct (`struct CUstreamMemOpWaitValueParams_st`
/// inside `union CUstreamBatchMemOpParams_union`) in file scope; bindgen prefixes it with the
/// parent's name. Each gets an alias under C's name, unless the file has that name already.
fn tag_aliases(file: &mut syn::File, records: &BTreeMap<String, (String, &'static str)>) -> usize {
    let taken = |file: &syn::File, name: &str| {
        file.items.iter().any(|item| match item {
            Item::Struct(s) => s.ident == name,
            Item::Union(u) => u.ident == name,
            Item::Type(t) => t.ident == name,
            Item::Use(u) => matches!(&u.tree, syn::UseTree::Path(p) if matches!(&*p.tree, syn::UseTree::Rename(r) if r.rename == name)),
            _ => false,
        })
    };
    let mut added = 0;
    for (rust, (tag, kind)) in records {
        let is_ident = !tag.is_empty() && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if rust == tag || !is_ident || taken(file, tag) {
            continue;
        }
        let doc = format!(" `{kind} {tag}` as C names it (bindgen's [`{rust}`]).");
        let (alias, rust) = (format_ident!("{tag}"), format_ident!("{rust}"));
        file.items.push(parse_quote!(#[doc = #doc] pub type #alias = #rust;));
        added += 1;
    }
    added
}
