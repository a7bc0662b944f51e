//! The headers bound besides cuda.h, on a GPU: cudaProfiler.h's `cuProfilerStart` and
//! `cuProfilerStop` around a launch, and a context created through a versioned pointer that
//! `cuGetProcAddress` hands out, called through its cudaTypedefs.h type. Where cudaProfiler.h was
//! not found beside cuda.h, the profiler test is reported as ignored.

#[cfg(cuda_header = "cudaProfiler.h")]
use crate::common::in_new_context;
use crate::common::Outcome;
use crate::multi::{check_pattern, fill_pattern, load_pattern_module, seed, GatedTest, Ran, SENTINEL};
use core::ffi::{c_int, c_void};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::{Completion, Failed};

pub const TESTS: &[GatedTest] = &[
    ("extra_headers::profiler_start_and_stop_around_a_launch", profiler_start_and_stop_around_a_launch),
    ("extra_headers::a_versioned_cu_ctx_create_creates_a_context", a_versioned_cu_ctx_create_creates_a_context),
];

/// fill_pattern over `n` elements of a new buffer in the current context, between `before` and
/// `after`; every element read back must be the pattern.
fn launch_between(n: usize, before: impl FnOnce() -> Outcome, after: impl FnOnce() -> Outcome) -> Outcome {
    let module = load_pattern_module()?;
    let mut buffer: CUdeviceptr = 0;
    check!(cuMemAlloc(&mut buffer, n * 4));
    check!(cuMemsetD32(buffer, SENTINEL, n));
    let seed = seed();
    before()?;
    fill_pattern(module, ptr::null_mut(), buffer, n, seed)?;
    check!(cuCtxSynchronize());
    after()?;
    let mut host = vec![0u32; n];
    check!(cuMemcpyDtoH(host.as_mut_ptr().cast(), buffer, n * 4));
    check!(cuMemFree(buffer));
    check!(cuModuleUnload(module));
    check_pattern(&host, seed, "the buffer written between the calls")
}

/// Both succeed in a context (no profiler attached, nothing is recorded), and the launch between
/// them writes every element.
#[cfg(cuda_header = "cudaProfiler.h")]
fn profiler_start_and_stop_around_a_launch() -> Ran {
    in_new_context(|_| launch_between(1 << 16, || Ok(check!(cuProfilerStart())), || Ok(check!(cuProfilerStop()))))?;
    Ok(Completion::Completed)
}

#[cfg(not(cuda_header = "cudaProfiler.h"))]
fn profiler_start_and_stop_around_a_launch() -> Ran {
    Ok(Completion::ignored_with("cudaProfiler.h was not found beside cuda.h (the build log says where it looked)"))
}

/// `cuGetProcAddress(symbol, version)` with this header's documented name.
fn get_proc_address(symbol: &core::ffi::CStr, version: c_int) -> Result<*mut c_void, Failed> {
    let mut p: *mut c_void = ptr::null_mut();
    #[cfg(cuda_major = "11")]
    check!(cuGetProcAddress(symbol.as_ptr(), &mut p, version, CU_GET_PROC_ADDRESS_DEFAULT.0 as _));
    #[cfg(not(cuda_major = "11"))]
    {
        let mut status = CUdriverProcAddressQueryResult(u32::MAX);
        check!(cuGetProcAddress(symbol.as_ptr(), &mut p, version, CU_GET_PROC_ADDRESS_DEFAULT.0 as _, &mut status));
        ensure!(status == CU_GET_PROC_ADDRESS_SUCCESS, "cuGetProcAddress({symbol:?}, {version}): status {}", status.0);
    }
    ensure!(!p.is_null(), "cuGetProcAddress({symbol:?}, {version}) gave a null pointer");
    Ok(p)
}

/// cuCtxCreate for the newest ABI that both the driver and this header know, asked of the driver
/// by version (never above cuDriverGetVersion) and called through its PFN type: CUDA 12.5's
/// `PFN_cuCtxCreate_v12050` (with `CUctxCreateParams`), else CUDA 11.4's `PFN_cuCtxCreate_v11040`.
/// The context it creates is current, on device 0, and runs a launch.
fn a_versioned_cu_ctx_create_creates_a_context() -> Ran {
    check!(cuInit(0));
    let mut driver: c_int = 0;
    check!(cuDriverGetVersion(&mut driver));
    let mut device: CUdevice = 0;
    check!(cuDeviceGet(&mut device, 0));
    let mut context: CUcontext = ptr::null_mut();
    let version = if cfg!(cuda_major = "11") || driver < 12050 { 11040 } else { 12050 };
    let p = get_proc_address(c"cuCtxCreate", version)?;
    // SAFETY: the driver hands out the function of that version's ABI, which the PFN type spells.
    let r = unsafe {
        match version {
            #[cfg(not(cuda_major = "11"))]
            12050 => {
                core::mem::transmute::<*mut c_void, PFN_cuCtxCreate_v12050>(p).expect("not null")(&mut context, ptr::null_mut(), 0, device)
            }
            _ => core::mem::transmute::<*mut c_void, PFN_cuCtxCreate_v11040>(p).expect("not null")(
                &mut context,
                ptr::null_mut(),
                0,
                0,
                device,
            ),
        }
    };
    crate::common::check(r, &format!("cuCtxCreate through PFN_cuCtxCreate_v{version}"))?;
    ensure!(!context.is_null(), "PFN_cuCtxCreate_v{version} succeeded without a context");
    let outcome = (|| -> Outcome {
        let mut current: CUcontext = ptr::null_mut();
        check!(cuCtxGetCurrent(&mut current));
        ensure!(current == context, "the new context is not current");
        let mut on: CUdevice = -1;
        check!(cuCtxGetDevice(&mut on));
        ensure!(on == device, "the new context is on device {on}, not {device}");
        launch_between(1 << 12, || Ok(()), || Ok(()))
    })();
    outcome.and(crate::common::check(unsafe { cuCtxDestroy(context) }, "cuCtxDestroy"))?;
    Ok(Completion::Completed)
}
