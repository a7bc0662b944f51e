//! vectorAddDrv from the CUDA programming guide's Driver API chapter, through the raw bindings:
//! C = A + B for N = 50 000 floats, the kernel loaded from a PTX file on disk.
//!
//! Run: `cargo run --example vector_add`. Without a usable GPU it ends with a one-line diagnosis
//! and exit status 1.

use core::ffi::{c_int, c_void};
use core::ptr;
use libcuda_sys::*;
use std::ffi::CString;
use std::process::exit;

#[macro_use]
mod common;

const N: usize = 50_000;
const THREADS_PER_BLOCK: u32 = 256;

fn main() {
    // Initialize, and say plainly when there is nothing to run on; then a context on device 0.
    common::init();
    let mut device: CUdevice = 0;
    check!(cuDeviceGet(&mut device, 0));
    let context = common::create_context(device);

    // Load the module from the PTX file and get the kernel.
    let mut module: CUmodule = ptr::null_mut();
    let path = CString::new(common::fixture("vector_add.ptx")).expect("path without NUL");
    check!(cuModuleLoad(&mut module, path.as_ptr()));
    let mut vec_add: CUfunction = ptr::null_mut();
    check!(cuModuleGetFunction(&mut vec_add, module, c"VecAdd_kernel".as_ptr()));

    // Host vectors, device vectors, copies in.
    let h_a: Vec<f32> = (0..N).map(|i| i as f32 * 0.5).collect();
    let h_b: Vec<f32> = (0..N).map(|i| (N - i) as f32 * 0.25).collect();
    let mut h_c = vec![0.0f32; N];
    let size = N * core::mem::size_of::<f32>();
    let (mut d_a, mut d_b, mut d_c): (CUdeviceptr, CUdeviceptr, CUdeviceptr) = (0, 0, 0);
    check!(cuMemAlloc(&mut d_a, size));
    check!(cuMemAlloc(&mut d_b, size));
    check!(cuMemAlloc(&mut d_c, size));
    check!(cuMemcpyHtoD(d_a, h_a.as_ptr().cast(), size));
    check!(cuMemcpyHtoD(d_b, h_b.as_ptr().cast(), size));
    // The output holds the sentinel until the kernel writes it.
    check!(cuMemsetD32(d_c, common::SENTINEL, N));

    // Launch with the argument array, as the guide does.
    let mut n = N as c_int;
    let blocks = (N as u32).div_ceil(THREADS_PER_BLOCK);
    let mut args: [*mut c_void; 4] = [
        (&mut d_a as *mut CUdeviceptr).cast(),
        (&mut d_b as *mut CUdeviceptr).cast(),
        (&mut d_c as *mut CUdeviceptr).cast(),
        (&mut n as *mut c_int).cast(),
    ];
    check!(cuLaunchKernel(vec_add, blocks, 1, 1, THREADS_PER_BLOCK, 1, 1, 0, ptr::null_mut(), args.as_mut_ptr(), ptr::null_mut()));

    // Copy the result back and check every element: written, and right.
    check!(cuMemcpyDtoH(h_c.as_mut_ptr().cast(), d_c, size));
    let unwritten = (0..N).filter(|&i| h_c[i].to_bits() == common::SENTINEL).count();
    let wrong = (0..N).filter(|&i| h_c[i] != h_a[i] + h_b[i]).count();

    check!(cuMemFree(d_a));
    check!(cuMemFree(d_b));
    check!(cuMemFree(d_c));
    check!(cuModuleUnload(module));
    check!(cuCtxDestroy(context));

    if unwritten != 0 || wrong != 0 {
        eprintln!("vector_add: {wrong} of {N} elements wrong ({unwritten} not written by the kernel)");
        exit(1);
    }
    println!("vector_add: {N} elements, {blocks} blocks of {THREADS_PER_BLOCK} threads: all correct");
}
