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
//! per process and thread-safely: the path in the environment variable
//! `LIBCUDA_SYS_DRIVER_PATH` (read at run time; empty counts as unset), else [`DEFAULT_LIBRARY`],
//! `libcuda.so.1` for Linux targets and `nvcuda.dll` for Windows, found the way the system's
//! loader finds libraries (`LD_LIBRARY_PATH`, `ldconfig`'s cache; the DLL search order). The
//! library is never closed.
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

#![warn(clippy::all)]

use crate::{CUresult, CUDA_ERROR_NOT_FOUND, CUDA_ERROR_NO_DEVICE};
use core::ffi::c_void;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicPtr, Ordering};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::string::String;
use std::sync::OnceLock;
use std::vec::Vec;

// DEFAULT_LIBRARY and RENAMES, written by the build script (build/dynamic.rs).
include!(concat!(env!("OUT_DIR"), "/dynamic.rs"));

/// The environment variable that names the driver library to open instead of [`DEFAULT_LIBRARY`].
pub const PATH_VARIABLE: &str = "LIBCUDA_SYS_DRIVER_PATH";

/// The driver library of this process: where it was looked for and what came of it.
struct Driver {
    path: PathBuf,
    library: Result<libloading08::Library, String>,
}

static DRIVER: OnceLock<Driver> = OnceLock::new();

fn open(variable: Option<&OsStr>) -> Driver {
    let (path, how) = match variable {
        Some(path) if !path.is_empty() => (PathBuf::from(path), std::format!("from {PATH_VARIABLE}")),
        _ => (PathBuf::from(DEFAULT_LIBRARY), std::format!("the default; {PATH_VARIABLE} is unset")),
    };
    // SAFETY: opening the driver library runs its initializers; that is what linking it would do.
    let library = unsafe { libloading08::Library::new(&path) }
        .map_err(|e| std::format!("cannot load the CUDA driver library {} ({how}): {e}", path.display()));
    Driver { path, library }
}

fn driver() -> &'static Driver {
    DRIVER.get_or_init(|| open(std::env::var_os(PATH_VARIABLE).as_deref()))
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

/// Why the driver library could not be opened: the path tried and the loader's message; None
/// when it is open. Opens it first if no function has been called yet.
pub fn load_error() -> Option<&'static str> {
    driver().library.as_ref().err().map(String::as_str)
}

/// The driver library this process opened, or tried to: the value of `LIBCUDA_SYS_DRIVER_PATH`
/// or [`DEFAULT_LIBRARY`], as given to the loader. Opens it first if no function has been called
/// yet.
pub fn library_path() -> &'static Path {
    &driver().path
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
/// `CUDA_ERROR_NOT_FOUND`.
pub fn is_available(name: &str) -> bool {
    address(name).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_that_leads_nowhere_is_explained() {
        let driver = open(Some(OsStr::new("/nonexistent/libcuda.so.1")));
        assert_eq!(driver.path, Path::new("/nonexistent/libcuda.so.1"));
        let error = driver.library.unwrap_err();
        assert!(error.contains("/nonexistent/libcuda.so.1") && error.contains(PATH_VARIABLE), "{error}");
    }

    #[test]
    fn unset_or_empty_variable_means_the_default() {
        assert_eq!(open(None).path, Path::new(DEFAULT_LIBRARY));
        assert_eq!(open(Some(OsStr::new(""))).path, Path::new(DEFAULT_LIBRARY));
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
