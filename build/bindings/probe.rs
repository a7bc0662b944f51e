//! What only the C preprocessor can say about cuda.h and the headers bound with it: its
//! `CUDA_VERSION`, the documented function names that their macros map to versioned symbols
//! (`cuCtxCreate` → `cuCtxCreate_v4`), the value and type of the macros that cast
//! (`CU_LAUNCH_PARAM_END ((void*)0x00)`), and the `PFN_*` names that cudaTypedefs.h maps to a
//! versioned type (`PFN_cuCtxCreate` → `PFN_cuCtxCreate_v3020`, before CUDA 13).
//!
//! Every object-like macro that the bound headers define is written into one C file after the
//! umbrella header that includes them all, and expanded with the target's C compiler (through the
//! `cc` crate), with the same defines the bindings are generated with. Nothing here is typed by
//! hand, so it is right for whichever release of the header is found.

use crate::find::bound::Bound;
use crate::shared::{directive_lines, INTERNAL_MACRO, PER_THREAD_MACRO};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// A macro of the form `((TYPE)LITERAL)`.
pub struct Cast {
    pub name: String,
    /// The C type inside the cast, as written (`void*`, `CUstream`, `CUdevice`).
    pub c_type: String,
    /// The integer literal, as written (`0x00`, `-1`).
    pub value: String,
    /// The macro's expansion, for the documentation.
    pub expansion: String,
}

pub struct Probe {
    /// `CUDA_VERSION` of the header (e.g. 13000 for 13.0).
    pub version: u32,
    /// Documented name → the identifier C calls instead; only names that the macros change.
    pub renames: Vec<(String, String)>,
    pub casts: Vec<Cast>,
    /// Macros the header defines and later `#undef`s: C code after `#include <cuda.h>` cannot
    /// name them, so neither can Rust.
    pub undefined: Vec<String>,
    /// Integer macros whose literals are unsigned (`(~0u)`), with whether they are 64-bit
    /// (`ul`, `ull`): C's type, which bindgen's evaluation loses.
    pub unsigned: Vec<(String, bool)>,
    /// Type names that a macro maps to another type (`#define PFN_cuInit PFN_cuInit_v2000`), with
    /// the type C then names: name → target.
    pub type_renames: Vec<(String, String)>,
    /// Functions the header defines itself (`static inline`) in this mode: with
    /// `CUDA_API_PER_THREAD_DEFAULT_STREAM`, `cuGetProcAddress_v2_ptsz` (12.x, 13.x) or
    /// `cuGetProcAddress_ptsz` (11.8), which add the per-thread flag. No library exports them.
    pub inline: Vec<String>,
    /// Their definitions, as the preprocessor gave them (name, text), for C that has no header.
    pub definitions: Vec<(String, String)>,
    /// Every `PFN_*` name of the preprocessed headers (the types of cudaTypedefs.h).
    pub pfn_types: BTreeSet<String>,
}

/// The `PFN_*` identifiers of preprocessed C text.
fn pfn_identifiers(text: &str) -> BTreeSet<String> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices("PFN_")
        .filter(|(at, _)| !text[..*at].ends_with(is_ident))
        .map(|(at, _)| text[at..].split(|c: char| !is_ident(c)).next().unwrap_or_default().to_string())
        .collect()
}

/// The `PFN_*` types the bound headers declare only with `__CUDA_API_VERSION_INTERNAL` defined
/// (cudaTypedefs.h's older ABIs, `PFN_cuCtxCreate_v2000`): those of the headers preprocessed with
/// the macro that `default` (the probe without it) has not.
pub fn legacy_pfn_types(bound: &Bound, default: &Probe, out_dir: &Path) -> Result<Vec<String>, String> {
    let expanded = preprocess(bound, &out_dir.join("probe_legacy.c"), bound.umbrella_text(), Some(INTERNAL_MACRO))?;
    Ok(pfn_identifiers(&expanded).into_iter().filter(|name| !default.pfn_types.contains(name)).collect())
}

/// `text`, written to `file`, through the target's C preprocessor with the bound headers' folders
/// and `define`.
fn preprocess(bound: &Bound, file: &Path, text: String, define: Option<&str>) -> Result<String, String> {
    fs::write(file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let mut build = cc::Build::new();
    build.includes(&bound.include_dirs).file(file).cargo_metadata(false).warnings(false);
    if let Some(define) = define {
        build.define(define, None);
    }
    let expanded = build.try_expand().map_err(|e| {
        format!("the C preprocessor failed on {} with the headers from {}: {e}", file.display(), bound.include_dirs[0].display())
    })?;
    Ok(String::from_utf8_lossy(&expanded).into_owned())
}

/// Names of the object-like macros that the header text defines, in order, without duplicates.
fn defined_macros(header: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (name, after) in directive_lines(header, "define") {
        // A function-like macro has '(' right after its name.
        if !after.starts_with('(') && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// The functions that preprocessed C text defines with `static` (cuda.h's `static inline`
/// wrappers, and whatever the system headers it includes define): the identifier before the
/// first `(` after the keyword, when the parameter list is followed by a body; with the
/// definition's text, from `static` to the body's closing brace (line markers left out).
fn static_functions(text: &str) -> Vec<(String, String)> {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut names: Vec<(String, String)> = Vec::new();
    for (at, keyword) in text.match_indices("static") {
        let rest = &text[at + keyword.len()..];
        if text[..at].ends_with(is_ident) || !rest.starts_with(char::is_whitespace) {
            continue;
        }
        // A declarator up to its parameter list; `;`, `=` or `{` first: a variable or a type.
        let Some(open) = rest.find(['(', ';', '=', '{']).filter(|&i| rest[i..].starts_with('(')) else { continue };
        let name = rest[..open].trim_end().rsplit(|c: char| !is_ident(c)).next().unwrap_or_default();
        let mut depth = 0usize;
        let close = rest[open..].char_indices().find_map(|(i, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => return None,
            }
            (depth == 0).then_some(open + i)
        });
        let Some(close) = close else { continue };
        let after = &rest[close + 1..];
        let Some(body) = after.trim_start().starts_with('{').then(|| close + 1 + after.len() - after.trim_start().len()) else { continue };
        let mut depth = 0usize;
        let end = rest[body..].char_indices().find_map(|(i, c)| {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => return None,
            }
            (depth == 0).then_some(body + i + 1)
        });
        let (Some(end), false) = (end, name.is_empty()) else { continue };
        if !names.iter().any(|(n, _)| n == name) {
            let definition: Vec<&str> = text[at..at + keyword.len() + end].lines().filter(|l| !l.trim_start().starts_with('#')).collect();
            names.push((name.to_string(), definition.join("\n")));
        }
    }
    names
}

fn is_function_name(name: &str) -> bool {
    name.len() > 2 && name.starts_with("cu") && name[2..].starts_with(|c: char| c.is_ascii_uppercase())
}

/// `PFN_` and then a function name: the function-pointer types of cudaTypedefs.h.
fn is_pfn_name(name: &str) -> bool {
    name.strip_prefix("PFN_").is_some_and(is_function_name)
}

/// The type suffix of the first unsigned integer literal in an expansion: `Some(is_64_bit)`.
fn unsigned_literal(expansion: &str) -> Option<bool> {
    expansion.split(|c: char| !c.is_ascii_alphanumeric()).find_map(|token| {
        let suffix_at = token.find(['u', 'U']).filter(|_| token.starts_with(|c: char| c.is_ascii_digit()))?;
        Some(token[suffix_at..].contains(['l', 'L']))
    })
}

/// Parses `((TYPE)LITERAL)` or `((TYPE)(LITERAL))`.
fn parse_cast(expansion: &str) -> Option<(String, String)> {
    let s: String = expansion.chars().filter(|c| !c.is_whitespace()).collect();
    let inner = s.strip_prefix("((")?.strip_suffix(')')?;
    let (ty, value) = inner.split_once(')')?;
    let value = value.trim_start_matches('(').trim_end_matches(')');
    let digits = value.strip_prefix('-').unwrap_or(value);
    let digits = digits.trim_end_matches(['u', 'U', 'l', 'L']);
    let is_literal = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")).map_or_else(
        || !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()),
        |hex| !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()),
    );
    let is_type = !ty.is_empty() && ty.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '*');
    (is_literal && is_type).then(|| (ty.to_string(), value.trim_end_matches(['u', 'U', 'l', 'L']).to_string()))
}

/// Expands every macro of the bound headers with the C compiler and reads back the answers; with
/// `per_thread`, as C does with `CUDA_API_PER_THREAD_DEFAULT_STREAM` defined.
pub fn expand(bound: &Bound, per_thread: bool, out_dir: &Path) -> Result<Probe, String> {
    let header_path = &bound.files[0];
    let mut macros: Vec<String> = Vec::new();
    for file in &bound.files {
        let text = fs::read_to_string(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        for name in defined_macros(&text) {
            if !macros.contains(&name) {
                macros.push(name);
            }
        }
    }
    let wanted: Vec<&String> = macros.iter().filter(|m| !m.starts_with("__")).collect();

    let mut src = bound.umbrella_text();
    for (i, name) in wanted.iter().enumerate() {
        src.push_str(&format!("libcuda_sys_probe_{i} = {name} ;\n"));
    }
    let file = out_dir.join(if per_thread { "probe_per_thread.c" } else { "probe.c" });
    let expanded = preprocess(bound, &file, src, per_thread.then_some(PER_THREAD_MACRO))?;

    let definitions = static_functions(&expanded);
    let inline = definitions.iter().map(|(name, _)| name.clone()).collect();
    let pfn_types = pfn_identifiers(&expanded);
    let mut probe = Probe {
        pfn_types,
        version: 0,
        renames: Vec::new(),
        casts: Vec::new(),
        undefined: Vec::new(),
        unsigned: Vec::new(),
        type_renames: Vec::new(),
        inline,
        definitions,
    };
    for line in expanded.lines() {
        let Some(rest) = line.trim_start().strip_prefix("libcuda_sys_probe_") else { continue };
        let Some((index, value)) = rest.split_once('=') else { continue };
        let Some(name) = index.trim().parse::<usize>().ok().and_then(|i| wanted.get(i)) else { continue };
        let value = value.trim().trim_end_matches(';').trim();
        if name.as_str() == "CUDA_VERSION" {
            probe.version = value.parse().map_err(|_| format!("CUDA_VERSION in {} expands to `{value}`", header_path.display()))?;
        } else if is_function_name(name) {
            let is_ident = !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if is_ident && value != name.as_str() {
                probe.renames.push((name.to_string(), value.to_string()));
            }
        } else if value == name.as_str() {
            probe.undefined.push(name.to_string());
        } else if is_pfn_name(name) {
            if is_pfn_name(value) {
                probe.type_renames.push((name.to_string(), value.to_string()));
            }
        } else if let Some((c_type, literal)) = parse_cast(value) {
            probe.casts.push(Cast { name: name.to_string(), c_type, value: literal, expansion: value.to_string() });
        } else if let Some(wide) = unsigned_literal(value) {
            probe.unsigned.push((name.to_string(), wide));
        }
    }
    if probe.version == 0 {
        return Err(format!("{} does not define CUDA_VERSION", header_path.display()));
    }
    Ok(probe)
}

/// A probe's answers for the passes' unit tests: `renames` and `type_renames` as name → target,
/// `inline` the functions the header defines itself.
#[cfg(test)]
pub fn test_probe(renames: &[(&str, &str)], type_renames: &[(&str, &str)], inline: &[&str]) -> Probe {
    let pairs = |list: &[(&str, &str)]| list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    Probe {
        version: 13000,
        renames: pairs(renames),
        casts: Vec::new(),
        undefined: Vec::new(),
        unsigned: Vec::new(),
        type_renames: pairs(type_renames),
        inline: inline.iter().map(|s| s.to_string()).collect(),
        definitions: Vec::new(),
        pfn_types: BTreeSet::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pfn_identifiers_are_whole_names() {
        let text = "typedef CUresult ( *PFN_cuInit_v2000)(unsigned int);\nx = PFN_cuInit_v2000 ;\nint MY_PFN_x; PFN_a";
        assert_eq!(pfn_identifiers(text).into_iter().collect::<Vec<_>>(), ["PFN_a", "PFN_cuInit_v2000"]);
    }

    #[test]
    fn casts() {
        assert_eq!(parse_cast("((void*)0x00)"), Some(("void*".into(), "0x00".into())));
        assert_eq!(parse_cast("((CUdevice)-2)"), Some(("CUdevice".into(), "-2".into())));
        assert_eq!(parse_cast("((CUstream)(0x2))"), Some(("CUstream".into(), "0x2".into())));
        assert_eq!(parse_cast("(1 << 3)"), None);
    }

    #[test]
    fn static_functions_are_definitions_only() {
        let text = "static int counter;\nstatic inline CUresult cuX_ptsz(const char *s, int (*f)(void)) {\n  return cuX(s, f);\n}\n\
                    extern CUresult cuY(int);\nstatic CUresult cuZ(int);\nint not_static(void) { return 0; }\n";
        let found = static_functions(text);
        assert_eq!(found.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["cuX_ptsz"]);
        assert_eq!(found[0].1, "static inline CUresult cuX_ptsz(const char *s, int (*f)(void)) {\n  return cuX(s, f);\n}");
    }

    #[test]
    fn unsigned_literals() {
        assert_eq!(unsigned_literal("(~0u)"), Some(false));
        assert_eq!(unsigned_literal("(1ULL << 40)"), Some(true));
        assert_eq!(unsigned_literal("0x1F"), None);
        assert_eq!(unsigned_literal("CU_X"), None);
    }
}
