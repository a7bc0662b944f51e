//! The conventions that the build script and systest's build script must agree on, defined once:
//! both include this file (`#[path]`). It uses nothing but `std` and `cc`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The macro that selects cuda.h's per-thread default stream mapping.
pub const PER_THREAD_MACRO: &str = "CUDA_API_PER_THREAD_DEFAULT_STREAM";

/// The module of the generated bindings that holds the per-thread default stream mapping.
pub const PER_THREAD_MODULE: &str = "per_thread";

/// The crate feature under which the generated functions resolve lazily instead of linking:
/// the generated file gates its two forms with `#[cfg(feature = ...)]` and
/// `#[cfg(not(feature = ...))]` on this name.
pub const DYNAMIC_FEATURE: &str = "dynamic-loading";

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

/// `CUDA_ERROR_STUB_LIBRARY`: what every function of NVIDIA's stub library returns, and what the
/// functions of the stubs built here return.
pub const STUB_RESULT: u32 = 34;

/// Compiles `dir/so_name`, a shared library with SONAME `libcuda.so.1` that exports `functions`,
/// each with its own body (a counter of its own, so that no compiler folds two functions into one
/// address) returning [`STUB_RESULT`]. The C source is kept beside it as `libcuda_stub.c`.
pub fn compile_stub(functions: &[String], dir: &Path, so_name: &str) -> Result<PathBuf, String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut src = format!(
        "/* A stub of libcuda generated from cuda.h by libcuda-sys: every function returns {STUB_RESULT}. */\n\
         static volatile int calls[{}];\n",
        functions.len().max(1)
    );
    for (i, f) in functions.iter().enumerate() {
        let _ = writeln!(src, "int {f}(void) {{ calls[{i}]++; return {STUB_RESULT}; }}");
    }
    let c_file = dir.join("libcuda_stub.c");
    fs::write(&c_file, src).map_err(|e| format!("cannot write {}: {e}", c_file.display()))?;
    let so = dir.join(so_name);
    let compiler = cc::Build::new().cargo_metadata(false).get_compiler();
    // `-O0` after the profile's flags: nothing here is worth optimizing, and `-O3` (release)
    // made this compile take three times as long.
    let status = compiler
        .to_command()
        .args(["-O0", "-shared", "-fPIC", "-Wl,-soname,libcuda.so.1", "-o"])
        .arg(&so)
        .arg(&c_file)
        .status()
        .map_err(|e| format!("cannot run the C compiler {}: {e}", compiler.path().display()))?;
    if !status.success() {
        return Err(format!("the C compiler failed to build the stub {} ({status})", so.display()));
    }
    Ok(so)
}
