//! The headers bound besides cuda.h, on a GPU: cudaProfiler.h's `cuProfilerStart` and
//! `cuProfilerStop` around a launch, and a context created through a versioned pointer that
//! `cuGetProcAddress` hands out, called through its cudaTypedefs.h type. Where cudaProfiler.h was
//! not found beside cuda.h, the profiler test is reported as ignored. And the older ABIs that the
//! headers declare only under `__CUDA_API_VERSION_INTERNAL` (`libcuda_sys::legacy`), called by
//! their version.

#[cfg(cuda_header = "cudaProfiler.h")]
use crate::common::in_new_context;
use crate::common::Outcome;
use crate::multi::{check_pattern, fill_pattern, load_pattern_module, seed, ChildRole, GatedTest, Helper, Ran, SENTINEL};
use core::ffi::{c_int, c_void};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::{Completion, Failed};
use std::time::Duration;

pub const TESTS: &[GatedTest] = &[
    ("extra_headers::profiler_start_and_stop_around_a_launch", profiler_start_and_stop_around_a_launch),
    ("extra_headers::a_versioned_cu_ctx_create_creates_a_context", a_versioned_cu_ctx_create_creates_a_context),
    ("extra_headers::the_older_abis_work_by_their_version", the_older_abis_work_by_their_version),
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

/// The function of one of the older ABIs (`legacy::PFN_*`): with the feature `versioned`, the
/// crate's `versioned::NAME`, which asks the driver for it on its first call; else the pointer
/// `cuGetProcAddress` gives for that name and version.
macro_rules! older_abi {
    ($function:ident, $base:literal, $version:literal, $pfn:ident) => {{
        #[cfg(feature = "versioned")]
        let f: legacy::$pfn = Some(versioned::$function);
        // SAFETY: the driver hands out the function of that version's ABI, which the PFN type spells.
        #[cfg(not(feature = "versioned"))]
        let f = unsafe { core::mem::transmute::<*mut c_void, legacy::$pfn>(get_proc_address($base, $version)?) };
        f.expect("a function")
    }};
}

/// The ABIs of CUDA 2.0, which cuda.h declares only under `__CUDA_API_VERSION_INTERNAL` (module
/// `legacy`), called by their version, in a child process: a context of 32-bit pointers cannot be
/// made in a process that has other contexts (the driver answers `CUDA_ERROR_OUT_OF_MEMORY` beside
/// the suite's), so the child makes it first thing (see `older_abis_child`).
fn the_older_abis_work_by_their_version() -> Ran {
    let child = Helper::spawn(OLDER_ABIS, &[], &[], Duration::from_secs(60))?;
    for line in child.finish()? {
        println!("{line}");
    }
    Ok(Completion::Completed)
}

pub const CHILD: ChildRole = (OLDER_ABIS, older_abis_child);
const OLDER_ABIS: &str = "older_abis";

/// A context from the CUDA 2.0 `cuCtxCreate`, 32-bit device pointers (`CUdeviceptr_v1`) from its
/// `cuMemAlloc`, set, copied and read back through the same ABIs, and its `cuMemGetInfo` (32-bit
/// sizes). A context the old `cuCtxCreate` makes is one of 32-bit pointers, which the current
/// functions do not take: every call in it is of that ABI.
fn older_abis_child(_: &[String]) -> Outcome {
    use libcuda_sys::legacy::CUdeviceptr_v1;
    const N: usize = 1 << 12;
    let device = crate::common::first_device()?;
    let create = older_abi!(cuCtxCreate_v2000, c"cuCtxCreate", 2000, PFN_cuCtxCreate_v2000);
    let destroy = older_abi!(cuCtxDestroy_v2000, c"cuCtxDestroy", 2000, PFN_cuCtxDestroy_v2000);
    let alloc = older_abi!(cuMemAlloc_v2000, c"cuMemAlloc", 2000, PFN_cuMemAlloc_v2000);
    let free = older_abi!(cuMemFree_v2000, c"cuMemFree", 2000, PFN_cuMemFree_v2000);
    let memset = older_abi!(cuMemsetD32_v2000, c"cuMemsetD32", 2000, PFN_cuMemsetD32_v2000);
    let to_device = older_abi!(cuMemcpyHtoD_v2000, c"cuMemcpyHtoD", 2000, PFN_cuMemcpyHtoD_v2000);
    let to_host = older_abi!(cuMemcpyDtoH_v2000, c"cuMemcpyDtoH", 2000, PFN_cuMemcpyDtoH_v2000);
    let device_to_device = older_abi!(cuMemcpyDtoD_v2000, c"cuMemcpyDtoD", 2000, PFN_cuMemcpyDtoD_v2000);
    let info = older_abi!(cuMemGetInfo_v2000, c"cuMemGetInfo", 2000, PFN_cuMemGetInfo_v2000);
    let mut context: CUcontext = ptr::null_mut();
    check!(create(&mut context, 0, device));
    ensure!(!context.is_null(), "cuCtxCreate_v2000 succeeded without a context");
    let bytes = (N * 4) as core::ffi::c_uint;
    let outcome = (|| -> Outcome {
        let (mut free_bytes, mut total_bytes) = (0, 0);
        check!(info(&mut free_bytes, &mut total_bytes));
        ensure!(total_bytes > 0 && free_bytes <= total_bytes, "cuMemGetInfo_v2000: {free_bytes} free of {total_bytes}");
        let (mut a, mut b): (CUdeviceptr_v1, CUdeviceptr_v1) = (0, 0);
        check!(alloc(&mut a, bytes));
        check!(alloc(&mut b, bytes));
        ensure!(a != 0 && b != 0 && a != b, "cuMemAlloc_v2000 gave {a:#x} and {b:#x}");
        let seed = seed();
        let pattern: Vec<u32> = (0..N as u32).map(|i| i.wrapping_mul(2654435761) ^ seed).collect();
        let mut host = vec![!SENTINEL; N];
        let outcome = (|| -> Outcome {
            check!(memset(b, SENTINEL, N as core::ffi::c_uint));
            check!(to_host(host.as_mut_ptr().cast(), b, bytes));
            ensure!(host.iter().all(|&v| v == SENTINEL), "cuMemsetD32_v2000 did not set every word");
            check!(to_device(a, pattern.as_ptr().cast(), bytes));
            check!(device_to_device(b, a, bytes));
            host.fill(SENTINEL);
            check!(to_host(host.as_mut_ptr().cast(), b, bytes));
            let wrong = (0..N).filter(|&i| host[i] != pattern[i]).count();
            ensure!(wrong == 0, "{wrong} of {N} words copied through the CUDA 2.0 ABIs are wrong (first: {:#x})", host[0]);
            Ok(())
        })();
        let freed =
            crate::common::check(unsafe { free(a) }, "cuMemFree_v2000").and(crate::common::check(unsafe { free(b) }, "cuMemFree_v2000"));
        if outcome.is_ok() {
            println!(
                "older ABIs: a context from cuCtxCreate_v2000; cuMemGetInfo_v2000: {free_bytes} of {total_bytes} bytes free; \
             {N} words through buffers at the 32-bit addresses {a:#x} and {b:#x} (cuMemsetD32_v2000, cuMemcpyHtoD_v2000, \
             cuMemcpyDtoD_v2000, cuMemcpyDtoH_v2000): all correct"
            );
        }
        outcome.and(freed)
    })();
    outcome.and(crate::common::check(unsafe { destroy(context) }, "cuCtxDestroy_v2000"))
}
