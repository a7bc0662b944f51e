//! Cross builds: what the target's C compiler knows and libclang does not.
//!
//! When the target is not the host, libclang guesses the target's C library headers from its own
//! installation: for `x86_64-pc-windows-gnu` it misses the compiler's own headers (mingw's
//! `malloc.h` includes `mm_malloc.h`, which only GCC's folder has), and for any target it appends
//! the host's `/usr/include`, whose headers describe the host. So bindgen is given what the C
//! compiler that `cc` picks for the target (`CC_<target>`, else `aarch64-linux-gnu-gcc`,
//! `x86_64-w64-mingw32-gcc`, ...) searches, in its order, and nothing else: `--target`,
//! `-nostdinc`, then each folder of `<cc> -E -v -x c -` as `-isystem`. The preprocessor probe and
//! the version check run that same compiler through `cc`, so the bindings, the probe and the ABI
//! check all read cuda.h with one set of headers.
//!
//! `BINDGEN_EXTRA_CLANG_ARGS` (or its form for one target) is the override: when it is set, the
//! build adds nothing here and bindgen takes the user's arguments alone.

use crate::config::Config;
use crate::error::Error;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The arguments for bindgen's clang: none for a native build, else the target's.
pub fn clang_args(config: &Config) -> Result<Vec<String>, Error> {
    let target = &config.target;
    if config.native() {
        return Ok(Vec::new());
    }
    if config.var("BINDGEN_EXTRA_CLANG_ARGS").is_some() {
        println!("libcuda-sys: cross build for {target}: BINDGEN_EXTRA_CLANG_ARGS is set, so it alone tells clang about the target");
        return Ok(Vec::new());
    }
    let compiler = cc::Build::new().cargo_metadata(false).get_compiler();
    let folders = match include_folders(&compiler) {
        Ok(folders) => folders,
        Err(e) => {
            return Err(Error::failed(
                format!("cannot ask the C compiler for {target} where its headers are"),
                format!(
                    "{e}\n\nbindgen (libclang) needs the target's system headers for a cross build. Install a C compiler \
                 for {target} (Debian: gcc-aarch64-linux-gnu, gcc-mingw-w64-x86-64), or name it with CC_{}, or give \
                 clang's arguments yourself in BINDGEN_EXTRA_CLANG_ARGS (e.g. --target={target} --sysroot=...).",
                    target.replace('-', "_")
                ),
            ))
        }
    };
    let args = arguments(target, &folders);
    println!("libcuda-sys: cross build for {target}: clang gets the include folders of {}: {}", compiler.path().display(), args.join(" "));
    Ok(args)
}

/// `--target`, `-nostdinc` and `-isystem` for each folder, in the compiler's order.
fn arguments(target: &str, folders: &[PathBuf]) -> Vec<String> {
    let mut args = vec![format!("--target={}", clang_target(target)), "-nostdinc".to_string()];
    for folder in folders {
        args.push("-isystem".into());
        args.push(folder.display().to_string());
    }
    args
}

/// Clang's name for a Rust target: the same, but for RISC-V's extension letters.
fn clang_target(target: &str) -> String {
    match target.split_once('-') {
        Some((arch, rest)) if arch.starts_with("riscv64") => format!("riscv64-{rest}"),
        Some((arch, rest)) if arch.starts_with("riscv32") => format!("riscv32-{rest}"),
        _ => target.to_string(),
    }
}

/// The folders the compiler searches for `#include <...>`: from its verbose preprocessor output
/// (GCC, clang), or from `INCLUDE` (MSVC, whose environment `cc` prepares).
fn include_folders(compiler: &cc::Tool) -> Result<Vec<PathBuf>, String> {
    if compiler.is_like_msvc() {
        let cmd = compiler.to_command();
        let include = cmd.get_envs().filter(|(k, _)| k.eq_ignore_ascii_case("INCLUDE")).filter_map(|(_, v)| v).last();
        let folders: Vec<PathBuf> = include.map(crate::config::split_paths).unwrap_or_default();
        return if folders.is_empty() { Err(format!("{} has no INCLUDE folders", compiler.path().display())) } else { Ok(folders) };
    }
    let mut cmd: Command = compiler.to_command();
    cmd.args(["-E", "-v", "-x", "c", "-"]).stdin(Stdio::null()).stdout(Stdio::null());
    let out = cmd.output().map_err(|e| format!("cannot run {}: {e}", compiler.path().display()))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("`{:?}` failed ({}):\n{stderr}", cmd, out.status));
    }
    let folders = search_list(&stderr);
    if folders.is_empty() {
        return Err(format!("`{cmd:?}` printed no `#include <...>` search list:\n{stderr}"));
    }
    Ok(folders)
}

/// The `#include <...>` search list of GCC's or clang's `-v` output; frameworks (macOS) left out.
fn search_list(verbose: &str) -> Vec<PathBuf> {
    verbose
        .lines()
        .skip_while(|l| !l.starts_with("#include <...> search starts here:"))
        .skip(1)
        .take_while(|l| !l.starts_with("End of search list."))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.ends_with("(framework directory)"))
        .map(PathBuf::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_gccs_search_list() {
        let mingw = "Using built-in specs.\n\
            #include \"...\" search starts here:\n\
            #include <...> search starts here:\n \
            /usr/lib/gcc/x86_64-w64-mingw32/12-win32/include\n \
            /usr/lib/gcc/x86_64-w64-mingw32/12-win32/include-fixed\n \
            /usr/lib/gcc/x86_64-w64-mingw32/12-win32/../../../../x86_64-w64-mingw32/include\n\
            End of search list.\n\
            COMPILER_PATH=/usr/lib/gcc/x86_64-w64-mingw32/12-win32/\n";
        let folders = search_list(mingw);
        assert_eq!(folders.len(), 3);
        assert_eq!(folders[0], PathBuf::from("/usr/lib/gcc/x86_64-w64-mingw32/12-win32/include"));
        let args = arguments("x86_64-pc-windows-gnu", &folders);
        assert_eq!(
            &args[..4],
            ["--target=x86_64-pc-windows-gnu", "-nostdinc", "-isystem", "/usr/lib/gcc/x86_64-w64-mingw32/12-win32/include"]
        );
        assert_eq!(args.len(), 2 + 2 * 3);
    }

    #[test]
    fn leaves_out_frameworks_and_quote_folders() {
        let clang = "#include \"...\" search starts here:\n /quoted\n#include <...> search starts here:\n /usr/include\n \
                     /System/Library/Frameworks (framework directory)\nEnd of search list.\n";
        assert_eq!(search_list(clang), [PathBuf::from("/usr/include")]);
        assert!(search_list("gcc: error: no input files\n").is_empty());
    }

    #[test]
    fn clang_names_risc_v_without_extension_letters() {
        assert_eq!(clang_target("riscv64gc-unknown-linux-gnu"), "riscv64-unknown-linux-gnu");
        assert_eq!(clang_target("aarch64-unknown-linux-gnu"), "aarch64-unknown-linux-gnu");
    }
}
