//! Planted errors: a copy of the bindings with one wrong declaration of each kind, made by editing
//! the syntax tree, so that the planted test can show the same generator and the same comparison
//! find each of them (and nothing else).

use crate::model::{path_name, Model};
use std::collections::BTreeSet;
use syn::{parse_quote, Expr, Item, Lit, Type, UseTree};

pub struct Plant {
    /// What was changed, for the test's messages.
    pub what: String,
    /// The checks that must report it.
    pub kinds: &'static [&'static str],
    /// Items whose checks may fail because of it (`S` covers the members `S.f`).
    pub affected: Vec<String>,
}

/// Applies every plant to `file`; `model` is the model of the file before.
pub fn apply(file: &mut syn::File, model: &Model) -> Result<Vec<Plant>, String> {
    file.attrs.clear();
    // With dynamic loading the functions are wrappers around the crate's private loader: the
    // copy declares them as the link-time bindings do, `extern "C"`.
    externs(file)?;
    // bindgen's layout asserts (`const _: () = { ["Size of X"][size_of::<X>() - 24usize]; ... };`)
    // would stop the copy's compile at the first plant; without them it is up to the check.
    file.items.retain(|item| !matches!(item, Item::Const(c) if c.ident == "_"));
    let mut plants = Vec::new();

    // A member's type: `NumChannels: c_uint` → `u64` (its size, the struct's size).
    let (record, member) = ("CUDA_ARRAY_DESCRIPTOR_st", "NumChannels");
    let field = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Struct(s) if s.ident == record => s.fields.iter_mut().find(|f| f.ident.as_ref().is_some_and(|i| i == member)),
            _ => None,
        })
        .ok_or(format!("{record}::{member} not found"))?;
    field.ty = parse_quote!(u64);
    plants.push(Plant {
        what: format!("{record}::{member} declared u64 instead of c_uint"),
        kinds: &["size", "align", "offset", "fieldsize"],
        affected: dependents(model, record),
    });

    // Constants: a macro, an enumerator, a casting macro, each one more than C says.
    for name in ["CU_IPC_HANDLE_SIZE", "CUDA_ERROR_INVALID_VALUE", "CU_STREAM_PER_THREAD"] {
        let constant = file
            .items
            .iter_mut()
            .find_map(|item| match item {
                Item::Const(c) if c.ident == name => Some(c),
                _ => None,
            })
            .ok_or(format!("constant {name} not found"))?;
        if !increment(&mut constant.expr) {
            return Err(format!("constant {name} holds no integer literal"));
        }
        plants.push(Plant { what: format!("{name} one more than in C"), kinds: &["value"], affected: vec![name.to_string()] });
    }

    // A scalar typedef's signedness: `CUdeviceptr_v2 = c_ulonglong` → `c_longlong`.
    let alias = "CUdeviceptr_v2";
    let ty = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Type(t) if t.ident == alias => Some(t),
            _ => None,
        })
        .ok_or(format!("type {alias} not found"))?;
    *ty.ty = parse_quote!(::core::ffi::c_longlong);
    plants.push(Plant { what: format!("{alias} declared signed"), kinds: &["signed", "typematch"], affected: dependents(model, alias) });

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
    plants.push(Plant {
        what: format!("{function}'s ordinal declared c_uint"),
        kinds: &["prototype"],
        affected: vec![function.to_string()],
    });

    // A symbol: the documented name `cuCtxDestroy` re-pointed from `cuCtxDestroy_v2` at
    // `cuCtxSetCurrent`, a function of the same prototype.
    let (name, wrong) = ("cuCtxDestroy", "cuCtxSetCurrent");
    let rename = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Use(u) => match &mut u.tree {
                UseTree::Path(p) => match &mut *p.tree {
                    UseTree::Rename(r) if r.rename == name => Some(r),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .ok_or(format!("`use ... as {name}` not found"))?;
    rename.ident = syn::Ident::new(wrong, rename.ident.span());
    plants.push(Plant { what: format!("{name} re-pointed at {wrong}"), kinds: &["symbol"], affected: vec![name.to_string()] });

    Ok(plants)
}

/// Turns every Rust function of the file into an `extern "C"` declaration of the same signature.
fn externs(file: &mut syn::File) -> Result<(), String> {
    let mut declarations = String::new();
    for item in &file.items {
        if let Item::Fn(f) = item {
            let (inputs, output) = (&f.sig.inputs, &f.sig.output);
            declarations.push_str(&format!("pub fn {}({}) {};\n", f.sig.ident, quote::quote!(#inputs), quote::quote!(#output)));
        }
    }
    if declarations.is_empty() {
        return Ok(());
    }
    let block: Item = syn::parse_str(&format!("unsafe extern \"C\" {{\n{declarations}}}"))
        .map_err(|e| format!("cannot declare the wrappers extern: {e}"))?;
    // The private modules that hold what C wrappers of static inline functions call are no API.
    file.items.retain(|item| {
        !matches!(item, Item::Fn(_)) && !matches!(item, Item::Mod(m) if m.ident.to_string().starts_with("libcuda_sys_dynamic_"))
    });
    file.items.push(block);
    Ok(())
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
