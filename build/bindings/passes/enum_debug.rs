// The module `enum_debug` of the generated bindings: the `Debug` of every enum calls `fmt` with its
// enumerators. build/bindings/passes/enums.rs includes this file's text and puts its items into the generated
// file; it is not compiled into the build script.

/// `Debug` of an enum value: the name of the first enumerator the header declares with that value;
/// for a flag enum whose value no enumerator has, the enumerators whose bits it holds, in the
/// header's order, joined by ` | `, then the bits none of them names (in hex); otherwise the number.
pub(super) fn fmt(f: &mut ::core::fmt::Formatter<'_>, value: i128, names: &[(i128, &str)], flags: bool) -> ::core::fmt::Result {
    if let Some((_, name)) = names.iter().find(|(v, _)| *v == value) {
        return f.write_str(name);
    }
    if !flags || value <= 0 {
        return ::core::fmt::Display::fmt(&value, f);
    }
    let mut rest = value;
    let mut separator = "";
    for &(bits, name) in names {
        if bits > 0 && value & bits == bits && rest & bits != 0 {
            f.write_str(separator)?;
            f.write_str(name)?;
            separator = " | ";
            rest &= !bits;
        }
    }
    if rest != 0 {
        f.write_str(separator)?;
        ::core::write!(f, "{:#x}", rest)?;
    }
    Ok(())
}
