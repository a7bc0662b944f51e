//! What the benchmark programs share: their variant's name, ending on a failed call, arguments.

use libcuda_sys::*;
use std::ffi::{c_char, CStr};
use std::process::exit;
use std::ptr;

/// The name a program reports itself under: `rust-link`, or `rust-dynamic` when built with the
/// feature `dynamic` (libcuda-sys's dynamic-loading).
pub const VARIANT: &str = if cfg!(feature = "dynamic") { "rust-dynamic" } else { "rust-link" };

/// Ends the program with one line when a call did not succeed.
pub fn check(r: CUresult, what: &str) {
    if r != CUDA_SUCCESS {
        let mut name: *const c_char = ptr::null();
        let _ = unsafe { cuGetErrorName(r, &mut name) };
        let name =
            if name.is_null() { format!("CUresult {}", r.0) } else { unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned() };
        eprintln!("{VARIANT}: {what} failed: {name}");
        exit(1);
    }
}

/// The `i`-th command-line argument as a number, else `default`.
pub fn arg(i: usize, default: usize) -> usize {
    std::env::args().nth(i).and_then(|a| a.parse().ok()).unwrap_or(default)
}
