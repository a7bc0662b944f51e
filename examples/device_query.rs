//! device_query: what the driver says about each device (name, compute capability,
//! multiprocessors, total memory) and about itself (the CUDA version it supports), through the
//! raw bindings, as the CUDA samples' deviceQueryDrv does.
//!
//! Run: `cargo run --example device_query`. Without a usable GPU it ends with a one-line
//! diagnosis and exit status 1.

use core::ffi::{c_char, c_int, CStr};

use libcuda_sys::*;

#[macro_use]
mod common;

fn attribute(attribute: CUdevice_attribute, device: CUdevice) -> c_int {
    let mut value: c_int = 0;
    check!(cuDeviceGetAttribute(&mut value, attribute, device));
    value
}

fn main() {
    let device_count = common::init();
    let mut version: c_int = 0;
    check!(cuDriverGetVersion(&mut version));
    println!("device_query: {} ({version}), {device_count} device(s)", common::driver());

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
