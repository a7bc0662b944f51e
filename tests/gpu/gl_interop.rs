//! OpenGL interop (cudaGL.h, feature `gl`) for real: a headless EGL display and OpenGL context on
//! the GPU (tests/gpu/headless_gl.rs), a GL buffer filled with the sentinel, registered with
//! `cuGraphicsGLRegisterBuffer`, mapped, written by fill_pattern, unmapped, and read back through
//! `glGetBufferSubData` with every element checked. Built without `gl`, or run where the EGL and
//! OpenGL loaders or an EGL display on a CUDA device are missing, it is reported as ignored with
//! what it looked for.

use crate::multi::{GatedTest, Ran};
use libtest_mimic::Completion;

pub const TESTS: &[GatedTest] = &[("gl_interop::a_gl_buffer_written_by_a_kernel_reads_back_through_gl", buffer_round_trip)];

#[cfg(not(feature = "gl"))]
fn buffer_round_trip() -> Ran {
    Ok(Completion::ignored_with("built without the gl feature (cargo test --features gl)"))
}

#[cfg(feature = "gl")]
fn buffer_round_trip() -> Ran {
    use crate::common::{check, ctx_create};
    use crate::headless_gl::Gl;
    use crate::multi::{check_pattern, fill_pattern, load_pattern_module, seed, SENTINEL};
    use core::ffi::c_uint;
    use core::ptr;
    use libcuda_sys::*;

    const N: usize = 1 << 20;
    check!(cuInit(0));
    // The CUDA device the GL context runs on, as the driver sees it (cuGLGetDevices).
    let mut gl_device = || {
        let (mut count, mut devices): (c_uint, [CUdevice; 4]) = (0, [-1; 4]);
        let r = unsafe { cuGLGetDevices(&mut count, devices.as_mut_ptr(), devices.len() as c_uint, CU_GL_DEVICE_LIST_ALL) };
        match r {
            CUDA_SUCCESS if count > 0 => Ok(devices[0]),
            r => Err(format!("cuGLGetDevices answered {} with {count} devices", crate::common::name(r))),
        }
    };
    let (gl, device) = match Gl::open(&mut gl_device) {
        Ok(found) => found,
        Err(why) => return Ok(Completion::ignored_with(why)),
    };
    let mut context: CUcontext = ptr::null_mut();
    check!(ctx_create(&mut context, 0, device));
    let outcome = (|| -> crate::common::Outcome {
        let module = load_pattern_module()?;
        let buffer = gl.buffer_with(&vec![SENTINEL; N])?;
        let mut resource: CUgraphicsResource = ptr::null_mut();
        check!(cuGraphicsGLRegisterBuffer(&mut resource, buffer, CU_GRAPHICS_REGISTER_FLAGS_NONE.0 as c_uint));
        check!(cuGraphicsMapResources(1, &mut resource, ptr::null_mut()));
        let (mut pointer, mut size): (CUdeviceptr, usize) = (0, 0);
        check!(cuGraphicsResourceGetMappedPointer(&mut pointer, &mut size, resource));
        ensure!(size == N * 4, "the mapped buffer holds {size} bytes, not {}", N * 4);
        let seed = seed();
        fill_pattern(module, ptr::null_mut(), pointer, N, seed)?;
        check!(cuGraphicsUnmapResources(1, &mut resource, ptr::null_mut()));
        check!(cuCtxSynchronize());
        let back = gl.read(buffer, N)?;
        check_pattern(&back, seed, &format!("GL buffer {buffer} read through glGetBufferSubData ({})", gl.renderer()))?;
        check!(cuGraphicsUnregisterResource(resource));
        gl.delete(buffer)?;
        check!(cuModuleUnload(module));
        println!("gl_interop: {N} u32 through GL buffer {buffer} on {}: {}", gl.display_name, gl.renderer());
        Ok(())
    })();
    outcome.and(check(unsafe { cuCtxDestroy(context) }, "cuCtxDestroy"))?;
    Ok(Completion::Completed)
}
