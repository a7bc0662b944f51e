//! The module `legacy`: the types cuda.h and cudaTypedefs.h declare only under
//! `__CUDA_API_VERSION_INTERNAL`, the older ABIs of functions whose current ABI has another
//! signature: `PFN_cuCtxCreate_v2000`, `PFN_cuMemAlloc_v2000` (a 32-bit `CUdeviceptr_v1`), and the
//! types only they use (`CUdeviceptr_v1`, `CUDA_MEMCPY2D_v1`). bindgen reads the headers a second
//! time with the macro defined (bindings/bindgen.rs, `legacy`); this pass keeps, of that reading,
//! the items the first one lacks, and the impls and layout assertions of those.
//!
//! They live in a module of their own: a C program including cuda.h sees none of them, and the ABI
//! check compares them with C compiled with the macro (systest). The `versioned` module gives each
//! `PFN_*` type here its function (`versioned::cuCtxCreate_v2000`).

use super::links::item_names;
use crate::shared::LEGACY_MODULE;
use quote::ToTokens;
use std::collections::BTreeSet;
use syn::{parse_quote, Item};

pub struct Legacy {
    /// The module, or none where the second reading holds nothing new.
    pub module: Option<Item>,
    /// Its items, without the module's `use super::*`.
    pub items: Vec<Item>,
}

/// The name a (public, not `extern`) item defines.
fn defined(item: &Item) -> Option<String> {
    match item {
        Item::ForeignMod(_) => None,
        item => item_names(item).pop(),
    }
}

/// The identifiers of `tokens` that are among `names`.
fn named_in(tokens: proc_macro2::TokenStream, names: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Ident(i) if names.contains(&i.to_string()) => {
                found.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => found.extend(named_in(g.stream(), names)),
            _ => {}
        }
    }
    found
}

/// The module, from the first reading (`file`, its root items) and the second (`text`, bindgen's
/// output with the macro defined).
pub fn module(file: &syn::File, text: &str) -> Result<Legacy, String> {
    let second = syn::parse_file(text).map_err(|e| format!("cannot parse bindgen's output with __CUDA_API_VERSION_INTERNAL: {e}"))?;
    let known: BTreeSet<String> = file.items.iter().filter_map(defined).collect();
    let new: BTreeSet<String> = second.items.iter().filter_map(defined).filter(|n| !known.contains(n)).collect();
    // The new `PFN_*` types, and the new items they name, and those name, ...: not the enumerators
    // the macro adds to enums the first reading has (`CU_LAUNCH_ATTRIBUTE_MAX`).
    let mut wanted: BTreeSet<String> = new.iter().filter(|n| n.starts_with("PFN_")).cloned().collect();
    loop {
        let more: Vec<String> = second
            .items
            .iter()
            .filter(|item| defined(item).is_some_and(|n| wanted.contains(&n)))
            .flat_map(|item| named_in(item.to_token_stream(), &new))
            .collect();
        let before = wanted.len();
        wanted.extend(more);
        if wanted.len() == before {
            break;
        }
    }
    let kept = |item: &Item| match item {
        Item::Impl(i) => !named_in(i.self_ty.to_token_stream(), &wanted).is_empty(),
        // bindgen's layout assertions (`const _: () = { ... size_of::<CUDA_MEMCPY2D_v1_st>() ... }`).
        Item::Const(c) if c.ident == "_" => !named_in(c.expr.to_token_stream(), &wanted).is_empty(),
        item => defined(item).is_some_and(|n| wanted.contains(&n)),
    };
    let mut items: Vec<Item> = second.items.into_iter().filter(kept).collect();
    if items.is_empty() {
        return Ok(Legacy { module: None, items });
    }
    let pfns = items.iter().filter(|i| matches!(i, Item::Type(t) if t.ident.to_string().starts_with("PFN_"))).count();
    for item in &mut items {
        let Some(name) = defined(item) else { continue };
        let doc = if let Some(function) = name.strip_prefix("PFN_") {
            format!(
                " An older ABI of a function, which the headers declare only under `__CUDA_API_VERSION_INTERNAL`: \
                 its function is `versioned::{function}`, with the feature versioned."
            )
        } else {
            " A type of the older ABIs, which the headers declare only under `__CUDA_API_VERSION_INTERNAL`.".to_string()
        };
        // The second reading has no comments (bindgen.rs): this line is the item's only doc.
        *item = parse_quote!(#[doc = #doc] #item);
    }
    let doc = format!(
        " The older ABIs of the Driver API: the types cuda.h, cudaTypedefs.h (and the interop headers' typedefs) \
         declare only under `__CUDA_API_VERSION_INTERNAL`, which a C program including them does not see. {pfns} `PFN_*` types, the \
         signatures of functions before their current ABI (`PFN_cuCtxCreate_v2000`, `PFN_cuMemAlloc_v2000` with its \
         32-bit `CUdeviceptr_v1`), and the {} types only they use. Their functions, resolved by version through the \
         driver's `cuGetProcAddress`, are in the module versioned, with the feature of that name. The ABI check compares \
         them with C compiled with the macro.",
        items.iter().filter_map(defined).count() - pfns
    );
    let ident = quote::format_ident!("{LEGACY_MODULE}");
    let module: Item = parse_quote! {
        #[doc = #doc]
        pub mod #ident {
            #[allow(unused_imports)]
            use super::*;
            #(#items)*
        }
    };
    Ok(Legacy { module: Some(module), items })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_what_the_first_reading_lacks_with_its_impls_and_layout_assertions() {
        let first: syn::File = parse_quote! {
            pub type CUdevice_v1 = ::core::ffi::c_int;
            pub struct CUctx_st { _unused: [u8; 0] }
            pub type CUcontext = *mut CUctx_st;
            pub type PFN_cuCtxCreate_v3020 = ::core::option::Option<unsafe extern "C" fn(pctx: *mut CUcontext, flags: ::core::ffi::c_uint, dev: CUdevice_v1) -> CUresult>;
        };
        let second = quote::quote! {
            pub type CUdevice_v1 = ::core::ffi::c_int;
            pub struct CUctx_st { _unused: [u8; 0] }
            pub type CUcontext = *mut CUctx_st;
            pub type CUdeviceptr_v1 = ::core::ffi::c_uint;
            pub const CU_LAUNCH_ATTRIBUTE_MAX: CUlaunchAttributeID_enum = CUlaunchAttributeID_enum(17);
            #[repr(C)]
            pub struct CUDA_MEMCPY2D_v1_st { pub srcDevice: CUdeviceptr_v1 }
            const _: () = { ["Size of CUDA_MEMCPY2D_v1_st"][::core::mem::size_of::<CUDA_MEMCPY2D_v1_st>() - 4usize]; };
            const _: () = { ["Size of CUctx_st"][::core::mem::size_of::<CUctx_st>() - 0usize]; };
            impl Default for CUDA_MEMCPY2D_v1_st { fn default() -> Self { unimplemented!() } }
            impl Default for CUctx_st { fn default() -> Self { unimplemented!() } }
            pub type CUDA_MEMCPY2D_v1 = CUDA_MEMCPY2D_v1_st;
            pub type PFN_cuCtxCreate_v3020 = ::core::option::Option<unsafe extern "C" fn(pctx: *mut CUcontext, flags: ::core::ffi::c_uint, dev: CUdevice_v1) -> CUresult>;
            pub type PFN_cuCtxCreate_v2000 = ::core::option::Option<unsafe extern "C" fn(pctx: *mut CUcontext, flags: ::core::ffi::c_uint, dev: CUdevice_v1) -> CUresult>;
            pub type PFN_cuMemcpy2D_v2000 = ::core::option::Option<unsafe extern "C" fn(pCopy: *const CUDA_MEMCPY2D_v1) -> CUresult>;
        };
        let legacy = module(&first, &second.to_string()).unwrap();
        let names: Vec<String> = legacy.items.iter().map(|i| defined(i).unwrap_or_else(|| i.to_token_stream().to_string())).collect();
        assert_eq!(names.len(), 7, "{names:#?}");
        assert_eq!(
            names.iter().filter_map(|n| (n.len() < 40).then_some(n.as_str())).collect::<Vec<_>>(),
            ["CUdeviceptr_v1", "CUDA_MEMCPY2D_v1_st", "CUDA_MEMCPY2D_v1", "PFN_cuCtxCreate_v2000", "PFN_cuMemcpy2D_v2000"]
        );
        assert!(names.iter().any(|n| n.contains("Size of CUDA_MEMCPY2D_v1_st")) && !names.iter().any(|n| n.contains("CUctx_st")));
        let text = legacy.module.unwrap().to_token_stream().to_string();
        assert!(text.contains("pub mod legacy") && text.contains("versioned::cuCtxCreate_v2000"), "{text}");
        assert!(text.contains("2 `PFN_*` types") && text.contains("and the 3 types only they use"), "{text}");
    }

    #[test]
    fn nothing_new_makes_no_module() {
        let first: syn::File = parse_quote!(
            pub type CUdeviceptr_v2 = u64;
        );
        assert!(module(&first, "pub type CUdeviceptr_v2 = u64;").unwrap().module.is_none());
    }
}
