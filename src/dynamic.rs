//! The `dynamic-loading` feature: the driver library is opened at run time, each function is
//! resolved on its first call, and what is missing answers an error code.
//!
//! With this feature the crate has the same functions as without it — same names, same
//! signatures, same docs, the same documented names (`cuCtxCreate` is `cuCtxCreate_v4` with 13.x
//! headers, `cuCtxCreate_v2` with 12.x), in either stream mode — but a program built with it has
//! no link-time dependency on libcuda: it starts on a machine without a driver, and on a driver
//! older than the headers it was built with. Each function is a `pub unsafe extern "C" fn`, so it
//! still coerces to a C function pointer (`cuInit as unsafe extern "C" fn(_) -> _`), though its
//! address is its own, not the driver's (see [`address`]).
//!
//! # Loading
//!
//! The first call of any function (or of a query of this module) opens the driver library, once
//! per process and thread-safely, and never closes it. Which one ([`path_origin`] tells):
//!
//! - the path in the environment variable `LIBCUDA_SYS_DRIVER_PATH` ([`PATH_VARIABLE`], read at
//!   run time; empty counts as unset). On Windows it must be an absolute path: anything else is
//!   not loaded ([`load_error`] says why) and every call answers as without a driver. The DLL's
//!   own dependencies are then looked for in its folder and in System32.
//! - otherwise [`DEFAULT_LIBRARY`]: on Linux `libcuda.so.1`, found the way the system's dynamic
//!   loader finds libraries (`LD_LIBRARY_PATH`, `ldconfig`'s cache, the default folders); on
//!   Windows `nvcuda.dll`, from the system folder (System32, where the driver installs it) only,
//!   never from the application's folder, the current directory or `PATH`.
//!
//! # Security: privileged programs
//!
//! On Linux, in secure-execution mode — a program that runs setuid or setgid, or with file
//! capabilities, which the kernel flags with `AT_SECURE` (`getauxval(AT_SECURE) != 0`) —
//! `LIBCUDA_SYS_DRIVER_PATH` is **ignored** and [`DEFAULT_LIBRARY`] is opened, which the loader
//! then finds without `LD_LIBRARY_PATH` (it ignores that variable in this mode too). Otherwise any
//! user who can run the program could make it run their own library with its privileges. Such a
//! process reports [`PathOrigin::IgnoredInSecureExecution`], and a [`load_error`] says that the
//! variable was ignored and why.
//!
//! # Resolution
//!
//! Each function looks up, on its own first call, the very symbol that linking would have bound
//! (the versioned one for a documented name), by name in the library's export table — never
//! through `cuGetProcAddress`, which on an older driver hands out an older ABI for a newer
//! version request. The answer is cached in a per-function slot: after the first call a call
//! costs one atomic load, a compare and an indirect call.
//!
//! # Failure as values
//!
//! Nothing panics or aborts. Every function returns `CUresult`, and when it cannot call the
//! driver it returns:
//!
//! - `CUDA_ERROR_NO_DEVICE` from every function when no driver library could be opened — as the
//!   driver itself answers `cuInit` on a machine without a GPU. [`load_error`] says why, with the
//!   path tried;
//! - `CUDA_ERROR_NOT_FOUND` from a function this driver does not export (a driver older than the
//!   headers: the 535 driver, CUDA 12.2, has no `cuCtxCreate_v4`). [`is_available`] tells
//!   beforehand.
//!
//! Output parameters are left untouched in both cases. Should a future header declare a function
//! that returns no `CUresult`, its wrapper would do nothing (no return value) or return its type's
//! all-zero value (0, a null pointer) in these cases; the headers of CUDA 11.8 to 13.5 have none.
//!
//! # A driver older than the headers
//!
//! The crate root binds each function at the ABI the headers choose: with 13.x headers,
//! `cuCtxCreate` is `cuCtxCreate_v4`, the ABI of CUDA 12.5, which a 12.2 driver does not have.
//! [`required_version`] says which driver a function needs (`Some(12050)`), and [`why_unavailable`]
//! puts it into a message with the driver's own version. What an older driver does have is in the
//! module `versioned`: every ABI version of every function that cudaTypedefs.h
//! types, by its version (`versioned::cuCtxCreate_v3020`, `_v11040`, `_v12050`), each resolved
//! through the driver's `cuGetProcAddress` with that version, never one above the driver's
//! (`cuDriverGetVersion`). A program that must run on every driver picks the newest its driver
//! has (examples/any_driver.rs). The ABIs the headers declare only under
//! `__CUDA_API_VERSION_INTERNAL` are there too (`versioned::cuCtxCreate_v2000`; their types in the
//! module `legacy`): 32-bit sizes and device pointers, in a context of their own
//! (`cuCtxCreate_v2000`'s) that the current functions do not take.
//!
//! The crate root's functions look their symbol up in the driver library's export table; the
//! versioned ones ask `cuGetProcAddress`, as NVIDIA's own libraries (CUDA's runtime, libcu++)
//! do. Where the two differ, the versioned ones are the better choice: under a profiler or tool
//! whose injection library hands out its own function table through `cuGetProcAddress` (its
//! exports may lack newer functions), and on drivers that export fewer symbols than they know
//! (some Jetson and WSL drivers resolve functions only through `cuGetProcAddress`).

#![warn(clippy::all)]

use crate::{CUresult, CUDA_ERROR_NOT_FOUND, CUDA_ERROR_NO_DEVICE, CUDA_SUCCESS};
use core::ffi::c_void;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicPtr, Ordering};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::string::String;
use std::sync::OnceLock;
use std::vec::Vec;

// DEFAULT_LIBRARY, RENAMES, VERSIONED and REQUIRED, written by the build script
// (build/bindings/passes/dynamic.rs).
include!(concat!(env!("OUT_DIR"), "/dynamic.rs"));

/// The environment variable that names the driver library to open instead of [`DEFAULT_LIBRARY`].
pub const PATH_VARIABLE: &str = "LIBCUDA_SYS_DRIVER_PATH";

/// How the driver library to open was chosen (see [`path_origin`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathOrigin {
    /// `LIBCUDA_SYS_DRIVER_PATH` is unset or empty: [`DEFAULT_LIBRARY`].
    Default,
    /// The path in `LIBCUDA_SYS_DRIVER_PATH`.
    Variable,
    /// `LIBCUDA_SYS_DRIVER_PATH` is set, but ignored because the process runs in secure-execution
    /// mode (Linux: setuid, setgid or file capabilities; `AT_SECURE`): [`DEFAULT_LIBRARY`].
    IgnoredInSecureExecution,
}

/// The driver library of this process: where it was looked for and what came of it.
struct Driver {
    path: PathBuf,
    origin: PathOrigin,
    library: Result<libloading08::Library, String>,
}

static DRIVER: OnceLock<Driver> = OnceLock::new();

/// Whether the process runs in secure-execution mode: the kernel's `AT_SECURE` auxiliary vector
/// entry, which glibc and musl read to ignore `LD_LIBRARY_PATH` and `LD_PRELOAD`.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn secure_execution() -> bool {
    // Declared here rather than through the libc crate: one function of the C library that every
    // Linux Rust program links, with the same signature and value on every architecture
    // (<sys/auxv.h>, <linux/auxvec.h>), is not worth a dependency for every user of this crate.
    extern "C" {
        fn getauxval(kind: core::ffi::c_ulong) -> core::ffi::c_ulong;
    }
    const AT_SECURE: core::ffi::c_ulong = 23;
    // SAFETY: getauxval only reads the auxiliary vector; an absent entry answers 0.
    unsafe { getauxval(AT_SECURE) != 0 }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn secure_execution() -> bool {
    false
}

/// Opens the driver library: `variable` is the value of `LIBCUDA_SYS_DRIVER_PATH`, `secure`
/// whether the process runs in secure-execution mode.
fn open(variable: Option<&OsStr>, secure: bool) -> Driver {
    let (path, origin, how) = match variable {
        Some(path) if !path.is_empty() && secure => (
            PathBuf::from(DEFAULT_LIBRARY),
            PathOrigin::IgnoredInSecureExecution,
            std::format!(
                "the default: {PATH_VARIABLE} is set but ignored, because this process runs in secure-execution mode \
                 (setuid, setgid or file capabilities: AT_SECURE), where the loader ignores LD_LIBRARY_PATH too"
            ),
        ),
        Some(path) if !path.is_empty() => (PathBuf::from(path), PathOrigin::Variable, std::format!("from {PATH_VARIABLE}")),
        _ => (PathBuf::from(DEFAULT_LIBRARY), PathOrigin::Default, std::format!("the default; {PATH_VARIABLE} is unset")),
    };
    let library = load(&path, origin).map_err(|e| std::format!("cannot load the CUDA driver library {} ({how}): {e}", path.display()));
    Driver { path, origin, library }
}

#[cfg(not(windows))]
fn load(path: &Path, _origin: PathOrigin) -> Result<libloading08::Library, String> {
    // SAFETY: opening the driver library runs its initializers; that is what linking it would do.
    unsafe { libloading08::Library::new(path) }.map_err(|e| std::format!("{e}"))
}

/// The default DLL from System32 only; a path from the variable only if absolute, its
/// dependencies from its own folder and System32.
#[cfg(windows)]
fn load(path: &Path, origin: PathOrigin) -> Result<libloading08::Library, String> {
    use libloading08::os::windows::{Library, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR, LOAD_LIBRARY_SEARCH_SYSTEM32};
    let flags = match origin {
        PathOrigin::Variable if !path.is_absolute() => {
            return Err(std::format!(
                "not loaded: on Windows {PATH_VARIABLE} must be an absolute path (C:\\...\\nvcuda.dll); \
                 a relative one would be looked for in the application's folder, the current directory and PATH"
            ))
        }
        PathOrigin::Variable => LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_SYSTEM32,
        _ => LOAD_LIBRARY_SEARCH_SYSTEM32,
    };
    // SAFETY: as above.
    unsafe { Library::load_with_flags(path, flags) }.map(Into::into).map_err(|e| std::format!("{e}"))
}

fn driver() -> &'static Driver {
    DRIVER.get_or_init(|| open(std::env::var_os(PATH_VARIABLE).as_deref(), secure_execution()))
}

/// A slot value that is no function: not looked up yet.
const UNRESOLVED: usize = 0;
/// No driver library could be opened.
const NO_LIBRARY: usize = 1;
/// The driver library does not export the symbol.
const MISSING: usize = 2;

/// The address of `symbol` (NUL-terminated), or [`NO_LIBRARY`] or [`MISSING`].
fn look_up(symbol: &[u8]) -> *mut c_void {
    let Ok(library) = &driver().library else { return NO_LIBRARY as *mut c_void };
    // SAFETY: the value is only an address here; the caller gives it the type the header declares.
    match unsafe { library.get::<*mut c_void>(symbol) } {
        Ok(address) if (*address as usize) > MISSING => *address,
        _ => MISSING as *mut c_void,
    }
}

/// Where one function's address is cached. Each generated function has its own, as a `static`.
pub(crate) struct Slot(AtomicPtr<c_void>);

impl Slot {
    pub(crate) const fn new() -> Slot {
        Slot(AtomicPtr::new(UNRESOLVED as *mut c_void))
    }

    /// The function's address, or the result to return instead of calling it.
    #[inline(always)]
    pub(crate) fn get(&self, symbol: &'static [u8]) -> Result<*mut c_void, CUresult> {
        let address = self.0.load(Ordering::Acquire);
        if address as usize > MISSING {
            Ok(address)
        } else {
            self.resolve(symbol)
        }
    }

    #[cold]
    #[inline(never)]
    fn resolve(&self, symbol: &'static [u8]) -> Result<*mut c_void, CUresult> {
        let mut address = self.0.load(Ordering::Acquire);
        if address as usize == UNRESOLVED {
            // Two threads may both look up: they find the same address.
            address = look_up(symbol);
            self.0.store(address, Ordering::Release);
        }
        match address as usize {
            NO_LIBRARY => Err(CUDA_ERROR_NO_DEVICE),
            MISSING => Err(CUDA_ERROR_NOT_FOUND),
            _ => Ok(address),
        }
    }
}

/// Where one function of `versioned` caches its address.
#[cfg(feature = "versioned")]
pub(crate) struct Versioned(AtomicPtr<c_void>);

#[cfg(feature = "versioned")]
impl Versioned {
    pub(crate) const fn new() -> Versioned {
        Versioned(AtomicPtr::new(UNRESOLVED as *mut c_void))
    }

    /// The address `cuGetProcAddress` gives for `name` (NUL-terminated) at `version`, with the
    /// per-thread or the legacy stream flag, or the result to return instead of calling it.
    #[inline(always)]
    pub(crate) fn get(&self, name: &'static [u8], version: i32, per_thread: bool) -> Result<*mut c_void, CUresult> {
        let address = self.0.load(Ordering::Acquire);
        if address as usize > MISSING {
            return Ok(address);
        }
        self.resolve(name, version, per_thread)
    }

    #[cold]
    #[inline(never)]
    fn resolve(&self, name: &'static [u8], version: i32, per_thread: bool) -> Result<*mut c_void, CUresult> {
        let mut address = self.0.load(Ordering::Acquire);
        if address as usize == UNRESOLVED {
            address = proc_address(name, version, per_thread);
            self.0.store(address, Ordering::Release);
        }
        match address as usize {
            NO_LIBRARY => Err(CUDA_ERROR_NO_DEVICE),
            MISSING => Err(CUDA_ERROR_NOT_FOUND),
            _ => Ok(address),
        }
    }
}

/// The driver's CUDA version (`cuDriverGetVersion`: 12020 for CUDA 12.2), asked once; 0 when no
/// driver library loads or it does not answer.
pub fn driver_version() -> i32 {
    static VERSION: OnceLock<i32> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let mut version = 0;
        // SAFETY: an output parameter of the declared type.
        match unsafe { crate::cuDriverGetVersion(&mut version) } {
            CUDA_SUCCESS => version,
            _ => 0,
        }
    })
}

/// What the driver's `cuGetProcAddress` answers for `name` (NUL-terminated) at `version` with the
/// stream flag: an address, or [`NO_LIBRARY`] or [`MISSING`]. A version above the driver's own is
/// never asked for (a CUDA 12.2 driver asked for `cuCtxCreate` at 12050 answers success with an
/// older ABI). `cuGetProcAddress_v2` (drivers of CUDA 12.0 on) says why it found nothing; CUDA 11.3
/// to 11.8 drivers have only the first form.
#[cfg(cuda_header = "cudaTypedefs.h")]
fn proc_address(name: &[u8], version: i32, per_thread: bool) -> *mut c_void {
    if driver().library.is_err() {
        return NO_LIBRARY as *mut c_void;
    }
    if version > driver_version() {
        return MISSING as *mut c_void;
    }
    let flag = if per_thread { crate::CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM } else { crate::CU_GET_PROC_ADDRESS_LEGACY_STREAM };
    let (flags, symbol) = (flag.0 as crate::cuuint64_t, name.as_ptr().cast::<core::ffi::c_char>());
    let mut address: *mut c_void = core::ptr::null_mut();
    #[cfg(not(cuda_major = "11"))]
    {
        let v2 = look_up(b"cuGetProcAddress_v2\0");
        if v2 as usize > MISSING {
            // SAFETY: the driver's cuGetProcAddress_v2, whose type cudaTypedefs.h gives.
            let get = unsafe { core::mem::transmute::<*mut c_void, crate::PFN_cuGetProcAddress_v12000>(v2) };
            let mut status = crate::CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
            // SAFETY: a NUL-terminated name and output parameters of the declared types.
            let result = get.map(|get| unsafe { get(symbol, &mut address, version, flags, &mut status) });
            let found = result == Some(CUDA_SUCCESS) && status == crate::CU_GET_PROC_ADDRESS_SUCCESS && address as usize > MISSING;
            return if found { address } else { MISSING as *mut c_void };
        }
    }
    let v1 = look_up(b"cuGetProcAddress\0");
    if v1 as usize <= MISSING {
        return MISSING as *mut c_void;
    }
    // SAFETY: the driver's first cuGetProcAddress, whose type cudaTypedefs.h gives.
    let get = unsafe { core::mem::transmute::<*mut c_void, crate::PFN_cuGetProcAddress_v11030>(v1) };
    // SAFETY: as above.
    let result = get.map(|get| unsafe { get(symbol, &mut address, version, flags) });
    if result == Some(CUDA_SUCCESS) && address as usize > MISSING {
        address
    } else {
        MISSING as *mut c_void
    }
}

/// Without cudaTypedefs.h there are no versioned functions to resolve.
#[cfg(not(cuda_header = "cudaTypedefs.h"))]
fn proc_address(_: &[u8], _: i32, _: bool) -> *mut c_void {
    MISSING as *mut c_void
}

/// The CUDA version, as `CUDA_VERSION` writes it, of the ABI this build binds for `name` (a symbol,
/// `"cuCtxCreate_v4"`, or a documented name, `"cuCtxCreate"`): the oldest driver that has it. With
/// 13.x headers `required_version("cuCtxCreate")` is `Some(12050)`. `None` for a name this build does
/// not bind, or one whose version cudaTypedefs.h does not give (no such header found).
pub fn required_version(name: &str) -> Option<u32> {
    let symbol = symbol(name);
    REQUIRED.iter().find(|(s, _)| *s == symbol).map(|&(_, version)| version)
}

/// The address that the function `name` of `versioned`
/// (`"cuCtxCreate_v3020"`) calls: what the driver's `cuGetProcAddress` gives for its name, version
/// and stream flag. None when no driver library is open, the driver is older than that version, or
/// it has no such function.
pub fn versioned_address(name: &str) -> Option<NonNull<c_void>> {
    let &(_, base, version, per_thread) = VERSIONED.iter().find(|(function, ..)| *function == name)?;
    let mut base: Vec<u8> = base.as_bytes().to_vec();
    base.push(0);
    let address = proc_address(&base, i32::try_from(version).ok()?, per_thread);
    if address as usize > MISSING {
        NonNull::new(address)
    } else {
        None
    }
}

/// Why a call of `name` (a symbol or a documented name) does not reach the driver, in a sentence
/// that names the driver version it needs and the driver's own, and the older ABIs of it that this
/// driver has in `versioned`; `None` when it does reach it.
pub fn why_unavailable(name: &str) -> Option<String> {
    if is_available(name) {
        return None;
    }
    if let Some(error) = load_error() {
        return Some(error.into());
    }
    let dotted = |v: u32| std::format!("CUDA {}.{}", v / 1000, v % 1000 / 10);
    let symbol = symbol(name);
    let driver = driver_version();
    let driver =
        if driver > 0 { std::format!("{} (cuDriverGetVersion {driver})", dotted(driver as u32)) } else { "of an unknown version".into() };
    let needs = match required_version(name) {
        Some(version) => std::format!("needs a driver of {} or newer (the ABI this build binds)", dotted(version)),
        None => "is not exported by it".into(),
    };
    let base = symbol.trim_end_matches("_ptds").trim_end_matches("_ptsz");
    let base = base.rsplit_once("_v").filter(|(_, v)| v.len() == 1).map_or(base, |(b, _)| b);
    let older: Vec<&str> = VERSIONED
        .iter()
        .filter(|(_, b, version, per_thread)| *b == base && !per_thread && (*version as i64) <= i64::from(driver_version()))
        .map(|(function, ..)| *function)
        .collect();
    let older = match older.as_slice() {
        [] => String::new(),
        list => std::format!("; the ABIs of {base} this driver has: libcuda_sys::versioned::{{{}}}", list.join(", ")),
    };
    Some(std::format!("{name} ({symbol}) {needs}; this driver is {driver}{older}"))
}

/// Why the driver library could not be opened: the path tried, how it was chosen (from
/// `LIBCUDA_SYS_DRIVER_PATH`, the default, or the default because the variable was ignored in
/// secure-execution mode) and the loader's message; None when it is open. Opens it first if no
/// function has been called yet.
pub fn load_error() -> Option<&'static str> {
    driver().library.as_ref().err().map(String::as_str)
}

/// The driver library this process opened, or tried to: the value of `LIBCUDA_SYS_DRIVER_PATH`,
/// or [`DEFAULT_LIBRARY`] when the variable is unset, empty or ignored ([`path_origin`] tells
/// which), as given to the loader. Opens it first if no function has been called yet.
pub fn library_path() -> &'static Path {
    &driver().path
}

/// How [`library_path`] was chosen: from `LIBCUDA_SYS_DRIVER_PATH`, the default, or the default
/// because the process runs in secure-execution mode, where the variable is ignored (see the
/// module's docs). Opens the library first if no function has been called yet.
pub fn path_origin() -> PathOrigin {
    driver().origin
}

/// The symbol that the function `name` calls: the versioned or per-thread symbol for a documented
/// name (`"cuCtxCreate"` → `"cuCtxCreate_v4"` with 13.x headers), `name` itself otherwise.
pub fn symbol(name: &str) -> &str {
    RENAMES.iter().find(|(documented, _)| *documented == name).map_or(name, |(_, symbol)| *symbol)
}

/// The driver's address of the function `name` (a symbol or a documented name, see [`symbol`]):
/// what the generated function calls. None when no driver library is open or it does not export
/// that symbol.
pub fn address(name: &str) -> Option<NonNull<c_void>> {
    let mut symbol: Vec<u8> = symbol(name).as_bytes().to_vec();
    if symbol.contains(&0) {
        return None;
    }
    symbol.push(0);
    let address = look_up(&symbol);
    if address as usize > MISSING {
        NonNull::new(address)
    } else {
        None
    }
}

/// Whether a call of the function `name` (a symbol, `"cuCtxCreate_v4"`, or a documented name,
/// `"cuCtxCreate"`) reaches the driver: false when no driver library is open or this driver does
/// not export the symbol, in which case the call answers `CUDA_ERROR_NO_DEVICE` or
/// `CUDA_ERROR_NOT_FOUND`. Then [`required_version`] says which driver it needs, and
/// [`why_unavailable`] says so in a sentence, with this driver's version and the older ABIs of
/// the function it has.
pub fn is_available(name: &str) -> bool {
    address(name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_that_leads_nowhere_is_explained() {
        let driver = open(Some(OsStr::new("/nonexistent/libcuda.so.1")), false);
        assert_eq!(driver.path, Path::new("/nonexistent/libcuda.so.1"));
        assert_eq!(driver.origin, PathOrigin::Variable);
        let error = driver.library.unwrap_err();
        assert!(error.contains("/nonexistent/libcuda.so.1") && error.contains(PATH_VARIABLE), "{error}");
    }

    #[test]
    fn unset_or_empty_variable_means_the_default() {
        for (variable, secure) in [(None, false), (Some(OsStr::new("")), false), (None, true), (Some(OsStr::new("")), true)] {
            let driver = open(variable, secure);
            assert_eq!((driver.path.as_path(), driver.origin), (Path::new(DEFAULT_LIBRARY), PathOrigin::Default));
        }
    }

    #[test]
    fn secure_execution_ignores_the_variable() {
        let driver = open(Some(OsStr::new("/nonexistent/evil.so")), true);
        assert_eq!((driver.path.as_path(), driver.origin), (Path::new(DEFAULT_LIBRARY), PathOrigin::IgnoredInSecureExecution));
        if let Err(error) = driver.library {
            assert!(!error.contains("evil") && error.contains("ignored") && error.contains("secure-execution"), "{error}");
        }
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn a_test_run_is_no_secure_execution() {
        assert!(!secure_execution());
    }

    #[cfg(windows)]
    #[test]
    fn windows_wants_an_absolute_path() {
        for relative in ["nvcuda.dll", r"driver\nvcuda.dll", r"\driver\nvcuda.dll", r"C:nvcuda.dll"] {
            let driver = open(Some(OsStr::new(relative)), false);
            let error = driver.library.unwrap_err();
            assert!(error.contains("must be an absolute path") && error.contains(relative), "{error}");
        }
    }

    #[test]
    fn sentinels_are_no_addresses() {
        let slot = Slot::new();
        slot.0.store(MISSING as *mut c_void, Ordering::Release);
        assert_eq!(slot.get(b"cuInit\0"), Err(CUDA_ERROR_NOT_FOUND));
        slot.0.store(NO_LIBRARY as *mut c_void, Ordering::Release);
        assert_eq!(slot.get(b"cuInit\0"), Err(CUDA_ERROR_NO_DEVICE));
    }
}
