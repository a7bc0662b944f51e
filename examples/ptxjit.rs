//! ptxjit: the CUDA programming guide's JIT linking of several PTX inputs, through the raw
//! bindings. tests/fixtures/link_main.ptx holds a kernel that calls an `.extern .func` defined in
//! tests/fixtures/link_lib.ptx; cuLinkCreate/cuLinkAddData/cuLinkComplete join them into one cubin,
//! which is loaded and launched (out[i] = i * i + 7), and the linker's info log and wall time are
//! printed.
//!
//! Run: `cargo run --example ptxjit`. Without a usable GPU it ends with a one-line diagnosis and
//! exit status 1.

use core::ffi::{c_int, c_uint, c_void};
use core::ptr;
use libcuda_sys::*;
use std::process::exit;

#[macro_use]
mod common;
use common::name;

const N: usize = 1024;
const THREADS_PER_BLOCK: c_uint = 128;
const LOG_SIZE: usize = 8192;

/// A PTX file's text, NUL-terminated, relative to the working directory or to this package.
fn ptx(file: &str) -> Vec<u8> {
    let path = common::fixture(file);
    match std::fs::read(&path) {
        Ok(mut text) => {
            text.push(0);
            text
        }
        Err(e) => {
            eprintln!("ptxjit: cannot read {path}: {e}");
            exit(1);
        }
    }
}

/// The text a log buffer holds, up to its NUL.
fn log_text(buffer: &[u8]) -> String {
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    String::from_utf8_lossy(&buffer[..end]).into_owned()
}

fn main() {
    common::init();
    let mut device: CUdevice = 0;
    check!(cuDeviceGet(&mut device, 0));
    let context = common::create_context(device);

    // The linker's options, as the guide sets them. Integers and the wall time travel in the
    // value slots themselves; the array must stay where it is until cuLinkDestroy.
    let mut info_log = vec![0u8; LOG_SIZE];
    let mut error_log = vec![0u8; LOG_SIZE];
    let mut options = [
        CU_JIT_WALL_TIME,
        CU_JIT_INFO_LOG_BUFFER,
        CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
        CU_JIT_ERROR_LOG_BUFFER,
        CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
        CU_JIT_LOG_VERBOSE,
    ];
    let mut values: [*mut c_void; 6] = [
        ptr::null_mut(),
        info_log.as_mut_ptr().cast(),
        LOG_SIZE as *mut c_void,
        error_log.as_mut_ptr().cast(),
        LOG_SIZE as *mut c_void,
        ptr::without_provenance_mut(1), // CU_JIT_LOG_VERBOSE: an integer in a pointer-sized slot
    ];
    let mut state: CUlinkState = ptr::null_mut();
    check!(cuLinkCreate(options.len() as c_uint, options.as_mut_ptr(), values.as_mut_ptr(), &mut state));

    // Two PTX inputs: the kernel, and the function it calls.
    for (file, input_name) in [("link_main.ptx", c"link_main.ptx"), ("link_lib.ptx", c"link_lib.ptx")] {
        let mut text = ptx(file);
        let r = unsafe {
            cuLinkAddData(
                state,
                CU_JIT_INPUT_PTX,
                text.as_mut_ptr().cast(),
                text.len(),
                input_name.as_ptr(),
                0,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        if r != CUDA_SUCCESS {
            eprintln!("ptxjit: cuLinkAddData({file}) failed: {}: {}", name(r), log_text(&error_log).trim_end());
            exit(1);
        }
    }
    let mut cubin: *mut c_void = ptr::null_mut();
    let mut cubin_size: usize = 0;
    let r = unsafe { cuLinkComplete(state, &mut cubin, &mut cubin_size) };
    if r != CUDA_SUCCESS {
        eprintln!("ptxjit: cuLinkComplete failed: {}: {}", name(r), log_text(&error_log).trim_end());
        exit(1);
    }
    let wall_time_ms = f32::from_bits(values[0] as usize as u32);
    println!("ptxjit: CUDA link completed in {wall_time_ms:.3} ms, {cubin_size} bytes of cubin. Linker output:");
    println!("{}", log_text(&info_log).trim_end());

    // Load the cubin (it belongs to the link state until cuLinkDestroy) and launch its kernel.
    let mut module: CUmodule = ptr::null_mut();
    check!(cuModuleLoadData(&mut module, cubin));
    check!(cuLinkDestroy(state));
    let mut kernel: CUfunction = ptr::null_mut();
    check!(cuModuleGetFunction(&mut kernel, module, c"squares_kernel".as_ptr()));
    let mut d_out: CUdeviceptr = 0;
    check!(cuMemAlloc(&mut d_out, N * 4));
    // The output holds the sentinel until the kernel writes it.
    check!(cuMemsetD32(d_out, common::SENTINEL, N));
    let mut n = N as c_int;
    let mut args: [*mut c_void; 2] = [ptr::addr_of_mut!(d_out).cast(), ptr::addr_of_mut!(n).cast()];
    let blocks = (N as c_uint).div_ceil(THREADS_PER_BLOCK);
    check!(cuLaunchKernel(kernel, blocks, 1, 1, THREADS_PER_BLOCK, 1, 1, 0, ptr::null_mut(), args.as_mut_ptr(), ptr::null_mut()));
    let mut h_out = vec![0i32; N];
    check!(cuMemcpyDtoH(h_out.as_mut_ptr().cast(), d_out, N * 4));
    let unwritten = (0..N).filter(|&i| h_out[i] as u32 == common::SENTINEL).count();
    let wrong = (0..N).filter(|&i| h_out[i] != (i * i + 7) as i32).count();

    check!(cuMemFree(d_out));
    check!(cuModuleUnload(module));
    check!(cuCtxDestroy(context));

    if unwritten != 0 || wrong != 0 {
        eprintln!("ptxjit: {wrong} of {N} elements wrong ({unwritten} not written by the kernel)");
        exit(1);
    }
    println!("ptxjit: squares_kernel (link_main.ptx) calling square_plus_seven (link_lib.ptx): {N} elements correct");
}
