//! What the functions answer when no driver library could be opened (dynamic-loading); shared by
//! tests/dynamic.rs and tests/windows.rs.

use core::ffi::{c_char, c_int};
use core::ptr;
use libcuda_sys::*;

/// Every call answers `CUDA_ERROR_NO_DEVICE` and leaves its outputs as they were, whether or not a
/// driver would have the function; nothing is available. Returns `load_error`'s explanation.
pub fn every_call_answers_no_device() -> &'static str {
    assert_eq!(unsafe { cuInit(0) }, CUDA_ERROR_NO_DEVICE);
    let mut version: c_int = -1;
    assert_eq!(unsafe { cuDriverGetVersion(&mut version) }, CUDA_ERROR_NO_DEVICE);
    assert_eq!(version, -1, "outputs are left untouched");
    // A function this driver would lack answers the same: there is no driver at all.
    let mut s: *const c_char = ptr::null();
    assert_eq!(unsafe { cuGetErrorName(CUDA_SUCCESS, &mut s) }, CUDA_ERROR_NO_DEVICE);
    assert!(s.is_null());
    #[cfg(not(any(cuda_major = "11", cuda_major = "12")))]
    assert_eq!(unsafe { cuCtxCreate(ptr::null_mut(), ptr::null_mut(), 0, 0) }, CUDA_ERROR_NO_DEVICE);
    #[cfg(any(cuda_major = "11", cuda_major = "12"))]
    assert_eq!(unsafe { cuCtxCreate(ptr::null_mut(), 0, 0) }, CUDA_ERROR_NO_DEVICE);
    assert!(!dynamic::is_available("cuInit"));
    assert_eq!(dynamic::address("cuInit"), None);
    let why = dynamic::load_error().expect("load_error explains");
    println!("load_error: {why}");
    why
}
