//! What the GPU tests share: checking a `CUresult`, finding the fixtures, creating a context with
//! the header's `cuCtxCreate`, filling an output buffer with a sentinel and checking what a kernel
//! wrote over it, running VecAdd_kernel, and reporting a test as ignored where the GPU, the driver
//! or the headers lack what it needs. Everything else is the raw bindings.

use core::ffi::{c_char, c_int, c_uint, c_void, CStr};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::{Completion, Failed};
use std::ffi::CString;
use std::path::PathBuf;
use std::sync::Mutex;

/// What a test returns: `Err` carries the message libtest-mimic prints.
pub type Outcome = Result<(), Failed>;

/// A test's name and its function, for the list main hands to libtest-mimic.
pub type Test = (&'static str, fn() -> Outcome);

/// What a test that may find its hardware, driver or headers lacking returns:
/// `Completion::Ignored` says why.
pub type Ran = Result<Completion, Failed>;

/// A test that may be ignored at run time, for the list main hands to libtest-mimic.
pub type GatedTest = (&'static str, fn() -> Ran);

/// Held by every test that retains the primary context or initializes the runtime (which
/// retains it for the rest of the process), so that one sees the primary context's state
/// change only by its own calls.
pub static PRIMARY_CONTEXT: Mutex<()> = Mutex::new(());

/// The C name of a result ("CUDA_ERROR_INVALID_CONTEXT"), as the driver spells it.
pub fn name(r: CUresult) -> String {
    let mut s: *const c_char = ptr::null();
    match unsafe { cuGetErrorName(r, &mut s) } {
        CUDA_SUCCESS if !s.is_null() => unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned(),
        _ => format!("CUresult {}", r.0),
    }
}

/// `Ok` for `CUDA_SUCCESS`, else the call and the driver's name for what it answered.
pub fn check(r: CUresult, what: &str) -> Outcome {
    if r == CUDA_SUCCESS {
        Ok(())
    } else {
        Err(format!("{what} failed: {}", name(r)).into())
    }
}

/// `Ok` when the call answered `expected`.
pub fn expect(r: CUresult, expected: CUresult, what: &str) -> Outcome {
    if r == expected {
        Ok(())
    } else {
        Err(format!("{what} answered {}, expected {}", name(r), name(expected)).into())
    }
}

/// `check!(cuMemAlloc(&mut d, size));` returns from the test when the call does not succeed.
macro_rules! check {
    ($call:expr) => {
        $crate::common::check(unsafe { $call }, stringify!($call))?
    };
}

/// `expect!(CUDA_ERROR_INVALID_CONTEXT, cuMemAlloc(&mut d, 4));` returns from the test unless
/// the call answers exactly that.
macro_rules! expect {
    ($expected:expr, $call:expr) => {
        $crate::common::expect(unsafe { $call }, $expected, stringify!($call))?
    };
}

/// `ensure!(condition, "format", args...)` returns from the test with the message when false.
macro_rules! ensure {
    ($cond:expr, $($message:tt)+) => {
        if !$cond {
            return Err(format!($($message)+).into());
        }
    };
}

/// Runs a test on a thread of its own, whose context stack is empty, so that no test sees a
/// context another left current; a panic becomes a failure with its message.
pub fn on_own_thread<T: Send + 'static>(test: fn() -> Result<T, Failed>) -> Result<T, Failed> {
    std::thread::spawn(test).join().unwrap_or_else(|panic| {
        let message = panic.downcast_ref::<String>().map(String::as_str).or(panic.downcast_ref::<&str>().copied());
        Err(format!("test panicked: {}", message.unwrap_or("(no message)")).into())
    })
}

/// Whether the GPU tests can run here: `Err` says why not, in one line.
pub fn usable_gpu() -> Result<(), String> {
    let r = unsafe { cuInit(0) };
    let mut version: c_int = 0;
    let _ = unsafe { cuDriverGetVersion(&mut version) };
    let driver = format!("CUDA {}.{} driver", version / 1000, version % 1000 / 10);
    if r != CUDA_SUCCESS {
        return Err(format!("cuInit answered {} ({driver})", name(r)));
    }
    let mut count: c_int = 0;
    let r = unsafe { cuDeviceGetCount(&mut count) };
    if r != CUDA_SUCCESS {
        return Err(format!("cuDeviceGetCount answered {} ({driver})", name(r)));
    }
    if count == 0 {
        return Err(format!("cuInit succeeded but there is no device ({driver})"));
    }
    Ok(())
}

/// `cuInit(0)` and device 0.
pub fn first_device() -> Result<CUdevice, Failed> {
    check!(cuInit(0));
    let mut device: CUdevice = 0;
    check!(cuDeviceGet(&mut device, 0));
    Ok(device)
}

/// `cuCtxCreate` as the header declares it: CUDA 13 added a `CUctxCreateParams *` (NULL: none)
/// as its second argument.
///
/// # Safety
/// As `cuCtxCreate`: `pctx` must be valid for a write.
pub unsafe fn ctx_create(pctx: *mut CUcontext, flags: c_uint, device: CUdevice) -> CUresult {
    #[cfg(not(any(cuda_major = "11", cuda_major = "12")))]
    return cuCtxCreate(pctx, ptr::null_mut(), flags, device);
    #[cfg(any(cuda_major = "11", cuda_major = "12"))]
    return cuCtxCreate(pctx, flags, device);
}

/// Runs `body` in a new context of device 0, current on this thread, and destroys the context
/// afterwards, also when `body` failed.
pub fn in_new_context(body: impl FnOnce(CUcontext) -> Outcome) -> Outcome {
    let device = first_device()?;
    let mut context: CUcontext = ptr::null_mut();
    check!(ctx_create(&mut context, 0, device));
    let outcome = body(context);
    let destroyed = check(unsafe { cuCtxDestroy(context) }, "cuCtxDestroy");
    outcome.and(destroyed)
}

/// A fixture's path: relative to the working directory (the GPU runner runs from the repository
/// root), else to this package.
pub fn fixture(file: &str) -> PathBuf {
    let relative = PathBuf::from("tests/fixtures").join(file);
    if relative.exists() {
        relative
    } else {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(file)
    }
}

/// A fixture's path as C wants it, for `cuModuleLoad`.
pub fn fixture_c_path(file: &str) -> CString {
    CString::new(fixture(file).into_os_string().into_encoded_bytes()).expect("a path without NUL")
}

/// A fixture's text, NUL-terminated, as `cuModuleLoadData` and `cuLinkAddData` take PTX.
pub fn fixture_with_nul(file: &str) -> Result<Vec<u8>, Failed> {
    let path = fixture(file);
    let mut text = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.push(0);
    Ok(text)
}

/// The text a JIT log buffer holds, up to its NUL.
pub fn log_text(buffer: &[u8]) -> String {
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    String::from_utf8_lossy(&buffer[..end]).into_owned()
}

/// An integer JIT option value, passed in the `void *` slot itself as the header says.
pub fn option_value(value: usize) -> *mut c_void {
    value as *mut c_void
}

/// cuModuleGetFunction.
pub fn function(module: CUmodule, name: &CStr) -> Result<CUfunction, Failed> {
    let mut function: CUfunction = ptr::null_mut();
    check!(cuModuleGetFunction(&mut function, module, name.as_ptr()));
    Ok(function)
}

/// The 32-bit pattern a kernel's output buffer is filled with on the device (`cuMemsetD32`) before
/// every launch whose output is checked: an element that still holds it was not written, whatever
/// a fresh allocation or an earlier test left there. As `f32` it is -6.3e18, as `i32` -559038737:
/// no output these tests expect.
pub const SENTINEL: u32 = 0xDEAD_BEEF;

/// Fills `words` 32-bit elements at `buffer` with [`SENTINEL`].
pub fn fill_with_sentinel(buffer: CUdeviceptr, words: usize) -> Outcome {
    check!(cuMemsetD32(buffer, SENTINEL, words));
    Ok(())
}

/// tests/fixtures/pattern.ptx, NUL-terminated as cuModuleLoadData takes PTX; built in, so that a
/// binary carried to a GPU machine needs no fixture folder.
pub const PATTERN_PTX: &str = concat!(include_str!("../fixtures/pattern.ptx"), "\0");

/// A seed that differs from run to run, so that memory a previous run left cannot pass a check.
pub fn seed() -> u32 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    nanos ^ std::process::id().rotate_left(16)
}

/// What pattern.ptx's fill_pattern writes at index `i`: bit 31 is clear, so it is never
/// [`SENTINEL`] (nor multi's all-ones one).
pub fn pattern(i: usize, seed: u32) -> u32 {
    (i as u32).wrapping_mul(2_654_435_761).wrapping_add(seed) & 0x7FFF_FFFF
}

/// Launches pattern.ptx's fill_pattern(out, n, seed) from `module` on `stream`, 256 threads per
/// block.
pub fn launch_fill_pattern(module: CUmodule, stream: CUstream, out: CUdeviceptr, n: usize, seed: u32) -> Outcome {
    let f = function(module, c"fill_pattern")?;
    let (mut out, mut n, mut seed) = (out, n as c_uint, seed);
    let mut args: [*mut c_void; 3] = [ptr::addr_of_mut!(out).cast(), ptr::addr_of_mut!(n).cast(), ptr::addr_of_mut!(seed).cast()];
    check!(cuLaunchKernel(f, n.div_ceil(256), 1, 1, 256, 1, 1, 0, stream, args.as_mut_ptr(), ptr::null_mut()));
    Ok(())
}

/// An element of a kernel's output, compared with the sentinel by its bits.
pub trait Word: Copy + PartialEq + core::fmt::Debug {
    fn bits(self) -> u32;
}

impl Word for f32 {
    fn bits(self) -> u32 {
        self.to_bits()
    }
}

impl Word for i32 {
    fn bits(self) -> u32 {
        self as u32
    }
}

impl Word for u32 {
    fn bits(self) -> u32 {
        self
    }
}

/// Every element of `got`, read back from a buffer filled with [`SENTINEL`] before `what` ran, no
/// longer holds the sentinel (the kernel wrote it) and equals `expected(i)`.
pub fn check_written<T: Word>(what: &str, got: &[T], expected: impl Fn(usize) -> T) -> Outcome {
    let n = got.len();
    if let Some(i) = (0..n).find(|&i| expected(i).bits() == SENTINEL) {
        return Err(format!("{what}: the expected element {i} has the sentinel's bits {SENTINEL:#x}: the test needs other inputs").into());
    }
    let unwritten: Vec<usize> = (0..n).filter(|&i| got[i].bits() == SENTINEL).collect();
    ensure!(
        unwritten.is_empty(),
        "{what}: {} of {n} elements still hold the sentinel {SENTINEL:#x}, so the kernel did not write them; first at {}",
        unwritten.len(),
        unwritten[0]
    );
    let wrong: Vec<usize> = (0..n).filter(|&i| got[i] != expected(i)).collect();
    ensure!(
        wrong.is_empty(),
        "{what}: {} of {n} elements wrong, first [{i}] = {:?}, expected {:?}",
        wrong.len(),
        got[wrong[0]],
        expected(wrong[0]),
        i = wrong[0]
    );
    Ok(())
}

/// Runs VecAdd_kernel (tests/fixtures/vector_add.ptx) on `n` elements in the current context,
/// 256 threads per block, into a buffer filled with the sentinel, and checks every element of
/// C = A + B.
pub fn run_vec_add(vec_add: CUfunction, n: usize) -> Outcome {
    let h_a: Vec<f32> = (0..n).map(|i| i as f32).collect();
    let h_b: Vec<f32> = (0..n).map(|i| 0.5 * (n - i) as f32).collect();
    let mut h_c = vec![-1.0f32; n];
    let size = n * core::mem::size_of::<f32>();
    let (mut d_a, mut d_b, mut d_c): (CUdeviceptr, CUdeviceptr, CUdeviceptr) = (0, 0, 0);
    check!(cuMemAlloc(&mut d_a, size));
    check!(cuMemAlloc(&mut d_b, size));
    check!(cuMemAlloc(&mut d_c, size));
    check!(cuMemcpyHtoD(d_a, h_a.as_ptr().cast(), size));
    check!(cuMemcpyHtoD(d_b, h_b.as_ptr().cast(), size));
    fill_with_sentinel(d_c, n)?;
    let mut count = n as c_int;
    let mut args: [*mut c_void; 4] =
        [ptr::addr_of_mut!(d_a).cast(), ptr::addr_of_mut!(d_b).cast(), ptr::addr_of_mut!(d_c).cast(), ptr::addr_of_mut!(count).cast()];
    let blocks = (n as c_uint).div_ceil(256);
    check!(cuLaunchKernel(vec_add, blocks, 1, 1, 256, 1, 1, 0, ptr::null_mut(), args.as_mut_ptr(), ptr::null_mut()));
    check!(cuMemcpyDtoH(h_c.as_mut_ptr().cast(), d_c, size));
    check!(cuMemFree(d_a));
    check!(cuMemFree(d_b));
    check!(cuMemFree(d_c));
    check_written("VecAdd_kernel", &h_c, |i| h_a[i] + h_b[i])
}

/// `if let Some(ignored) = gate? { return Ok(ignored); }`: returns from a gated test with the
/// ignored completion a check below answered, or goes on.
macro_rules! skip_if {
    ($gate:expr) => {
        if let Some(ignored) = $gate? {
            return Ok(ignored);
        }
    };
}

/// The release of the headers this binary was built with ("13.0"), from their CUDA_VERSION.
// This and headers_lack are used only with headers older than the newest API a test calls
// (cuMemcpyBatchAsync, CUDA 12.8).
#[cfg_attr(not(any(cuda_major = "11", all(cuda_major = "12", not(any(cuda_minor = "8", cuda_minor = "9"))))), allow(dead_code))]
pub fn header_release() -> String {
    format!("{}.{}", CUDA_VERSION / 1000, CUDA_VERSION % 1000 / 10)
}

/// The ignored completion of a test whose API these headers do not declare: "the CUDA 11.8
/// headers lack cuLibraryLoadData (CUDA 12.0)".
#[cfg_attr(not(any(cuda_major = "11", all(cuda_major = "12", not(any(cuda_minor = "8", cuda_minor = "9"))))), allow(dead_code))]
pub fn headers_lack(what: &str) -> Ran {
    Ok(Completion::ignored_with(format!("the CUDA {} headers lack {what}", header_release())))
}

/// `Some(ignored)` when the driver is older than CUDA `version` (12040 for 12.4), which `what`
/// needs; its functions would be missing (a link-mode binary would stop at the call). With CUDA
/// 11.8 headers no test calls an API newer than the oldest driver.
#[cfg_attr(cuda_major = "11", allow(dead_code))]
pub fn driver_older_than(version: c_int, what: &str) -> Result<Option<Completion>, Failed> {
    check!(cuInit(0));
    let mut driver: c_int = 0;
    check!(cuDriverGetVersion(&mut driver));
    Ok((driver < version).then(|| {
        Completion::ignored_with(format!(
            "{what} needs a CUDA {}.{} driver; this one is CUDA {}.{}",
            version / 1000,
            version % 1000 / 10,
            driver / 1000,
            driver % 1000 / 10
        ))
    }))
}

/// An attribute of device 0.
pub fn device_attribute(attribute: CUdevice_attribute) -> Result<c_int, Failed> {
    let device = first_device()?;
    let mut value: c_int = 0;
    check!(cuDeviceGetAttribute(&mut value, attribute, device));
    Ok(value)
}

/// `Some(ignored)` when device 0's compute capability is below `major.minor`, which `what` needs.
pub fn compute_capability_below(major: c_int, minor: c_int, what: &str) -> Result<Option<Completion>, Failed> {
    let has =
        (device_attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)?, device_attribute(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)?);
    Ok((has < (major, minor))
        .then(|| Completion::ignored_with(format!("{what} needs compute capability {major}.{minor}; device 0 has {}.{}", has.0, has.1))))
}

/// `Some(ignored)` when device 0 answers 0 for `attribute`, which `what` needs.
pub fn device_lacks(attribute: CUdevice_attribute, what: &str) -> Result<Option<Completion>, Failed> {
    Ok((device_attribute(attribute)? == 0)
        .then(|| Completion::ignored_with(format!("device 0 does not support {what} ({attribute:?} is 0)"))))
}

/// A stream of the current context other than the legacy NULL stream (which some calls refuse),
/// but blocking: its work follows what the NULL stream was given before (such as the sentinel of
/// `cuMemsetD32`, which may still be running when the call returns) and precedes what it is
/// given after.
pub fn new_stream() -> Result<CUstream, Failed> {
    let mut stream: CUstream = ptr::null_mut();
    check!(cuStreamCreate(&mut stream, CU_STREAM_DEFAULT.0));
    Ok(stream)
}

/// Reads `n` elements of `T` at `from` (after the stream work that wrote them).
pub fn read_back<T: Copy + Default>(from: CUdeviceptr, n: usize) -> Result<Vec<T>, Failed> {
    let mut host = vec![T::default(); n];
    check!(cuMemcpyDtoH(host.as_mut_ptr().cast(), from, n * core::mem::size_of::<T>()));
    Ok(host)
}

/// A device allocation of `words` 32-bit elements filled with [`SENTINEL`].
pub fn alloc_with_sentinel(words: usize) -> Result<CUdeviceptr, Failed> {
    let mut buffer: CUdeviceptr = 0;
    check!(cuMemAlloc(&mut buffer, words * 4));
    fill_with_sentinel(buffer, words)?;
    Ok(buffer)
}

/// A `CUmemLocation` of `type_` and `id`. After CUDA 13.0 (seen in 13.5) the id is a member of
/// an anonymous union.
#[cfg(any(cuda_major = "11", cuda_major = "12", all(cuda_major = "13", cuda_minor = "0")))]
pub fn mem_location(type_: CUmemLocationType, id: c_int) -> CUmemLocation {
    CUmemLocation { type_, id }
}

#[cfg(not(any(cuda_major = "11", cuda_major = "12", all(cuda_major = "13", cuda_minor = "0"))))]
pub fn mem_location(type_: CUmemLocationType, id: c_int) -> CUmemLocation {
    CUmemLocation { type_, __bindgen_anon_1: CUmemLocation_st__bindgen_ty_1 { id } }
}

/// The id of a `CUmemLocation`, whichever layout the header gives it (for vmm, Unix only).
#[cfg(all(unix, any(cuda_major = "11", cuda_major = "12", all(cuda_major = "13", cuda_minor = "0"))))]
pub fn mem_location_id(location: &CUmemLocation) -> c_int {
    location.id
}

#[cfg(all(unix, not(any(cuda_major = "11", cuda_major = "12", all(cuda_major = "13", cuda_minor = "0")))))]
pub fn mem_location_id(location: &CUmemLocation) -> c_int {
    // SAFETY: every member of the union is plain data; id is the one these tests set.
    unsafe { location.__bindgen_anon_1.id }
}
