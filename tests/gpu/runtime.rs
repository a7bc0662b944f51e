//! Interoperability with the CUDA runtime: libcudart, loaded at run time, and the driver share
//! the device's primary context and each other's memory.
//!
//! The few runtime functions used are declared here as function-pointer types (`cudaError_t` is
//! a C `int`). A machine with a GPU but without libcudart fails these tests, saying where it
//! looked: set LIBCUDART_PATH to the library to use.

use crate::common::{check_written, fill_with_sentinel, first_device, fixture_c_path, function, Outcome, Test, PRIMARY_CONTEXT};
use core::ffi::{c_char, c_int, c_uint, c_void, CStr};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::Failed;
use std::sync::OnceLock;

pub const TESTS: &[Test] = &[
    ("runtime::shares_the_primary_context", shares_the_primary_context),
    ("runtime::memory_crosses_between_runtime_and_driver", memory_crosses_between_runtime_and_driver),
];

#[allow(non_camel_case_types)]
type cudaError_t = c_int;
const CUDA_SUCCESS_RT: cudaError_t = 0;
/// `cudaMemcpyKind`'s `cudaMemcpyHostToDevice` and `cudaMemcpyDeviceToHost`.
const HOST_TO_DEVICE: c_int = 1;
const DEVICE_TO_HOST: c_int = 2;

/// The runtime functions these tests call, taken from libcudart.
struct Runtime {
    path: String,
    get_error_name: unsafe extern "C" fn(cudaError_t) -> *const c_char,
    runtime_get_version: unsafe extern "C" fn(*mut c_int) -> cudaError_t,
    set_device: unsafe extern "C" fn(c_int) -> cudaError_t,
    free: unsafe extern "C" fn(*mut c_void) -> cudaError_t,
    malloc: unsafe extern "C" fn(*mut *mut c_void, usize) -> cudaError_t,
    memcpy: unsafe extern "C" fn(*mut c_void, *const c_void, usize, c_int) -> cudaError_t,
    // The library stays loaded to the end of the process: the runtime registers exit handlers.
    _library: libloading::Library,
}

/// Where libcudart is looked for: LIBCUDART_PATH alone when it is set, else the loader's path
/// and /usr/local/cuda/lib64, newest release first.
fn candidates() -> Vec<String> {
    if let Some(path) = std::env::var_os("LIBCUDART_PATH") {
        return vec![path.to_string_lossy().into_owned()];
    }
    let names = ["libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0", "libcudart.so"];
    names.iter().map(|n| n.to_string()).chain(names.iter().map(|n| format!("/usr/local/cuda/lib64/{n}"))).collect()
}

fn load() -> Result<Runtime, String> {
    let mut tried = Vec::new();
    for candidate in candidates() {
        match unsafe { libloading::Library::new(&candidate) } {
            Ok(library) => return symbols(library, candidate),
            Err(e) => tried.push(format!("  {candidate}: {e}")),
        }
    }
    let set = if std::env::var_os("LIBCUDART_PATH").is_some() { "LIBCUDART_PATH is set but" } else { "LIBCUDART_PATH is unset and" };
    Err(format!(
        "the CUDA runtime library (libcudart) could not be loaded: {set} nothing loaded from\n{}\n\
         Install the CUDA runtime (the CUDA toolkit, or `pip install nvidia-cuda-runtime`) or set LIBCUDART_PATH \
         to a libcudart.so that the driver supports.",
        tried.join("\n")
    ))
}

fn symbols(library: libloading::Library, path: String) -> Result<Runtime, String> {
    macro_rules! get {
        ($name:literal) => {
            *unsafe { library.get($name) }.map_err(|e| format!("{path}: {e}"))?
        };
    }
    Ok(Runtime {
        get_error_name: get!(b"cudaGetErrorName"),
        runtime_get_version: get!(b"cudaRuntimeGetVersion"),
        set_device: get!(b"cudaSetDevice"),
        free: get!(b"cudaFree"),
        malloc: get!(b"cudaMalloc"),
        memcpy: get!(b"cudaMemcpy"),
        path,
        _library: library,
    })
}

fn runtime() -> Result<&'static Runtime, Failed> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME.get_or_init(load).as_ref().map_err(|e| e.as_str().into())
}

impl Runtime {
    /// `Ok` for `cudaSuccess`, else the call and the runtime's name for its answer.
    fn check(&self, e: cudaError_t, what: &str) -> Outcome {
        if e == CUDA_SUCCESS_RT {
            return Ok(());
        }
        let name = unsafe { (self.get_error_name)(e) };
        let name = if name.is_null() { format!("cudaError_t {e}") } else { unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned() };
        Err(format!("{what} failed: {name} ({})", self.path).into())
    }

    /// cudaSetDevice(0) and cudaFree(0): the runtime's own initialization, which makes the primary
    /// context of device 0 current on this thread.
    fn initialize(&self) -> Outcome {
        let mut version: c_int = 0;
        self.check(unsafe { (self.runtime_get_version)(&mut version) }, "cudaRuntimeGetVersion")?;
        self.check(unsafe { (self.set_device)(0) }, "cudaSetDevice(0)")?;
        self.check(unsafe { (self.free)(ptr::null_mut()) }, "cudaFree(NULL)")?;
        println!("runtime: {} (CUDA runtime {}.{}) initialized", self.path, version / 1000, version % 1000 / 10);
        Ok(())
    }
}

fn current() -> Result<CUcontext, Failed> {
    let mut context: CUcontext = ptr::null_mut();
    check!(cuCtxGetCurrent(&mut context));
    Ok(context)
}

/// After the runtime initialized, the context current on the thread is the primary context, the
/// very one cuDevicePrimaryCtxRetain hands out, and it is active.
fn shares_the_primary_context() -> Outcome {
    let rt = runtime()?;
    let _primary = PRIMARY_CONTEXT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let device = first_device()?;
    ensure!(current()?.is_null(), "a new thread has a current context");
    rt.initialize()?;
    let from_runtime = current()?;
    ensure!(!from_runtime.is_null(), "after cudaFree(0) no context is current");
    let mut primary: CUcontext = ptr::null_mut();
    check!(cuDevicePrimaryCtxRetain(&mut primary, device));
    ensure!(primary == from_runtime, "the runtime's context {from_runtime:?} is not the primary context {primary:?}");
    let (mut flags, mut active): (c_uint, c_int) = (0, 0);
    check!(cuDevicePrimaryCtxGetState(device, &mut flags, &mut active));
    ensure!(active == 1, "the primary context the runtime uses is not active");
    let mut on_device: CUdevice = -1;
    check!(cuCtxGetDevice(&mut on_device));
    ensure!(on_device == device, "the runtime's context is on device {on_device}");
    check!(cuDevicePrimaryCtxRelease(device));
    Ok(())
}

/// cudaMemcpy fills memory from cuMemAlloc; cuMemcpyDtoH reads memory from cudaMalloc; a kernel
/// launched through the driver adds the two into a third buffer (filled with the sentinel by the
/// driver first), which cudaMemcpy reads.
fn memory_crosses_between_runtime_and_driver() -> Outcome {
    const N: usize = 4096;
    let size = N * core::mem::size_of::<f32>();
    let rt = runtime()?;
    let _primary = PRIMARY_CONTEXT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    first_device()?;
    rt.initialize()?;
    let a: Vec<f32> = (0..N).map(|i| i as f32 * 1.5).collect();
    let b: Vec<f32> = (0..N).map(|i| 1000.0 - i as f32).collect();
    let mut back = vec![0.0f32; N];

    // Driver memory, filled by the runtime, read back by the driver.
    let mut from_driver: CUdeviceptr = 0;
    check!(cuMemAlloc(&mut from_driver, size));
    rt.check(
        unsafe { (rt.memcpy)(from_driver as *mut c_void, a.as_ptr().cast(), size, HOST_TO_DEVICE) },
        "cudaMemcpy to cuMemAlloc's memory",
    )?;
    check!(cuMemcpyDtoH(back.as_mut_ptr().cast(), from_driver, size));
    ensure!(back == a, "cuMemcpyDtoH did not read back what cudaMemcpy wrote to cuMemAlloc's memory");

    // Runtime memory, filled by the runtime, read by the driver.
    let mut from_runtime: *mut c_void = ptr::null_mut();
    rt.check(unsafe { (rt.malloc)(&mut from_runtime, size) }, "cudaMalloc")?;
    rt.check(unsafe { (rt.memcpy)(from_runtime, b.as_ptr().cast(), size, HOST_TO_DEVICE) }, "cudaMemcpy to cudaMalloc's memory")?;
    check!(cuMemcpyDtoH(back.as_mut_ptr().cast(), from_runtime as CUdeviceptr, size));
    ensure!(back == b, "cuMemcpyDtoH of cudaMalloc's memory did not return what cudaMemcpy wrote");

    // A driver launch on both kinds, into runtime memory, read by the runtime.
    let mut sum: *mut c_void = ptr::null_mut();
    rt.check(unsafe { (rt.malloc)(&mut sum, size) }, "cudaMalloc")?;
    fill_with_sentinel(sum as CUdeviceptr, N)?;
    let mut module: CUmodule = ptr::null_mut();
    check!(cuModuleLoad(&mut module, fixture_c_path("vector_add.ptx").as_ptr()));
    let vec_add = function(module, c"VecAdd_kernel")?;
    let (mut d_a, mut d_b, mut d_c, mut n) = (from_driver, from_runtime as CUdeviceptr, sum as CUdeviceptr, N as c_int);
    let mut args: [*mut c_void; 4] =
        [ptr::addr_of_mut!(d_a).cast(), ptr::addr_of_mut!(d_b).cast(), ptr::addr_of_mut!(d_c).cast(), ptr::addr_of_mut!(n).cast()];
    check!(cuLaunchKernel(vec_add, (N as c_uint).div_ceil(256), 1, 1, 256, 1, 1, 0, ptr::null_mut(), args.as_mut_ptr(), ptr::null_mut()));
    rt.check(unsafe { (rt.memcpy)(back.as_mut_ptr().cast(), sum, size, DEVICE_TO_HOST) }, "cudaMemcpy of the kernel's output")?;
    check_written("VecAdd_kernel into cudaMalloc's memory", &back, |i| a[i] + b[i])?;

    check!(cuModuleUnload(module));
    rt.check(unsafe { (rt.free)(sum) }, "cudaFree")?;
    rt.check(unsafe { (rt.free)(from_runtime) }, "cudaFree")?;
    check!(cuMemFree(from_driver));
    Ok(())
}
