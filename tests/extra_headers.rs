//! The headers bound besides cuda.h, called in NVIDIA's real driver library: cudaProfiler.h's
//! `cuProfilerStart` and `cuProfilerStop`, and a `PFN_*` type of cudaTypedefs.h used on what
//! `cuGetProcAddress` hands out for a version. Without a GPU, `cuInit` fails and each call must
//! answer `CUDA_ERROR_NOT_INITIALIZED`; with one, there is no context on the calling thread, and
//! each must say so. Where a header was not found beside cuda.h, its test is reported as ignored.

use core::ffi::{c_int, c_void};
use core::ptr;
use libcuda_sys::*;

/// What a call that needs a context answers on a thread without one: `CUDA_ERROR_NOT_INITIALIZED`
/// where `cuInit` failed (no GPU), `CUDA_ERROR_INVALID_CONTEXT` where it succeeded.
fn no_context_answer() -> CUresult {
    if unsafe { cuInit(0) } == CUDA_SUCCESS {
        CUDA_ERROR_INVALID_CONTEXT
    } else {
        CUDA_ERROR_NOT_INITIALIZED
    }
}

#[cfg(cuda_header = "cudaProfiler.h")]
#[test]
#[cfg_attr(windows, ignore = "needs NVIDIA's driver (nvcuda.dll); CI runs the Windows tests under Wine, which has none")]
fn cu_profiler_start_and_stop_resolve_and_answer() {
    let expected = no_context_answer();
    // Linked (or, with dynamic-loading, resolved) from the driver library, and called.
    assert_eq!(unsafe { cuProfilerStart() }, expected, "cuProfilerStart");
    assert_eq!(unsafe { cuProfilerStop() }, expected, "cuProfilerStop");
    // The driver's cuProfilerStart by version, called through cudaProfilerTypedefs.h's type.
    let p = unsafe { get_proc_address(c"cuProfilerStart", 4000) }.unwrap();
    let typed = unsafe { core::mem::transmute::<*mut c_void, PFN_cuProfilerStart_v4000>(p) }.expect("not null");
    assert_eq!(unsafe { typed() }, expected);
}

#[cfg(not(cuda_header = "cudaProfiler.h"))]
#[test]
#[ignore = "cudaProfiler.h was not found beside cuda.h (the build log says where it looked)"]
fn cu_profiler_start_and_stop_resolve_and_answer() {}

/// `cuGetProcAddress(symbol, version)` for this header: with CUDA 12 and later the documented name
/// is `cuGetProcAddress_v2`, which also reports whether the symbol was found.
unsafe fn get_proc_address(symbol: &core::ffi::CStr, version: c_int) -> Result<*mut c_void, String> {
    let mut p: *mut c_void = ptr::null_mut();
    #[cfg(cuda_major = "11")]
    let r = cuGetProcAddress(symbol.as_ptr(), &mut p, version, CU_GET_PROC_ADDRESS_DEFAULT.0 as _);
    #[cfg(not(cuda_major = "11"))]
    let r = {
        let mut status = CUdriverProcAddressQueryResult(u32::MAX);
        let r = cuGetProcAddress(symbol.as_ptr(), &mut p, version, CU_GET_PROC_ADDRESS_DEFAULT.0 as _, &mut status);
        if r == CUDA_SUCCESS && status != CU_GET_PROC_ADDRESS_SUCCESS {
            return Err(format!("cuGetProcAddress({symbol:?}, {version}) succeeded with status {}", status.0));
        }
        r
    };
    match r {
        CUDA_SUCCESS if !p.is_null() => Ok(p),
        r => Err(format!("cuGetProcAddress({symbol:?}, {version}) answered {} and {p:?}", r.0)),
    }
}

/// cuCtxCreate as CUDA 11.4 defined it (`cuCtxCreate_v3`, with execution-affinity parameters),
/// asked of the driver by version: every driver this crate supports has it (cuDriverGetVersion is
/// checked first: never ask for a version above the driver's). The pointer is the driver's
/// `cuCtxCreate_v3` itself, and called through `PFN_cuCtxCreate_v11040` it answers.
#[test]
#[cfg_attr(windows, ignore = "needs NVIDIA's driver (nvcuda.dll); CI runs the Windows tests under Wine, which has none")]
fn a_versioned_cu_ctx_create_from_cu_get_proc_address_answers() {
    let mut driver: c_int = 0;
    assert_eq!(unsafe { cuDriverGetVersion(&mut driver) }, CUDA_SUCCESS);
    assert!(driver >= 11040, "driver {driver} predates cuCtxCreate_v3");
    let p = unsafe { get_proc_address(c"cuCtxCreate", 11040) }.unwrap();

    // The very function the driver library exports as cuCtxCreate_v3.
    let name = if cfg!(windows) { "nvcuda.dll" } else { "libcuda.so.1" };
    let library = unsafe { libloading::Library::new(name) }.expect("the driver library loads");
    let exported = unsafe { library.get::<*mut c_void>(b"cuCtxCreate_v3\0") }.expect("the driver exports cuCtxCreate_v3");
    assert_eq!(p, *exported, "cuGetProcAddress(cuCtxCreate, 11040) is not cuCtxCreate_v3");

    let create: PFN_cuCtxCreate_v11040 = unsafe { core::mem::transmute::<*mut c_void, PFN_cuCtxCreate_v11040>(p) };
    let create = create.expect("not null");
    let expected = no_context_answer();
    let mut ctx: CUcontext = ptr::null_mut();
    let r = unsafe { create(&mut ctx, ptr::null_mut(), 0, 0, 0) };
    if expected == CUDA_ERROR_NOT_INITIALIZED {
        assert_eq!(r, CUDA_ERROR_NOT_INITIALIZED);
        assert!(ctx.is_null());
    } else {
        // With a GPU it creates a context on device 0.
        assert_eq!(r, CUDA_SUCCESS);
        assert!(!ctx.is_null());
        assert_eq!(unsafe { cuCtxDestroy(ctx) }, CUDA_SUCCESS);
    }
}
