//! The functions bindgen declared: taken out of its `extern "C"` blocks, then put back in both
//! forms — declared `extern "C"` without dynamic-loading, and as lazily resolving functions
//! (build/bindings/passes/dynamic.rs) with it; the C wrappers of static inline functions in both.

use super::dynamic;
use crate::shared::{hidden_name, static_fn_symbol, DYNAMIC_FEATURE};
use quote::quote;
use syn::{parse_quote, ForeignItem, ForeignItemFn, Item};

/// One function bindgen declared.
#[derive(Clone)]
pub struct Function {
    pub decl: ForeignItemFn,
    /// The symbol it is bound to: bindgen's `link_name`, else its name.
    pub symbol: String,
    /// Bound to bindgen's C wrapper of a static inline function (`NAME__extern`), not to the library.
    pub static_fn: bool,
}

/// Takes bindgen's `extern "C"` blocks out of the file: where the first one was, and every
/// function they declare.
pub fn take(file: &mut syn::File) -> Result<(usize, Vec<Function>), String> {
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
/// dynamic-loading and as lazily resolving functions with it; the C wrappers of static inline
/// functions declared in both. A symbol that the per-thread C wrappers call (`exported`) is
/// exported by its lazily resolving function under its hidden name.
pub fn declarations(functions: &[Function], exported: &[String]) -> Result<Vec<Item>, String> {
    let (statics, linked): (Vec<&Function>, Vec<&Function>) = functions.iter().partition(|f| f.static_fn);
    let mut items = vec![extern_block(linked.iter().map(|f| f.decl.clone()), Some(parse_quote!(#[cfg(not(feature = #DYNAMIC_FEATURE))])))];
    if !statics.is_empty() {
        items.push(extern_block(statics.iter().map(|f| f.decl.clone()), None));
    }
    for f in linked {
        let export = exported.contains(&f.symbol).then(|| hidden_name(&f.symbol));
        items.push(dynamic::lazy_function(&f.decl, &f.symbol, export.as_deref())?);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn bindgen_output() -> syn::File {
        parse_quote! {
            pub type CUresult = u32;
            unsafe extern "C" {
                #[doc = " Initialize"]
                pub fn cuInit(Flags: ::core::ffi::c_uint) -> CUresult;
            }
            pub const X: u32 = 1;
            unsafe extern "C" {
                #[link_name = "\u{1}cuGetProcAddress_v2_ptsz__extern"]
                pub fn cuGetProcAddress_v2_ptsz(symbol: *const ::core::ffi::c_char) -> CUresult;
            }
        }
    }

    #[test]
    fn functions_are_taken_with_their_symbols() {
        let mut file = bindgen_output();
        let (at, functions) = take(&mut file).unwrap();
        assert_eq!(at, 1);
        assert_eq!(file.items.len(), 2, "the blocks are gone, the rest stays");
        assert_eq!(
            functions.iter().map(|f| (f.symbol.as_str(), f.static_fn)).collect::<Vec<_>>(),
            [("cuInit", false), ("cuGetProcAddress_v2_ptsz__extern", true)]
        );
        assert!(take(&mut file).err().unwrap().contains("no `extern \"C\"` block"));
    }

    #[test]
    fn each_function_in_both_forms() {
        let (_, functions) = take(&mut bindgen_output()).unwrap();
        let items = declarations(&functions, &["cuInit".into()]).unwrap();
        let text = quote!(#(#items)*).to_string();
        assert_eq!(items.len(), 3, "{text}");
        assert!(
            text.contains("# [cfg (not (feature = \"dynamic-loading\"))] unsafe extern \"C\" { # [doc = \" Initialize\"] pub fn cuInit"),
            "{text}"
        );
        // The static function's block is in both modes: it has no cfg.
        assert!(text.contains("unsafe extern \"C\" { # [link_name"), "{text}");
        // A symbol the C wrappers call is exported under its hidden name.
        assert!(text.contains("# [export_name = \"libcuda_sys_dynamic_cuInit\"] pub unsafe extern \"C\" fn cuInit"), "{text}");
    }

    #[test]
    fn something_else_than_a_function_is_refused() {
        let mut file: syn::File = parse_quote!(
            unsafe extern "C" {
                pub static cuX: u32;
            }
        );
        assert!(take(&mut file).err().unwrap().contains("which is no function"));
    }
}
