//! The metadata libcuda-sys exports leads a dependent to the same header the bindings came from,
//! and the driver names every error code the way the header does.

use core::ffi::{c_char, CStr};
use libcuda_sys::*;
use libcuda_sys_consumer::*;

// How the generated file records what it was made from (libcuda-sys's build/shared/provenance.rs).
#[allow(dead_code)]
#[path = "../../build/shared/mod.rs"]
mod shared;
use shared::provenance;

/// DEP_CUDA_BINDINGS names a file that says it was made from the very header of DEP_CUDA_INCLUDE,
/// of this CUDA_VERSION, for this target.
#[test]
fn the_bindings_say_what_they_were_made_from() {
    let bindings = std::fs::read_to_string(env!("CONSUMER_BINDINGS")).expect("DEP_CUDA_BINDINGS names a readable file");
    let made_from = provenance::Provenance::read(&bindings).expect("the generated file's first lines");
    let header = std::fs::read(env!("CONSUMER_CUDA_H")).expect("cuda.h in DEP_CUDA_INCLUDE");
    assert_eq!(made_from.cuda_h_hash, provenance::text_hash(&header), "the hash of {}", env!("CONSUMER_CUDA_H"));
    assert_eq!(made_from.cuda_version, CUDA_VERSION);
    assert_eq!(made_from.target, env!("CONSUMER_TARGET"));
    assert!(!made_from.crate_version.is_empty());
}

#[test]
fn dependent_sees_the_header_the_bindings_came_from() {
    let from_c = unsafe { consumer_cuda_version() } as u32;
    assert_eq!(from_c, CUDA_VERSION, "C compiled from DEP_CUDA_INCLUDE vs the crate's CUDA_VERSION");
    assert_eq!(DEP_CUDA_VERSION.parse::<u32>().unwrap(), CUDA_VERSION, "DEP_CUDA_VERSION");
    assert_eq!(unsafe { consumer_sizeof_memcpy3d() }, core::mem::size_of::<CUDA_MEMCPY3D>());
    assert_eq!(unsafe { consumer_sizeof_launch_config() }, core::mem::size_of::<CUlaunchConfig>());
}

#[cfg(links_libcuda)]
#[test]
fn c_and_rust_call_the_same_cu_mem_alloc() {
    assert_eq!(unsafe { consumer_cu_mem_alloc() } as usize, cuMemAlloc as *const () as usize);
}

/// The gate the build script derived from DEP_CUDA_VERSION (`ctx_create_takes_params`, which
/// picks the body of `create_context`) against what the C compiler says of the header's
/// cuCtxCreate: a wrong version threshold fails here, whatever the release.
#[test]
fn the_version_gate_picks_the_headers_cu_ctx_create() {
    let three_parameters = unsafe { consumer_cu_ctx_create_has_three_parameters() } != 0;
    assert_eq!(
        cfg!(ctx_create_takes_params),
        !three_parameters,
        "DEP_CUDA_VERSION {DEP_CUDA_VERSION} gated cuCtxCreate's CUctxCreateParams {}, but C's cuCtxCreate takes {} parameters",
        if cfg!(ctx_create_takes_params) { "in" } else { "out" },
        if three_parameters { 3 } else { 4 }
    );
}

/// For every error code of the header that this driver knows, cuGetErrorName returns exactly the
/// constant's name; codes newer than the driver are unknown to it (CUDA_ERROR_INVALID_VALUE, null).
#[test]
#[cfg_attr(windows, ignore = "needs NVIDIA's driver (nvcuda.dll); CI runs the Windows tests under Wine, which has none")]
fn cu_get_error_name_matches_every_error_constant() {
    let mut driver: core::ffi::c_int = 0;
    assert_eq!(unsafe { cuDriverGetVersion(&mut driver) }, CUDA_SUCCESS);
    let (mut named, mut unknown) = (Vec::new(), Vec::new());
    for &(name, code) in ERRORS {
        let mut s: *const c_char = core::ptr::null();
        match unsafe { cuGetErrorName(code, &mut s) } {
            CUDA_SUCCESS => {
                let got = unsafe { CStr::from_ptr(s) }.to_str().unwrap();
                // Several names may share a value; the driver gives one of them.
                let same_value: Vec<&str> = ERRORS.iter().filter(|(_, c)| *c == code).map(|(n, _)| *n).collect();
                assert!(same_value.contains(&got), "{name} ({}) is named {got} by the driver", code.0);
                named.push(name);
            }
            CUDA_ERROR_INVALID_VALUE => {
                assert!(s.is_null(), "{name}: unknown code but a non-null string");
                unknown.push(name);
            }
            other => panic!("cuGetErrorName({name}) returned {}", other.0),
        }
    }
    println!(
        "{} of {} error codes of the CUDA {} header named by this CUDA {}.{} driver; unknown to it: {:?}",
        named.len(),
        ERRORS.len(),
        CUDA_VERSION,
        driver / 1000,
        driver % 1000 / 10,
        unknown
    );
    assert!(named.contains(&"CUDA_ERROR_NO_DEVICE") && named.contains(&"CUDA_SUCCESS"));
    if driver as u32 >= CUDA_VERSION {
        assert!(unknown.is_empty(), "a driver as new as the header must know all its codes");
    }
}
