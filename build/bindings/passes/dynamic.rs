//! The `dynamic-loading` form of each function, and the table `src/dynamic.rs` reads.
//!
//! Every function bindgen declares gets, beside its `extern "C"` declaration (compiled without the
//! feature), a lazily resolving function of the same name, signature and docs (compiled with it) that resolves its
//! symbol on the first call:
//!
//! ```text
//! #[doc = "..."]                       // the declaration's own docs
//! #[cfg(feature = "dynamic-loading")]
//! #[inline]
//! pub unsafe extern "C" fn cuInit(Flags: ::core::ffi::c_uint) -> CUresult {
//!     static __SLOT: crate::dynamic::Slot = crate::dynamic::Slot::new();
//!     match __SLOT.get(b"cuInit\0") {
//!         Ok(__f) => unsafe { ::core::mem::transmute::<*mut ::core::ffi::c_void, unsafe extern "C" fn(Flags: ::core::ffi::c_uint) -> CUresult>(__f)(Flags) },
//!         Err(__e) => __e,
//!     }
//! }
//! ```
//!
//! The symbol looked up is the one link mode binds (bindgen's `link_name` when it writes one, else
//! the name), so the documented-name re-exports and every caller compile unchanged in both modes.

use super::versioned::Entry;
use crate::shared::DYNAMIC_FEATURE;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use std::fmt::Write as _;
use syn::{parse_quote, FnArg, ForeignItemFn, Item, Pat, ReturnType, Type};

/// The driver library a program opens at run time, by target OS (never the unversioned
/// `libcuda.so`, which only a toolkit's development files provide).
pub fn library_name(target_os: &str) -> &'static str {
    match target_os {
        "windows" => "nvcuda.dll",
        _ => "libcuda.so.1",
    }
}

/// The parameters of the declaration `f`, each with a name (`argN` for bindgen's `_`), for a
/// function that passes them on. A variadic function cannot pass its arguments on.
pub fn parameters(f: &ForeignItemFn) -> Result<Vec<(syn::Ident, &Type)>, String> {
    let name = &f.sig.ident;
    if f.sig.variadic.is_some() {
        return Err(format!("{name} is variadic: a variadic function cannot be wrapped"));
    }
    f.sig
        .inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let FnArg::Typed(typed) = input else { return Err(format!("{name}: a receiver in a foreign function")) };
            let ident = match &*typed.pat {
                Pat::Ident(p) => p.ident.clone(),
                Pat::Wild(_) => format_ident!("arg{}", i + 1),
                _ => return Err(format!("{name}: parameter {} is neither a name nor `_`", i + 1)),
            };
            Ok((ident, &*typed.ty))
        })
        .collect()
}

/// The lazily resolving function of the declaration `f`, bound to `symbol`. With `export`, its
/// symbol is that name instead of a Rust-mangled one: the C wrappers of static inline functions
/// call it (see `shared::hidden_name`).
pub fn lazy_function(f: &ForeignItemFn, symbol: &str, export: Option<&str>) -> Result<Item, String> {
    let note = match &f.sig.output {
        ReturnType::Type(_, ty) if matches!(&**ty, Type::Path(p) if p.path.is_ident("CUresult")) => {
            "returns `CUDA_ERROR_NOT_FOUND` when the driver library lacks it, `CUDA_ERROR_NO_DEVICE` when no driver library loads"
        }
        ReturnType::Default => "does nothing when the driver library lacks it or none loads",
        ReturnType::Type(..) => "returns zero (or null) when the driver library lacks it or none loads",
    };
    let doc = format!("\n\n*dynamic-loading*: calls the driver's `{symbol}`, looked up on the first call; {note} (see [`dynamic`]).");
    let symbol = syn::LitByteStr::new(format!("{symbol}\0").as_bytes(), Span::call_site());
    // An exported function is always emitted; `#[inline]` would be ignored.
    let linkage = match export {
        Some(export) => quote!(#[export_name = #export]),
        None => quote!(#[inline]),
    };
    let mut function = resolving(f, quote!(crate::dynamic::Slot), quote!(get(#symbol)))?;
    let head: syn::ItemFn = parse_quote! {
        #[doc = #doc]
        #[cfg(feature = #DYNAMIC_FEATURE)]
        #linkage
        fn f() {}
    };
    // The declaration's attributes (its docs) are moved over as they are, not printed and parsed again.
    let attrs = f.attrs.iter().filter(|a| !a.path().is_ident("link_name")).cloned();
    function.attrs = attrs.chain(head.attrs).collect();
    Ok(Item::Fn(function))
}

/// A function of the declaration `f`'s signature that asks its own `static` slot of type `slot`
/// for the address (`slot.lookup`: `Result<*mut c_void, CUresult>`) and calls it. Unresolved: a
/// `CUresult` function answers the error code the slot chose; a function without a return value
/// does nothing; any other returns its type's all-zero value.
pub fn resolving(f: &ForeignItemFn, slot: TokenStream, lookup: TokenStream) -> Result<syn::ItemFn, String> {
    let name = &f.sig.ident;
    let mut parameters = Vec::new();
    let mut arguments = Vec::new();
    for (ident, ty) in self::parameters(f)? {
        parameters.push(quote!(#ident: #ty));
        arguments.push(ident);
    }
    let output = &f.sig.output;
    let unresolved = match output {
        ReturnType::Type(_, ty) if matches!(&**ty, Type::Path(p) if p.path.is_ident("CUresult")) => quote!(__e),
        ReturnType::Default => quote!({
            let _ = __e;
        }),
        ReturnType::Type(..) => quote!({
            let _ = __e;
            unsafe { ::core::mem::zeroed() }
        }),
    };
    Ok(parse_quote! {
        pub unsafe extern "C" fn #name(#(#parameters),*) #output {
            static __SLOT: #slot = #slot::new();
            match __SLOT.#lookup {
                Ok(__f) => unsafe {
                    ::core::mem::transmute::<*mut ::core::ffi::c_void, unsafe extern "C" fn(#(#parameters),*) #output>(__f)(#(#arguments),*)
                },
                Err(__e) => #unresolved,
            }
        }
    })
}

/// `OUT_DIR/dynamic.rs`, which `src/dynamic.rs` includes: the library to open, decided by the
/// target, and the documented names whose symbol the header declares (`renames`: name → symbol;
/// `functions`: the declared symbols).
pub fn table(
    target_os: &str,
    renames: &[(String, String)],
    functions: &[String],
    versioned: &[Entry],
    required: &[(String, u32)],
) -> String {
    let library = library_name(target_os);
    let mut code =
        String::from("// Generated by libcuda-sys's build script (build/bindings/passes/dynamic.rs) for the dynamic-loading feature.\n");
    let _ = writeln!(
        code,
        "/// The driver library opened when `LIBCUDA_SYS_DRIVER_PATH` is unset, chosen for the target \
         (`{target_os}`) at build time.\npub const DEFAULT_LIBRARY: &str = {library:?};"
    );
    code.push_str("/// Documented name → the symbol that this header's macros make of it.\nconst RENAMES: &[(&str, &str)] = &[\n");
    for (name, symbol) in renames.iter().filter(|(_, s)| functions.contains(s)) {
        let _ = writeln!(code, "    ({name:?}, {symbol:?}),");
    }
    code.push_str("];\n");
    code.push_str(
        "/// Each function of the module `versioned` (feature `versioned`): its name (`cuCtxCreate_v3020`), the name \
         `cuGetProcAddress` is asked for (`cuCtxCreate`), the version (`3020`), and whether it is asked with the \
         per-thread default stream flag.\npub const VERSIONED: &[(&str, &str, u32, bool)] = &[\n",
    );
    for e in versioned {
        let _ = writeln!(code, "    ({:?}, {:?}, {}, {}),", e.function, e.base, e.version, e.per_thread);
    }
    code.push_str("];\n/// Each function this build binds, by its symbol → the CUDA version of its ABI (cudaTypedefs.h).\nconst REQUIRED: &[(&str, u32)] = &[\n");
    for (symbol, version) in required {
        let _ = writeln!(code, "    ({symbol:?}, {version}),");
    }
    code.push_str("];\n");
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lazy_function_resolves_its_symbol_and_keeps_the_docs() {
        let decl: ForeignItemFn = parse_quote! {
            #[doc = " Creates a context"]
            pub fn cuCtxCreate_v4(pctx: *mut CUcontext, _: *mut CUctxCreateParams, flags: ::core::ffi::c_uint, dev: CUdevice) -> CUresult;
        };
        let Item::Fn(f) = lazy_function(&decl, "cuCtxCreate_v4", None).unwrap() else { panic!("no function") };
        let text = quote!(#f).to_string();
        assert!(text.starts_with("# [doc = \" Creates a context\"]"), "{text}");
        assert!(text.contains("# [cfg (feature = \"dynamic-loading\")] # [inline] pub unsafe extern \"C\" fn cuCtxCreate_v4"), "{text}");
        assert!(text.contains("__SLOT . get (b\"cuCtxCreate_v4\\0\")"), "{text}");
        // bindgen's `_` parameter gets a name to pass on.
        assert!(text.contains("(pctx , arg2 , flags , dev)"), "{text}");
        assert!(text.contains("Err (__e) => __e"), "a CUresult function answers the slot's error: {text}");
    }

    #[test]
    fn functions_without_cuda_result_answer_nothing_or_zero() {
        let void: ForeignItemFn = parse_quote!(
            pub fn cuNothing(x: u32);
        );
        let Item::Fn(f) = lazy_function(&void, "cuNothing", Some("hidden_cuNothing")).unwrap() else { panic!() };
        let text = quote!(#f).to_string();
        assert!(text.contains("# [export_name = \"hidden_cuNothing\"]") && text.contains("let _ = __e ;"), "{text}");
        let pointer: ForeignItemFn = parse_quote!(
            pub fn cuPointer() -> *mut u8;
        );
        let Item::Fn(f) = lazy_function(&pointer, "cuPointer", None).unwrap() else { panic!() };
        assert!(quote!(#f).to_string().contains("core :: mem :: zeroed"));
        let variadic: ForeignItemFn = parse_quote!(
            pub fn cuPrintf(format: *const u8, ...) -> u32;
        );
        assert!(lazy_function(&variadic, "cuPrintf", None).unwrap_err().contains("variadic"));
    }

    #[test]
    fn the_table_names_the_library_and_the_declared_renames() {
        let renames = [("cuCtxCreate".to_string(), "cuCtxCreate_v4".to_string()), ("cuGone".to_string(), "cuGone_v2".to_string())];
        let entry = Entry { function: "cuCtxCreate_v3020".into(), base: "cuCtxCreate".into(), version: 3020, per_thread: false };
        let table = table("linux", &renames, &["cuCtxCreate_v4".to_string()], &[entry], &[("cuCtxCreate_v4".into(), 12050)]);
        assert!(table.contains("(\"cuCtxCreate_v3020\", \"cuCtxCreate\", 3020, false),"), "{table}");
        assert!(table.contains("(\"cuCtxCreate_v4\", 12050),"), "{table}");
        assert!(table.contains("pub const DEFAULT_LIBRARY: &str = \"libcuda.so.1\";"), "{table}");
        assert!(table.contains("(\"cuCtxCreate\", \"cuCtxCreate_v4\"),") && !table.contains("cuGone"), "{table}");
        assert!(self::table("windows", &[], &[], &[], &[]).contains("\"nvcuda.dll\""));
    }
}
