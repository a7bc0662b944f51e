//! The ABI check of libcuda-sys against the C compiler: the comparison the test binaries run.
//!
//! The build script generates, for the `cuda.h` libcuda-sys was built from, one C table and one
//! Rust table of the same checks (sizes, alignments, member offsets, sizes and types, signedness,
//! type identity, constant values and types), the addresses of every function name C can call,
//! and the comparisons decided at build time (prototypes the C compiler accepted or rejected,
//! names only one side has). [`run`] joins the tables, counts every comparison by its kind
//! ([`KINDS`]) and reports every difference; see the README.

use core::ffi::{c_char, c_int, c_void, CStr};
use std::collections::BTreeMap;
use std::fmt;

/// One measurement on the Rust side.
pub struct Value {
    pub kind: &'static str,
    pub item: &'static str,
    pub value: Val,
}

pub enum Val {
    Int(i128),
    Pointer(*const c_void),
}

/// A Rust item's address, by a name C can call.
pub struct Address {
    pub name: &'static str,
    /// The function C calls by that name.
    pub target: &'static str,
    pub address: *const c_void,
    /// For a function cuda.h defines inline (no library symbol): the address of Rust's item of
    /// that function's name, which `address` must equal. Otherwise compared with C's `&name`.
    pub rust_target: Option<*const c_void>,
}

// The tables are immutable data; the pointers are addresses to compare, never dereferenced.
unsafe impl Sync for Value {}
unsafe impl Sync for Address {}

/// One measurement on the C side (`struct libcuda_sys_systest_value`).
#[repr(C)]
pub struct CValue {
    pub kind: *const c_char,
    pub item: *const c_char,
    pub bits: u64,
    pub negative: c_int,
}

/// `struct libcuda_sys_systest_address`.
#[repr(C)]
pub struct CAddress {
    pub name: *const c_char,
    pub address: *const c_void,
}

/// A mismatch decided at build time.
pub struct Finding {
    pub kind: &'static str,
    pub item: &'static str,
    pub message: &'static str,
}

/// Every kind of check, in the order the `abi` line counts them. Each mismatch is reported under
/// exactly one of them.
pub const KINDS: &[&str] = &[
    // Structs, unions, newtype enums and type aliases: `sizeof`, `_Alignof`.
    "size",
    "align",
    // Each member: `offsetof`, `sizeof`, and its type against the C type the Rust member spells.
    "offset",
    "fieldsize",
    "fieldtype",
    // Arithmetic aliases and newtype enums: `(T)-1 < (T)0`.
    "signed",
    // A type alias against its C typedef (`__builtin_types_compatible_p`).
    "typedef",
    // A constant's value, and for typed constants (casting macros) its C expression's type.
    "value",
    "consttype",
    // A Rust prototype, written in C, must accept the C function (`-Werror`).
    "prototype",
    // A name C can call: the same library symbol in Rust; or, for a function cuda.h defines
    // inline, Rust's item of that function's name.
    "symbol",
    "inline",
    // A name C can call that Rust lacks; a name Rust offers that C cannot use.
    "missing",
    "extra",
];

/// The variable that disables check kinds (comma-separated), honoured by the planted test only:
/// its self-test runs the planted check once per kind with that kind disabled, and requires each
/// run to fail.
pub const DISABLE_VARIABLE: &str = "LIBCUDA_SYS_SYSTEST_DISABLE";

pub struct Names {
    /// Names C can call a function by.
    pub callable: usize,
    /// Functions cuda.h declares or defines.
    pub declared: usize,
    /// Documented names (macros) that map to them.
    pub documented: usize,
}

/// Everything the build script generated for one set of bindings.
pub struct Checks {
    /// `13.0`, from `DEP_CUDA_VERSION`.
    pub release: &'static str,
    /// The module checked: `per_thread` (against C with `CUDA_API_PER_THREAD_DEFAULT_STREAM`),
    /// `legacy` (its types, against C with `__CUDA_API_VERSION_INTERNAL`), or empty (the crate root).
    pub view: &'static str,
    /// False with the crate's dynamic-loading feature: Rust's functions are wrappers that find
    /// the library's symbol at run time, so each name is checked to exist, not compared.
    pub compare_addresses: bool,
    pub names: Names,
    /// Comparisons the build script made that passed, by kind: prototypes the C compiler
    /// accepted, names found on both sides. (Those that failed are among the findings.)
    pub passed: &'static [(&'static str, usize)],
    pub skipped: &'static [(&'static str, usize)],
    pub values: &'static [Value],
    pub addresses: &'static [Address],
    /// The C tables, each ended by an entry whose first pointer is null.
    pub c_values: fn() -> *const CValue,
    pub c_addresses: fn() -> *const CAddress,
    pub findings: &'static [Finding],
}

/// A planted error (planted test only).
pub struct Plant {
    pub what: &'static str,
    /// The kind of check that must report it, on `item`.
    pub kind: &'static str,
    pub item: &'static str,
    /// Other kinds it cannot help failing too (a member's size changed changes its type).
    pub also: &'static [&'static str],
    /// Items whose checks of `kind` or `also` may fail because of it (`S` covers the members `S.f`).
    pub affected: &'static [&'static str],
}

/// Rust's answer to C's `(T)-1 < (T)0`.
pub trait Arithmetic {
    const SIGNED: bool;
}

macro_rules! arithmetic {
    ($($t:ty: $signed:expr),*) => { $(impl Arithmetic for $t { const SIGNED: bool = $signed; })* };
}
arithmetic!(u8: false, u16: false, u32: false, u64: false, u128: false, usize: false, i8: true, i16: true, i32: true, i64: true, i128: true, isize: true, f32: true, f64: true);

/// The size of what `_` points to: with `addr_of!((*p).member)`, the size of a member.
pub const fn size_of_pointee<T>(_: *const T) -> usize {
    core::mem::size_of::<T>()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub kind: String,
    pub item: String,
    pub detail: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mismatch: {} {}: {}", self.kind, self.item, self.detail)
    }
}

pub struct Report {
    pub mismatches: Vec<Mismatch>,
    /// Comparisons made, by kind: every kind of [`KINDS`], in that order.
    pub compared: Vec<(&'static str, usize)>,
    /// Names compared by address, and how many of them differ.
    pub names: usize,
    pub names_differ: usize,
    label: String,
    names_line: String,
    skipped: String,
}

impl Report {
    /// The summary lines, then every mismatch.
    pub fn print(&self) {
        let total: usize = self.compared.iter().map(|(_, n)| n).sum();
        let by_kind: Vec<String> = self.compared.iter().map(|(kind, n)| format!("{kind} {n}")).collect();
        println!("abi {}: {total} comparisons, {} mismatches ({})", self.label, self.mismatches.len(), by_kind.join(", "));
        // The module `legacy` declares types only: no name to call.
        if self.names > 0 || self.names_differ > 0 {
            println!("names {}: {}", self.label, self.names_line);
        }
        if !self.skipped.is_empty() {
            println!("skipped {}: {}", self.label, self.skipped);
        }
        for m in &self.mismatches {
            println!("{m}");
        }
    }

    /// How many comparisons of `kind` were made.
    pub fn compared(&self, kind: &str) -> usize {
        self.compared.iter().find(|(k, _)| *k == kind).map_or(0, |(_, n)| *n)
    }
}

/// Joins the C and the Rust tables and lists every difference.
pub fn run(checks: &Checks) -> Report {
    run_without(checks, &[])
}

/// [`run`], with the checks of the `disabled` kinds left out: neither made nor counted. For the
/// planted test's self-test only.
pub fn run_without(checks: &Checks, disabled: &[&str]) -> Report {
    let enabled = |kind: &str| !disabled.contains(&kind);
    let mut compared: BTreeMap<&str, usize> = BTreeMap::new();
    let mut count = |kind: &'static str| *compared.entry(kind).or_default() += 1;
    let findings = checks.findings.iter().filter(|f| enabled(f.kind));
    let mut mismatches: Vec<Mismatch> = findings
        .map(|f| {
            count(f.kind);
            Mismatch { kind: f.kind.to_string(), item: f.item.to_string(), detail: f.message.to_string() }
        })
        .collect();
    let rejected: Vec<(&str, &str)> = checks.findings.iter().map(|f| (f.kind, f.item)).collect();

    // Values.
    let mut c_values: BTreeMap<(String, String), i128> = BTreeMap::new();
    // SAFETY: the generated C table is ended by an entry whose `kind` is null.
    unsafe {
        let mut p = (checks.c_values)();
        while !(*p).kind.is_null() {
            let v = &*p;
            let value = if v.negative != 0 { v.bits as i64 as i128 } else { v.bits as i128 };
            c_values.insert((text(v.kind), text(v.item)), value);
            p = p.add(1);
        }
    }
    for v in checks.values {
        let c = c_values.remove(&(v.kind.to_string(), v.item.to_string()));
        if !enabled(v.kind) {
            continue;
        }
        let rust = match v.value {
            Val::Int(i) => i,
            Val::Pointer(p) => p as usize as i128,
        };
        let detail = match c {
            None if rejected.contains(&(v.kind, v.item)) => continue,
            Some(c) if c == rust => None,
            Some(c) => Some(show(v.kind, c, rust)),
            None => Some("no C counterpart".to_string()),
        };
        count(v.kind);
        if let Some(detail) = detail {
            mismatches.push(Mismatch { kind: v.kind.into(), item: v.item.into(), detail });
        }
    }
    for (kind, item) in c_values.into_keys() {
        match KINDS.iter().find(|k| **k == kind) {
            Some(k) if !enabled(k) => continue,
            Some(k) => count(k),
            None => {}
        }
        mismatches.push(Mismatch { kind, item, detail: "no Rust counterpart".into() });
    }

    // Symbols: what C calls by each name, against what the Rust item of that name is.
    let mut c_addresses: BTreeMap<String, usize> = BTreeMap::new();
    // SAFETY: the generated C table is ended by an entry whose `name` is null.
    unsafe {
        let mut p = (checks.c_addresses)();
        while !(*p).name.is_null() {
            c_addresses.insert(text((*p).name), (*p).address as usize);
            p = p.add(1);
        }
    }
    let by_address = checks.declared_by_address(&c_addresses);
    let name_of = |address: usize| by_address.get(&address).copied().unwrap_or("an address no declared function has");
    for a in checks.addresses {
        let rust = a.address as usize;
        let kind = if a.rust_target.is_some() { "inline" } else { "symbol" };
        if !enabled(kind) {
            continue;
        }
        let detail = match (a.rust_target, c_addresses.get(a.name)) {
            (Some(t), _) if t as usize == rust => None,
            (Some(_), _) => {
                Some(format!("C calls cuda.h's inline {}; the Rust item is not Rust's {} but {}", a.target, a.target, name_of(rust)))
            }
            (None, _) if !checks.compare_addresses => continue,
            (None, Some(&c)) if c == rust => None,
            (None, Some(&c)) => Some(format!("C calls {} ({c:#x}), the Rust item is {} ({rust:#x})", name_of(c), name_of(rust))),
            (None, None) if rejected.contains(&("symbol", a.name)) => continue,
            (None, None) => Some("no C counterpart".to_string()),
        };
        count(kind);
        if let Some(detail) = detail {
            mismatches.push(Mismatch { kind: kind.into(), item: a.name.into(), detail });
        }
    }
    for &(kind, n) in checks.passed.iter().filter(|(kind, _)| enabled(kind)) {
        *compared.entry(kind).or_default() += n;
    }
    let names_differ = mismatches.iter().filter(|m| matches!(m.kind.as_str(), "symbol" | "inline" | "missing")).count();

    let c = &checks.names;
    let label = checks.label();
    let names = c.callable;
    let names_line = if !enabled("symbol") || !enabled("inline") || !enabled("missing") {
        format!("{names} C-callable function names: not all compared (checks disabled: {})", disabled.join(", "))
    } else if names_differ == 0 && checks.compare_addresses {
        format!(
            "{names} C-callable function names ({} declared, {} documented names) resolve to the same symbol in Rust",
            c.declared, c.documented
        )
    } else if names_differ == 0 {
        format!(
            "{names} C-callable function names ({} declared, {} documented names) exist in Rust \
             (dynamic-loading: each finds its symbol at run time; addresses not compared)",
            c.declared, c.documented
        )
    } else {
        format!(
            "{names_differ} of {names} C-callable function names ({} declared, {} documented names) do not resolve to the same symbol in Rust",
            c.declared, c.documented
        )
    };
    // Every kind, in the order of KINDS; a kind the tables name but KINDS lacks, after them.
    let mut ordered: Vec<(&'static str, usize)> = KINDS.iter().map(|k| (*k, compared.remove(k).unwrap_or(0))).collect();
    ordered.extend(compared);
    Report {
        mismatches,
        compared: ordered,
        names,
        names_differ,
        skipped: checks.skipped.iter().map(|(why, n)| format!("{n} {why}")).collect::<Vec<_>>().join(", "),
        label,
        names_line,
    }
}

impl Checks {
    /// `13.0` for the crate root, `13.0 per_thread` for the module `per_thread`.
    pub fn label(&self) -> String {
        [self.release, self.view].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ")
    }

    /// Address → the function there, to name what a wrong name resolves to.
    fn declared_by_address(&self, c_addresses: &BTreeMap<String, usize>) -> BTreeMap<usize, &'static str> {
        let own = self.addresses.iter().filter(|a| a.name == a.target && a.rust_target.is_none());
        own.filter_map(|a| Some((*c_addresses.get(a.name)?, a.name))).collect()
    }
}

/// A C string of the generated tables.
///
/// # Safety
/// `p` points to a NUL-terminated string.
unsafe fn text(p: *const c_char) -> String {
    CStr::from_ptr(p).to_string_lossy().into_owned()
}

fn show(kind: &str, c: i128, rust: i128) -> String {
    match kind {
        "signed" => format!("C is {}, Rust is {}", signedness(c), signedness(rust)),
        "fieldtype" | "typedef" | "consttype" => "the C type differs from the type the Rust declaration spells".to_string(),
        _ => format!("C {c}, Rust {rust}"),
    }
}

fn signedness(v: i128) -> &'static str {
    if v != 0 {
        "signed"
    } else {
        "unsigned"
    }
}
