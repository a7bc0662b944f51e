#![allow(dead_code)] // each example uses a part of it

//! What every example does the same way: name a result as the driver spells it, end with one
//! line when a call fails, and say plainly when there is no GPU to run on.

use core::ffi::{c_char, c_int, CStr};
use core::ptr;
use libcuda_sys::*;
use std::process::exit;

/// The example's name, for the first word of every line it prints.
pub const PROGRAM: &str = env!("CARGO_BIN_NAME");

/// The C name of a result ("CUDA_ERROR_NO_DEVICE"), as the driver spells it.
pub fn name(r: CUresult) -> String {
    let mut s: *const c_char = ptr::null();
    match unsafe { cuGetErrorName(r, &mut s) } {
        CUDA_SUCCESS if !s.is_null() => unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned(),
        _ => format!("CUresult {}", r.0),
    }
}

/// Ends the program with one line naming the call that failed.
macro_rules! check {
    ($call:expr) => {{
        let r: CUresult = unsafe { $call };
        if r != CUDA_SUCCESS {
            eprintln!("{}: {} failed: {}", $crate::common::PROGRAM, stringify!($call), $crate::common::name(r));
            std::process::exit(1);
        }
    }};
}

/// "CUDA 12.2 driver": the CUDA version the driver supports (answers without a GPU).
pub fn driver() -> String {
    let mut version: c_int = 0;
    match unsafe { cuDriverGetVersion(&mut version) } {
        CUDA_SUCCESS => format!("CUDA {}.{} driver", version / 1000, version % 1000 / 10),
        r => format!("driver version unknown: {}", name(r)),
    }
}

/// cuInit and cuDeviceGetCount, as the guide starts; without a usable GPU, one line and exit 1.
pub fn init() -> c_int {
    let r = unsafe { cuInit(0) };
    if r != CUDA_SUCCESS {
        eprintln!("{PROGRAM}: no usable GPU: cuInit answered {} ({}, 0 devices)", name(r), driver());
        exit(1);
    }
    let mut device_count: c_int = 0;
    check!(cuDeviceGetCount(&mut device_count));
    if device_count == 0 {
        eprintln!("{PROGRAM}: There is no device supporting CUDA ({}).", driver());
        exit(1);
    }
    device_count
}

/// A context on `device`, created with the header's documented cuCtxCreate.
pub fn create_context(device: CUdevice) -> CUcontext {
    let mut context: CUcontext = ptr::null_mut();
    // With CUDA 13 headers cuCtxCreate takes CUctxCreateParams (NULL: none).
    #[cfg(not(any(cuda_major = "11", cuda_major = "12")))]
    check!(cuCtxCreate(&mut context, ptr::null_mut(), 0, device));
    #[cfg(any(cuda_major = "11", cuda_major = "12"))]
    check!(cuCtxCreate(&mut context, 0, device));
    context
}

/// What an output buffer is filled with (`cuMemsetD32`) before the kernel that writes it runs: an
/// element that still holds it was not written.
pub const SENTINEL: u32 = 0xDEAD_BEEF;

/// A fixture's path, relative to the working directory or to this package.
pub fn fixture(file: &str) -> String {
    let relative = format!("tests/fixtures/{file}");
    if std::path::Path::new(&relative).exists() {
        relative
    } else {
        format!("{}/{relative}", env!("CARGO_MANIFEST_DIR"))
    }
}
