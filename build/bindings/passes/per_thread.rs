//! The module `per_thread`: the whole API as C sees it with `CUDA_API_PER_THREAD_DEFAULT_STREAM`,
//! derived from one bindgen run (without the macro) and the preprocessor's answers in both modes.
//!
//! cuda.h declares each function once, under the name a caller writes (`cuMemcpyHtoD(...)`); its
//! macros decide the symbol: `cuMemcpyHtoD_v2` by default, `cuMemcpyHtoD_v2_ptds` with the
//! macro. So the per-thread symbol `P` of a name `N` has the prototype of `N`'s default symbol `S`,
//! and the module holds:
//! - `pub use super::*`: every item whose name means the same in both modes is the root's item;
//! - a declaration of each per-thread symbol `P` (`cuMemcpyHtoD_v2_ptds`, `cuLaunchKernel_ptsz`),
//!   with `S`'s prototype and docs, in its link and its dynamic-loading form; a function that the
//!   header defines itself in this mode (`static inline cuGetProcAddress_v2_ptsz`) is declared
//!   bound to a C wrapper that the build compiles, as bindgen's `wrap_static_fns` does;
//! - `pub use self::P as N` for each name the macros map differently than at the root;
//! - a private item for each default symbol that C code cannot call in this mode
//!   (`cuMemcpyHtoD_v2`: with the macro only `cuMemcpyHtoD_v2_ptds` is declared), so that the glob
//!   import does not offer it.

use super::dynamic;
use super::functions::{extern_block, Function};
use crate::bindings::probe::Probe;
use crate::shared::{c_primitive, static_fn_symbol, DYNAMIC_FEATURE, PER_THREAD_MACRO, PER_THREAD_MODULE};
use quote::{format_ident, quote};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use syn::{parse_quote, ForeignItemFn, Item, ReturnType, Type};

pub struct PerThread {
    pub module: Item,
    /// The library symbols declared in the module only (for the link stub).
    pub functions: Vec<String>,
    /// How many names the module maps to another symbol than the root does.
    pub names: usize,
    /// C source of the wrappers of the functions the header defines itself in this mode, if any.
    pub c_source: Option<String>,
    /// The driver symbols those wrappers call.
    pub calls: Vec<String>,
    /// For C that has no header (passes/headerless.rs): the wrappers alone, the functions the
    /// header defines itself that they call, and the prototypes of the driver symbols those call.
    pub c_wrappers: String,
    pub inline: Vec<String>,
    pub prototypes: Vec<String>,
    /// The library symbols declared in the module, with their declarations.
    pub declarations: Vec<(String, ForeignItemFn)>,
}

/// `root` are the functions bindgen declared (without the macro); `default` and `per_thread` the
/// preprocessor's answers without and with it; `records` the C tag (`struct`, `union`) of each
/// Rust record that C names by its tag, to write C prototypes.
pub fn module(
    root: &[Function],
    default: &Probe,
    per_thread: &Probe,
    records: &BTreeMap<String, &'static str>,
) -> Result<PerThread, String> {
    let by_name: BTreeMap<String, &Function> = root.iter().map(|f| (f.decl.sig.ident.to_string(), f)).collect();
    let default_symbol = |name: &str| default.renames.iter().find(|(n, _)| n == name).map_or(name.to_string(), |(_, s)| s.clone());
    let macro_names: BTreeSet<&str> = per_thread.renames.iter().map(|(n, _)| n.as_str()).collect();
    let macro_targets: BTreeSet<&str> = per_thread.renames.iter().map(|(_, p)| p.as_str()).collect();

    let mut declared: Vec<(String, &Function)> = Vec::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut hidden: Vec<String> = Vec::new();
    for (name, symbol) in &per_thread.renames {
        let default = default_symbol(name);
        if *symbol == default {
            continue;
        }
        if !by_name.contains_key(symbol) && !declared.iter().any(|(p, _)| p == symbol) {
            let Some(source) = by_name.get(&default) else {
                println!("libcuda-sys: per_thread: {name} maps to {symbol}, and by default to {default}, which this header does not declare: skipped");
                continue;
            };
            declared.push((symbol.clone(), source));
        }
        renames.push((name.clone(), symbol.clone()));
        // The default symbol is no name C can call in this mode, unless a macro gives it one.
        let replaced =
            by_name.contains_key(&default) && !macro_names.contains(default.as_str()) && !macro_targets.contains(default.as_str());
        if replaced && !hidden.contains(&default) {
            hidden.push(default);
        }
    }

    if declared.is_empty() {
        return Err(format!("with {PER_THREAD_MACRO}, no name maps to a symbol of its own: the preprocessor did not apply the macro"));
    }

    let mut linked: Vec<ForeignItemFn> = Vec::new();
    let mut declarations = Vec::new();
    let mut inline: Vec<ForeignItemFn> = Vec::new();
    let mut wrappers: Vec<Item> = Vec::new();
    let mut functions = Vec::new();
    let mut c_source = String::new();
    let mut calls = Vec::new();
    let mut inline_called = Vec::new();
    let mut prototypes = Vec::new();
    for (symbol, source) in &declared {
        let mut decl = source.decl.clone();
        decl.sig.ident = format_ident!("{symbol}");
        // The docs are the root function's; they are not repeated here.
        decl.attrs.retain(|a| !a.path().is_ident("link_name") && !a.path().is_ident("doc"));
        let note = format!(
            " The per-thread default stream form of [`{0}`](crate::{0}): the symbol `{symbol}`, which cuda.h declares \
             with `{PER_THREAD_MACRO}` where it declares `{0}` without. The same parameters; see its documentation.",
            source.decl.sig.ident
        );
        decl.attrs.push(parse_quote!(#[doc = #note]));
        if per_thread.inline.contains(symbol) {
            let _ = writeln!(c_source, "{}", c_wrapper(&decl, records)?);
            calls.push(source.symbol.clone());
            inline_called.push(symbol.clone());
            prototypes.push(c_prototype(&source.decl, &source.symbol, records)?);
            let link_name = static_fn_symbol(symbol);
            decl.attrs.push(parse_quote!(#[link_name = #link_name]));
            inline.push(decl);
        } else {
            wrappers.push(dynamic::lazy_function(&decl, symbol, None)?);
            functions.push(symbol.clone());
            declarations.push((symbol.clone(), decl.clone()));
            linked.push(decl);
        }
    }

    let uses = renames.iter().map(|(name, symbol)| {
        let doc = format!(" `{name}` as C calls it with `{PER_THREAD_MACRO}`: the symbol `{symbol}`.");
        let (name, symbol) = (format_ident!("{name}"), format_ident!("{symbol}"));
        quote!(#[doc = #doc] #[doc(inline)] pub use self::#symbol as #name;)
    });
    let hidden_items = hidden.iter().map(|name| {
        let doc = format!(" `{name}` is not declared with `{PER_THREAD_MACRO}`: C code cannot call it, and this item keeps the glob import from offering the root's.");
        let name = format_ident!("{name}");
        quote!(#[doc = #doc] #[allow(dead_code, hidden_glob_reexports)] const #name: () = ();)
    });
    let module_name = format_ident!("{PER_THREAD_MODULE}");
    let doc = format!(
        " The whole Driver API as C code sees it with `{PER_THREAD_MACRO}` defined: \
         with `use libcuda_sys::{PER_THREAD_MODULE} as cu`, `cu::cuMemcpyHtoD` is `cuMemcpyHtoD_v2_ptds`, \
         `cu::cuLaunchKernel` is `cuLaunchKernel_ptsz`: calls on the default stream (a null `CUstream`) \
         go to the calling thread's per-thread default stream instead of the legacy one.\n\n\
         Every other item (types, constants, the functions that take no stream) is the crate root's \
         own, re-exported. The symbols the macro replaces (`cuMemcpyHtoD_v2`) are not offered here, \
         as C does not declare them in this mode. In this build: {} names map to {} per-thread symbols.",
        renames.len(),
        declared.len()
    );
    let mut module: syn::ItemMod = parse_quote! {
        #[doc = #doc]
        pub mod #module_name {
            #[doc(no_inline)]
            pub use super::*;
        }
    };
    let items = &mut module.content.as_mut().ok_or("a module without content")?.1;
    if !linked.is_empty() {
        items.push(extern_block(linked, Some(parse_quote!(#[cfg(not(feature = #DYNAMIC_FEATURE))]))));
    }
    if !inline.is_empty() {
        items.push(extern_block(inline, None));
    }
    items.extend(wrappers);
    items.extend(
        uses.chain(hidden_items).map(|tokens| syn::parse2::<Item>(tokens).map_err(|e| e.to_string())).collect::<Result<Vec<_>, _>>()?,
    );
    let module = Item::Mod(module);
    let c_wrappers = c_source.clone();
    let c_source = (!c_source.is_empty()).then(|| {
        format!(
            "/* cuda.h's static inline functions with {PER_THREAD_MACRO}, callable from Rust: generated by libcuda-sys's build script. */\n\
             #define {PER_THREAD_MACRO}\n#include <cuda.h>\n{c_source}"
        )
    });
    Ok(PerThread { module, functions, names: renames.len(), c_source, calls, c_wrappers, inline: inline_called, prototypes, declarations })
}

/// `RET SYMBOL(PARAMS);` for the Rust declaration `f` of the driver symbol `symbol`.
fn c_prototype(f: &ForeignItemFn, symbol: &str, records: &BTreeMap<String, &'static str>) -> Result<String, String> {
    let (declarator, _) = c_declarator(f, symbol, records)?;
    Ok(match &f.sig.output {
        ReturnType::Default => format!("void {declarator};"),
        ReturnType::Type(_, ty) => format!("{};", c_declaration(ty, &declarator, records).map_err(|e| format!("{symbol}: {e}"))?),
    })
}

/// `NAME(PARAMS)` of the declaration `f` under the name `name`, and its parameters' names.
fn c_declarator(f: &ForeignItemFn, name: &str, records: &BTreeMap<String, &'static str>) -> Result<(String, Vec<String>), String> {
    let mut parameters = Vec::new();
    let mut arguments = Vec::new();
    for (ident, ty) in dynamic::parameters(f)? {
        let ident = ident.to_string();
        parameters.push(c_declaration(ty, &ident, records).map_err(|e| format!("{name}: {e}"))?);
        arguments.push(ident);
    }
    let parameters = if parameters.is_empty() { "void".to_string() } else { parameters.join(", ") };
    Ok((format!("{name}({parameters})"), arguments))
}

/// `RET NAME__extern(PARAMS) { return NAME(ARGS); }` for the Rust declaration `f`.
fn c_wrapper(f: &ForeignItemFn, records: &BTreeMap<String, &'static str>) -> Result<String, String> {
    let name = f.sig.ident.to_string();
    let (declarator, arguments) = c_declarator(f, &static_fn_symbol(&name), records)?;
    let call = format!("{name}({})", arguments.join(", "));
    Ok(match &f.sig.output {
        ReturnType::Default => format!("void {declarator} {{ {call}; }}"),
        ReturnType::Type(_, ty) => {
            format!("{} {{ return {call}; }}", c_declaration(ty, &declarator, records).map_err(|e| format!("{name}: {e}"))?)
        }
    })
}

/// The C declaration of `declarator` with the Rust type `ty` (`*const *mut c_char`, `p` →
/// `char *const *p`): pointers, C's primitive types, and the header's type names. Anything else
/// (arrays, function pointers) is refused: the wrappers written here have needed none so far.
fn c_declaration(ty: &Type, declarator: &str, records: &BTreeMap<String, &'static str>) -> Result<String, String> {
    fn spell(ty: &Type, is_const: bool, declarator: String, records: &BTreeMap<String, &'static str>) -> Result<String, String> {
        let qualifier = if is_const { "const " } else { "" };
        match ty {
            Type::Ptr(p) => {
                let pointee_const = matches!(p.mutability, syn::PointerMutability::Const(_));
                spell(&p.elem, pointee_const, format!("*{qualifier}{declarator}"), records)
            }
            Type::Path(p) if p.qself.is_none() => {
                let last = p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
                let base = match (p.path.segments.len(), p.path.leading_colon.is_some()) {
                    (1, false) => match (c_primitive(&last), records.get(&last)) {
                        (Some(primitive), _) => primitive.to_string(),
                        (None, Some(tag)) => format!("{tag} {last}"),
                        (None, None) => last,
                    },
                    _ => c_primitive(&last).ok_or_else(|| format!("no C name for `{}`", quote!(#ty)))?.to_string(),
                };
                Ok(format!("{qualifier}{base} {declarator}").trim_end().to_string())
            }
            _ => Err(format!("cannot write the type `{}` in C", quote!(#ty))),
        }
    }
    spell(ty, false, declarator.to_string(), records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::probe::test_probe;

    fn root() -> Vec<Function> {
        let mut file: syn::File = parse_quote! {
            unsafe extern "C" {
                #[doc = " Copies"]
                pub fn cuMemcpyHtoD_v2(dst: CUdeviceptr, src: *const ::core::ffi::c_void, n: usize) -> CUresult;
                pub fn cuInit(flags: ::core::ffi::c_uint) -> CUresult;
                pub fn cuGetProcAddress_v2(symbol: *const ::core::ffi::c_char, pfn: *mut *mut ::core::ffi::c_void, version: ::core::ffi::c_int, flags: cuuint64_t, status: *mut CUdriverProcAddressQueryResult) -> CUresult;
            }
        };
        super::super::functions::take(&mut file).map(|(_, f)| f).unwrap_or_default()
    }

    fn per_thread() -> PerThread {
        let default = test_probe(&[("cuMemcpyHtoD", "cuMemcpyHtoD_v2")], &[], &[]);
        let per_thread = test_probe(
            &[("cuMemcpyHtoD", "cuMemcpyHtoD_v2_ptds"), ("cuGetProcAddress_v2", "cuGetProcAddress_v2_ptsz")],
            &[],
            &["cuGetProcAddress_v2_ptsz"],
        );
        let records = BTreeMap::from([("CUdriverProcAddressQueryResult".to_string(), "enum")]);
        module(&root(), &default, &per_thread, &records).unwrap()
    }

    #[test]
    fn the_module_declares_each_per_thread_symbol_with_the_roots_prototype() {
        let p = per_thread();
        let Item::Mod(m) = &p.module else { panic!("no module") };
        let text = quote!(#m).to_string();
        assert!(text.starts_with("# [doc = \" The whole Driver API as C code sees it"), "{text}");
        assert!(text.contains("pub use super :: * ;"), "{text}");
        assert!(
            text.contains(
                "pub fn cuMemcpyHtoD_v2_ptds (dst : CUdeviceptr , src : * const :: core :: ffi :: c_void , n : usize) -> CUresult ;"
            ),
            "{text}"
        );
        assert!(text.contains("pub use self :: cuMemcpyHtoD_v2_ptds as cuMemcpyHtoD ;"), "{text}");
        // The default symbol is no name C can call in this mode.
        assert!(text.contains("const cuMemcpyHtoD_v2 : () = () ;"), "{text}");
        // The function cuda.h defines itself is bound to its C wrapper.
        assert!(text.contains("# [link_name = \"cuGetProcAddress_v2_ptsz__extern\"] pub fn cuGetProcAddress_v2_ptsz"), "{text}");
        assert_eq!(p.functions, ["cuMemcpyHtoD_v2_ptds"]);
        assert_eq!(p.calls, ["cuGetProcAddress_v2"]);
        assert_eq!(p.names, 2);
    }

    #[test]
    fn the_c_wrapper_spells_each_parameter_in_c() {
        let source = per_thread().c_source.unwrap();
        assert!(source.contains("#define CUDA_API_PER_THREAD_DEFAULT_STREAM\n#include <cuda.h>\n"), "{source}");
        let expected = "CUresult cuGetProcAddress_v2_ptsz__extern(const char *symbol, void **pfn, int version, cuuint64_t flags, \
                        enum CUdriverProcAddressQueryResult *status) { return cuGetProcAddress_v2_ptsz(symbol, pfn, version, flags, status); }";
        assert!(source.contains(expected), "{source}");
        let p = per_thread();
        assert_eq!(p.inline, ["cuGetProcAddress_v2_ptsz"]);
        assert_eq!(p.prototypes, [
            "CUresult cuGetProcAddress_v2(const char *symbol, void **pfn, int version, cuuint64_t flags, enum CUdriverProcAddressQueryResult *status);"
        ]);
        assert!(source.ends_with(&p.c_wrappers), "{source}");
    }

    #[test]
    fn without_the_macro_applied_the_module_fails() {
        let default = test_probe(&[("cuMemcpyHtoD", "cuMemcpyHtoD_v2")], &[], &[]);
        assert!(module(&root(), &default, &default, &BTreeMap::new()).err().unwrap().contains("did not apply the macro"));
    }
}
