//! A crate that depends on libcuda-sys the way a wrapper crate does: its build script reads the
//! metadata libcuda-sys exports (`DEP_CUDA_INCLUDE`, `DEP_CUDA_VERSION`), compiles C against the
//! same header and gates Rust code on the release. The tests check that both sides agree.

use core::ffi::c_uint;
use libcuda_sys::{CUcontext, CUdevice, CUresult};

include!(concat!(env!("OUT_DIR"), "/errors.rs"));

/// CUDA_VERSION of the header, as the dependent's build script read it from DEP_CUDA_VERSION.
pub const DEP_CUDA_VERSION: &str = env!("CONSUMER_CUDA_VERSION");

extern "C" {
    /// `CUDA_VERSION`, compiled by `cc` from the same header.
    pub fn consumer_cuda_version() -> core::ffi::c_int;
    pub fn consumer_sizeof_memcpy3d() -> usize;
    pub fn consumer_sizeof_launch_config() -> usize;
    /// 1 when C's `cuCtxCreate` takes `(CUcontext *, unsigned int, CUdevice)`, else 0.
    pub fn consumer_cu_ctx_create_has_three_parameters() -> core::ffi::c_int;
}

#[cfg(links_libcuda)]
extern "C" {
    /// `&cuMemAlloc` as C takes it (not with dynamic-loading, where nothing links libcuda).
    pub fn consumer_cu_mem_alloc() -> *const core::ffi::c_void;
}

/// cuCtxCreate as this release of the header declares it: gated on DEP_CUDA_VERSION.
///
/// # Safety
/// As `cuCtxCreate`.
#[cfg(ctx_create_takes_params)]
pub unsafe fn create_context(ctx: &mut CUcontext, flags: c_uint, dev: CUdevice) -> CUresult {
    libcuda_sys::cuCtxCreate(ctx, core::ptr::null_mut(), flags, dev)
}

/// cuCtxCreate as this release of the header declares it: gated on DEP_CUDA_VERSION.
///
/// # Safety
/// As `cuCtxCreate`.
#[cfg(not(ctx_create_takes_params))]
pub unsafe fn create_context(ctx: &mut CUcontext, flags: c_uint, dev: CUdevice) -> CUresult {
    libcuda_sys::cuCtxCreate(ctx, flags, dev)
}
