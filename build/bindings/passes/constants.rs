//! Constants with C's type: unsigned macros (`(~0u)` is `u32`, not bindgen's `i32 -1`), and the
//! macros that cast (`CU_LAUNCH_PARAM_END ((void*)0x00)`), which bindgen does not emit.

use crate::bindings::probe::Cast;
use quote::format_ident;
use syn::{parse_quote, Item, Type};

/// `pub const X: u64 = 18446744073709551615;` → `pub const X: u32 = 4294967295;` for each 32-bit
/// unsigned macro, whose value bindgen evaluated in 64 bits (`narrow`: name → that value).
pub fn narrow_unsigned(file: &mut syn::File, narrow: &[(String, i64)]) -> Result<(), String> {
    for (name, value) in narrow {
        let constant = file.items.iter_mut().find_map(|item| match item {
            Item::Const(c) if c.ident == name => Some(c),
            _ => None,
        });
        let constant = constant.ok_or_else(|| format!("the unsigned macro {name} is not among bindgen's constants"))?;
        if !matches!(&*constant.ty, Type::Path(p) if p.path.is_ident("u64")) {
            return Err(format!("bindgen wrote the unsigned macro {name} with another type than u64"));
        }
        let value = syn::LitInt::new(&(*value as u32).to_string(), proc_macro2::Span::call_site());
        *constant.ty = parse_quote!(u32);
        *constant.expr = parse_quote!(#value);
    }
    Ok(())
}

/// `#define CU_LAUNCH_PARAM_END ((void*)0x00)` → `pub const CU_LAUNCH_PARAM_END: *mut c_void = 0x00 as *mut c_void;`
pub fn casts(file: &mut syn::File, casts: &[Cast]) -> Result<(), String> {
    for cast in casts {
        let ty: Type = match cast.c_type.as_str() {
            "void*" => parse_quote!(*mut ::core::ffi::c_void),
            ty => syn::parse_str(ty).map_err(|e| format!("{}: the C type `{ty}` is no Rust type: {e}", cast.name))?,
        };
        let value: syn::Expr =
            syn::parse_str(&cast.value).map_err(|e| format!("{}: `{}` is no Rust literal: {e}", cast.name, cast.value))?;
        let doc = format!(" `#define {} {}`", cast.name, cast.expansion);
        let name = format_ident!("{}", cast.name);
        file.items.push(parse_quote!(#[doc = #doc] pub const #name: #ty = #value as #ty;));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn unsigned_macros_get_cs_32_bit_value() {
        let mut file: syn::File = parse_quote!(
            pub const CU_X: u64 = 18446744073709551615;
            pub const CU_Y: i32 = 1;
        );
        narrow_unsigned(&mut file, &[("CU_X".into(), -1)]).unwrap();
        assert_eq!(quote!(#file).to_string(), "pub const CU_X : u32 = 4294967295 ; pub const CU_Y : i32 = 1 ;");
        assert!(narrow_unsigned(&mut file, &[("CU_Z".into(), 1)]).unwrap_err().contains("not among bindgen's constants"));
        assert!(narrow_unsigned(&mut file, &[("CU_Y".into(), 1)]).unwrap_err().contains("another type than u64"));
    }

    #[test]
    fn casting_macros_become_typed_constants() {
        let mut file: syn::File = parse_quote!();
        let cast = |name: &str, c_type: &str, value: &str| Cast {
            name: name.into(),
            c_type: c_type.into(),
            value: value.into(),
            expansion: format!("(({c_type}){value})"),
        };
        casts(&mut file, &[cast("CU_LAUNCH_PARAM_END", "void*", "0x00"), cast("CU_DEVICE_CPU", "CUdevice", "-1")]).unwrap();
        let text = quote!(#file).to_string();
        assert!(
            text.contains("pub const CU_LAUNCH_PARAM_END : * mut :: core :: ffi :: c_void = 0x00 as * mut :: core :: ffi :: c_void ;"),
            "{text}"
        );
        assert!(
            text.contains("# [doc = \" `#define CU_DEVICE_CPU ((CUdevice)-1)`\"] pub const CU_DEVICE_CPU : CUdevice = - 1 as CUdevice ;"),
            "{text}"
        );
        assert!(casts(&mut file, &[cast("CU_BAD", "struct x", "1")]).unwrap_err().contains("no Rust type"));
    }
}
