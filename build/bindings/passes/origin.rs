//! The shipped bindings' documentation, which holds no text of NVIDIA's: each item says which
//! header declares it and, where the header's Doxygen puts it in a group (`\defgroup CUDA_MEM
//! ... @{ ... @}`), links NVIDIA's online page of that group, where its description is. Builds
//! that generate from the user's own header carry NVIDIA's descriptions themselves.

use quote::ToTokens;
use std::collections::BTreeMap;
use syn::{parse_quote, Attribute, Item};

/// Where NVIDIA's Driver API reference puts the page of a Doxygen group.
const REFERENCE: &str = "https://docs.nvidia.com/cuda/cuda-driver-api";

/// The Doxygen groups of one header's text: for each line (from 1), the innermost group open there.
pub fn groups(header: &str) -> Vec<Option<String>> {
    let mut open: Vec<String> = Vec::new();
    let mut pending: Option<String> = None;
    let mut by_line = vec![None];
    for line in header.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(at) = words.iter().position(|w| *w == "\\defgroup" || *w == "\\addtogroup" || *w == "@defgroup") {
            pending = words.get(at + 1).map(|g| g.to_string());
        }
        if line.contains("@{") {
            open.extend(pending.take());
        }
        by_line.push(open.last().cloned());
        if line.contains("@}") {
            open.pop();
        }
    }
    by_line
}

/// The doc line of an item declared in `header` at a line that belongs to `group`, if any.
pub fn doc_line(header: &str, group: Option<&str>) -> String {
    match group {
        Some(group) => format!(
            " Declared in `{header}`, group [`{group}`]({REFERENCE}/group__{}.html) of NVIDIA's reference.",
            group.replace('_', "__")
        ),
        None => format!(" Declared in `{header}`."),
    }
}

/// Adds its doc line to every item of `file` whose declaration `locate` finds (its name → header
/// file name and line); `groups` are each header's (by file name). Functions in `extern` blocks
/// and the fields of records are items too; the enumerators share their enum's line. Returns how
/// many items were documented.
pub fn document(
    file: &mut syn::File,
    locate: &dyn Fn(&str) -> Option<(String, usize)>,
    groups: &BTreeMap<String, Vec<Option<String>>>,
) -> usize {
    let doc = |name: &str| -> Option<Attribute> {
        let (header, line) = locate(name)?;
        let group = groups.get(&header).and_then(|g| g.get(line).cloned().flatten());
        let text = doc_line(&header, group.as_deref());
        Some(parse_quote!(#[doc = #text]))
    };
    let mut documented = 0;
    let mut add = |attrs: &mut Vec<Attribute>, name: &str, fallback: Option<&str>| {
        if let Some(attr) = doc(name).or_else(|| fallback.and_then(doc)) {
            attrs.push(attr);
            documented += 1;
        }
    };
    for item in &mut file.items {
        match item {
            Item::Struct(s) => add(&mut s.attrs, &s.ident.to_string(), None),
            Item::Union(u) => add(&mut u.attrs, &u.ident.to_string(), None),
            Item::Type(t) => add(&mut t.attrs, &t.ident.to_string(), None),
            Item::Const(c) => {
                // An enumerator: its enum's line, when the constant itself has none.
                let ty = c.ty.to_token_stream().to_string();
                add(&mut c.attrs, &c.ident.to_string(), Some(ty.as_str()))
            }
            Item::ForeignMod(block) => {
                for foreign in &mut block.items {
                    if let syn::ForeignItem::Fn(f) = foreign {
                        add(&mut f.attrs, &f.sig.ident.to_string(), None);
                    }
                }
            }
            _ => {}
        }
    }
    documented
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    const HEADER: &str = "/**\n * \\defgroup CUDA_MEM Memory Management\n * @{\n */\nCUresult cuMemAlloc(void);\n\
                          /**\n * \\defgroup CUDA_MEM_INNER Inner\n * @{\n */\nint inner;\n/** @} */\nint after_inner;\n/** @} */\nint outside;\n";

    #[test]
    fn each_line_belongs_to_the_innermost_open_group() {
        let g = groups(HEADER);
        assert_eq!(g[1], None);
        assert_eq!(g[5].as_deref(), Some("CUDA_MEM"), "cuMemAlloc");
        assert_eq!(g[10].as_deref(), Some("CUDA_MEM_INNER"), "inner");
        assert_eq!(g[12].as_deref(), Some("CUDA_MEM"), "after the inner group closes");
        assert_eq!(g[14], None, "outside");
    }

    #[test]
    fn items_name_their_header_and_link_their_group() {
        let mut file: syn::File = parse_quote! {
            #[repr(transparent)]
            pub struct CUresult_enum(pub u32);
            pub const CUDA_SUCCESS: CUresult_enum = CUresult_enum(0);
            unsafe extern "C" { pub fn cuMemAlloc() -> CUresult_enum; }
            pub type PFN_cuInit = u32;
            pub struct Unknown;
        };
        let locate = |name: &str| match name {
            "CUresult_enum" => Some(("cuda.h".to_string(), 1)),
            "cuMemAlloc" => Some(("cuda.h".to_string(), 5)),
            "PFN_cuInit" => Some(("cudaTypedefs.h".to_string(), 3)),
            _ => None,
        };
        let groups = BTreeMap::from([("cuda.h".to_string(), groups(HEADER))]);
        assert_eq!(document(&mut file, &locate, &groups), 4);
        let text = quote!(#file).to_string();
        assert!(text.contains("# [doc = \" Declared in `cuda.h`.\"] pub struct CUresult_enum"), "{text}");
        assert!(text.contains("# [doc = \" Declared in `cuda.h`.\"] pub const CUDA_SUCCESS"), "the enumerator takes its enum's: {text}");
        assert!(text.contains(
            "# [doc = \" Declared in `cuda.h`, group [`CUDA_MEM`](https://docs.nvidia.com/cuda/cuda-driver-api/group__CUDA__MEM.html) of NVIDIA's reference.\"] pub fn cuMemAlloc"
        ), "{text}");
        assert!(text.contains("# [doc = \" Declared in `cudaTypedefs.h`.\"] pub type PFN_cuInit"), "{text}");
        assert!(text.ends_with("pub struct Unknown ;"), "{text}");
    }
}
