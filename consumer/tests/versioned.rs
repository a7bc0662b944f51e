//! `libcuda_sys::versioned` resolves each function as C's `cuGetProcAddress` does, compiled against
//! the same header: for every versioned function of a version the driver has (hundreds; CI has
//! Debian's 535, CUDA 12.2), the address the Rust function calls is the one C gets for the same
//! name, version and stream flag. Above the driver's version Rust asks nothing and has none (a
//! 12.2 driver asked for 12.5 answers success with an older ABI).
#![cfg(has_proc_address)]

use libcuda_sys::*;
use libcuda_sys_consumer::consumer_proc_address;
use std::ffi::CString;

#[test]
fn every_versioned_function_resolves_to_what_c_gets() {
    let driver = dynamic::driver_version();
    if driver == 0 {
        eprintln!("no driver library: {:?}", dynamic::load_error());
        return;
    }
    let (mut compared, mut above, mut neither) = (0, 0, 0);
    let mut differ = Vec::new();
    for &(function, base, version, per_thread) in dynamic::VERSIONED {
        let rust = dynamic::versioned_address(function).map(|p| p.as_ptr());
        if i64::from(version) > i64::from(driver) {
            assert_eq!(rust, None, "{function} is newer than the driver ({driver}): Rust must not ask for it");
            above += 1;
            continue;
        }
        let flag = if per_thread { CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM } else { CU_GET_PROC_ADDRESS_LEGACY_STREAM };
        let name = CString::new(base).unwrap();
        let c = unsafe { consumer_proc_address(name.as_ptr(), version as i32, flag.0 as u64) };
        let c = (!c.is_null()).then_some(c);
        match (rust, c) {
            (None, None) => neither += 1,
            (r, c) if r == c => compared += 1,
            (r, c) => differ.push(format!("{function}: Rust {r:?}, C {c:?}")),
        }
    }
    eprintln!(
        "versioned: {compared} functions resolved to the address C's cuGetProcAddress gives, {neither} found by neither, \
         {above} newer than the driver ({driver}) and not asked for"
    );
    assert!(differ.is_empty(), "{} differ: {differ:?}", differ.len());
    assert!(compared >= 50, "only {compared} compared");
}
