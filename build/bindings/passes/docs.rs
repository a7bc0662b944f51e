//! The converted documentation put where bindgen wrote its placeholders (build/bindings/bindgen.rs
//! hands each comment to a converting thread and lets bindgen write a placeholder instead).

use crate::bindings::bindgen::DOC_PLACEHOLDER;
use std::collections::HashMap;

/// Puts the converted docs where bindgen wrote their placeholders; every placeholder must have its
/// doc, and every doc its placeholder.
pub fn put(file: &mut syn::File, mut docs: HashMap<usize, String>) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::parse_quote;

    #[test]
    fn every_placeholder_gets_its_doc() {
        let mut file: syn::File = parse_quote! {
            #[doc = "libcuda-sys doc #0"]
            pub struct CUctx_st { #[doc = "libcuda-sys doc #1"] pub x: u32 }
            #[doc = "not a placeholder"]
            pub const X: u32 = 1;
        };
        put(&mut file, HashMap::from([(0, " A context".to_string()), (1, " A field".to_string())])).unwrap();
        let text = quote!(#file).to_string();
        assert!(text.contains("# [doc = \" A context\"] pub struct CUctx_st { # [doc = \" A field\"] pub x : u32 }"), "{text}");
        assert!(text.contains("not a placeholder"));
    }

    #[test]
    fn a_doc_or_a_placeholder_left_over_fails() {
        let mut file: syn::File = parse_quote!(
            #[doc = "libcuda-sys doc #3"]
            pub const X: u32 = 1;
        );
        assert!(put(&mut file.clone(), HashMap::new()).unwrap_err().contains("no comment was converted for: 3"));
        let docs = HashMap::from([(3, " x".to_string()), (4, " y".to_string())]);
        assert!(put(&mut file, docs).unwrap_err().contains("1 converted comments have no placeholder"));
    }
}
