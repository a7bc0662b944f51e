//! What the C compiler says cuda.h and the headers bound with it declare (the interop headers,
//! cudaProfiler.h: [`Headers`]), found without looking at the Rust bindings:
//! - the functions it declares, after its macros, and those it defines itself (`gcc -aux-info`);
//! - the documented names: object-like macros named `cu[A-Z]*` that expand to one of those
//!   functions (`cuCtxCreate` → `cuCtxCreate_v4`; `cuMemcpyHtoD` → `cuMemcpyHtoD_v2_ptds` with
//!   `CUDA_API_PER_THREAD_DEFAULT_STREAM`), as the preprocessor expands them;
//! - the struct, union and enum tags, to name the Rust records in C;
//! - the macros it `#undef`s once used.

use crate::inputs::Headers;
use crate::shared::directive_lines;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

pub struct Header {
    /// Functions cuda.h declares (the driver library's symbols), in the order of the header.
    pub declared: Vec<String>,
    /// Functions cuda.h defines itself (`static inline`): C calls them, the library has no such
    /// symbol. With `CUDA_API_PER_THREAD_DEFAULT_STREAM`, 12.x/13.x define
    /// `cuGetProcAddress_v2_ptsz` (which adds the per-thread flag) and map `cuGetProcAddress_v2`
    /// and `cuGetProcAddress` to it; 11.8 does the same with `cuGetProcAddress_ptsz`.
    pub inline: Vec<String>,
    /// Macros named like functions that expand to another function: name → the function C
    /// calls by that name. Most are documented names (`cuCtxCreate`); a few shadow a declared
    /// function (with per-thread streams, `cuGetProcAddress_v2` → `cuGetProcAddress_v2_ptsz`).
    pub renames: BTreeMap<String, String>,
    /// Tag → `struct`, `union` or `enum`.
    pub tags: BTreeMap<String, &'static str>,
    /// Macros cuda.h `#undef`s once it has used them: C code including it cannot name them.
    pub undefined: BTreeSet<String>,
}

impl Header {
    /// Every name C code can call a function by, with the function it calls: the declared
    /// functions, the header's own, then the documented names.
    pub fn callable(&self) -> impl Iterator<Item = (&str, &str)> {
        let own = self.declared.iter().chain(&self.inline).map(|f| (f.as_str(), self.renames.get(f).unwrap_or(f).as_str()));
        own.chain(self.documented())
    }

    /// Documented names: renames that are not themselves a function's name.
    pub fn documented(&self) -> impl Iterator<Item = (&str, &str)> {
        let own = |n: &str| self.declared.iter().chain(&self.inline).any(|f| f == n);
        self.renames.iter().filter(move |(n, _)| !own(n)).map(|(n, f)| (n.as_str(), f.as_str()))
    }

    pub fn is_inline(&self, function: &str) -> bool {
        self.inline.iter().any(|f| f == function)
    }
}

/// Which view of the header C compiles, and which part of the bindings is compared with it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The crate root, against C as it includes cuda.h.
    Root,
    /// The module `per_thread`, against C with `CUDA_API_PER_THREAD_DEFAULT_STREAM`.
    PerThread,
    /// The module `legacy`'s types, against C with `__CUDA_API_VERSION_INTERNAL`.
    Legacy,
}

impl View {
    /// The macro C defines for this view.
    pub fn define(self) -> Option<&'static str> {
        match self {
            View::Root => None,
            View::PerThread => Some(crate::shared::PER_THREAD_MACRO),
            View::Legacy => Some(crate::shared::INTERNAL_MACRO),
        }
    }

    /// The module of the bindings compared (none: the crate root).
    pub fn module(self) -> Option<&'static str> {
        match self {
            View::Root => None,
            View::PerThread => Some(crate::shared::PER_THREAD_MODULE),
            View::Legacy => Some(crate::shared::LEGACY_MODULE),
        }
    }
}

/// The C compiler, configured as the bindings were generated: the headers' folders, and the macro
/// of the `view`.
pub fn c_build(headers: &Headers, view: View) -> cc::Build {
    let mut build = cc::Build::new();
    // `warnings(false)` would pass `-w`, which silences the very diagnostics the check relies on.
    build.includes(&headers.include_dirs).cargo_metadata(false).extra_warnings(false);
    if let Some(define) = view.define() {
        build.define(define, None);
    }
    build
}

pub fn read(headers: &Headers, view: View, out_dir: &Path) -> Result<Header, String> {
    let dir = out_dir.join(view.module().map_or("header".to_string(), |m| format!("header-{m}")));
    let (declared, inline) = functions(headers, view, &dir)?;
    let mut text = String::new();
    for file in &headers.files {
        text.push_str(&read_text(file)?);
        text.push('\n');
    }
    let macros = function_like_names(&text);
    let undefs = directives(&text, "undef");

    // One preprocessor run answers three questions: the tags of the header, what each macro
    // expands to (`libcuda_sys_systest_macro_<i> <expansion>` lines after the header), and which
    // `#undef`-ed macros stay undefined (no `libcuda_sys_systest_defined_<i>` line).
    let mut probe = format!("#include \"{}\"\n", headers.wrapper.display());
    for (i, name) in macros.iter().enumerate() {
        probe.push_str(&format!("libcuda_sys_systest_macro_{i} {name}\n"));
    }
    for (i, name) in undefs.iter().enumerate() {
        probe.push_str(&format!("#ifdef {name}\nlibcuda_sys_systest_defined_{i}\n#endif\n"));
    }
    let file = write(&dir.join("macros.c"), &probe)?;
    let expanded =
        c_build(headers, view).file(&file).try_expand().map_err(|e| format!("the C preprocessor failed on {}: {e}", file.display()))?;
    let expanded = String::from_utf8_lossy(&expanded);

    let mut renames = BTreeMap::new();
    for line in expanded.lines() {
        let Some(rest) = line.trim().strip_prefix("libcuda_sys_systest_macro_") else { continue };
        let Some((index, expansion)) = rest.split_once(char::is_whitespace) else { continue };
        let Some(name) = index.parse::<usize>().ok().and_then(|i| macros.get(i)) else { continue };
        let expansion = expansion.trim();
        let is_function = |f: &String| f == expansion;
        if expansion != name && (declared.iter().any(is_function) || inline.iter().any(is_function)) {
            renames.insert(name.clone(), expansion.to_string());
        }
    }
    let still_defined: BTreeSet<&str> = expanded
        .lines()
        .filter_map(|l| l.trim().strip_prefix("libcuda_sys_systest_defined_")?.parse::<usize>().ok())
        .filter_map(|i| undefs.get(i).map(String::as_str))
        .collect();
    let undefined = undefs.iter().filter(|n| !still_defined.contains(n.as_str())).cloned().collect();
    Ok(Header { declared, inline, renames, tags: tags(&expanded), undefined })
}

/// `gcc -fsyntax-only -aux-info`: one line per function, with where it comes from and whether it
/// is declared (`NC`) or defined (`NF`): (declared, defined by the headers themselves). Functions
/// of the system headers the interop headers include (`glBufferData`) are not the crate's.
fn functions(headers: &Headers, view: View, dir: &Path) -> Result<(Vec<String>, Vec<String>), String> {
    let file = write(&dir.join("declared.c"), &format!("#include \"{}\"\n", headers.wrapper.display()))?;
    let aux = dir.join("declared.aux");
    let compiler = c_build(headers, view).get_compiler();
    let output = compiler
        .to_command()
        .arg("-fsyntax-only")
        .arg("-aux-info")
        .arg(&aux)
        .arg(&file)
        .output()
        .map_err(|e| format!("cannot run the C compiler {}: {e}", compiler.path().display()))?;
    if !output.status.success() {
        return Err(format!(
            "`{} -aux-info` failed (the check needs GCC for the list of declared functions):\n{}",
            compiler.path().display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    // `/* .../cuda.h:5207:NC */ extern CUresult cuInit (unsigned int);`
    let (mut declared, mut defined) = (Vec::new(), Vec::new());
    for line in read_text(&aux)?.lines() {
        let Some((origin, declaration)) = line.split_once("*/") else { continue };
        let origin = origin.trim_start_matches("/*").trim();
        let Some((path, kind)) = origin.rsplit_once(':').and_then(|(rest, kind)| Some((rest.rsplit_once(':')?.0, kind))) else {
            continue;
        };
        if !headers.is_bound(Path::new(path)) {
            continue;
        }
        let Some((before_params, _)) = declaration.split_once('(') else { continue };
        let name = before_params.trim().rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or("");
        let list = if kind.ends_with('F') { &mut defined } else { &mut declared };
        if !name.is_empty() && !list.iter().any(|n| n == name) {
            list.push(name.to_string());
        }
    }
    declared.retain(|d| !defined.contains(d));
    if declared.is_empty() {
        return Err(format!("{} lists no function from cuda.h", aux.display()));
    }
    Ok((declared, defined))
}

/// Object-like macros the header text defines with a function-like name (`cu` then a capital).
fn function_like_names(header: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (name, after) in directive_lines(header, "define") {
        let function_like = name.len() > 2 && name.starts_with("cu") && name[2..].starts_with(|c: char| c.is_ascii_uppercase());
        if function_like && !after.starts_with('(') && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// The names a directive (`#undef NAME`) is applied to, without duplicates.
fn directives(header: &str, directive: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (name, _) in directive_lines(header, directive) {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// Every `struct X`, `union X` and `enum X` in the preprocessed text, defined or only named.
fn tags(preprocessed: &str) -> BTreeMap<String, &'static str> {
    let mut tags = BTreeMap::new();
    let mut previous: Option<&'static str> = None;
    for line in preprocessed.lines().filter(|l| !l.trim_start().starts_with('#')) {
        let mut rest = line.trim_start();
        while let Some(first) = rest.chars().next() {
            // A token: an identifier (or number), or one punctuation character.
            let len = if first.is_ascii_alphanumeric() || first == '_' {
                rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len())
            } else {
                first.len_utf8()
            };
            let token = &rest[..len];
            rest = rest[len..].trim_start();
            if let Some(kind) = previous.take() {
                if first.is_ascii_alphabetic() || first == '_' {
                    tags.entry(token.to_string()).or_insert(kind);
                }
            }
            previous = match token {
                "struct" => Some("struct"),
                "union" => Some("union"),
                "enum" => Some("enum"),
                _ => None,
            };
        }
    }
    tags
}

fn read_text(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

pub fn write(path: &Path, text: &str) -> Result<PathBuf, String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path.to_path_buf())
}
