//! The Driver API by ABI version: the module `versioned` (feature `versioned`, with
//! `dynamic-loading`). For each
//! function-pointer type of cudaTypedefs.h, `PFN_<name>_v<version>` (and `_ptds`, `_ptsz` for the
//! per-thread default stream), a function `<name>_v<version>` of exactly that type's signature
//! that resolves on its first call through the driver's `cuGetProcAddress`, asking for `<name>`
//! at that version with the matching stream flag (src/dynamic.rs, `Versioned`). A compile-time
//! check gives each function to its `PFN_*` type, so the two cannot drift apart.
//!
//! It also tells which ABI version each function this build binds is (`required_version`): the
//! `PFN_*` type of the same name whose signature is the function's.

use super::dynamic::resolving;
use super::functions::Function;
use crate::shared::{LEGACY_MODULE, VERSIONED_FEATURE};
use quote::{format_ident, quote, ToTokens};
use std::collections::BTreeMap;
use syn::{parse_quote, GenericArgument, Item, PathArguments, Type, TypeFnPtr};

/// One versioned function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `cuCtxCreate_v3020`.
    pub function: String,
    /// `cuCtxCreate`: the name `cuGetProcAddress` is asked for.
    pub base: String,
    /// `3020`, as `CUDA_VERSION` writes it.
    pub version: u32,
    /// `_ptds` or `_ptsz`: asked with the per-thread default stream flag.
    pub per_thread: bool,
}

pub struct Versioned {
    /// The module, gated on the `versioned` feature.
    pub module: Item,
    pub entries: Vec<Entry>,
    /// Symbol this build binds (`cuCtxCreate_v4`) → the version of its ABI (`12050`).
    pub required: Vec<(String, u32)>,
}

/// `PFN_cuCtxCreate_v3020` → `cuCtxCreate_v3020`, `cuCtxCreate`, 3020, not per-thread.
pub fn parse_pfn(name: &str) -> Option<Entry> {
    let function = name.strip_prefix("PFN_")?;
    let (rest, per_thread) = match function.strip_suffix("_ptds").or_else(|| function.strip_suffix("_ptsz")) {
        Some(rest) => (rest, true),
        None => (function, false),
    };
    let (base, version) = rest.rsplit_once("_v")?;
    let valid = base.starts_with("cu") && !version.is_empty() && version.len() >= 4 && version.chars().all(|c| c.is_ascii_digit());
    let version = version.parse().ok().filter(|_| valid)?;
    Some(Entry { function: function.to_string(), base: base.to_string(), version, per_thread })
}

/// The function type of a `PFN_*` alias: `Option<unsafe extern "C" fn(...) -> R>`, through aliases
/// of other `PFN_*` types.
fn bare_fn<'a>(types: &'a BTreeMap<String, &'a Type>, name: &str, depth: usize) -> Option<&'a TypeFnPtr> {
    let Type::Path(path) = *types.get(name)? else { return None };
    let last = path.path.segments.last()?;
    if last.ident == "Option" {
        let PathArguments::AngleBracketed(args) = &last.arguments else { return None };
        return match args.args.first()? {
            GenericArgument::Type(Type::FnPtr(f)) => Some(f),
            _ => None,
        };
    }
    (depth < 8).then(|| bare_fn(types, &last.ident.to_string(), depth + 1)).flatten()
}

/// The module (gated on the `versioned` feature) and the tables, from the `PFN_*` aliases of `file`
/// and of the module `legacy` (its `items`), and the functions bindgen declared (`root`, with the
/// per-thread declarations of `per_thread`: symbol → declaration).
pub fn module(
    file: &syn::File,
    legacy: &[Item],
    root: &[Function],
    per_thread: &[(String, syn::ForeignItemFn)],
) -> Result<Versioned, String> {
    let mut types: BTreeMap<String, &Type> = BTreeMap::new();
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    let in_legacy: std::collections::BTreeSet<String> =
        legacy.iter().filter_map(|i| if let Item::Type(t) = i { Some(t.ident.to_string()) } else { None }).collect();
    for item in file.items.iter().chain(legacy) {
        match item {
            Item::Type(t) => {
                types.insert(t.ident.to_string(), &t.ty);
                if let Type::Path(p) = &*t.ty {
                    if let Some(last) = p.path.segments.last().filter(|s| s.arguments.is_none()) {
                        aliases.insert(t.ident.to_string(), last.ident.to_string());
                    }
                }
            }
            Item::Use(u) => {
                if let syn::UseTree::Path(p) = &u.tree {
                    if let syn::UseTree::Rename(r) = &*p.tree {
                        aliases.insert(r.rename.to_string(), r.ident.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    let mut entries = Vec::new();
    let mut items: Vec<Item> = vec![parse_quote!(
        #[allow(unused_imports)]
        use super::*;
    )];
    let legacy_module = format_ident!("{LEGACY_MODULE}");
    if !legacy.is_empty() {
        items.push(parse_quote!(
            #[allow(unused_imports)]
            use super::#legacy_module::*;
        ));
    }
    let mut signatures: Vec<(Entry, String)> = Vec::new();
    // By name, then version: `cuCtxCreate_v3020` before `cuCtxCreate_v11040`.
    let mut pfns: Vec<(Entry, &String)> = types.keys().filter_map(|name| Some((parse_pfn(name)?, name))).collect();
    pfns.sort_by(|(a, _), (b, _)| (&a.base, a.version, a.per_thread).cmp(&(&b.base, b.version, b.per_thread)));
    for (entry, name) in pfns {
        let Some(f) = bare_fn(&types, name, 0) else { continue };
        if f.variadic.is_some() {
            continue;
        }
        let ident = format_ident!("{}", entry.function);
        let inputs = f.inputs.iter().enumerate().map(|(i, arg)| {
            let arg_name = arg.name.as_ref().map(|(n, _)| n.clone()).unwrap_or_else(|| format_ident!("arg{}", i + 1));
            let ty = &arg.ty;
            quote!(#arg_name: #ty)
        });
        let output = &f.output;
        let decl: syn::ForeignItemFn = parse_quote!(pub fn #ident(#(#inputs),*) #output;);
        let base = syn::LitByteStr::new(format!("{}\0", entry.base).as_bytes(), proc_macro2::Span::call_site());
        let (version, per_thread) = (entry.version as i32, entry.per_thread);
        let mut function = resolving(&decl, quote!(crate::dynamic::Versioned), quote!(get(#base, #version, #per_thread)))?;
        let pfn = format_ident!("{name}");
        let stream = if per_thread { "the per-thread default stream flag" } else { "the legacy stream flag" };
        let doc = format!(
            " `{}` at the ABI of CUDA {}.{} ([`{name}`]): the driver's `cuGetProcAddress(\"{}\", {}, ...)` with {stream}, \
             asked on the first call. Answers `CUDA_ERROR_NOT_FOUND` when the driver is older than CUDA {}.{} or has no such \
             function, `CUDA_ERROR_NO_DEVICE` when no driver library loads; output parameters are then untouched.",
            entry.base,
            entry.version / 1000,
            entry.version % 1000 / 10,
            entry.base,
            entry.version,
            entry.version / 1000,
            entry.version % 1000 / 10,
        );
        function.attrs = vec![parse_quote!(#[doc = #doc]), parse_quote!(#[inline])];
        items.push(Item::Fn(function));
        let pfn = if in_legacy.contains(name) { quote!(super::#legacy_module::#pfn) } else { quote!(super::#pfn) };
        items.push(parse_quote!(const _: #pfn = Some(#ident);));
        signatures.push((entry.clone(), canonical(&decl, &aliases)));
        entries.push(entry);
    }
    // The ABI of each function this build binds: the `PFN_*` type of its name whose signature is its own.
    let documented = |symbol: &str, decl: &syn::ForeignItemFn, per_thread: bool| -> Option<(String, u32)> {
        let signature = canonical(decl, &aliases);
        let base = symbol.trim_end_matches("_ptds").trim_end_matches("_ptsz");
        let base = base.rsplit_once("_v").filter(|(_, v)| v.len() == 1 && v.chars().all(|c| c.is_ascii_digit())).map_or(base, |(b, _)| b);
        signatures
            .iter()
            .filter(|(e, s)| e.base == base && e.per_thread == per_thread && *s == signature)
            .map(|(e, _)| e.version)
            .max()
            .map(|version| (symbol.to_string(), version))
    };
    let mut required: Vec<(String, u32)> =
        root.iter().filter(|f| !f.static_fn).filter_map(|f| documented(&f.symbol, &f.decl, false)).collect();
    required.extend(per_thread.iter().filter_map(|(symbol, decl)| documented(symbol, decl, true)));
    let doc = format!(
        " Every ABI version of every function, by its version: for each `PFN_*` type of cudaTypedefs.h, a function \
         of that type's exact signature named after it (`cuCtxCreate_v3020` for `PFN_cuCtxCreate_v3020`), which \
         resolves on its first call through the driver's `cuGetProcAddress` with that name, that version and the \
         matching stream flag, and caches the answer. A version above the driver's own (`cuDriverGetVersion`) is never \
         asked for: such a call answers `CUDA_ERROR_NOT_FOUND`. See the `dynamic` module for when to use these rather \
         than the crate root's functions. In this build: {} functions.",
        entries.len()
    );
    let module: Item = parse_quote! {
        #[doc = #doc]
        #[cfg(feature = #VERSIONED_FEATURE)]
        pub mod versioned {
            #(#items)*
        }
    };
    Ok(Versioned { module, entries, required })
}

/// A declaration's parameter and return types, each type name through the file's aliases
/// (`CUdevice` and `CUdevice_v1` are one type), as text: what two signatures compare by.
fn canonical(decl: &syn::ForeignItemFn, aliases: &BTreeMap<String, String>) -> String {
    let resolve = |ident: String| {
        let mut name = ident;
        for _ in 0..8 {
            match aliases.get(&name) {
                Some(next) if *next != name => name = next.clone(),
                _ => break,
            }
        }
        name
    };
    let mut parts = Vec::new();
    for input in &decl.sig.inputs {
        if let syn::FnArg::Typed(t) = input {
            parts.push(t.ty.to_token_stream());
        }
    }
    parts.push(decl.sig.output.to_token_stream());
    parts
        .into_iter()
        .map(|tokens| {
            tokens
                .to_string()
                .split(' ')
                .map(|token| {
                    if token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                        resolve(token.to_string())
                    } else {
                        token.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pfn_names_give_name_version_and_stream() {
        let e = parse_pfn("PFN_cuCtxCreate_v3020").unwrap();
        assert_eq!((e.function.as_str(), e.base.as_str(), e.version, e.per_thread), ("cuCtxCreate_v3020", "cuCtxCreate", 3020, false));
        let e = parse_pfn("PFN_cuMemcpyHtoD_v7000_ptds").unwrap();
        assert_eq!(
            (e.function.as_str(), e.base.as_str(), e.version, e.per_thread),
            ("cuMemcpyHtoD_v7000_ptds", "cuMemcpyHtoD", 7000, true)
        );
        for not_one in ["PFN_cuCtxCreate", "cuCtxCreate_v3020", "PFN_cuX_v2", "PFN_glX_v3020"] {
            assert_eq!(parse_pfn(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn each_pfn_type_gets_its_function_and_each_bound_function_its_version() {
        let file: syn::File = parse_quote! {
            pub type CUdevice_v1 = ::core::ffi::c_int;
            pub type CUdevice = CUdevice_v1;
            pub type PFN_cuCtxCreate_v3020 = ::core::option::Option<unsafe extern "C" fn(pctx: *mut CUcontext, flags: ::core::ffi::c_uint, dev: CUdevice_v1) -> CUresult>;
            pub type PFN_cuCtxCreate_v12050 = ::core::option::Option<unsafe extern "C" fn(pctx: *mut CUcontext, p: *mut CUctxCreateParams, flags: ::core::ffi::c_uint, dev: CUdevice_v1) -> CUresult>;
            pub type PFN_cuMemcpyHtoD_v7000_ptds = ::core::option::Option<unsafe extern "C" fn(d: u64, s: *const ::core::ffi::c_void, n: usize) -> CUresult>;
            pub type PFN_cuInit = PFN_cuInit_v2000;
        };
        let mut functions: syn::File = parse_quote! {
            unsafe extern "C" {
                pub fn cuCtxCreate_v4(pctx: *mut CUcontext, params: *mut CUctxCreateParams, flags: ::core::ffi::c_uint, dev: CUdevice) -> CUresult;
            }
        };
        let root = super::super::functions::take(&mut functions).map(|(_, f)| f).unwrap_or_default();
        let ptds: syn::ForeignItemFn = parse_quote!(
            pub fn cuMemcpyHtoD_v2_ptds(dst: u64, src: *const ::core::ffi::c_void, count: usize) -> CUresult;
        );
        let v = module(&file, &[], &root, &[("cuMemcpyHtoD_v2_ptds".to_string(), ptds)]).unwrap();
        assert_eq!(
            v.entries.iter().map(|e| e.function.as_str()).collect::<Vec<_>>(),
            ["cuCtxCreate_v3020", "cuCtxCreate_v12050", "cuMemcpyHtoD_v7000_ptds"]
        );
        assert_eq!(v.required, [("cuCtxCreate_v4".to_string(), 12050), ("cuMemcpyHtoD_v2_ptds".to_string(), 7000)]);
        let Item::Mod(m) = &v.module else { panic!() };
        let text = quote!(#m).to_string();
        assert!(text.contains("pub unsafe extern \"C\" fn cuCtxCreate_v3020 (pctx : * mut CUcontext , flags : :: core :: ffi :: c_uint , dev : CUdevice_v1) -> CUresult"), "{text}");
        assert!(text.contains("__SLOT . get (b\"cuCtxCreate\\0\" , 3020i32 , false)"), "{text}");
        assert!(text.contains("__SLOT . get (b\"cuMemcpyHtoD\\0\" , 7000i32 , true)"), "{text}");
        assert!(text.contains("const _ : super :: PFN_cuCtxCreate_v3020 = Some (cuCtxCreate_v3020) ;"), "{text}");
    }
}
