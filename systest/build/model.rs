//! The Rust side, read from the generated `bindings.rs` with `syn`: every struct, union, newtype
//! enum, type alias, constant and function it declares, and how bindgen spelled each.

use std::collections::BTreeMap;
use syn::{Fields, ForeignItem, GenericArgument, Item, PathArguments, ReturnType, Type, UseTree};

pub struct Record {
    pub name: String,
    pub fields: Vec<Field>,
    /// bindgen's stand-in for an incomplete C type (`_unused: [u8; 0]`): nothing to measure.
    pub opaque: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A C member under (almost) the same name.
    Named,
    /// `__bindgen_anon_N`: a C11 anonymous struct or union, whose members C reaches directly.
    Anonymous,
    /// `_bitfield_N` / `_bitfield_align_N`: storage for C bitfields, which `offsetof` cannot name.
    Bitfield,
    /// `__bindgen_padding_N`: padding bindgen made explicit; C has no such member.
    Padding,
}

pub struct Field {
    /// The Rust identifier.
    pub rust: String,
    /// The C member name: the Rust one, less the `_` bindgen appends to Rust keywords.
    pub c: String,
    pub ty: Type,
    pub kind: FieldKind,
}

pub struct Const {
    pub name: String,
    pub ty: Type,
}

pub struct Function {
    pub name: String,
    pub params: Vec<Type>,
    pub ret: Option<Type>,
    pub variadic: bool,
    /// An extern bound to a C wrapper of a static inline function
    /// (`#[link_name = "NAME__extern"]`, `shared::static_fn_symbol`), compiled by the crate's build.
    pub wraps_inline: bool,
}

/// What a type is once every alias is followed.
#[derive(Clone)]
pub enum Class {
    /// An integer or float; the Rust spelling of the primitive.
    Arithmetic(String),
    Pointer,
    Record(String),
    Newtype(String),
    Array,
    Void,
    Other,
}

#[derive(Default)]
pub struct Model {
    pub records: Vec<Record>,
    /// Newtype enums (`pub struct cudaError_enum(pub c_uint)`): name → the wrapped type.
    pub newtypes: BTreeMap<String, Type>,
    /// `pub type X = T;` and `pub use self::T as X;` for types, in the order of the file.
    pub aliases: Vec<(String, Type)>,
    pub consts: Vec<Const>,
    pub functions: Vec<Function>,
    /// Functions written in Rust (`pub unsafe extern "C" fn ...` with a body): none from bindgen,
    /// but what stands for a function cuda.h defines inline would be one.
    pub definitions: Vec<Function>,
    /// `pub use self::F as NAME;` for functions: NAME → F.
    pub function_aliases: BTreeMap<String, String>,
}

impl Model {
    pub fn new(file: &syn::File) -> Model {
        let mut model = Model::default();
        let mut uses = Vec::new();
        for item in &file.items {
            match item {
                Item::Struct(s) => match &s.fields {
                    Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                        model.newtypes.insert(s.ident.to_string(), f.unnamed[0].ty.clone());
                    }
                    Fields::Named(f) => {
                        let fields =
                            f.named.iter().map(|f| field(f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default(), &f.ty)).collect();
                        model.records.push(record(s.ident.to_string(), fields));
                    }
                    _ => {}
                },
                Item::Union(u) => {
                    let fields =
                        u.fields.named.iter().map(|f| field(f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default(), &f.ty)).collect();
                    model.records.push(record(u.ident.to_string(), fields));
                }
                Item::Type(t) => model.aliases.push((t.ident.to_string(), (*t.ty).clone())),
                Item::Const(c) if c.ident != "_" => model.consts.push(Const { name: c.ident.to_string(), ty: (*c.ty).clone() }),
                Item::ForeignMod(m) => {
                    for f in &m.items {
                        if let ForeignItem::Fn(f) = f {
                            let mut function = function(&f.sig);
                            function.wraps_inline = f.attrs.iter().any(|a| {
                                matches!(&a.meta, syn::Meta::NameValue(nv) if nv.path.is_ident("link_name")
                                    && matches!(&nv.value, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if s.value() == crate::shared::static_fn_symbol(&function.name)))
                            });
                            model.functions.push(function);
                        }
                    }
                }
                Item::Fn(f) => model.definitions.push(function(&f.sig)),
                Item::Use(u) => {
                    if let UseTree::Path(p) = &u.tree {
                        if let (true, UseTree::Rename(r)) = (p.ident == "self", &*p.tree) {
                            uses.push((r.rename.to_string(), r.ident.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
        // A `use` names a function or a type; which one, only the whole file says.
        for (name, target) in uses {
            if model.function(&target).is_some() {
                model.function_aliases.insert(name, target);
            } else {
                let ty: Type = syn::parse_str(&target).expect("an identifier is a type");
                model.aliases.push((name, ty));
            }
        }
        model
    }

    pub fn record(&self, name: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.name == name)
    }

    pub fn alias(&self, name: &str) -> Option<&Type> {
        self.aliases.iter().find(|(n, _)| n == name).map(|(_, t)| t)
    }

    /// The function a name refers to: an `extern` declaration, a definition, or a `use` of one.
    pub fn function(&self, name: &str) -> Option<&Function> {
        let mut name = name;
        for _ in 0..8 {
            if let Some(f) = self.functions.iter().chain(&self.definitions).find(|f| f.name == name) {
                return Some(f);
            }
            name = self.function_aliases.get(name)?;
        }
        None
    }

    /// Every function name the Rust side offers: declarations, definitions, `use` aliases.
    pub fn function_names(&self) -> impl Iterator<Item = &str> {
        let own = self.functions.iter().chain(&self.definitions).map(|f| f.name.as_str());
        own.chain(self.function_aliases.keys().map(String::as_str))
    }

    /// Follows aliases down to what the type is.
    pub fn class(&self, ty: &Type) -> Class {
        let mut ty = ty.clone();
        for _ in 0..16 {
            match &ty {
                Type::Ptr(_) | Type::FnPtr(_) => return Class::Pointer,
                Type::Array(_) => return Class::Array,
                Type::Tuple(t) if t.elems.is_empty() => return Class::Void,
                Type::Paren(p) => ty = (*p.elem).clone(),
                Type::Path(_) => {
                    if option_fn(&ty).is_some() {
                        return Class::Pointer;
                    }
                    let Some((name, local)) = path_name(&ty) else { return Class::Other };
                    if !local {
                        return match name.as_str() {
                            "c_void" => Class::Void,
                            n if is_arithmetic(n) => Class::Arithmetic(quote::ToTokens::to_token_stream(&ty).to_string().replace(' ', "")),
                            _ => Class::Other,
                        };
                    }
                    if self.record(&name).is_some() {
                        return Class::Record(name);
                    }
                    if self.newtypes.contains_key(&name) {
                        return Class::Newtype(name);
                    }
                    match self.alias(&name) {
                        Some(target) => ty = target.clone(),
                        None => return Class::Other,
                    }
                }
                _ => return Class::Other,
            }
        }
        Class::Other
    }
}

fn function(sig: &syn::Signature) -> Function {
    Function {
        name: sig.ident.to_string(),
        params: sig.inputs.iter().filter_map(|a| if let syn::FnArg::Typed(p) = a { Some((*p.ty).clone()) } else { None }).collect(),
        ret: match &sig.output {
            ReturnType::Default => None,
            ReturnType::Type(_, t) => Some((**t).clone()),
        },
        variadic: sig.variadic.is_some(),
        wraps_inline: false,
    }
}

fn record(name: String, fields: Vec<Field>) -> Record {
    let opaque = fields.len() == 1 && fields[0].rust == "_unused";
    Record { name, fields, opaque }
}

fn field(rust: String, ty: &Type) -> Field {
    let kind = if rust.starts_with("__bindgen_anon_") {
        FieldKind::Anonymous
    } else if rust.starts_with("_bitfield_") {
        FieldKind::Bitfield
    } else if rust.starts_with("__bindgen_padding_") {
        FieldKind::Padding
    } else {
        FieldKind::Named
    };
    Field { c: c_member_name(&rust), rust, ty: ty.clone(), kind }
}

/// bindgen (`rust_mangle`) appends `_` to C names that are Rust keywords or primitive types.
fn c_member_name(rust: &str) -> String {
    const MANGLED: &[&str] = &[
        "abstract", "alignof", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else", "enum",
        "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut",
        "offsetof", "override", "priv", "proc", "pub", "pure", "ref", "return", "Self", "self", "sizeof", "static", "struct", "super",
        "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield", "str", "bool", "f32",
        "f64", "usize", "isize", "u128", "i128", "u64", "i64", "u32", "i32", "u16", "i16", "u8", "i8",
    ];
    match rust.strip_suffix('_') {
        Some(stem) if MANGLED.contains(&stem) => stem.to_string(),
        _ => rust.trim_start_matches("r#").to_string(),
    }
}

/// The last segment of a path type, and whether it names an item of the bindings (a single
/// segment that is not a primitive) rather than `::core::...` or a primitive.
pub fn path_name(ty: &Type) -> Option<(String, bool)> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?.ident.to_string();
    let local = p.path.leading_colon.is_none() && p.path.segments.len() == 1 && !is_arithmetic(&last) && last != "bool";
    Some((last, local))
}

/// The function type inside bindgen's `::core::option::Option<unsafe extern "C" fn(..)>`.
pub fn option_fn(ty: &Type) -> Option<&syn::TypeFnPtr> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.first()? {
        GenericArgument::Type(Type::FnPtr(f)) => Some(f),
        _ => None,
    }
}

fn is_arithmetic(name: &str) -> bool {
    matches!(
        name,
        "c_char"
            | "c_schar"
            | "c_uchar"
            | "c_short"
            | "c_ushort"
            | "c_int"
            | "c_uint"
            | "c_long"
            | "c_ulong"
            | "c_longlong"
            | "c_ulonglong"
            | "c_float"
            | "c_double"
            | "u8"
            | "i8"
            | "u16"
            | "i16"
            | "u32"
            | "i32"
            | "u64"
            | "i64"
            | "u128"
            | "i128"
            | "usize"
            | "isize"
            | "f32"
            | "f64"
    )
}
