//! Calls into NVIDIA's real driver library that answer without a GPU (and with one).
//!
//! On a machine whose kernel reports no NVIDIA GPU (`/proc/driver/nvidia/gpus` empty or absent),
//! `cuInit` must answer `CUDA_ERROR_NO_DEVICE`; with one it must succeed. (Device nodes are no
//! guide: the driver library creates `/dev/nvidiactl` itself when it runs as root.) The rest
//! answers either way.

use core::ffi::{c_char, c_int, CStr};
use core::ptr;
use libcuda_sys::*;
use std::path::Path;

fn kernel_reports_a_gpu() -> bool {
    let gpus = Path::new("/proc/driver/nvidia/gpus");
    gpus.read_dir().map(|mut d| d.next().is_some()).unwrap_or(false) || Path::new("/dev/dxg").exists()
}

#[test]
fn cu_init_answers_no_device_without_a_gpu() {
    let r = unsafe { cuInit(0) };
    if kernel_reports_a_gpu() {
        assert_eq!(r, CUDA_SUCCESS, "cuInit failed on a machine whose kernel reports an NVIDIA GPU");
    } else {
        assert_eq!(r, CUDA_ERROR_NO_DEVICE, "cuInit without a GPU");
        // Nothing was initialized, so device queries say so.
        let mut count: c_int = -1;
        assert_eq!(unsafe { cuDeviceGetCount(&mut count) }, CUDA_ERROR_NOT_INITIALIZED);
    }
}

#[test]
fn cu_driver_get_version_answers() {
    let mut version: c_int = 0;
    assert_eq!(unsafe { cuDriverGetVersion(&mut version) }, CUDA_SUCCESS);
    // CUDA 11.0 is 11000; every driver this crate can meet is newer.
    assert!(version >= 11000, "driver version {version}");
    println!("driver supports CUDA {}.{} ({version})", version / 1000, version % 1000 / 10);
    assert_eq!(unsafe { cuDriverGetVersion(ptr::null_mut()) }, CUDA_ERROR_INVALID_VALUE);
}

#[test]
fn cu_get_error_name_of_an_unknown_code_is_invalid_value_and_null() {
    let mut s: *const c_char = c"untouched".as_ptr();
    let r = unsafe { cuGetErrorName(CUresult(0x7fff_fff0), &mut s) };
    assert_eq!(r, CUDA_ERROR_INVALID_VALUE);
    assert!(s.is_null());
    let mut s: *const c_char = c"untouched".as_ptr();
    assert_eq!(unsafe { cuGetErrorString(CUresult(0x7fff_fff0), &mut s) }, CUDA_ERROR_INVALID_VALUE);
    assert!(s.is_null());
}

#[test]
fn cu_get_error_name_of_success() {
    let mut s: *const c_char = ptr::null();
    assert_eq!(unsafe { cuGetErrorName(CUDA_SUCCESS, &mut s) }, CUDA_SUCCESS);
    assert_eq!(unsafe { CStr::from_ptr(s) }.to_str().unwrap(), "CUDA_SUCCESS");
}

// cuGetProcAddress_v2 and its query result came with CUDA 12.0.
#[cfg(not(cuda_major = "11"))]
#[test]
fn cu_get_proc_address_finds_cu_init() {
    let mut version: c_int = 0;
    assert_eq!(unsafe { cuDriverGetVersion(&mut version) }, CUDA_SUCCESS);
    let mut p: *mut core::ffi::c_void = ptr::null_mut();
    let mut status = CUdriverProcAddressQueryResult(u32::MAX);
    let r = unsafe { cuGetProcAddress_v2(c"cuInit".as_ptr(), &mut p, version, CU_GET_PROC_ADDRESS_DEFAULT.0 as _, &mut status) };
    assert_eq!(r, CUDA_SUCCESS);
    assert_eq!(status, CU_GET_PROC_ADDRESS_SUCCESS);
    // The driver hands out the very function the linker bound cuInit to (with dynamic-loading,
    // cuInit is a wrapper, and the function it calls is the one the driver hands out).
    #[cfg(not(feature = "dynamic-loading"))]
    let bound = cuInit as *const () as usize;
    #[cfg(feature = "dynamic-loading")]
    let bound = libcuda_sys::dynamic::address("cuInit").map_or(0, |a| a.as_ptr() as usize);
    assert_eq!(p as usize, bound);
}

/// `cuGetProcAddress` with no stream flag hands out the variant of each mapping's stream mode: at
/// the crate root the legacy-stream `cuLaunchKernel`; in `per_thread`, cuda.h's static inline
/// wrapper (compiled by the build) adds the per-thread flag, and the driver hands out
/// `cuLaunchKernel_ptsz` — the very function `per_thread::cuLaunchKernel` is bound to.
/// (11.8: `cuGetProcAddress` is the first version, without a status, and its inline per-thread
/// wrapper `cuGetProcAddress_ptsz`.)
#[cfg(not(feature = "dynamic-loading"))]
#[test]
fn cu_get_proc_address_follows_each_mapping() {
    let mut version: c_int = 0;
    assert_eq!(unsafe { cuDriverGetVersion(&mut version) }, CUDA_SUCCESS);
    #[cfg(not(cuda_major = "11"))]
    type GetProcAddress = unsafe extern "C" fn(
        *const c_char,
        *mut *mut core::ffi::c_void,
        c_int,
        cuuint64_t,
        *mut CUdriverProcAddressQueryResult,
    ) -> CUresult;
    #[cfg(cuda_major = "11")]
    type GetProcAddress = unsafe extern "C" fn(*const c_char, *mut *mut core::ffi::c_void, c_int, cuuint64_t) -> CUresult;
    #[cfg(not(cuda_major = "11"))]
    let look_up = |get: GetProcAddress| {
        let mut p: *mut core::ffi::c_void = ptr::null_mut();
        let mut status = CUdriverProcAddressQueryResult(u32::MAX);
        let r = unsafe { get(c"cuLaunchKernel".as_ptr(), &mut p, version, 0, &mut status) };
        assert_eq!((r, status), (CUDA_SUCCESS, CU_GET_PROC_ADDRESS_SUCCESS));
        p as usize
    };
    #[cfg(cuda_major = "11")]
    let look_up = |get: GetProcAddress| {
        let mut p: *mut core::ffi::c_void = ptr::null_mut();
        assert_eq!(unsafe { get(c"cuLaunchKernel".as_ptr(), &mut p, version, 0) }, CUDA_SUCCESS);
        p as usize
    };
    let legacy = look_up(cuGetProcAddress);
    let per_thread_stream = look_up(per_thread::cuGetProcAddress);
    assert_eq!(legacy, cuLaunchKernel as *const () as usize);
    assert_eq!(per_thread_stream, per_thread::cuLaunchKernel as *const () as usize);
    assert_eq!(per_thread_stream, per_thread::cuLaunchKernel_ptsz as *const () as usize);
    assert_ne!(legacy, per_thread_stream);
}

/// Both mappings in one build: the documented names at the root are C's default symbols, those in
/// `per_thread` the per-thread ones; everything else is the same item in both.
#[cfg(not(feature = "dynamic-loading"))]
#[test]
fn both_stream_mappings_are_there() {
    use libcuda_sys::per_thread as cu;
    let address = |f: *const ()| f as usize;
    assert_eq!(address(cuMemcpyHtoD as *const ()), address(cuMemcpyHtoD_v2 as *const ()));
    assert_eq!(address(cu::cuMemcpyHtoD as *const ()), address(cu::cuMemcpyHtoD_v2_ptds as *const ()));
    assert_ne!(address(cuMemcpyHtoD as *const ()), address(cu::cuMemcpyHtoD as *const ()));
    assert_ne!(address(cuLaunchKernel as *const ()), address(cu::cuLaunchKernel as *const ()));
    // Stream-independent names are the root's own items.
    assert_eq!(address(cu::cuInit as *const ()), address(cuInit as *const ()));
    assert_eq!(address(cu::cuMemAlloc as *const ()), address(cuMemAlloc as *const ()));
    let ok: CUresult = cu::CUDA_SUCCESS;
    let stream: CUstream = cu::CU_STREAM_PER_THREAD;
    assert_eq!((ok, stream as usize), (CUDA_SUCCESS, 2));
}

#[test]
fn casting_macros_hold_c_values_with_c_types() {
    let e: *mut core::ffi::c_void = CU_LAUNCH_PARAM_END;
    let p: *mut core::ffi::c_void = CU_LAUNCH_PARAM_BUFFER_POINTER;
    let z: *mut core::ffi::c_void = CU_LAUNCH_PARAM_BUFFER_SIZE;
    let legacy: CUstream = CU_STREAM_LEGACY;
    let per_thread: CUstream = CU_STREAM_PER_THREAD;
    let cpu: CUdevice = CU_DEVICE_CPU;
    let invalid: CUdevice = CU_DEVICE_INVALID;
    let ok: CUresult = CUDA_SUCCESS;
    assert_eq!((e as usize, p as usize, z as usize), (0, 1, 2));
    assert_eq!((legacy as usize, per_thread as usize), (1, 2));
    assert_eq!((cpu, invalid), (-1, -2));
    assert_eq!(ok.0, 0);
    // The *_AS_INT twins that bindgen reads directly agree.
    assert_eq!(CU_LAUNCH_PARAM_BUFFER_POINTER_AS_INT as usize, p as usize);
    assert_eq!(CU_LAUNCH_PARAM_BUFFER_SIZE_AS_INT as usize, z as usize);
}

#[test]
fn flag_enums_combine_with_bitor() {
    let mut flags = CU_CTX_SCHED_BLOCKING_SYNC | CU_CTX_MAP_HOST;
    assert_eq!(flags.0, CU_CTX_SCHED_BLOCKING_SYNC.0 | CU_CTX_MAP_HOST.0);
    flags |= CU_CTX_LMEM_RESIZE_TO_MAX;
    assert_eq!(flags.0 & CU_CTX_LMEM_RESIZE_TO_MAX.0, CU_CTX_LMEM_RESIZE_TO_MAX.0);
    let stream: CUstream_flags = CU_STREAM_NON_BLOCKING | CU_STREAM_DEFAULT;
    assert_eq!(stream, CU_STREAM_NON_BLOCKING);
}

#[test]
fn documented_names_are_the_versioned_items() {
    // cuMemAlloc is a re-export of cuMemAlloc_v2: one item, one address.
    assert_eq!(cuMemAlloc as *const () as usize, cuMemAlloc_v2 as *const () as usize);
    assert_eq!(cuMemFree as *const () as usize, cuMemFree_v2 as *const () as usize);
}
