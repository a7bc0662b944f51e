//! Names C code uses that bindgen does not declare itself: documented function names that the
//! header's macros map to a versioned symbol (`cuCtxCreate` → `cuCtxCreate_v4`), `PFN_*` names that
//! macros map to a versioned type (`PFN_cuCtxCreate` → `PFN_cuCtxCreate_v3020`, cudaTypedefs.h
//! before CUDA 13), and struct tags that bindgen renamed (declared inside a union).

use super::functions::Function;
use crate::bindings::probe::Probe;
use quote::format_ident;
use std::collections::BTreeMap;
use syn::{parse_quote, Item};

/// `pub use self::SYMBOL as NAME;` for each documented name whose symbol the header declares.
pub fn documented_names(file: &mut syn::File, renames: &[(String, String)], functions: &[Function]) -> Result<(), String> {
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
pub fn type_names(file: &mut syn::File, module: &mut Item, default: &Probe, per_thread: &Probe, declared: &[String]) -> Result<(), String> {
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

/// C puts a struct tag declared inside a union or struct (`struct CUstreamMemOpWaitValueParams_st`
/// inside `union CUstreamBatchMemOpParams_union`) in file scope; bindgen prefixes it with the
/// parent's name. Each gets an alias under C's name, unless the file has that name already.
pub fn tag_aliases(file: &mut syn::File, records: &BTreeMap<String, (String, &'static str)>) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bindings::probe::test_probe;
    use quote::quote;

    fn functions(file: syn::File) -> Vec<Function> {
        crate::bindings::passes::functions::take(&mut { file }).map(|(_, f)| f).unwrap_or_default()
    }

    #[test]
    fn documented_names_are_re_exports_of_the_symbol() {
        let declared = functions(parse_quote!(
            unsafe extern "C" {
                pub fn cuCtxCreate_v4();
                pub fn cuInit();
            }
        ));
        let mut file: syn::File = parse_quote!();
        let renames = [("cuCtxCreate".to_string(), "cuCtxCreate_v4".to_string()), ("cuGone".to_string(), "cuGone_v2".to_string())];
        documented_names(&mut file, &renames, &declared).unwrap();
        let text = quote!(#file).to_string();
        assert!(text.ends_with("# [doc (inline)] pub use self :: cuCtxCreate_v4 as cuCtxCreate ;"), "{text}");
        assert!(!text.contains("cuGone"), "a symbol the header does not declare is skipped: {text}");
        assert!(documented_names(&mut file, &[], &declared).unwrap_err().contains("no documented name"));
        let clash = [("cuInit".to_string(), "cuCtxCreate_v4".to_string())];
        assert!(documented_names(&mut file, &clash, &declared).unwrap_err().contains("both a macro"));
    }

    #[test]
    fn pfn_names_become_aliases_at_the_root_and_in_per_thread() {
        let mut file: syn::File = parse_quote!();
        let mut module: Item = parse_quote!(
            pub mod per_thread {
                pub use super::*;
            }
        );
        let default = test_probe(&[], &[("PFN_cuMemcpyHtoD", "PFN_cuMemcpyHtoD_v3020"), ("PFN_cuX", "PFN_cuX_v1_v1")], &[]);
        let per_thread = test_probe(&[], &[("PFN_cuMemcpyHtoD", "PFN_cuMemcpyHtoD_v7000_ptds"), ("PFN_cuInit", "PFN_cuInit_v2000")], &[]);
        let declared = ["PFN_cuMemcpyHtoD_v3020", "PFN_cuMemcpyHtoD_v7000_ptds", "PFN_cuInit_v2000"].map(String::from);
        type_names(&mut file, &mut module, &default, &per_thread, &declared).unwrap();
        let (root, module) = (quote!(#file).to_string(), quote!(#module).to_string());
        assert!(root.contains("pub type PFN_cuMemcpyHtoD = PFN_cuMemcpyHtoD_v3020 ;"), "{root}");
        assert!(!root.contains("PFN_cuX"), "a type the headers do not declare is skipped: {root}");
        assert!(module.contains("pub type PFN_cuMemcpyHtoD = PFN_cuMemcpyHtoD_v7000_ptds ;"), "{module}");
        assert!(module.contains("pub type PFN_cuInit = PFN_cuInit_v2000 ;"), "{module}");
        let mut no_body: Item = parse_quote!(
            mod per_thread;
        );
        assert!(type_names(&mut file, &mut no_body, &default, &per_thread, &declared).unwrap_err().contains("no body"));
    }

    #[test]
    fn struct_tags_get_cs_name_unless_taken() {
        let mut file: syn::File = parse_quote! {
            pub struct CUstreamBatchMemOpParams_union_CUstreamMemOpWaitValueParams_st { pub x: u32 }
            pub struct CUctx_st { _unused: [u8; 0] }
            pub type CUtaken_st = u32;
        };
        let record = |tag: &str, kind| (tag.to_string(), kind);
        let records = BTreeMap::from([
            (
                "CUstreamBatchMemOpParams_union_CUstreamMemOpWaitValueParams_st".to_string(),
                record("CUstreamMemOpWaitValueParams_st", "struct"),
            ),
            ("CUctx_st".to_string(), record("CUctx_st", "struct")),
            ("CUother".to_string(), record("CUtaken_st", "struct")),
            ("CUanon".to_string(), record("(anonymous at cuda.h:1)", "union")),
        ]);
        assert_eq!(tag_aliases(&mut file, &records), 1);
        let text = quote!(#file).to_string();
        assert!(
            text.ends_with("pub type CUstreamMemOpWaitValueParams_st = CUstreamBatchMemOpParams_union_CUstreamMemOpWaitValueParams_st ;"),
            "{text}"
        );
    }
}
