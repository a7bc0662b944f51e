//! The generated file holds every form at once: the link declarations and the lazily resolving
//! functions (`#[cfg(feature = "dynamic-loading")]` and its `not`), and two mappings of the names
//! (the crate root, and the module `per_thread` with `CUDA_API_PER_THREAD_DEFAULT_STREAM`). The
//! check compares one of them with C at a time, so this file makes of the syntax tree what the
//! Rust compiler makes of it:
//! - [`configure`]: the items of one build (with or without the feature), as `cfg` decides;
//! - [`per_thread_view`]: the items `libcuda_sys::per_thread::NAME` names, as one flat file:
//!   the module's own public items, and the root's items its glob import brings that no item of
//!   the module shadows;
//! - [`legacy_view`]: the root's items and the module `legacy`'s (whose names no root item has),
//!   and the names of the latter: the types C declares only under `__CUDA_API_VERSION_INTERNAL`.

use crate::shared::{DYNAMIC_FEATURE, LEGACY_MODULE, PER_THREAD_MODULE, VERSIONED_FEATURE};
use std::collections::BTreeSet;
use syn::{Attribute, ForeignItem, Item, Meta, UseTree, Visibility};

/// Keeps the items that a build with (`dynamic`) or without the dynamic-loading feature compiles,
/// without their `cfg`, in the file and in its modules. The module of the `versioned` feature is
/// left out: its functions are the `PFN_*` types' (typedef checks), and the generated file gives
/// each to its type at compile time. Any other `cfg` is an error: the check would not know which
/// side of it to compare.
pub fn configure(file: &mut syn::File, dynamic: bool) -> Result<(), String> {
    configure_items(&mut file.items, dynamic)
}

fn configure_items(items: &mut Vec<Item>, dynamic: bool) -> Result<(), String> {
    let mut kept = Vec::with_capacity(items.len());
    for mut item in std::mem::take(items) {
        let Some(attrs) = attrs_mut(&mut item) else {
            kept.push(item);
            continue;
        };
        let mut active = true;
        let mut error = None;
        attrs.retain(|a| {
            if !a.path().is_ident("cfg") {
                return true;
            }
            match feature_cfg(a) {
                Some(needs) => active &= needs == dynamic,
                None if is_versioned_cfg(a) => active = false,
                None => error = Some(quote::quote!(#a).to_string()),
            }
            false
        });
        if let Some(cfg) = error {
            return Err(format!("the generated file holds `{cfg}`: the check knows only the {DYNAMIC_FEATURE} feature"));
        }
        if let Item::Mod(m) = &mut item {
            if let Some((_, content)) = &mut m.content {
                configure_items(content, dynamic)?;
            }
        }
        if active {
            kept.push(item);
        }
    }
    *items = kept;
    Ok(())
}

/// `#[cfg(feature = "dynamic-loading")]` → Some(true), `#[cfg(not(feature = ...))]` → Some(false).
fn feature_cfg(attr: &Attribute) -> Option<bool> {
    let meta: Meta = attr.parse_args().ok()?;
    let is_feature = |m: &Meta| match m {
        Meta::NameValue(nv) => {
            nv.path.is_ident("feature")
                && matches!(&nv.value, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if s.value() == DYNAMIC_FEATURE)
        }
        _ => false,
    };
    match &meta {
        Meta::List(l) if l.path.is_ident("not") => is_feature(&l.parse_args().ok()?).then_some(false),
        m => is_feature(m).then_some(true),
    }
}

/// `#[cfg(feature = "versioned")]`.
fn is_versioned_cfg(attr: &Attribute) -> bool {
    attr.parse_args::<Meta>().is_ok_and(|m| {
        matches!(&m, Meta::NameValue(nv) if nv.path.is_ident("feature")
            && matches!(&nv.value, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if s.value() == VERSIONED_FEATURE))
    })
}

fn attrs_mut(item: &mut Item) -> Option<&mut Vec<Attribute>> {
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::ForeignMod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

/// The names an item defines that the module can shadow (functions, constants, `use ... as NAME`,
/// type aliases).
fn value_names(item: &Item) -> Vec<String> {
    match item {
        Item::Fn(f) => vec![f.sig.ident.to_string()],
        Item::Const(c) => vec![c.ident.to_string()],
        // A type name the module maps to another type (cudaTypedefs.h's `PFN_cuMemcpyHtoD`).
        Item::Type(t) => vec![t.ident.to_string()],
        Item::ForeignMod(m) => {
            m.items.iter().filter_map(|f| if let ForeignItem::Fn(f) = f { Some(f.sig.ident.to_string()) } else { None }).collect()
        }
        Item::Use(u) => match &u.tree {
            UseTree::Path(p) => match &*p.tree {
                UseTree::Rename(r) => vec![r.rename.to_string()],
                UseTree::Name(n) => vec![n.ident.to_string()],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// What `libcuda_sys::per_thread::NAME` names, as one file of a configured tree: the module's
/// public items (its `pub use super::*` aside), then the root's items that none of the module's
/// items, public or private, shadows.
pub fn per_thread_view(file: &syn::File) -> Result<syn::File, String> {
    let module = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == PER_THREAD_MODULE => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| format!("the generated file has no module `{PER_THREAD_MODULE}`"))?;
    let is_glob = |item: &Item| matches!(item, Item::Use(u) if matches!(&u.tree, UseTree::Path(p) if p.ident == "super" && matches!(&*p.tree, UseTree::Glob(_))));
    if !module.iter().any(is_glob) {
        return Err(format!("the module `{PER_THREAD_MODULE}` does not import the root's items (`pub use super::*`)"));
    }
    let shadowing: BTreeSet<String> = module.iter().flat_map(value_names).collect();
    let mut view: syn::File = syn::parse_quote!();
    for item in &file.items {
        match item {
            Item::Mod(m) if m.ident == PER_THREAD_MODULE => {}
            Item::ForeignMod(block) => {
                let mut block = block.clone();
                block.items.retain(|f| !matches!(f, ForeignItem::Fn(f) if shadowing.contains(&f.sig.ident.to_string())));
                view.items.push(Item::ForeignMod(block));
            }
            item if value_names(item).iter().any(|n| shadowing.contains(n)) => {}
            item => view.items.push(item.clone()),
        }
    }
    let public = |item: &Item| match item {
        Item::Fn(f) => matches!(f.vis, Visibility::Public(_)),
        Item::Const(c) => matches!(c.vis, Visibility::Public(_)),
        Item::Use(u) => matches!(u.vis, Visibility::Public(_)),
        _ => true,
    };
    view.items.extend(module.iter().filter(|i| !is_glob(i) && public(i)).cloned());
    Ok(view)
}

/// The root's items with the module `legacy`'s own (its `use super::*` aside) as one flat file,
/// and the names the module declares; none where the bindings have no such module.
pub fn legacy_view(file: &syn::File) -> Option<(syn::File, BTreeSet<String>)> {
    let module = file.items.iter().find_map(|item| match item {
        Item::Mod(m) if m.ident == LEGACY_MODULE => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    })?;
    let own: Vec<&Item> = module.iter().filter(|i| !matches!(i, Item::Use(_))).collect();
    let names = own
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Union(u) => Some(u.ident.to_string()),
            Item::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut view: syn::File = syn::parse_quote!();
    view.items.extend(file.items.iter().filter(|i| !matches!(i, Item::Mod(_))).cloned());
    view.items.extend(own.into_iter().cloned());
    Some((view, names))
}
