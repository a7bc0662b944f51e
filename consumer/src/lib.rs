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

#[cfg(all(has_profiler, links_libcuda))]
extern "C" {
    /// `&cuProfilerStart` as C takes it, from the headers DEP_CUDA_WRAPPER includes.
    pub fn consumer_cu_profiler_start() -> *const core::ffi::c_void;
}

/// Runs `body` between cuProfilerStart and cuProfilerStop (cudaProfiler.h), returning what each
/// answered.
///
/// # Safety
/// As the two calls: none beyond a driver library that can be loaded.
#[cfg(has_profiler)]
pub unsafe fn profiled<R>(body: impl FnOnce() -> R) -> (CUresult, R, CUresult) {
    let start = libcuda_sys::cuProfilerStart();
    let result = body();
    (start, result, libcuda_sys::cuProfilerStop())
}

/// CUDA 12.5's cuCtxCreate (with `CUctxCreateParams`), as a wrapper that loads by version names it.
#[cfg(has_ctx_create_v12050)]
pub type CtxCreateV12050 = libcuda_sys::PFN_cuCtxCreate_v12050;

/// The driver's cuCtxCreate of the CUDA 12.5 ABI, through cuGetProcAddress; `Err` with the
/// driver's version where it predates 12.5 (a request above the driver's version is never made:
/// older drivers answer it with an older ABI).
#[cfg(has_ctx_create_v12050)]
pub fn ctx_create_v12050() -> Result<CtxCreateV12050, core::ffi::c_int> {
    let mut driver: core::ffi::c_int = 0;
    if unsafe { libcuda_sys::cuDriverGetVersion(&mut driver) } != libcuda_sys::CUDA_SUCCESS || driver < 12050 {
        return Err(driver);
    }
    let mut p: *mut core::ffi::c_void = core::ptr::null_mut();
    let mut status = libcuda_sys::CUdriverProcAddressQueryResult(0);
    let r = unsafe { libcuda_sys::cuGetProcAddress(c"cuCtxCreate".as_ptr(), &mut p, 12050, 0, &mut status) };
    if r != libcuda_sys::CUDA_SUCCESS || status != libcuda_sys::CU_GET_PROC_ADDRESS_SUCCESS || p.is_null() {
        return Err(driver);
    }
    // SAFETY: the driver hands out the function of the 12.5 ABI, which the PFN type spells.
    Ok(unsafe { core::mem::transmute::<*mut core::ffi::c_void, CtxCreateV12050>(p) })
}

/// Registers an OpenGL buffer object with CUDA (cudaGL.h, libcuda-sys's `gl` feature).
///
/// # Safety
/// A GL context must be current whose buffer `buffer` is.
#[cfg(has_gl)]
pub unsafe fn register_gl_buffer(buffer: libcuda_sys::GLuint) -> Result<libcuda_sys::CUgraphicsResource, CUresult> {
    let mut resource: libcuda_sys::CUgraphicsResource = core::ptr::null_mut();
    match libcuda_sys::cuGraphicsGLRegisterBuffer(&mut resource, buffer, libcuda_sys::CU_GRAPHICS_REGISTER_FLAGS_NONE.0) {
        libcuda_sys::CUDA_SUCCESS => Ok(resource),
        r => Err(r),
    }
}

#[cfg(has_proc_address)]
extern "C" {
    /// The address C's `cuGetProcAddress` (the header's) gives for a name at a version with
    /// flags, through the driver library it opens itself; null when none.
    pub fn consumer_proc_address(name: *const core::ffi::c_char, version: core::ffi::c_int, flags: u64) -> *mut core::ffi::c_void;
}
