//! What bindgen's newtype enums get besides: every enumerator as an associated constant
//! (`CUresult::CUDA_SUCCESS`, usable in `match` patterns), a `Debug` that prints the enumerator's
//! name, and for the flag enums the `|`, `|=`, `&`, `&=` operators of C.
//!
//! bindgen writes `pub struct cudaError_enum(pub c_uint);` with `#[derive(Debug, ...)]` and one
//! crate-root constant per enumerator, `pub const CUDA_SUCCESS: cudaError_enum = cudaError_enum(0);`,
//! in the header's order; which structs are enums, bindgen says itself (`new_item_found`).

use quote::{format_ident, quote};
use std::collections::BTreeMap;
use syn::punctuated::Punctuated;
use syn::{parse_quote, Attribute, Fields, Item, Token, Type};

/// The C enums that C code combines with `|`: every enum whose name says it holds flags, and
/// `CUmemAllocationHandleType`, which cuda.h documents as a bit mask ("requestedHandleTypes").
fn is_flag_enum(name: &str) -> bool {
    name.to_ascii_lowercase().contains("flags") || name == "CUmemAllocationHandleType_enum"
}

/// Adds the items of every enum in `enums` (bindgen's names) to `file`, and the one function their
/// `Debug` impls share.
pub fn extend(file: &mut syn::File, enums: &[String]) -> Result<usize, String> {
    let mut added: Vec<Item> = Vec::new();
    let mut flag_enums = 0;
    let mut by_enum = enumerators(file, enums);
    for name in enums {
        without_derived_debug(file, name)?;
        let enumerators = by_enum.remove(name).unwrap_or_default();
        let ty = format_ident!("{name}");
        // The docs are moved over as they are, not printed and parsed again.
        let mut associated: syn::ItemImpl = parse_quote!(impl #ty {});
        for (ident, docs) in &enumerators {
            let mut constant: syn::ImplItemConst = parse_quote!(pub const #ident: Self = #ident;);
            constant.attrs = docs.clone();
            associated.items.push(syn::ImplItem::Const(constant));
        }
        if !enumerators.is_empty() {
            added.push(Item::Impl(associated));
        }
        let flags = is_flag_enum(name);
        let names = enumerators.iter().map(|(ident, _)| {
            let text = ident.to_string();
            quote!((#ident.0 as i128, #text))
        });
        added.push(parse_quote! {
            impl ::core::fmt::Debug for #ty {
                #[inline]
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    enum_debug::fmt(f, self.0 as i128, &[#(#names),*], #flags)
                }
            }
        });
        if flags {
            flag_enums += 1;
            added.extend(bit_operators(&ty));
        }
        if name == RESULT_ENUM {
            added.extend(error_value(&ty));
        }
    }
    let helper = syn::parse_file(include_str!("enum_debug.rs")).map_err(|e| format!("build/bindings/passes/enum_debug.rs: {e}"))?;
    let mut module: syn::ItemMod = parse_quote! {
        /// The `Debug` impls of the enums (the build script's build/bindings/passes/enum_debug.rs).
        mod enum_debug {}
    };
    module.content.as_mut().ok_or("a module without content")?.1 = helper.items;
    added.push(Item::Mod(module));
    file.items.extend(added);
    Ok(flag_enums)
}

/// Removes `Debug` from the derives of the newtype struct `name` (its `Debug` is written here).
fn without_derived_debug(file: &mut syn::File, name: &str) -> Result<(), String> {
    let newtype = file.items.iter_mut().find_map(|item| match item {
        Item::Struct(s) if s.ident == name && matches!(&s.fields, Fields::Unnamed(f) if f.unnamed.len() == 1) => Some(s),
        _ => None,
    });
    let newtype = newtype.ok_or_else(|| format!("bindgen's enum {name} is not a newtype struct (`pub struct {name}(pub ...)`)"))?;
    for attr in newtype.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let derives = attr
            .parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
            .map_err(|e| format!("cannot read the derives of {name}: {e}"))?;
        if derives.iter().any(|d| d.is_ident("Debug")) {
            let kept = derives.iter().filter(|d| !d.is_ident("Debug"));
            *attr = parse_quote!(#[derive(#(#kept),*)]);
            return Ok(());
        }
    }
    Err(format!("bindgen's enum {name} derives no Debug to replace"))
}

/// The crate-root constants of each enum's type, in the header's order, with their docs.
fn enumerators(file: &syn::File, enums: &[String]) -> BTreeMap<String, Vec<(syn::Ident, Vec<Attribute>)>> {
    let mut by_enum: BTreeMap<String, Vec<_>> = enums.iter().map(|e| (e.clone(), Vec::new())).collect();
    for item in &file.items {
        let Item::Const(c) = item else { continue };
        let Type::Path(p) = &*c.ty else { continue };
        if let Some(list) = p.path.get_ident().and_then(|ty| by_enum.get_mut(&ty.to_string())) {
            list.push((c.ident.clone(), c.attrs.iter().filter(|a| a.path().is_ident("doc")).cloned().collect()));
        }
    }
    by_enum
}

/// `CUresult`'s enum: an error value as well (`?` into `Box<dyn Error>`).
pub const RESULT_ENUM: &str = "cudaError_enum";

/// `Display` (the enumerator's name, or the number the header does not know, as `Debug`: no call
/// into the driver) and `core::error::Error`.
fn error_value(ty: &syn::Ident) -> [Item; 2] {
    [
        parse_quote! {
            /// The enumerator's name (`CUDA_ERROR_NO_DEVICE`), or the number of a value the header does not know;
            /// no call into the driver (`cuGetErrorName` and `cuGetErrorString` say more where a driver is).
            impl ::core::fmt::Display for #ty {
                #[inline]
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::core::fmt::Debug::fmt(self, f)
                }
            }
        },
        parse_quote!(impl ::core::error::Error for #ty {}),
    ]
}

fn bit_operators(ty: &syn::Ident) -> [Item; 4] {
    [
        parse_quote!(impl ::core::ops::BitOr for #ty { type Output = Self; #[inline] fn bitor(self, other: Self) -> Self { #ty(self.0 | other.0) } }),
        parse_quote!(impl ::core::ops::BitOrAssign for #ty { #[inline] fn bitor_assign(&mut self, other: Self) { self.0 |= other.0; } }),
        parse_quote!(impl ::core::ops::BitAnd for #ty { type Output = Self; #[inline] fn bitand(self, other: Self) -> Self { #ty(self.0 & other.0) } }),
        parse_quote!(impl ::core::ops::BitAndAssign for #ty { #[inline] fn bitand_assign(&mut self, other: Self) { self.0 &= other.0; } }),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bindgen_enum(name: &str) -> syn::File {
        let ty = format_ident!("{name}");
        parse_quote! {
            #[repr(transparent)]
            #[derive(Debug, Copy, Clone, PartialEq, Eq)]
            pub struct #ty(pub ::core::ffi::c_uint);
            #[doc = " the first"]
            pub const CU_A: #ty = #ty(1);
            pub const CU_B: #ty = #ty(2);
            pub const CU_OTHER: u32 = 3;
        }
    }

    #[test]
    fn enumerators_become_associated_constants_with_a_debug_by_name() {
        let mut file = bindgen_enum("CUresult_enum");
        assert_eq!(extend(&mut file, &["CUresult_enum".into()]).unwrap(), 0);
        let text = quote!(#file).to_string();
        assert!(text.contains("# [derive (Copy , Clone , PartialEq , Eq)] pub struct CUresult_enum"), "Debug is no longer derived: {text}");
        assert!(
            text.contains("impl CUresult_enum { # [doc = \" the first\"] pub const CU_A : Self = CU_A ; pub const CU_B : Self = CU_B ; }"),
            "{text}"
        );
        assert!(
            text.contains(
                "enum_debug :: fmt (f , self . 0 as i128 , & [(CU_A . 0 as i128 , \"CU_A\") , (CU_B . 0 as i128 , \"CU_B\")] , false)"
            ),
            "{text}"
        );
        assert!(!text.contains("BitOr"), "{text}");
        assert!(text.contains("mod enum_debug"), "{text}");
    }

    #[test]
    fn cuda_results_are_error_values() {
        let mut file = bindgen_enum(RESULT_ENUM);
        extend(&mut file, &[RESULT_ENUM.into()]).unwrap();
        let text = quote!(#file).to_string();
        assert!(text.contains("impl :: core :: fmt :: Display for cudaError_enum"), "{text}");
        assert!(text.contains("impl :: core :: error :: Error for cudaError_enum { }"), "{text}");
        let mut other = bindgen_enum("CUjit_option_enum");
        extend(&mut other, &["CUjit_option_enum".into()]).unwrap();
        assert!(!quote!(#other).to_string().contains("impl :: core :: fmt :: Display for"));
    }

    #[test]
    fn flag_enums_get_cs_operators() {
        let mut file = bindgen_enum("CUctx_flags_enum");
        assert_eq!(extend(&mut file, &["CUctx_flags_enum".into()]).unwrap(), 1);
        let text = quote!(#file).to_string();
        for op in ["BitOr for CUctx_flags_enum", "BitOrAssign", "BitAnd for", "BitAndAssign"] {
            assert!(text.contains(op), "{op}: {text}");
        }
    }

    #[test]
    fn an_enum_that_is_no_newtype_fails() {
        let mut file: syn::File = parse_quote!(
            pub enum CUx {
                A,
            }
        );
        assert!(extend(&mut file, &["CUx".into()]).unwrap_err().contains("is not a newtype struct"));
        let mut file: syn::File = parse_quote!(
            #[derive(Clone)]
            pub struct CUy(pub u32);
        );
        assert!(extend(&mut file, &["CUy".into()]).unwrap_err().contains("derives no Debug"));
    }
}
