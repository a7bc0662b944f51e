//! device_query: what the driver says about each device (name, compute capability,
//! multiprocessors, total memory) and about itself (the CUDA version it supports), through the
//! raw bindings, as the CUDA samples' deviceQueryDrv does.
//!
//! Run: `cargo run --example device_query`. Without a usable GPU it ends with a one-line
//! diagnosis and exit status 1.

use core::ffi::{c_char, c_int, CStr};
use core::ptr;
use libcuda_sys::*;
use std::process::exit;

/// The C name of a result ("CUDA_ERROR_NO_DEVICE"), as the driver spells it.
fn name(r: CUresult) -> String {
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
            eprintln!("device_query: {} failed: {}", stringify!($call), name(r));
            exit(1);
        }
    }};
}

fn attribute(attribute: CUdevice_attribute, device: CUdevice) -> c_int {
    let mut value: c_int = 0;
    check!(cuDeviceGetAttribute(&mut value, attribute, device));
    value
}

fn main() {
    // The driver's version needs no initialization; everything else does.
    let mut version: c_int = 0;
    check!(cuDriverGetVersion(&mut version));
    let driver = format!("CUDA {}.{} driver", version / 1000, version % 1000 / 10);
    let r = unsafe { cuInit(0) };
    if r != CUDA_SUCCESS {
        eprintln!("device_query: no usable GPU: cuInit answered {} ({driver})", name(r));
        exit(1);
    }
    let mut device_count: c_int = 0;
    check!(cuDeviceGetCount(&mut device_count));
    if device_count == 0 {
        eprintln!("device_query: There is no device supporting CUDA ({driver}).");
        exit(1);
    }
    println!("device_query: {driver} ({version}), {device_count} device(s)");

    for ordinal in 0..device_count {
        let mut device: CUdevice = 0;
        check!(cuDeviceGet(&mut device, ordinal));
        let mut raw_name = [0 as c_char; 256];
        check!(cuDeviceGetName(raw_name.as_mut_ptr(), raw_name.len() as c_int, device));
        let device_name = unsafe { CStr::from_ptr(raw_name.as_ptr()) }.to_string_lossy();
        let major = attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        let minor = attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        let multiprocessors = attribute(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device);
        let mut total_bytes: usize = 0;
        check!(cuDeviceTotalMem(&mut total_bytes, device));
        println!("Device {ordinal}: \"{device_name}\"");
        println!("  CUDA capability:        {major}.{minor}");
        println!("  Multiprocessors:        {multiprocessors}");
        println!("  Total global memory:    {} MiB ({total_bytes} bytes)", total_bytes >> 20);
    }
}
