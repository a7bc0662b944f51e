//! A dependent uses the headers libcuda-sys binds besides cuda.h, gated on DEP_CUDA_HEADERS:
//! cudaProfiler.h's functions, a cudaTypedefs.h type, and with `--features gl` cudaGL.h.

use libcuda_sys::*;
use libcuda_sys_consumer::*;

/// What a call that needs a context answers on a thread without one.
#[cfg(any(has_profiler, has_gl))]
fn no_context_answer() -> CUresult {
    if unsafe { cuInit(0) } == CUDA_SUCCESS {
        CUDA_ERROR_INVALID_CONTEXT
    } else {
        CUDA_ERROR_NOT_INITIALIZED
    }
}

#[cfg(has_profiler)]
#[test]
#[cfg_attr(windows, ignore = "needs NVIDIA's driver (nvcuda.dll); CI runs the Windows tests under Wine, which has none")]
fn profiler_calls_answer_around_the_body() {
    let expected = no_context_answer();
    assert_eq!(unsafe { profiled(|| 7) }, (expected, 7, expected));
}

#[cfg(all(has_profiler, links_libcuda))]
#[test]
fn c_and_rust_call_the_same_cu_profiler_start() {
    assert_eq!(unsafe { consumer_cu_profiler_start() } as usize, cuProfilerStart as *const () as usize);
}

#[cfg(has_ctx_create_v12050)]
#[test]
#[cfg_attr(windows, ignore = "needs NVIDIA's driver (nvcuda.dll); CI runs the Windows tests under Wine, which has none")]
fn ctx_create_v12050_is_asked_of_a_driver_that_has_it_only() {
    let mut driver = 0;
    assert_eq!(unsafe { cuDriverGetVersion(&mut driver) }, CUDA_SUCCESS);
    match ctx_create_v12050() {
        Ok(f) => assert!(driver >= 12050 && f.is_some()),
        Err(seen) => assert!(seen == driver && driver < 12050, "driver {driver} has the 12.5 ABI but it was refused"),
    }
}

#[cfg(has_gl)]
#[test]
#[cfg_attr(windows, ignore = "needs NVIDIA's driver (nvcuda.dll); CI runs the Windows tests under Wine, which has none")]
fn cu_graphics_gl_register_buffer_answers() {
    // No GL context here: the driver answers before it looks at the buffer.
    let answer = unsafe { register_gl_buffer(1) }.expect_err("registered a buffer without a GL context");
    let expected = no_context_answer();
    assert_eq!(answer, expected, "cuGraphicsGLRegisterBuffer answered {}", answer.0);
}
