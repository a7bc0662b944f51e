//! The one generator. From the Rust model and what the C compiler says about cuda.h it makes
//! every check as a pair of expressions, one C and one Rust, that must give the same number:
//!
//! | check       | C                                          | Rust                                   |
//! |-------------|--------------------------------------------|----------------------------------------|
//! | `size`      | `sizeof(T)`                                | `size_of::<T>()`                       |
//! | `align`     | `_Alignof(T)`                              | `align_of::<T>()`                      |
//! | `offset`    | `offsetof(T, f)`                           | `offset_of!(T, f)`                     |
//! | `fieldsize` | `sizeof(((T *)0)->f)`                      | size of the place `(*p).f`             |
//! | `fieldtype` | `__builtin_types_compatible_p(__typeof__(((T *)0)->f), C(rust))` | 1            |
//! | `signed`    | `(T)-1 < (T)0`                             | `<prim as Arithmetic>::SIGNED`         |
//! | `typedef`   | `__builtin_types_compatible_p(T, C(rust))` | 1                                      |
//! | `value`     | the macro or enumerator itself             | the constant                           |
//! | `consttype` | `__builtin_types_compatible_p(__typeof__(M), C(rust))` | 1                          |
//!
//! and, checked by the C compiler itself under `-Werror`, one line per function that assigns the C
//! function to a pointer whose type is written from the Rust prototype (`prototype`:
//! `static CUresult (*const p)(CUdevice *, int) = &cuDeviceGet;`), and one address per name C can
//! call, compared in one process with the Rust item of the same name (`symbol`, `inline`); names
//! only one side has are `missing` and `extra`. Every check has exactly one of these kinds
//! (`libcuda_sys_systest::KINDS`).
//!
//! C types are written from Rust types: primitives by their C names, records and enums by their
//! tag (`struct CUDA_MEMCPY2D_st`, `enum cudaError_enum`), aliases by their typedef name, and
//! records C cannot name (members of anonymous type) through `__typeof__` of the member.

use crate::header::{Header, View};
use crate::inputs::Headers;
use crate::model::{option_fn, path_name, Class, FieldKind, Model, Record};
use crate::shared::c_primitive;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use syn::Type;

pub struct Check {
    pub kind: &'static str,
    pub item: String,
    pub c: CValue,
    pub rust: RustValue,
}

/// The C side of a check: an integer expression, or a pointer expression (compared as its address).
pub enum CValue {
    Int(String),
    Pointer(String),
}

/// The Rust side of a check: a constant expression of type `i128` or a raw pointer.
pub enum RustValue {
    Int(String),
    Pointer(String),
}

/// One function whose prototype the C compiler compares: a file-scope declaration.
pub struct Prototype {
    pub name: String,
    pub c: String,
    /// The name is also a macro (per-thread `cuGetProcAddress_v2`): the check is written between
    /// `#pragma push_macro` / `#undef` and `#pragma pop_macro`, so it is the declared symbol's.
    pub shadowed: bool,
}

/// A name C can call, and the function it calls there.
pub struct Name {
    pub name: String,
    pub target: String,
    /// The target is defined by cuda.h itself: no library symbol; Rust's `name` must be Rust's `target`.
    pub inline: bool,
}

/// A mismatch decided before anything runs: by the generator, or by the C compiler.
pub struct Finding {
    pub kind: &'static str,
    pub item: String,
    pub message: String,
}

#[derive(Default)]
pub struct Plan {
    pub checks: Vec<Check>,
    pub prototypes: Vec<Prototype>,
    /// The names C can call a function by that Rust has too, compared by address.
    pub names: Vec<Name>,
    /// Whether Rust's functions are the library's symbols (not so with dynamic loading).
    pub compare_addresses: bool,
    /// How many names C can call a function by; those of them cuda.h declares or defines, and
    /// the documented ones.
    pub callable: usize,
    pub declared: usize,
    pub documented: usize,
    pub findings: Vec<Finding>,
    /// Comparisons made here that passed, by kind (prototypes: written for the C compiler, whose
    /// rejections `rust_source` takes off).
    pub passed: BTreeMap<&'static str, usize>,
    /// What cannot be compared, by reason.
    pub skipped: BTreeMap<&'static str, usize>,
}

const OPAQUE: &str = "opaque structs (incomplete in C)";
const ANONYMOUS: &str = "anonymous structs and unions (their members are checked through the parent)";
const ANONYMOUS_ENUMS: &str = "anonymous enums (their enumerators are checked)";
const BITFIELDS: &str = "bitfield members";
const PADDING: &str = "padding members bindgen added";
const OTHER_CONSTANTS: &str = "constants of a type that is neither integer nor pointer";

/// With `dynamic` (the crate's dynamic-loading feature) the functions are Rust wrappers: their
/// prototypes are checked, and each name C can call must exist, but there is no symbol to compare.
pub fn plan(model: &Model, header: &Header, dynamic: bool) -> Plan {
    let c = CNames::new(model, header);
    let mut plan = Plan { compare_addresses: !dynamic, ..Plan::default() };
    // Said even when there are none: no bitfield went unchecked.
    plan.skipped.insert(BITFIELDS, 0);
    records(model, &c, &mut plan);
    enums(model, &c, &mut plan);
    aliases(model, &c, &mut plan);
    constants(model, header, &c, &mut plan);
    functions(model, header, dynamic, &c, &mut plan);
    names(model, header, &mut plan);
    plan
}

/// The checks of the types the module `legacy` declares (`only`: their names), measured in a model
/// of the root's items and the module's: sizes, alignments, members, signedness and typedefs.
/// The module declares no function or constant.
pub fn plan_types(model: &Model, header: &Header, only: &BTreeSet<String>) -> Plan {
    let c = CNames::new(model, header);
    let mut all = Plan::default();
    records(model, &c, &mut all);
    enums(model, &c, &mut all);
    aliases(model, &c, &mut all);
    let ours = |item: &str| only.contains(item.split('.').next().unwrap_or(item));
    let mut plan = Plan { compare_addresses: false, ..Plan::default() };
    plan.checks = all.checks.into_iter().filter(|check| ours(&check.item)).collect();
    plan.findings = all.findings.into_iter().filter(|f| ours(&f.item)).collect();
    plan
}

/// Structs and unions: size and alignment, then each member's offset and size.
fn records(model: &Model, c: &CNames, plan: &mut Plan) {
    for record in &model.records {
        if record.opaque {
            *plan.skipped.entry(OPAQUE).or_default() += 1;
            continue;
        }
        let Some(ty) = c.name(&record.name) else {
            *plan.skipped.entry(ANONYMOUS).or_default() += 1;
            continue;
        };
        layout(&record.name, ty, plan);
        members(model, c, record, &record.name, &[], "", plan);
    }
}

fn layout(rust: &str, c: &str, plan: &mut Plan) {
    plan.check("size", rust, CValue::Int(format!("sizeof({c})")), format!("::core::mem::size_of::<b::{rust}>() as i128"));
    plan.check("align", rust, CValue::Int(format!("_Alignof({c})")), format!("::core::mem::align_of::<b::{rust}>() as i128"));
}

/// The members of `record`, as C reaches them from `outer`: directly, and through anonymous
/// members, whose own members C names as if they were the parent's. `offsets` holds the Rust
/// offsets of the anonymous members on the way; `place` their path.
fn members(model: &Model, c: &CNames, record: &Record, outer: &str, offsets: &[String], place: &str, plan: &mut Plan) {
    let outer_c = c.name(outer).expect("records() checks only records C can name");
    for field in &record.fields {
        let mut offsets = offsets.to_vec();
        offsets.push(format!("::core::mem::offset_of!(b::{}, {})", record.name, field.rust));
        let place = format!("{place}.{}", field.rust);
        match field.kind {
            FieldKind::Bitfield => *plan.skipped.entry(BITFIELDS).or_default() += 1,
            FieldKind::Padding => *plan.skipped.entry(PADDING).or_default() += 1,
            FieldKind::Anonymous => match model.class(&field.ty) {
                Class::Record(inner) => {
                    let inner = model.record(&inner).expect("class() found it");
                    members(model, c, inner, outer, &offsets, &place, plan);
                }
                _ => panic!("{outer}: anonymous member {} is not a struct or union", field.rust),
            },
            FieldKind::Named => {
                let item = format!("{outer}.{}", field.c);
                plan.check(
                    "offset",
                    &item,
                    CValue::Int(format!("offsetof({outer_c}, {})", field.c)),
                    format!("({}) as i128", offsets.join(" + ")),
                );
                plan.check(
                    "fieldsize",
                    &item,
                    CValue::Int(format!("sizeof((({outer_c} *)0)->{})", field.c)),
                    format!(
                        "{{ let u = ::core::mem::MaybeUninit::<b::{outer}>::uninit(); \
                         ::libcuda_sys_systest::size_of_pointee(unsafe {{ ::core::ptr::addr_of!((*u.as_ptr()){place}) }}) }} as i128"
                    ),
                );
                let c_type = c.decl(model, &field.ty, "");
                plan.check(
                    "fieldtype",
                    &item,
                    CValue::Int(format!("__builtin_types_compatible_p(__typeof__((({outer_c} *)0)->{}), {c_type})", field.c)),
                    "1".to_string(),
                );
            }
        }
    }
}

/// Newtype enums against their C enum: size, alignment, signedness.
fn enums(model: &Model, c: &CNames, plan: &mut Plan) {
    for (name, inner) in &model.newtypes {
        let Some(ty) = c.name(name) else {
            *plan.skipped.entry(ANONYMOUS_ENUMS).or_default() += 1;
            continue;
        };
        layout(name, ty, plan);
        if let Class::Arithmetic(prim) = model.class(inner) {
            plan.check("signed", name, signed_c(ty), signed_rust(&prim));
        }
    }
}

/// Type aliases against their C typedef: size, alignment, signedness for arithmetic types, and
/// whether the C typedef is the type the Rust alias spells (pointee types, prototypes of
/// function-pointer typedefs included).
///
/// A Rust function pointer (`Option<unsafe extern "C" fn ...>`) may stand for a C typedef of a
/// function type (`typedef VdpStatus VdpGetProcAddress(...)` in vdpau.h), which Rust cannot
/// spell: C's parameters of that type are pointers. Such an alias is compared with the type the C
/// typedef has as a value, `1 ? *(T *)0 : *(T *)0`, which is the function pointer for a function
/// type and the typedef itself for a function-pointer type.
fn aliases(model: &Model, c: &CNames, plan: &mut Plan) {
    for (name, target) in &model.aliases {
        let class = model.class(target);
        let complete = !matches!(&class, Class::Record(r) if model.record(r).is_some_and(|r| r.opaque));
        // A typedef, or a struct tag C puts in file scope (`struct CUstreamMemOpWaitValueParams_st`).
        let c_name = c.name(name).unwrap_or(name);
        let decayed = format!("__typeof__(1 ? *({c_name} *)0 : *({c_name} *)0)");
        let c_name = if option_fn(target).is_some() { decayed.as_str() } else { c_name };
        if complete {
            plan.check("size", name, CValue::Int(format!("sizeof({c_name})")), format!("::core::mem::size_of::<b::{name}>() as i128"));
            plan.check("align", name, CValue::Int(format!("_Alignof({c_name})")), format!("::core::mem::align_of::<b::{name}>() as i128"));
        }
        if let Some(prim) = arithmetic(model, &class) {
            plan.check("signed", name, signed_c(c_name), signed_rust(&prim));
        }
        let c_type = c.decl(model, target, "");
        plan.check("typedef", name, CValue::Int(format!("__builtin_types_compatible_p({c_name}, {c_type})")), "1".to_string());
    }
}

/// Constants: the value C gives the macro or enumerator, and for typed constants (`CUdevice`,
/// `CUstream`, `*mut c_void`) whether C's expression has that type.
fn constants(model: &Model, header: &Header, c: &CNames, plan: &mut Plan) {
    for constant in &model.consts {
        let name = &constant.name;
        if header.undefined.contains(name) {
            plan.findings.push(Finding {
                kind: "extra",
                item: name.clone(),
                message: "cuda.h #undefs this macro once it has used it: C code cannot name it, so Rust should not either".to_string(),
            });
            continue;
        }
        *plan.passed.entry("extra").or_default() += 1;
        let class = model.class(&constant.ty);
        let (c_value, rust_value) = match &class {
            Class::Arithmetic(_) => (CValue::Int(format!("({name})")), RustValue::Int(format!("b::{name} as i128"))),
            Class::Newtype(_) => (CValue::Int(format!("({name})")), RustValue::Int(format!("b::{name}.0 as i128"))),
            Class::Pointer => {
                (CValue::Pointer(format!("({name})")), RustValue::Pointer(format!("b::{name} as *const ::core::ffi::c_void")))
            }
            _ => {
                *plan.skipped.entry(OTHER_CONSTANTS).or_default() += 1;
                continue;
            }
        };
        plan.checks.push(Check { kind: "value", item: name.clone(), c: c_value, rust: rust_value });
        // An enumerator has type `int` in C whatever its enum: only casting macros have a type to compare.
        let aliased = path_name(&constant.ty).is_some_and(|(n, local)| local && model.alias(&n).is_some());
        let typed = matches!(&constant.ty, Type::Ptr(_)) || (aliased && !matches!(class, Class::Newtype(_)));
        if typed {
            let c_type = c.decl(model, &constant.ty, "");
            plan.check(
                "consttype",
                name,
                CValue::Int(format!("__builtin_types_compatible_p(__typeof__({name}), {c_type})")),
                "1".to_string(),
            );
        }
    }
}

/// Each function: its Rust prototype, written in C, must accept the C function. That is every
/// `extern "C"` declaration (a library symbol), the Rust function standing for each function
/// cuda.h defines inline, and with dynamic loading the Rust wrapper of each library function.
fn functions(model: &Model, header: &Header, dynamic: bool, c: &CNames, plan: &mut Plan) {
    for (i, f) in model.functions.iter().chain(&model.definitions).enumerate() {
        let is_extern = i < model.functions.len();
        let library = header.declared.contains(&f.name);
        let inline = header.is_inline(&f.name);
        if is_extern && !library && !(inline && f.wraps_inline) {
            let message = if inline {
                "Rust declares this function extern; cuda.h defines it inline and the library has no such symbol"
            } else {
                "Rust declares this function; cuda.h does not"
            };
            plan.findings.push(Finding { kind: "prototype", item: f.name.clone(), message: message.to_string() });
            continue;
        }
        let stands_for_c_function = is_extern || inline || (dynamic && library);
        if !stands_for_c_function {
            continue;
        }
        *plan.passed.entry("prototype").or_default() += 1;
        let pointer = c.function(model, &f.params, f.variadic, f.ret.as_ref(), &format!("(*const libcuda_sys_systest_fn_{i})"));
        plan.prototypes.push(Prototype {
            name: f.name.clone(),
            c: format!("static {pointer} __attribute__((unused)) = &{};", f.name),
            shadowed: header.renames.contains_key(&f.name),
        });
    }
}

/// Every name C can call a function by must name, in Rust, the same function: the same library
/// symbol (compared by address, C's `&name` against Rust's `name`), or for a function cuda.h
/// defines inline, the Rust item of that function's name. And every function name Rust offers
/// must be one C can call.
fn names(model: &Model, header: &Header, plan: &mut Plan) {
    plan.declared = header.declared.len() + header.inline.len();
    plan.documented = header.documented().count();
    let rust: BTreeSet<&str> = model.function_names().collect();
    for (name, target) in header.callable() {
        plan.callable += 1;
        let calls = if name == target { String::new() } else { format!(" (it calls {target})") };
        let inline = header.is_inline(target);
        let missing = if !rust.contains(name) {
            Some(("missing", format!("C code can call this name{calls}; Rust has no item of that name")))
        } else if inline && !rust.contains(target) {
            *plan.passed.entry("missing").or_default() += 1;
            Some(("inline", format!("C calls cuda.h's inline {target} by this name; Rust has no {target} for it to be")))
        } else {
            *plan.passed.entry("missing").or_default() += 1;
            None
        };
        match missing {
            Some((kind, message)) => plan.findings.push(Finding { kind, item: name.to_string(), message }),
            None => plan.names.push(Name { name: name.to_string(), target: target.to_string(), inline }),
        }
    }
    let callable: BTreeSet<&str> = header.callable().map(|(n, _)| n).collect();
    for name in rust {
        if callable.contains(name) {
            *plan.passed.entry("extra").or_default() += 1;
            continue;
        }
        plan.findings.push(Finding {
            kind: "extra",
            item: name.to_string(),
            message: "Rust offers this function name; C code including cuda.h cannot call it".to_string(),
        });
    }
}

impl Plan {
    fn check(&mut self, kind: &'static str, item: &str, c: CValue, rust: String) {
        self.checks.push(Check { kind, item: item.to_string(), c, rust: RustValue::Int(rust) });
    }
}

fn signed_c(ty: &str) -> CValue {
    CValue::Int(format!("(({ty})-1 < ({ty})0)"))
}

fn signed_rust(prim: &str) -> String {
    format!("<{prim} as ::libcuda_sys_systest::Arithmetic>::SIGNED as i128")
}

/// The primitive behind an arithmetic class (a newtype enum's wrapped integer included).
fn arithmetic(model: &Model, class: &Class) -> Option<String> {
    match class {
        Class::Arithmetic(prim) => Some(prim.clone()),
        Class::Newtype(n) => match model.class(&model.newtypes[n]) {
            Class::Arithmetic(prim) => Some(prim),
            _ => None,
        },
        _ => None,
    }
}

/// How C names each Rust struct, union and newtype enum.
pub struct CNames {
    names: BTreeMap<String, String>,
}

impl CNames {
    fn new(model: &Model, header: &Header) -> CNames {
        let mut names = BTreeMap::new();
        // Types of anonymous members: C has no name for them, and needs none.
        let anonymous: BTreeSet<String> = model
            .records
            .iter()
            .flat_map(|r| r.fields.iter().filter(|f| f.kind == FieldKind::Anonymous))
            .filter_map(|f| path_name(&f.ty).map(|(n, _)| n))
            .collect();
        // Tags first: `struct CUDA_MEMCPY2D_st`, `union CUstreamBatchMemOpParams_union`, `enum cudaError_enum`.
        for record in &model.records {
            // The tag as C declares it, whatever Rust made of the record.
            if let Some(&tag @ ("struct" | "union")) = header.tags.get(&record.name) {
                names.insert(record.name.clone(), format!("{tag} {}", record.name));
            }
        }
        // Aliases under a struct or union tag: C names the type by the tag.
        for (alias, _) in &model.aliases {
            if let Some(kind @ (&"struct" | &"union")) = header.tags.get(alias) {
                names.entry(alias.clone()).or_insert(format!("{kind} {alias}"));
            }
        }
        for name in model.newtypes.keys() {
            if header.tags.get(name) == Some(&"enum") {
                names.insert(name.clone(), format!("enum {name}"));
            } else if !name.starts_with("_bindgen_ty_") {
                // `typedef enum { ... } CUdevResourceType;`: bindgen names it after the typedef.
                names.insert(name.clone(), name.clone());
            }
        }
        // Then the types of their named members.
        let mut c = CNames { names };
        c.follow_members(model, &anonymous);
        // What is left has no tag and is no member's type: a `typedef struct { ... } X;`.
        for record in &model.records {
            if !c.names.contains_key(&record.name) && !anonymous.contains(&record.name) && !record.name.contains("__bindgen_ty_") {
                c.names.insert(record.name.clone(), record.name.clone());
            }
        }
        c.follow_members(model, &anonymous);
        c
    }

    /// A record without a tag that is the type of a named member is `__typeof__` that
    /// member: `res` in `struct CUDA_RESOURCE_DESC_st { ... union { ... } res; }`.
    fn follow_members(&mut self, model: &Model, anonymous: &BTreeSet<String>) {
        let mut queue: VecDeque<String> = self.names.keys().cloned().collect();
        while let Some(name) = queue.pop_front() {
            let Some(record) = model.record(&name) else { continue };
            let outer = self.names[&name].clone();
            let mut fields: Vec<&crate::model::Field> = record.fields.iter().collect();
            while let Some(field) = fields.pop() {
                match field.kind {
                    FieldKind::Anonymous => {
                        if let Some(inner) = path_name(&field.ty).and_then(|(n, _)| model.record(&n)) {
                            fields.extend(inner.fields.iter());
                        }
                    }
                    FieldKind::Named => self.reach(model, anonymous, &field.ty, format!("(({outer} *)0)->{}", field.c), &mut queue),
                    _ => {}
                }
            }
        }
    }

    fn reach(&mut self, model: &Model, anonymous: &BTreeSet<String>, ty: &Type, expr: String, queue: &mut VecDeque<String>) {
        match ty {
            Type::Array(a) => self.reach(model, anonymous, &a.elem, format!("{expr}[0]"), queue),
            Type::Ptr(p) => self.reach(model, anonymous, &p.elem, format!("(*{expr})"), queue),
            _ => {
                let Some((name, true)) = path_name(ty) else { return };
                let known = model.record(&name).is_some() || model.newtypes.contains_key(&name);
                if known && !self.names.contains_key(&name) && !anonymous.contains(&name) {
                    self.names.insert(name.clone(), format!("__typeof__({expr})"));
                    queue.push_back(name);
                }
            }
        }
    }

    pub fn name(&self, rust: &str) -> Option<&str> {
        self.names.get(rust).map(String::as_str)
    }

    /// The C declaration of `declarator` with Rust type `ty` (`decl(*const *mut c_char, "p")` is
    /// `char *const *p`); an empty declarator gives the type name.
    pub fn decl(&self, model: &Model, ty: &Type, declarator: &str) -> String {
        self.decl_qualified(model, ty, false, declarator)
    }

    fn decl_qualified(&self, model: &Model, ty: &Type, is_const: bool, d: &str) -> String {
        let q = if is_const { "const " } else { "" };
        if let Some(f) = option_fn(ty) {
            return self.bare_fn(model, f, &format!("(*{q}{d})"));
        }
        match ty {
            Type::Ptr(p) => {
                self.decl_qualified(model, &p.elem, matches!(p.mutability, syn::PointerMutability::Const(_)), &format!("*{q}{d}"))
            }
            Type::Array(a) => {
                let len = quote::ToTokens::to_token_stream(&a.len).to_string().trim_end_matches("usize").trim().to_string();
                let d = if d.starts_with('*') { format!("({d})") } else { d.to_string() };
                self.decl_qualified(model, &a.elem, is_const, &format!("{d}[{len}]"))
            }
            Type::Paren(p) => self.decl_qualified(model, &p.elem, is_const, d),
            Type::FnPtr(f) => self.bare_fn(model, f, &format!("(*{q}{d})")),
            Type::Tuple(t) if t.elems.is_empty() => format!("{q}void {d}").trim_end().to_string(),
            _ => format!("{q}{} {d}", self.base(model, ty)).trim_end().to_string(),
        }
    }

    fn bare_fn(&self, model: &Model, f: &syn::TypeFnPtr, d: &str) -> String {
        let params: Vec<Type> = f.inputs.iter().map(|a| a.ty.clone()).collect();
        let ret = match &f.output {
            syn::ReturnType::Default => None,
            syn::ReturnType::Type(_, t) => Some((**t).clone()),
        };
        self.function(model, &params, f.variadic.is_some(), ret.as_ref(), d)
    }

    /// A function declarator: `RET d(PARAMS)`.
    fn function(&self, model: &Model, params: &[Type], variadic: bool, ret: Option<&Type>, d: &str) -> String {
        let mut list: Vec<String> = params.iter().map(|t| self.decl(model, t, "")).collect();
        if variadic {
            list.push("...".to_string());
        }
        let list = if list.is_empty() { "void".to_string() } else { list.join(", ") };
        let inner = format!("{d}({list})");
        match ret {
            None => format!("void {inner}"),
            Some(t) => self.decl(model, t, &inner),
        }
    }

    /// A type name without declarator parts: a primitive, a tag, a typedef.
    fn base(&self, model: &Model, ty: &Type) -> String {
        let Some((name, local)) = path_name(ty) else {
            return quote::ToTokens::to_token_stream(ty).to_string();
        };
        if !local {
            return c_primitive(&name).unwrap_or(&name).to_string();
        }
        match self.names.get(&name) {
            Some(c) => c.clone(),
            // An alias is a typedef of the same name; an opaque struct has its tag.
            None if model.record(&name).is_some() => format!("struct {name}"),
            None => name,
        }
    }
}

/// The C file: every check as one line, so that a diagnostic's line number says which check the
/// compiler rejected. Returns the text and, per line, the check it holds.
pub fn c_source(plan: &Plan, tag: &str, headers: &Headers, excluded: &BTreeSet<Line>) -> (String, Vec<Option<Line>>) {
    let mut text = String::new();
    let mut lines: Vec<Option<Line>> = Vec::new();
    let mut push = |text: &mut String, line: String, origin: Option<Line>| {
        if origin.is_some_and(|o| excluded.contains(&o)) {
            return;
        }
        text.push_str(&line);
        text.push('\n');
        lines.push(origin);
    };
    for line in [
        "/* Generated by libcuda-sys-systest's build script: one check per line. */",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "struct libcuda_sys_systest_value { const char *kind; const char *item; unsigned long long bits; int negative; };",
        "struct libcuda_sys_systest_address { const char *name; const void *address; };",
        "/* Prototypes: the Rust signature, written in C, must accept the C function. */",
    ] {
        push(&mut text, line.to_string(), None);
    }
    // cuda.h and every header bound with it, as the bindings read them.
    push(&mut text, format!("#include \"{}\"", headers.wrapper.display()), None);
    for (i, p) in plan.prototypes.iter().enumerate() {
        if p.shadowed {
            push(&mut text, format!("#pragma push_macro(\"{}\")", p.name), None);
            push(&mut text, format!("#undef {}", p.name), None);
        }
        push(&mut text, p.c.clone(), Some(Line::Prototype(i)));
        if p.shadowed {
            push(&mut text, format!("#pragma pop_macro(\"{}\")", p.name), None);
        }
    }
    push(&mut text, "static const struct libcuda_sys_systest_value values[] = {".to_string(), None);
    for (i, check) in plan.checks.iter().enumerate() {
        let (bits, negative) = match &check.c {
            CValue::Int(e) => (format!("(unsigned long long)({e})"), format!("({e}) < 0")),
            CValue::Pointer(e) => (format!("(unsigned long long)(uintptr_t)({e})"), "0".to_string()),
        };
        push(&mut text, format!("{{ \"{}\", \"{}\", {bits}, {negative} }},", check.kind, check.item), Some(Line::Check(i)));
    }
    push(&mut text, "{ 0, 0, 0, 0 } };".to_string(), None);
    push(&mut text, "static const struct libcuda_sys_systest_address addresses[] = {".to_string(), None);
    for (i, n) in plan.names.iter().enumerate().filter(|(_, n)| !n.inline) {
        push(&mut text, format!("{{ \"{}\", (const void *)&{} }},", n.name, n.name), Some(Line::Name(i)));
    }
    push(&mut text, "{ 0, 0 } };".to_string(), None);
    push(&mut text, format!("const struct libcuda_sys_systest_value *libcuda_sys_systest_{tag}_values(void) {{ return values; }}"), None);
    push(
        &mut text,
        format!("const struct libcuda_sys_systest_address *libcuda_sys_systest_{tag}_addresses(void) {{ return addresses; }}"),
        None,
    );
    (text, lines)
}

/// Which check a line of the C file holds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Line {
    Prototype(usize),
    Check(usize),
    Name(usize),
}

impl Plan {
    /// What a rejected line was about: (check, item).
    pub fn describe(&self, line: Line) -> (&'static str, String) {
        match line {
            Line::Prototype(i) => ("prototype", self.prototypes[i].name.clone()),
            Line::Check(i) => (self.checks[i].kind, self.checks[i].item.clone()),
            Line::Name(i) => ("symbol", self.names[i].name.clone()),
        }
    }
}

/// The Rust file: the same checks, measured on the Rust declarations that `module` brings in as
/// `b`, the tables the test compares with the C ones, and the findings (the plan's and the C
/// compiler's `rejected`).
pub fn rust_source(plan: &Plan, tag: &str, module: &str, release: &str, view: View, rejected: &[Finding]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "// Generated by libcuda-sys-systest's build script. Do not edit.\n{module}");
    let _ = writeln!(
        out,
        "extern \"C\" {{\n    fn libcuda_sys_systest_{tag}_values() -> *const ::libcuda_sys_systest::CValue;\n    \
         fn libcuda_sys_systest_{tag}_addresses() -> *const ::libcuda_sys_systest::CAddress;\n}}"
    );
    let _ = writeln!(out, "fn c_values() -> *const ::libcuda_sys_systest::CValue {{ unsafe {{ libcuda_sys_systest_{tag}_values() }} }}");
    let _ = writeln!(
        out,
        "fn c_addresses() -> *const ::libcuda_sys_systest::CAddress {{ unsafe {{ libcuda_sys_systest_{tag}_addresses() }} }}"
    );
    let _ = writeln!(out, "pub static CHECKS: ::libcuda_sys_systest::Checks = ::libcuda_sys_systest::Checks {{");
    let view = view.module().unwrap_or_default();
    let _ = writeln!(out, "release: {release:?}, view: {view:?}, compare_addresses: {},", plan.compare_addresses);
    let _ = writeln!(
        out,
        "names: ::libcuda_sys_systest::Names {{ callable: {}, declared: {}, documented: {} }},",
        plan.callable, plan.declared, plan.documented
    );
    // Prototypes the C compiler rejected are findings, not passes.
    let mut passed = plan.passed.clone();
    let rejected_prototypes = rejected.iter().filter(|f| f.kind == "prototype").count();
    passed.entry("prototype").and_modify(|n| *n -= rejected_prototypes);
    let _ = writeln!(out, "passed: &{:?},", passed.into_iter().collect::<Vec<_>>());
    let _ = writeln!(out, "skipped: &[");
    for (reason, n) in &plan.skipped {
        let _ = writeln!(out, "({reason:?}, {n}),");
    }
    let _ = writeln!(out, "],\nvalues: &[");
    for check in &plan.checks {
        let value = match &check.rust {
            RustValue::Int(e) => format!("::libcuda_sys_systest::Val::Int({e})"),
            RustValue::Pointer(e) => format!("::libcuda_sys_systest::Val::Pointer({e})"),
        };
        let _ = writeln!(out, "::libcuda_sys_systest::Value {{ kind: {:?}, item: {:?}, value: {value} }},", check.kind, check.item);
    }
    let _ = writeln!(out, "],\naddresses: &[");
    for n in &plan.names {
        let expected = if n.inline { format!("Some(b::{} as *const ::core::ffi::c_void)", n.target) } else { "None".to_string() };
        let _ = writeln!(
            out,
            "::libcuda_sys_systest::Address {{ name: {:?}, target: {:?}, address: b::{} as *const ::core::ffi::c_void, rust_target: {expected} }},",
            n.name, n.target, n.name
        );
    }
    let _ = writeln!(out, "],\nc_values, c_addresses,\nfindings: &[");
    for f in plan.findings.iter().chain(rejected) {
        let _ = writeln!(out, "::libcuda_sys_systest::Finding {{ kind: {:?}, item: {:?}, message: {:?} }},", f.kind, f.item, f.message);
    }
    let _ = writeln!(out, "],\n}};");
    out
}
