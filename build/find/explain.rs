//! What a failed search says: every place searched, in order, and what to set or install.

use super::*;

/// The complete human message for an error: a one-line summary (starting "libcuda-sys: "), every
/// place searched in order with why it did not qualify, and what to set or install (the
/// `HOST=... TARGET=...` line is the error's, build/error.rs).
pub fn explain(err: &HeaderError) -> String {
    let mut lines = Vec::new();
    match err {
        HeaderError::BadVariable { var, value, problem } => {
            lines.push(format!("libcuda-sys: {var}={value} is not usable: {problem}"));
            lines.push(format!("{var} is set, so the search stops there: correct it, or unset it."));
        }
        HeaderError::TooOld { path, found, oldest, how } => {
            let (found, oldest) = (dotted(*found), dotted(*oldest));
            let path = path.display();
            lines.push(format!("libcuda-sys: {path} is CUDA {found}; the oldest supported is CUDA {oldest}"));
            lines.push(format!("Found through {how}; the search stops at the first cuda.h, so name newer headers:"));
        }
        HeaderError::NotFound { tried } => {
            let oldest = dotted(OLDEST_SUPPORTED);
            lines.push(format!("libcuda-sys: cannot find the CUDA headers (cuda.h of CUDA {oldest} or newer)"));
            lines.push("Searched, in order:".into());
            lines.extend(tried.iter().enumerate().map(|(i, t)| format!("  {:>2}. {}: {}", i + 1, t.what, t.why_not)));
        }
    }
    let help = match err {
        HeaderError::BadVariable { var, .. } if var == "LIBCUDA_SYS_LIB_DIR" => LIBCUDA_HELP,
        _ => HEADERS_HELP,
    };
    lines.extend(help.lines().map(String::from));
    lines.join("\n")
}

const HEADERS_HELP: &str = "\
To use headers you have: set LIBCUDA_SYS_INCLUDE_DIR to the directory that holds cuda.h, or
CUDA_PATH to the root of a CUDA toolkit or of an unpacked NVIDIA wheel (.../nvidia/cu13).
To get headers, any of:
  - the CUDA toolkit: https://developer.nvidia.com/cuda-downloads
  - pip, in the active virtualenv or for the python3 on PATH: `pip install nvidia-cuda-runtime`
    (CUDA 13.x) or `pip install nvidia-cuda-runtime-cu12` (CUDA 12.x)
  - Debian/Ubuntu: `apt install nvidia-cuda-dev`";

const LIBCUDA_HELP: &str = "\
LIBCUDA_SYS_LIB_DIR names the directory of libcuda.so or libcuda.so.1 (cuda.lib on windows).
Unset, the build looks in the toolkit's and the system driver's library directories, and links
against a stub generated from the bindings' functions when there is no libcuda.";
