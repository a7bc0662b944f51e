//! Planted errors: a copy of the bindings with wrong declarations, made by editing the syntax
//! tree, so that the planted test can show the same generator and the same comparison find each
//! of them, each by its own kind of check, and nothing else. Every kind of check
//! (`libcuda_sys_systest::KINDS`) has at least one plant; the planted test checks that too.

use crate::header::Header;
use crate::model::{path_name, Model};
use std::collections::BTreeSet;
use syn::{parse_quote, Expr, Fields, Item, ItemStruct, Lit, Type, UseTree};

pub struct Plant {
    /// What was changed, for the test's messages.
    pub what: String,
    /// The kind of check that must report it, on `item`.
    pub kind: &'static str,
    pub item: String,
    /// Other kinds that cannot help reporting it too (a member's size changed changes its type).
    pub also: &'static [&'static str],
    /// Items whose checks (of `kind` or `also`) may fail because of it: `item`, and for a type the
    /// types that hold or name it. `S` covers the members `S.f`.
    pub affected: Vec<String>,
}

impl Plant {
    fn new(kind: &'static str, item: impl Into<String>, what: String) -> Plant {
        let item = item.into();
        Plant { what, kind, affected: vec![item.clone()], item, also: &[] }
    }

    fn also(mut self, kinds: &'static [&'static str]) -> Plant {
        self.also = kinds;
        self
    }

    fn affecting(mut self, items: Vec<String>) -> Plant {
        self.affected.extend(items);
        self
    }
}

/// Applies every plant to `file`; `model` is the model of the file before.
pub fn apply(file: &mut syn::File, model: &Model, header: &Header) -> Result<Vec<Plant>, String> {
    // The copy is the link-mode side of the generated file (`modes::configure`): its functions
    // are `extern "C"` declarations, whatever the build's features.
    file.attrs.clear();
    // bindgen's layout asserts (`const _: () = { ["Size of X"][size_of::<X>() - 24usize]; ... };`)
    // would stop the copy's compile at the first plant; without them it is up to the check.
    file.items.retain(|item| !matches!(item, Item::Const(c) if c.ident == "_"));
    let mut plants = Vec::new();

    // size: a member C does not have, at the end (bindgen's explicit padding, which the member
    // checks skip): only the size tells.
    let record = "CUipcMemHandle_st";
    let s = structure(file, record)?;
    let padding: ItemStruct = parse_quote!(
        struct P {
            pub __bindgen_padding_0: [u8; 8],
        }
    );
    match (&mut s.fields, padding.fields) {
        (Fields::Named(f), Fields::Named(p)) => f.named.extend(p.named),
        _ => return Err(format!("{record} has no named members")),
    }
    plants.push(Plant::new("size", record, format!("{record} given 8 bytes more at its end")).affecting(types_only(model, record)?));

    // align: `#[repr(C, align(8))]` on a 64-byte struct of chars: the size stays 64.
    let record = "CUipcEventHandle_st";
    let s = structure(file, record)?;
    s.attrs.retain(|a| !a.path().is_ident("repr"));
    s.attrs.push(parse_quote!(#[repr(C, align(8))]));
    plants.push(Plant::new("align", record, format!("{record} aligned to 8 instead of 1")).affecting(types_only(model, record)?));

    // offset: two members of the same type in each other's place.
    let (record, first, second) = ("CUDA_ARRAY_DESCRIPTOR_st", "Width", "Height");
    let s = structure(file, record)?;
    let fields: Vec<&mut syn::Field> = s.fields.iter_mut().take(2).collect();
    let [a, b] = <[&mut syn::Field; 2]>::try_from(fields).map_err(|_| format!("{record} has fewer than two members"))?;
    if a.ident.as_ref().is_none_or(|i| i != first) || b.ident.as_ref().is_none_or(|i| i != second) {
        return Err(format!("{record} no longer begins with {first}, {second}"));
    }
    core::mem::swap(&mut a.ident, &mut b.ident);
    plants.push(
        Plant::new("offset", format!("{record}.{first}"), format!("{record}'s {first} and {second} in each other's place"))
            .affecting(vec![format!("{record}.{second}")]),
    );

    // fieldsize: a member two bytes narrower, where the next member's alignment keeps every
    // offset and the size; its type differs too.
    let (record, member) = ("CUDA_ARRAY3D_DESCRIPTOR_st", "NumChannels");
    member_of(file, record, member)?.ty = parse_quote!(::core::ffi::c_ushort);
    plants.push(
        Plant::new("fieldsize", format!("{record}.{member}"), format!("{record}::{member} declared c_ushort instead of c_uint"))
            .also(&["fieldtype"]),
    );

    // fieldtype: the same size, another type (the pointee loses its `const`).
    let (record, member) = ("CUDA_MEMCPY2D_st", "srcHost");
    member_of(file, record, member)?.ty = parse_quote!(*mut ::core::ffi::c_void);
    plants.push(Plant::new(
        "fieldtype",
        format!("{record}.{member}"),
        format!("{record}::{member} declared *mut c_void instead of *const c_void"),
    ));

    // size and signedness of a scalar typedef.
    let alias = "CUtexObject_v1";
    *alias_of(file, alias)?.ty = parse_quote!(::core::ffi::c_uint);
    plants.push(
        Plant::new("size", alias, format!("{alias} declared c_uint instead of c_ulonglong"))
            .also(&["align", "typedef"])
            .affecting(types_only(model, alias)?),
    );
    let alias = "CUdeviceptr_v2";
    *alias_of(file, alias)?.ty = parse_quote!(::core::ffi::c_longlong);
    plants.push(
        Plant::new("signed", alias, format!("{alias} declared c_longlong instead of c_ulonglong"))
            .also(&["typedef"])
            .affecting(dependents(model, alias)),
    );

    // A newtype enum's inner type: signed where C's enum is unsigned.
    let newtype = "CUmemorytype_enum";
    let s = structure(file, newtype)?;
    match &mut s.fields {
        Fields::Unnamed(f) if f.unnamed.len() == 1 => f.unnamed[0].ty = parse_quote!(::core::ffi::c_int),
        _ => return Err(format!("{newtype} is not a newtype")),
    }
    plants.push(Plant::new("signed", newtype, format!("{newtype} wraps c_int instead of c_uint")).affecting(dependents(model, newtype)));

    // A union declared a struct: its members no longer share offset 0 (and it grows).
    let union = "CUstreamBatchMemOpParams_union";
    let index =
        file.items.iter().position(|item| matches!(item, Item::Union(u) if u.ident == union)).ok_or(format!("union {union} not found"))?;
    let Item::Union(u) = file.items.remove(index) else { unreachable!() };
    let second = u.fields.named.iter().nth(1).and_then(|f| f.ident.clone()).ok_or(format!("{union} has one member"))?;
    let s = ItemStruct {
        attrs: u.attrs,
        vis: u.vis,
        struct_token: Default::default(),
        ident: u.ident,
        generics: u.generics,
        fields: Fields::Named(u.fields),
        semi_token: None,
    };
    file.items.insert(index, Item::Struct(s));
    plants.push(
        Plant::new("offset", format!("{union}.{second}"), format!("{union} declared a struct"))
            .also(&["size"])
            .affecting(dependents(model, union)),
    );

    // Constants: a macro, an enumerator, a casting macro, each one more than C says.
    for name in ["CU_IPC_HANDLE_SIZE", "CUDA_ERROR_INVALID_VALUE", "CU_STREAM_PER_THREAD"] {
        if !increment(&mut constant(file, name)?.expr) {
            return Err(format!("constant {name} holds no integer literal"));
        }
        plants.push(Plant::new("value", name, format!("{name} one more than in C")));
    }

    // A casting macro's type: `CU_STREAM_LEGACY: CUstream = 0x1 as CUstream` as a CUevent.
    let name = "CU_STREAM_LEGACY";
    let c = constant(file, name)?;
    *c.ty = parse_quote!(CUevent);
    match &mut *c.expr {
        Expr::Cast(cast) => *cast.ty = parse_quote!(CUevent),
        _ => return Err(format!("{name} is not `VALUE as TYPE`")),
    }
    plants.push(Plant::new("consttype", name, format!("{name} declared a CUevent instead of a CUstream")));

    // A typedef: a handle to another opaque struct.
    let alias = "CUcontext";
    *alias_of(file, alias)?.ty = parse_quote!(*mut CUmod_st);
    plants.push(Plant::new("typedef", alias, format!("{alias} declared *mut CUmod_st instead of *mut CUctx_st")));

    // A prototype: `cuDeviceGet(device: *mut CUdevice, ordinal: c_int)` with `ordinal: c_uint`.
    let function = "cuDeviceGet";
    let param = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::ForeignMod(m) => m.items.iter_mut().find_map(|f| match f {
                syn::ForeignItem::Fn(f) if f.sig.ident == function => f.sig.inputs.iter_mut().nth(1),
                _ => None,
            }),
            _ => None,
        })
        .ok_or(format!("{function}'s second parameter not found"))?;
    if let syn::FnArg::Typed(p) = param {
        *p.ty = parse_quote!(::core::ffi::c_uint);
    }
    plants.push(Plant::new("prototype", function, format!("{function}'s ordinal declared c_uint")));

    // A symbol: the documented name `cuCtxDestroy` re-pointed from `cuCtxDestroy_v2` at
    // `cuCtxSetCurrent`, a function of the same prototype.
    let (name, wrong) = ("cuCtxDestroy", "cuCtxSetCurrent");
    let rename = rename_of(file, name).ok_or(format!("`use ... as {name}` not found"))?;
    rename.ident = syn::Ident::new(wrong, rename.ident.span());
    plants.push(Plant::new("symbol", name, format!("{name} re-pointed at {wrong}")));

    // A name C calls cuda.h's own inline function by (with per-thread streams,
    // `cuGetProcAddress` → `cuGetProcAddress_v2_ptsz`), re-pointed at a library function.
    // Without such functions (default streams) there is nothing of this kind to plant or check.
    let inline_name =
        header.callable().find(|(n, target)| n != target && header.is_inline(target)).map(|(n, t)| (n.to_string(), t.to_string()));
    if let Some((name, target)) = inline_name {
        let wrong = "cuDriverGetVersion";
        let rename = rename_of(file, &name).ok_or(format!("`use ... as {name}` not found"))?;
        rename.ident = syn::Ident::new(wrong, rename.ident.span());
        plants.push(Plant::new("inline", name.clone(), format!("{name} re-pointed from cuda.h's inline {target} at {wrong}")));
    }

    // A missing name: the documented `cuMemGetInfo` (`cuMemGetInfo_v2`) left out.
    let name = "cuMemGetInfo";
    let before = file.items.len();
    file.items.retain(|item| !matches!(item, Item::Use(u) if use_rename(&u.tree).is_some_and(|r| r.rename == name)));
    if file.items.len() == before {
        return Err(format!("`use ... as {name}` not found"));
    }
    plants.push(Plant::new("missing", name, format!("{name} left out")));

    // An extra name: one no header declares, for a function Rust has.
    let (name, target) = ("cuMemAlloc_v3", "cuMemAlloc_v2");
    if header.callable().any(|(n, _)| n == name) {
        return Err(format!("cuda.h declares {name}: the extra-name plant needs a name C cannot call"));
    }
    file.items.push(syn::parse_str(&format!("pub use self::{target} as {name};")).map_err(|e| e.to_string())?);
    plants.push(Plant::new("extra", name, format!("{name} offered as another name for {target}")));

    Ok(plants)
}

/// The first item of `file` that `pick` accepts; `Err(missing)` if none.
fn find<'a, T>(file: &'a mut syn::File, missing: String, pick: impl FnMut(&'a mut Item) -> Option<&'a mut T>) -> Result<&'a mut T, String> {
    file.items.iter_mut().find_map(pick).ok_or(missing)
}

/// The struct (or newtype) `name`.
fn structure<'a>(file: &'a mut syn::File, name: &str) -> Result<&'a mut ItemStruct, String> {
    find(
        file,
        format!("struct {name} not found"),
        |item| if let Item::Struct(s) = item { Some(s).filter(|s| s.ident == name) } else { None },
    )
}

fn member_of<'a>(file: &'a mut syn::File, record: &str, member: &str) -> Result<&'a mut syn::Field, String> {
    structure(file, record)?
        .fields
        .iter_mut()
        .find(|f| f.ident.as_ref().is_some_and(|i| i == member))
        .ok_or(format!("{record}::{member} not found"))
}

fn alias_of<'a>(file: &'a mut syn::File, name: &str) -> Result<&'a mut syn::ItemType, String> {
    find(file, format!("type {name} not found"), |item| if let Item::Type(t) = item { Some(t).filter(|t| t.ident == name) } else { None })
}

fn constant<'a>(file: &'a mut syn::File, name: &str) -> Result<&'a mut syn::ItemConst, String> {
    find(
        file,
        format!("constant {name} not found"),
        |item| if let Item::Const(c) = item { Some(c).filter(|c| c.ident == name) } else { None },
    )
}

/// `pub use self::TARGET as NAME;`
fn rename_of<'a>(file: &'a mut syn::File, name: &str) -> Option<&'a mut syn::UseRename> {
    file.items.iter_mut().find_map(|item| match item {
        Item::Use(u) => use_rename_mut(&mut u.tree).filter(|r| r.rename == name),
        _ => None,
    })
}

fn use_rename(tree: &UseTree) -> Option<&syn::UseRename> {
    match tree {
        UseTree::Path(p) => match &*p.tree {
            UseTree::Rename(r) => Some(r),
            _ => None,
        },
        _ => None,
    }
}

fn use_rename_mut(tree: &mut UseTree) -> Option<&mut syn::UseRename> {
    match tree {
        UseTree::Path(p) => match &mut *p.tree {
            UseTree::Rename(r) => Some(r),
            _ => None,
        },
        _ => None,
    }
}

/// Adds one to the first integer literal of a constant's expression (`64`, `cudaError_enum(1)`,
/// `0x2 as CUstream`, `-1 as CUdevice`).
fn increment(expr: &mut Expr) -> bool {
    match expr {
        Expr::Lit(l) => match &mut l.lit {
            Lit::Int(i) => {
                let value: u128 = i.base10_parse().unwrap_or(0);
                *i = syn::LitInt::new(&format!("{}{}", value + 1, i.suffix()), i.span());
                true
            }
            _ => false,
        },
        Expr::Unary(u) => increment(&mut u.expr),
        Expr::Cast(c) => increment(&mut c.expr),
        Expr::Paren(p) => increment(&mut p.expr),
        Expr::Call(c) => c.args.iter_mut().any(increment),
        _ => false,
    }
}

/// [`dependents`] of a type that no struct or union holds by value (only aliases name it), so
/// that changing its size or alignment moves no member of another record.
fn types_only(model: &Model, name: &str) -> Result<Vec<String>, String> {
    let all = dependents(model, name);
    match all.iter().find(|d| model.record(d).is_some() && d.as_str() != name) {
        Some(holder) => Err(format!("{holder} holds {name}: a plant on {name}'s layout would move {holder}'s members; plant another type")),
        None => Ok(all),
    }
}

/// `name` and every type that holds it by value (members, arrays) or names it (aliases).
fn dependents(model: &Model, name: &str) -> Vec<String> {
    fn named(ty: &Type) -> Option<String> {
        match ty {
            Type::Array(a) => named(&a.elem),
            _ => path_name(ty).map(|(n, _)| n),
        }
    }
    let mut set = BTreeSet::from([name.to_string()]);
    loop {
        let before = set.len();
        for record in &model.records {
            if record.fields.iter().any(|f| named(&f.ty).is_some_and(|n| set.contains(&n))) {
                set.insert(record.name.clone());
            }
        }
        for (alias, target) in &model.aliases {
            if named(target).is_some_and(|n| set.contains(&n)) {
                set.insert(alias.clone());
            }
        }
        if set.len() == before {
            return set.into_iter().collect();
        }
    }
}
