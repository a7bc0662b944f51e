//! Every code span of the documentation that names an item of the crate becomes an intra-doc link
//! (`` `cuLaunchKernelEx` `` → `` [`cuLaunchKernelEx`] ``), as NVIDIA's HTML reference links every
//! one; Doxygen's `::name` first loses its `::`. Names that are no item (runtime functions,
//! parameters, C expressions) stay plain code. The docs of the `per_thread` module are this crate's
//! own and link with `crate::` paths already: they are left alone.

use crate::shared::PER_THREAD_MODULE;
use std::collections::BTreeSet;
use syn::visit_mut::VisitMut;
use syn::{ForeignItem, Item, UseTree};

/// How many code spans became links, and how many name no item.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Linked {
    pub links: usize,
    pub plain: usize,
}

/// The names of the crate root's public items: what a doc at the root can link.
pub fn root_names(file: &syn::File) -> BTreeSet<String> {
    file.items.iter().flat_map(item_names).collect()
}

/// The public names one item defines: a struct, union, type alias, constant, static, function or
/// module, `use ... as NAME`, or the functions of an `extern` block.
pub fn item_names(item: &Item) -> Vec<String> {
    let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
    match item {
        Item::Struct(s) if public(&s.vis) => vec![s.ident.to_string()],
        Item::Union(u) if public(&u.vis) => vec![u.ident.to_string()],
        Item::Type(t) if public(&t.vis) => vec![t.ident.to_string()],
        Item::Const(c) if public(&c.vis) => vec![c.ident.to_string()],
        Item::Static(s) if public(&s.vis) => vec![s.ident.to_string()],
        Item::Fn(f) if public(&f.vis) => vec![f.sig.ident.to_string()],
        Item::Mod(m) if public(&m.vis) => vec![m.ident.to_string()],
        Item::ForeignMod(block) => block
            .items
            .iter()
            .filter_map(|foreign| if let ForeignItem::Fn(f) = foreign { Some(f.sig.ident.to_string()) } else { None })
            .collect(),
        Item::Use(u) if public(&u.vis) => match &u.tree {
            UseTree::Path(p) => match &*p.tree {
                UseTree::Rename(r) => vec![r.rename.to_string()],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Links the code spans of every doc comment outside the `per_thread` module.
pub fn link(file: &mut syn::File) -> Linked {
    struct Visit<'a> {
        names: &'a BTreeSet<String>,
        linked: Linked,
    }
    impl VisitMut for Visit<'_> {
        fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
            if module.ident != PER_THREAD_MODULE {
                syn::visit_mut::visit_item_mod_mut(self, module);
            }
        }
        fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
            if !attr.path().is_ident("doc") {
                return;
            }
            let syn::Meta::NameValue(nv) = &mut attr.meta else { return };
            let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = &mut nv.value else { return };
            let (doc, linked) = link_doc(&text.value(), self.names);
            self.linked.links += linked.links;
            self.linked.plain += linked.plain;
            *text = syn::LitStr::new(&doc, text.span());
        }
    }
    let names = root_names(file);
    let mut visit = Visit { names: &names, linked: Linked::default() };
    visit.visit_file_mut(file);
    visit.linked
}

/// One doc comment's text with each code span that names an item made a link; code blocks, and
/// spans that are links already, left alone.
pub fn link_doc(doc: &str, names: &BTreeSet<String>) -> (String, Linked) {
    let mut out = String::with_capacity(doc.len() + 16);
    let mut linked = Linked::default();
    let mut in_fence = false;
    for (i, line) in doc.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        }
        if in_fence || line.trim_start().starts_with("```") {
            out.push_str(line);
            continue;
        }
        let mut rest = line;
        while let Some(open) = rest.find('`') {
            let Some(len) = rest[open + 1..].find('`') else { break };
            let (before, span, after) = (&rest[..open], &rest[open + 1..open + 1 + len], &rest[open + 2 + len..]);
            out.push_str(before);
            let name = span.strip_prefix("::").unwrap_or(span);
            let is_link = before.ends_with('[') && after.starts_with(']');
            if !is_link && names.contains(name) {
                // `[x]:` would read as a link reference definition: the collapsed form `[x][]` is none.
                out.push_str(&format!("[`{name}`]{}", if after.starts_with(':') { "[]" } else { "" }));
                linked.links += 1;
            } else {
                if !is_link && is_identifier(name) {
                    linked.plain += 1;
                }
                out.push('`');
                out.push_str(if is_identifier(name) { name } else { span });
                out.push('`');
            }
            rest = after;
        }
        out.push_str(rest);
    }
    (out, linked)
}

fn is_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;
    use syn::parse_quote;

    #[test]
    fn code_spans_that_name_items_become_links() {
        let names: BTreeSet<String> = ["cuLaunchKernelEx", "CUlaunchConfig", "cuMemUnmap"].map(String::from).into();
        let (doc, linked) = link_doc(
            " Launches with `config` (a `CUlaunchConfig`), see `cuLaunchKernelEx` and `::cuMemUnmap`; `cudaLaunch` is the runtime's.",
            &names,
        );
        assert_eq!(
            doc,
            " Launches with `config` (a [`CUlaunchConfig`]), see [`cuLaunchKernelEx`] and [`cuMemUnmap`]; `cudaLaunch` is the runtime's."
        );
        assert_eq!(linked, Linked { links: 3, plain: 2 });
    }

    #[test]
    fn a_link_before_a_colon_is_no_reference_definition() {
        let names: BTreeSet<String> = ["CU_X"].map(String::from).into();
        assert_eq!(link_doc("- `CU_X`: Maximum", &names).0, "- [`CU_X`][]: Maximum");
    }

    #[test]
    fn links_and_code_blocks_are_left_alone() {
        let names: BTreeSet<String> = ["cuInit"].map(String::from).into();
        let doc = " [`cuInit`] and [`cuInit`](https://example.com)\n```c\ncuInit(0); `cuInit`\n```\n`a.b` `cuInit";
        assert_eq!(link_doc(doc, &names), (doc.to_string(), Linked { links: 0, plain: 0 }));
    }

    #[test]
    fn every_doc_outside_per_thread_is_linked() {
        let mut file: syn::File = parse_quote! {
            #[doc = " See `CUctx_st`."]
            pub struct CUctx_st { #[doc = " Also `cuInit`."] pub x: u32 }
            unsafe extern "C" { pub fn cuInit(); }
            pub use self::cuInit as cuInitDocumented;
            #[doc = " Ours: `cuInit` stays."]
            pub mod per_thread { #[doc = " `cuInit`"] pub const X: u32 = 1; }
            const PRIVATE: u32 = 1;
        };
        let names = root_names(&file);
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["CUctx_st", "cuInit", "cuInitDocumented", "per_thread"]);
        assert_eq!(link(&mut file), Linked { links: 2, plain: 0 });
        let text = quote!(#file).to_string();
        assert!(text.contains("# [doc = \" See [`CUctx_st`].\"]") && text.contains("# [doc = \" Also [`cuInit`].\"]"), "{text}");
        assert!(text.contains("# [doc = \" Ours: `cuInit` stays.\"]") && text.contains("# [doc = \" `cuInit`\"]"), "{text}");
    }
}
