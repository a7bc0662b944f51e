//! What the build script shares with the crate's other targets (its tests, the ABI check in
//! `systest/`, the dependent in `consumer/`), which include this module tree: the names the
//! generated file and its checkers agree on, the generated file's first lines ([`provenance`]) and
//! its build data ([`build_data`]), and the link stub ([`stub`]). It uses nothing but `std`.

pub mod build_data;
pub mod provenance;
pub mod stub;

/// The umbrella header's name in OUT_DIR: it includes every header bound, and the C wrappers of
/// static inline functions include it by this name (through `-I OUT_DIR`).
pub const UMBRELLA: &str = "libcuda_sys.h";

/// The folder of the crate that holds the bindings it ships, one file per release and target ABI.
pub const SHIPPED_DIR: &str = "shipped";

/// The targets a shipped file serves, as its name and first lines say: `linux` (x86_64 and
/// aarch64, whose bindings scripts/ship.sh generates and compares byte for byte) and `windows-gnu`
/// (x86_64, whose file differs in the driver library's name). None: no file is shipped for the
/// target (MSVC's C ABI, where bindgen makes every enum `int`, is not generated here).
pub fn abi_class(target_os: &str, target_arch: &str, target_env: &str) -> Option<&'static str> {
    match (target_os, target_arch, target_env) {
        ("linux", "x86_64" | "aarch64", _) => Some("linux"),
        ("windows", "x86_64", "gnu") => Some("windows-gnu"),
        _ => None,
    }
}

/// The shipped file of a release (`13.0`) for an ABI class: `cuda-13.0-linux.rs`.
pub fn shipped_file_name(release: &str, abi: &str) -> String {
    format!("cuda-{release}-{abi}.rs")
}

/// A `CUDA_VERSION` as its release: 13000 → `13.0`, 12090 → `12.9`.
pub fn release(cuda_version: u32) -> String {
    format!("{}.{}", cuda_version / 1000, cuda_version % 1000 / 10)
}

/// The macro that selects cuda.h's per-thread default stream mapping.
pub const PER_THREAD_MACRO: &str = "CUDA_API_PER_THREAD_DEFAULT_STREAM";

/// The module of the generated bindings that holds the per-thread default stream mapping.
pub const PER_THREAD_MODULE: &str = "per_thread";

/// The macro under which cuda.h and cudaTypedefs.h declare the older ABIs of their functions: the
/// `PFN_*` types of versions before the current one (`PFN_cuCtxCreate_v2000`) and the types only
/// they use (`CUdeviceptr_v1`, `CUDA_MEMCPY2D_v1`).
pub const INTERNAL_MACRO: &str = "__CUDA_API_VERSION_INTERNAL";

/// The module of the generated bindings that holds what the headers declare only under
/// [`INTERNAL_MACRO`].
pub const LEGACY_MODULE: &str = "legacy";

/// The crate feature under which the generated functions resolve lazily instead of linking:
/// the generated file gates its two forms with `#[cfg(feature = ...)]` and
/// `#[cfg(not(feature = ...))]` on this name.
pub const DYNAMIC_FEATURE: &str = "dynamic-loading";

/// The crate feature under which the generated module `versioned` is compiled (it implies
/// [`DYNAMIC_FEATURE`]).
pub const VERSIONED_FEATURE: &str = "versioned";

/// The suffix bindgen gives the C wrappers it writes for static inline functions
/// (`wrap_static_fns_suffix`), and that the build gives the wrappers it writes itself: the Rust
/// declaration `cuGetProcAddress_v2_ptsz` is bound to the symbol `cuGetProcAddress_v2_ptsz__extern`.
pub const STATIC_FN_SUFFIX: &str = "__extern";

/// The symbol of the C wrapper of the static inline function `name`.
pub fn static_fn_symbol(name: &str) -> String {
    format!("{name}{STATIC_FN_SUFFIX}")
}

/// With dynamic-loading, the C wrappers of static inline functions reach the driver symbol they
/// call (`cuGetProcAddress_v2`) under this prefix: they are compiled with `-Dname=` the hidden
/// name, and the generated lazily resolving function of that symbol is exported under it.
pub const HIDDEN_PREFIX: &str = "libcuda_sys_dynamic_";

pub fn hidden_name(symbol: &str) -> String {
    format!("{HIDDEN_PREFIX}{symbol}")
}

/// `(name, rest of the line)` for each `# directive name...` line of a header's text (`define`,
/// `undef`): the one reader of preprocessor directives, for the build and the ABI check.
pub fn directive_lines<'a>(header: &'a str, directive: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
    header.lines().filter_map(move |line| {
        let rest = line.trim_start().strip_prefix('#')?.trim_start().strip_prefix(directive)?;
        if !rest.starts_with([' ', '\t']) {
            return None;
        }
        let rest = rest.trim_start();
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        (end > 0).then(|| rest.split_at(end))
    })
}

/// The C name of a Rust primitive as bindgen writes it (`c_uint` → `unsigned int`, `usize` →
/// `size_t`), for C written from Rust declarations.
pub fn c_primitive(rust: &str) -> Option<&'static str> {
    Some(match rust {
        "c_char" => "char",
        "c_schar" => "signed char",
        "c_uchar" => "unsigned char",
        "c_short" => "short",
        "c_ushort" => "unsigned short",
        "c_int" => "int",
        "c_uint" => "unsigned int",
        "c_long" => "long",
        "c_ulong" => "unsigned long",
        "c_longlong" => "long long",
        "c_ulonglong" => "unsigned long long",
        "c_float" | "f32" => "float",
        "c_double" | "f64" => "double",
        "c_void" => "void",
        "u8" => "uint8_t",
        "i8" => "int8_t",
        "u16" => "uint16_t",
        "i16" => "int16_t",
        "u32" => "uint32_t",
        "i32" => "int32_t",
        "u64" => "uint64_t",
        "i64" => "int64_t",
        "usize" => "size_t",
        "isize" => "ptrdiff_t",
        "bool" => "_Bool",
        _ => return None,
    })
}
