//! The `dynamic-loading` feature against NVIDIA's real driver library: CI has Debian's 535
//! (CUDA 12.2) and no GPU, the GPU machine a current driver.
//!
//! Loading happens once per process, so what needs another driver path (none, or an absolute
//! one) runs in a child: the test re-executes this binary with `LIBCUDA_SYS_DRIVER_PATH` set, the
//! child variable below naming the case, and `--ignored --exact child::<case>`, which selects the
//! one test in `child::` that checks it. Those tests are `#[ignore]`d, so that a normal run does
//! not count them; run directly (`--include-ignored`), each starts its child as its parent does.
#![cfg(feature = "dynamic-loading")]

use core::ffi::{c_char, c_int, c_uint, c_void, CStr};
use core::ptr;
use libcuda_sys::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Names the case a child process checks.
const CHILD: &str = "LIBCUDA_SYS_DYNAMIC_TEST_CHILD";

fn kernel_reports_a_gpu() -> bool {
    let gpus = Path::new("/proc/driver/nvidia/gpus");
    gpus.read_dir().map(|mut d| d.next().is_some()).unwrap_or(false) || Path::new("/dev/dxg").exists()
}

fn driver_version() -> c_int {
    let mut version: c_int = 0;
    assert_eq!(unsafe { cuDriverGetVersion(&mut version) }, CUDA_SUCCESS);
    version
}

/// Runs the ignored test `child::<name>` of this binary in a new process with
/// `LIBCUDA_SYS_DRIVER_PATH` set to `driver_path`; asserts that it ran, and passed.
fn run_child(name: &str, driver_path: &Path) {
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = Command::new(exe)
        .args([&format!("child::{name}"), "--ignored", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, name)
        .env(dynamic::PATH_VARIABLE, driver_path)
        .output()
        .expect("the test binary runs again");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "child {name} failed:\n{text}");
    assert!(text.contains("1 passed"), "child {name} did not run:\n{text}");
    assert!(!text.contains("panicked"), "child {name} panicked:\n{text}");
}

#[test]
fn the_driver_library_opens_by_its_versioned_name() {
    if std::env::var_os(dynamic::PATH_VARIABLE).is_none() {
        assert_eq!(dynamic::DEFAULT_LIBRARY, if cfg!(windows) { "nvcuda.dll" } else { "libcuda.so.1" });
        assert_eq!(dynamic::library_path(), Path::new(dynamic::DEFAULT_LIBRARY));
    }
    assert_eq!(dynamic::load_error(), None, "the driver library must load here (LD_LIBRARY_PATH?)");
}

#[test]
fn cu_init_answers_like_the_driver() {
    let r = unsafe { cuInit(0) };
    if kernel_reports_a_gpu() {
        assert_eq!(r, CUDA_SUCCESS);
    } else {
        assert_eq!(r, CUDA_ERROR_NO_DEVICE);
        let mut count: c_int = -1;
        assert_eq!(unsafe { cuDeviceGetCount(&mut count) }, CUDA_ERROR_NOT_INITIALIZED);
        assert_eq!(count, -1, "an output of a failed call is left as it was");
    }
}

#[test]
fn cu_driver_get_version_works() {
    let version = driver_version();
    assert!(version >= 11000, "driver version {version}");
    println!("driver supports CUDA {}.{} ({version})", version / 1000, version % 1000 / 10);
    assert_eq!(unsafe { cuDriverGetVersion(ptr::null_mut()) }, CUDA_ERROR_INVALID_VALUE);
}

#[test]
fn documented_names_map_to_the_symbols_link_mode_binds() {
    let expected = if cfg!(cuda_major = "11") || cfg!(cuda_major = "12") { "cuCtxCreate_v2" } else { "cuCtxCreate_v4" };
    assert_eq!(dynamic::symbol("cuCtxCreate"), expected);
    assert_eq!(dynamic::symbol("cuMemAlloc"), "cuMemAlloc_v2");
    // The crate root's mapping: C's without CUDA_API_PER_THREAD_DEFAULT_STREAM.
    assert_eq!(dynamic::symbol("cuMemcpyHtoD"), "cuMemcpyHtoD_v2");
    assert_eq!(dynamic::symbol("cuLaunchKernel"), "cuLaunchKernel");
    assert_eq!(dynamic::symbol("cuInit"), "cuInit");
    // One item: the documented name is a re-export of the versioned wrapper, in both mappings.
    assert_eq!(cuMemAlloc as *const () as usize, cuMemAlloc_v2 as *const () as usize);
    assert_eq!(cuMemcpyHtoD as *const () as usize, cuMemcpyHtoD_v2 as *const () as usize);
    assert_eq!(per_thread::cuMemcpyHtoD as *const () as usize, per_thread::cuMemcpyHtoD_v2_ptds as *const () as usize);
    assert_ne!(per_thread::cuMemcpyHtoD as *const () as usize, cuMemcpyHtoD as *const () as usize);
    assert_eq!(per_thread::cuInit as *const () as usize, cuInit as *const () as usize);
}

#[test]
fn is_available_knows_symbols_and_documented_names() {
    assert!(dynamic::is_available("cuInit"));
    assert!(dynamic::is_available("cuDriverGetVersion"));
    assert!(dynamic::is_available("cuMemAlloc"));
    assert!(dynamic::is_available("cuMemAlloc_v2"));
    assert!(!dynamic::is_available("cuNoSuchFunction"));
    assert!(!dynamic::is_available("cuInit\0trailing"));
    assert!(!dynamic::is_available(""));
    // The address is the driver's own, as cuGetProcAddress hands it out.
    let mut p: *mut c_void = ptr::null_mut();
    #[cfg(not(cuda_major = "11"))]
    {
        let mut status = CUdriverProcAddressQueryResult(u32::MAX);
        let flags = CU_GET_PROC_ADDRESS_DEFAULT.0 as _;
        let r = unsafe { cuGetProcAddress_v2(c"cuInit".as_ptr(), &mut p, driver_version(), flags, &mut status) };
        assert_eq!((r, status), (CUDA_SUCCESS, CU_GET_PROC_ADDRESS_SUCCESS));
    }
    #[cfg(cuda_major = "11")]
    assert_eq!(unsafe { cuGetProcAddress(c"cuInit".as_ptr(), &mut p, driver_version(), CU_GET_PROC_ADDRESS_DEFAULT.0 as _) }, CUDA_SUCCESS);
    assert_eq!(dynamic::address("cuInit").map(|a| a.as_ptr()), Some(p));
}

/// `cuGetProcAddress` with no stream flag hands out the variant of each mapping's stream mode: at
/// the crate root the legacy-stream `cuLaunchKernel`; in `per_thread`, cuda.h's static inline
/// wrapper (compiled by the build) adds the per-thread flag and reaches the driver through the
/// lazily resolved `cuGetProcAddress_v2`, and the driver answers `cuLaunchKernel_ptsz` — the
/// symbol `per_thread::cuLaunchKernel` resolves.
/// (11.8: `cuGetProcAddress` is the first version, without a status; its inline per-thread
/// wrapper `cuGetProcAddress_ptsz` reaches it under its hidden name.)
#[test]
fn cu_get_proc_address_follows_each_mapping() {
    #[cfg(not(cuda_major = "11"))]
    type GetProcAddress =
        unsafe extern "C" fn(*const c_char, *mut *mut c_void, c_int, cuuint64_t, *mut CUdriverProcAddressQueryResult) -> CUresult;
    #[cfg(cuda_major = "11")]
    type GetProcAddress = unsafe extern "C" fn(*const c_char, *mut *mut c_void, c_int, cuuint64_t) -> CUresult;
    #[cfg(not(cuda_major = "11"))]
    let look_up = |get: GetProcAddress| {
        let mut p: *mut c_void = ptr::null_mut();
        let mut status = CUdriverProcAddressQueryResult(u32::MAX);
        let r = unsafe { get(c"cuLaunchKernel".as_ptr(), &mut p, driver_version(), 0, &mut status) };
        assert_eq!((r, status), (CUDA_SUCCESS, CU_GET_PROC_ADDRESS_SUCCESS));
        p
    };
    #[cfg(cuda_major = "11")]
    let look_up = |get: GetProcAddress| {
        let mut p: *mut c_void = ptr::null_mut();
        assert_eq!(unsafe { get(c"cuLaunchKernel".as_ptr(), &mut p, driver_version(), 0) }, CUDA_SUCCESS);
        p
    };
    assert_eq!(Some(look_up(cuGetProcAddress)), dynamic::address("cuLaunchKernel").map(|a| a.as_ptr()));
    assert_eq!(Some(look_up(per_thread::cuGetProcAddress)), dynamic::address("cuLaunchKernel_ptsz").map(|a| a.as_ptr()));
}

/// cuCtxCreate is cuCtxCreate_v4 with 13.x headers, which the 535 driver does not export: the
/// call answers CUDA_ERROR_NOT_FOUND. Where the driver has the symbol (12.x headers: _v2; or a
/// driver of 12.5 or later), the call answers what the driver's own function answers.
#[test]
fn cu_ctx_create_answers_not_found_when_the_driver_lacks_its_symbol() {
    let no_gpu = !kernel_reports_a_gpu();
    // Settle the driver's state first: other tests of this process call cuInit too.
    let _ = unsafe { cuInit(0) };
    let version = driver_version();
    let symbol = dynamic::symbol("cuCtxCreate");
    let available = dynamic::is_available("cuCtxCreate");
    assert_eq!(available, dynamic::is_available(symbol));
    // With a null output pointer no context is created, on any machine.
    #[cfg(not(any(cuda_major = "11", cuda_major = "12")))]
    let (wrapped, direct) = {
        type F = unsafe extern "C" fn(*mut CUcontext, *mut CUctxCreateParams, c_uint, CUdevice) -> CUresult;
        let wrapped = unsafe { cuCtxCreate(ptr::null_mut(), ptr::null_mut(), 0, 0) };
        let direct = dynamic::address("cuCtxCreate")
            .map(|a| unsafe { core::mem::transmute::<*mut c_void, F>(a.as_ptr())(ptr::null_mut(), ptr::null_mut(), 0, 0) });
        (wrapped, direct)
    };
    #[cfg(any(cuda_major = "11", cuda_major = "12"))]
    let (wrapped, direct) = {
        type F = unsafe extern "C" fn(*mut CUcontext, c_uint, CUdevice) -> CUresult;
        let wrapped = unsafe { cuCtxCreate(ptr::null_mut(), 0, 0) };
        let direct =
            dynamic::address("cuCtxCreate").map(|a| unsafe { core::mem::transmute::<*mut c_void, F>(a.as_ptr())(ptr::null_mut(), 0, 0) });
        (wrapped, direct)
    };
    println!("driver {version}, {symbol} available: {available}, answers {wrapped:?}");
    match direct {
        None => {
            assert!(!available);
            assert_eq!(wrapped, CUDA_ERROR_NOT_FOUND);
        }
        Some(direct) => {
            assert!(available);
            assert_eq!(wrapped, direct, "the wrapper answers as the driver's {symbol}");
        }
    }
    // What was observed with Debian's 535 (CUDA 12.2) driver and no GPU.
    if version <= 12020 && no_gpu {
        if symbol == "cuCtxCreate_v4" {
            assert!(!available);
            assert_eq!(wrapped, CUDA_ERROR_NOT_FOUND);
        } else {
            assert!(available);
            assert_eq!(wrapped, CUDA_ERROR_NOT_INITIALIZED);
        }
    }
}

#[test]
fn wrappers_are_extern_c_functions() {
    let init = cuInit as unsafe extern "C" fn(c_uint) -> CUresult;
    let version: unsafe extern "C" fn(*mut c_int) -> CUresult = cuDriverGetVersion;
    let mut v: c_int = 0;
    assert_eq!(unsafe { version(&mut v) }, CUDA_SUCCESS);
    assert!(v >= 11000);
    let expected = if kernel_reports_a_gpu() { CUDA_SUCCESS } else { CUDA_ERROR_NO_DEVICE };
    assert_eq!(unsafe { init(0) }, expected);
}

#[test]
fn first_calls_from_many_threads_agree() {
    // cuGetErrorString is called by no other test of this binary: its first call is here.
    let barrier = std::sync::Barrier::new(16);
    let names: Vec<String> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..16)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    let mut s: *const c_char = ptr::null();
                    assert_eq!(unsafe { cuGetErrorString(CUDA_ERROR_NO_DEVICE, &mut s) }, CUDA_SUCCESS);
                    unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().expect("no panic")).collect()
    });
    assert!(names.iter().all(|n| n == &names[0] && !n.is_empty()), "{names:?}");
}

#[test]
fn without_a_driver_every_call_answers_no_device() {
    run_child("without_a_driver", Path::new("/nonexistent/libcuda-sys-test/libcuda.so.1"));
}

#[cfg(target_os = "linux")]
#[test]
fn the_library_is_mapped_only_after_the_first_call() {
    run_child("mapped_after_the_first_call", Path::new(""));
}

/// The absolute path of the libcuda this process mapped (Linux).
#[cfg(target_os = "linux")]
fn mapped_libcuda() -> Option<PathBuf> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines().filter_map(|l| l.split_whitespace().nth(5)).find(|p| p.contains("/libcuda.so")).map(PathBuf::from)
}

#[cfg(target_os = "linux")]
#[test]
fn the_variable_names_the_library_to_open() {
    assert!(driver_version() >= 11000);
    let path = mapped_libcuda().expect("libcuda is mapped after a call");
    run_child("at_an_absolute_path", &path);
}

/// What the children check, each in a process of its own, where its parent test runs it. Run in
/// any other process (`--include-ignored`), each runs its parent test instead.
mod child {
    use super::*;

    fn is(name: &str) -> bool {
        std::env::var(CHILD).as_deref() == Ok(name)
    }

    #[test]
    #[ignore = "run in a child process by without_a_driver_every_call_answers_no_device"]
    fn without_a_driver() {
        if !is("without_a_driver") {
            return without_a_driver_every_call_answers_no_device();
        }
        let tried = Path::new("/nonexistent/libcuda-sys-test/libcuda.so.1");
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
        assert_eq!(dynamic::library_path(), tried);
        let why = dynamic::load_error().expect("load_error explains");
        println!("load_error: {why}");
        assert!(why.contains(&tried.display().to_string()), "{why}");
        assert!(why.contains(dynamic::PATH_VARIABLE), "{why}");
        // Asked again, the same answers: the failure is remembered, not retried.
        assert_eq!(unsafe { cuInit(0) }, CUDA_ERROR_NO_DEVICE);
    }

    #[cfg(target_os = "linux")]
    #[test]
    #[ignore = "run in a child process by the_library_is_mapped_only_after_the_first_call"]
    fn mapped_after_the_first_call() {
        if !is("mapped_after_the_first_call") {
            return the_library_is_mapped_only_after_the_first_call();
        }
        // No NEEDED entry for libcuda (nor a dependency's): nothing mapped it at start.
        assert_eq!(mapped_libcuda(), None, "libcuda was mapped before any call");
        driver_version();
        assert!(mapped_libcuda().is_some(), "the first call maps libcuda");
        // An empty variable counts as unset.
        assert_eq!(dynamic::library_path(), Path::new(dynamic::DEFAULT_LIBRARY));
    }

    #[cfg(target_os = "linux")]
    #[test]
    #[ignore = "run in a child process by the_variable_names_the_library_to_open"]
    fn at_an_absolute_path() {
        if !is("at_an_absolute_path") {
            return the_variable_names_the_library_to_open();
        }
        let path = PathBuf::from(std::env::var_os(dynamic::PATH_VARIABLE).expect("set by the parent"));
        assert!(path.is_absolute());
        assert!(driver_version() >= 11000);
        assert_eq!(dynamic::library_path(), path);
        assert_eq!(dynamic::load_error(), None);
        assert_eq!(mapped_libcuda(), Some(path));
    }
}
