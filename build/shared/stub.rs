//! The link stub: a shared library that exports every function the header declares, each
//! returning [`STUB_RESULT`], the same kind of file NVIDIA ships in a toolkit's `lib64/stubs`.
//! The build links against it when the building machine has no libcuda (build/link), and the ABI
//! check's test binaries run against one (systest); for Windows targets an `nvcuda.dll` of the same
//! kind (systest builds it, and the Windows suite runs under Wine against it).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `CUDA_ERROR_STUB_LIBRARY`: what every function of NVIDIA's stub library returns, and what the
/// functions of the stubs built here return.
pub const STUB_RESULT: u32 = 34;

/// The C source of a stub exporting `functions`, each with its own body (a counter of its own, so
/// that no compiler folds two functions into one address).
pub fn source(functions: &[String]) -> String {
    let mut src = format!(
        "/* A stub of libcuda generated from cuda.h by libcuda-sys: every function returns {STUB_RESULT}. */\n\
         static volatile int calls[{}];\n",
        functions.len().max(1)
    );
    for (i, f) in functions.iter().enumerate() {
        let _ = writeln!(src, "int {f}(void) {{ calls[{i}]++; return {STUB_RESULT}; }}");
    }
    src
}

/// Compiles `dir/file_name`, a shared library exporting `functions`, with `compiler` (the target's
/// C compiler, as `cc` picks it): a `.so` with SONAME `libcuda.so.1`, or a `.dll` (MinGW exports
/// every function of a DLL that marks none). The C source is kept beside it as `libcuda_stub.c`.
pub fn compile(compiler: Command, functions: &[String], dir: &Path, file_name: &str) -> Result<PathBuf, String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let c_file = dir.join("libcuda_stub.c");
    fs::write(&c_file, source(functions)).map_err(|e| format!("cannot write {}: {e}", c_file.display()))?;
    let so = dir.join(file_name);
    let flags: &[&str] = if file_name.ends_with(".dll") {
        &["-O0", "-shared", "-o"]
    } else {
        &["-O0", "-shared", "-fPIC", "-Wl,-soname,libcuda.so.1", "-o"]
    };
    let mut compiler = compiler;
    let program = compiler.get_program().to_string_lossy().into_owned();
    // `-O0` after the profile's flags: nothing here is worth optimizing, and `-O3` (release)
    // made this compile take three times as long.
    let status = compiler.args(flags).arg(&so).arg(&c_file).status().map_err(|e| format!("cannot run the C compiler {program}: {e}"))?;
    if !status.success() {
        return Err(format!("the C compiler failed to build the stub {} ({status})", so.display()));
    }
    Ok(so)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_function_has_a_body_of_its_own() {
        let src = super::source(&["cuInit".into(), "cuDriverGetVersion".into()]);
        assert!(src.contains("int cuInit(void) { calls[0]++; return 34; }"), "{src}");
        assert!(src.contains("int cuDriverGetVersion(void) { calls[1]++; return 34; }"), "{src}");
    }
}
