//! OpenGL interop through the raw bindings (cudaGL.h, feature `gl`), headless: an EGL display
//! and OpenGL context on the GPU, a GL buffer filled with a sentinel, registered with CUDA
//! (cuGraphicsGLRegisterBuffer), mapped, written by a kernel, unmapped, and read back through
//! glGetBufferSubData with every element checked. Prints one line.
//!
//! Run: `cargo run --example gl_interop --features gl`. It opens libEGL.so.1 and libOpenGL.so.0
//! (or libGL.so.1) at run time; without them, without a usable GPU, or without an EGL display
//! that CUDA can use, it ends with a one-line diagnosis and exit status 1.

use core::ffi::{c_uint, c_void};
use core::ptr;
use libcuda_sys::*;
use std::process::exit;

#[macro_use]
mod common;
#[path = "../tests/gpu/headless_gl.rs"]
mod headless_gl;

const N: usize = 1 << 20;
/// What the buffer holds before the kernel writes; fill_pattern never writes it (bit 31 is clear).
const SENTINEL: u32 = 0xFFFF_FFFF;
const PTX: &str = concat!(include_str!("../tests/fixtures/pattern.ptx"), "\0");
const SEED: u32 = 0x1234_5678;

/// What fill_pattern writes at index i.
fn pattern(i: usize) -> u32 {
    (i as u32).wrapping_mul(2_654_435_761).wrapping_add(SEED) & 0x7FFF_FFFF
}

fn gl_or_exit<T>(result: Result<T, String>) -> T {
    result.unwrap_or_else(|e| {
        eprintln!("{}: {e}", common::PROGRAM);
        exit(1)
    })
}

fn main() {
    common::init();
    // The CUDA device of each candidate GL context, as the driver sees it.
    let mut gl_device = || {
        let (mut count, mut devices): (c_uint, [CUdevice; 4]) = (0, [-1; 4]);
        let r = unsafe { cuGLGetDevices(&mut count, devices.as_mut_ptr(), devices.len() as c_uint, CU_GL_DEVICE_LIST_ALL) };
        match r {
            CUDA_SUCCESS if count > 0 => Ok(devices[0]),
            r => Err(format!("cuGLGetDevices answered {} with {count} devices", common::name(r))),
        }
    };
    let (gl, device) = gl_or_exit(headless_gl::Gl::open(&mut gl_device));
    let context = common::create_context(device);

    let mut module: CUmodule = ptr::null_mut();
    check!(cuModuleLoadData(&mut module, PTX.as_ptr().cast()));
    let mut fill: CUfunction = ptr::null_mut();
    check!(cuModuleGetFunction(&mut fill, module, c"fill_pattern".as_ptr()));

    let buffer = gl_or_exit(gl.buffer_with(&vec![SENTINEL; N]));
    let mut resource: CUgraphicsResource = ptr::null_mut();
    check!(cuGraphicsGLRegisterBuffer(&mut resource, buffer, CU_GRAPHICS_REGISTER_FLAGS_NONE.0 as c_uint));
    check!(cuGraphicsMapResources(1, &mut resource, ptr::null_mut()));
    let (mut pointer, mut size): (CUdeviceptr, usize) = (0, 0);
    check!(cuGraphicsResourceGetMappedPointer(&mut pointer, &mut size, resource));
    if size != N * 4 {
        eprintln!("{}: the mapped GL buffer holds {size} bytes, not {}", common::PROGRAM, N * 4);
        exit(1);
    }
    let (mut n, mut seed) = (N as c_uint, SEED);
    let mut args: [*mut c_void; 3] = [ptr::addr_of_mut!(pointer).cast(), ptr::addr_of_mut!(n).cast(), ptr::addr_of_mut!(seed).cast()];
    check!(cuLaunchKernel(fill, n.div_ceil(256), 1, 1, 256, 1, 1, 0, ptr::null_mut(), args.as_mut_ptr(), ptr::null_mut()));
    check!(cuGraphicsUnmapResources(1, &mut resource, ptr::null_mut()));
    check!(cuCtxSynchronize());

    let back = gl_or_exit(gl.read(buffer, N));
    let wrong = (0..N).filter(|&i| back[i] == SENTINEL || back[i] != pattern(i)).count();
    check!(cuGraphicsUnregisterResource(resource));
    gl_or_exit(gl.delete(buffer));
    check!(cuModuleUnload(module));
    check!(cuCtxDestroy(context));
    if wrong > 0 {
        eprintln!("{}: {wrong} of {N} elements read back through glGetBufferSubData are wrong", common::PROGRAM);
        exit(1);
    }
    println!(
        "{}: {N} u32 written by a kernel into GL buffer {buffer} and read back through glGetBufferSubData, all correct ({}; {})",
        common::PROGRAM,
        gl.display_name,
        gl.renderer()
    );
}
