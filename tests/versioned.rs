//! `libcuda_sys::versioned` and what a program learns of a function its driver lacks, against
//! NVIDIA's real driver library: CI has Debian's 535 (CUDA 12.2) and no GPU, the GPU machine a
//! current driver. The addresses themselves are compared with C's `cuGetProcAddress` in
//! consumer/tests/versioned.rs.
#![cfg(all(feature = "dynamic-loading", cuda_header = "cudaTypedefs.h"))]

use core::ptr;
use libcuda_sys::*;

/// The ABI this build binds for `cuCtxCreate`: CUDA 12.5's (`cuCtxCreate_v4`) with 13.x headers,
/// 3.2's (`cuCtxCreate_v2`) before.
#[test]
fn required_version_names_the_abi_this_build_binds() {
    let expected = if CUDA_VERSION >= 13000 { 12050 } else { 3020 };
    assert_eq!(dynamic::required_version("cuCtxCreate"), Some(expected));
    assert_eq!(dynamic::required_version(dynamic::symbol("cuCtxCreate")), Some(expected));
    assert_eq!(dynamic::required_version("cuInit"), Some(2000));
    assert_eq!(dynamic::required_version("cuNoSuchFunction"), None);
    // Per-thread symbols too (per_thread's cuMemcpyHtoD is cuMemcpyHtoD_v2_ptds: CUDA 7.0's ABI).
    assert_eq!(dynamic::required_version("cuMemcpyHtoD_v2_ptds"), Some(7000));
}

#[test]
#[cfg(feature = "versioned")]
#[cfg_attr(windows, ignore = "needs NVIDIA's driver (nvcuda.dll); CI runs the Windows tests under Wine, which has none")]
fn each_cu_ctx_create_abi_answers_by_the_drivers_version() {
    let driver = dynamic::driver_version();
    assert!(driver >= 11030, "a driver with cuGetProcAddress: {driver}");
    let initialized = unsafe { cuInit(0) } == CUDA_SUCCESS;
    // The CUDA 3.2 ABI: every driver has it; without a device it answers the driver's own code.
    let mut ctx: CUcontext = ptr::null_mut();
    let answer = unsafe { versioned::cuCtxCreate_v3020(&mut ctx, 0, 0) };
    assert_ne!(answer, CUDA_ERROR_NOT_FOUND, "cuCtxCreate_v3020 resolves");
    match answer {
        CUDA_SUCCESS => {
            assert!(initialized && !ctx.is_null());
            assert_eq!(unsafe { cuCtxDestroy(ctx) }, CUDA_SUCCESS);
        }
        other => assert!(!initialized || other == CUDA_ERROR_NO_DEVICE, "cuCtxCreate_v3020 answered {other:?}"),
    }
    // The CUDA 12.5 ABI (typed by the headers of 12.5 on): a driver older than 12.5 is not asked,
    // and the output is untouched.
    #[cfg(any(
        cuda_major = "13",
        all(cuda_major = "12", any(cuda_minor = "5", cuda_minor = "6", cuda_minor = "7", cuda_minor = "8", cuda_minor = "9"))
    ))]
    ctx_create_v12050(driver);
}

#[cfg(all(
    feature = "versioned",
    any(
        cuda_major = "13",
        all(cuda_major = "12", any(cuda_minor = "5", cuda_minor = "6", cuda_minor = "7", cuda_minor = "8", cuda_minor = "9"))
    )
))]
fn ctx_create_v12050(driver: i32) {
    let sentinel = 0x5eed as CUcontext;
    let mut ctx = sentinel;
    let answer = unsafe { versioned::cuCtxCreate_v12050(&mut ctx, ptr::null_mut(), 0, 0) };
    if driver < 12050 {
        assert_eq!(answer, CUDA_ERROR_NOT_FOUND);
        assert_eq!(ctx, sentinel, "the output parameter is untouched");
        assert_eq!(dynamic::versioned_address("cuCtxCreate_v12050"), None);
    } else {
        assert_ne!(answer, CUDA_ERROR_NOT_FOUND);
        if answer == CUDA_SUCCESS {
            assert_eq!(unsafe { cuCtxDestroy(ctx) }, CUDA_SUCCESS);
        }
    }
}

/// On a driver older than the ABI this build binds, the root's `cuCtxCreate` answers
/// `CUDA_ERROR_NOT_FOUND`, and the message says which driver it needs, which this one is, and
/// which of its ABIs this driver has.
#[test]
#[cfg_attr(windows, ignore = "needs NVIDIA's driver (nvcuda.dll); CI runs the Windows tests under Wine, which has none")]
fn a_missing_function_says_which_driver_it_needs() {
    let driver = dynamic::driver_version();
    let needed = dynamic::required_version("cuCtxCreate").expect("cudaTypedefs.h gives cuCtxCreate's ABI");
    match dynamic::why_unavailable("cuCtxCreate") {
        None => assert!(i64::from(driver) >= i64::from(needed) && dynamic::is_available("cuCtxCreate")),
        Some(message) => {
            assert!(i64::from(driver) < i64::from(needed), "{message}");
            let mut ctx: CUcontext = ptr::null_mut();
            #[cfg(cuda_major = "13")]
            assert_eq!(unsafe { cuCtxCreate(&mut ctx, ptr::null_mut(), 0, 0) }, CUDA_ERROR_NOT_FOUND);
            #[cfg(not(cuda_major = "13"))]
            assert_eq!(unsafe { cuCtxCreate(&mut ctx, 0, 0) }, CUDA_ERROR_NOT_FOUND);
            let needed = format!("needs a driver of CUDA {}.{} or newer", needed / 1000, needed % 1000 / 10);
            let this = format!("this driver is CUDA {}.{} (cuDriverGetVersion {driver})", driver / 1000, driver % 1000 / 10);
            assert!(message.contains(&needed) && message.contains(&this) && message.contains("cuCtxCreate_v3020"), "{message}");
            eprintln!("{message}");
        }
    }
}

/// The older ABIs that the headers declare only under `__CUDA_API_VERSION_INTERNAL` (their types
/// in the module `legacy`) have their functions too: CUDA 2.0's `cuCtxCreate` and `cuMemAlloc`
/// (a 32-bit `CUdeviceptr_v1`) resolve by that version, and without a device answer the driver's
/// own code. The GPU suite uses them on a GPU (extra_headers::the_older_abis_work_by_their_version).
#[test]
#[cfg(feature = "versioned")]
#[cfg_attr(windows, ignore = "needs NVIDIA's driver (nvcuda.dll); CI runs the Windows tests under Wine, which has none")]
fn the_older_abis_resolve_by_their_version() {
    let _: legacy::PFN_cuMemAlloc_v2000 = Some(versioned::cuMemAlloc_v2000);
    assert_eq!(core::mem::size_of::<legacy::CUdeviceptr_v1>(), 4);
    assert!(dynamic::VERSIONED.contains(&("cuCtxCreate_v2000", "cuCtxCreate", 2000, false)));
    let initialized = unsafe { cuInit(0) } == CUDA_SUCCESS;
    let mut ctx: CUcontext = ptr::null_mut();
    let answer = unsafe { versioned::cuCtxCreate_v2000(&mut ctx, 0, 0) };
    assert_ne!(answer, CUDA_ERROR_NOT_FOUND, "cuCtxCreate_v2000 resolves");
    assert!(dynamic::versioned_address("cuCtxCreate_v2000").is_some());
    if answer == CUDA_SUCCESS {
        assert_eq!(unsafe { versioned::cuCtxDestroy_v2000(ctx) }, CUDA_SUCCESS);
        return;
    }
    assert!(!initialized || answer == CUDA_ERROR_NO_DEVICE, "cuCtxCreate_v2000 answered {answer:?}");
    let mut pointer: legacy::CUdeviceptr_v1 = 0;
    let answer = unsafe { versioned::cuMemAlloc_v2000(&mut pointer, 4) };
    assert!(answer != CUDA_ERROR_NOT_FOUND && answer != CUDA_SUCCESS, "cuMemAlloc_v2000 without a context answered {answer:?}");
    assert!(dynamic::versioned_address("cuMemAlloc_v2000").is_some());
}
