//! Raw FFI bindings to NVIDIA's CUDA Driver API (`cuda.h`, `libcuda`), generated from the header
//! of the CUDA release you build against: [`cuCtxCreate`] here calls exactly what `cuCtxCreate`
//! calls in C compiled with that header.
//!
//! This is a `-sys` crate: declarations and linking, nothing more. Every function is `unsafe` and
//! behaves exactly as NVIDIA's reference for the Driver API documents it. If you want contexts,
//! modules and memory as Rust types, use a safe wrapper crate.
//!
//! ```rust
//! use libcuda_sys::*;
//!
//! let mut version = 0;
//! if unsafe { cuDriverGetVersion(&mut version) } == CUDA_SUCCESS {
//!     println!("the driver supports CUDA {}.{}", version / 1000, version % 1000 / 10);
//! }
//! match unsafe { cuInit(0) } {
//!     CUresult::CUDA_SUCCESS => {}
//!     error => eprintln!("cuInit: {error:?}"), // cuInit: CUDA_ERROR_NO_DEVICE without a GPU
//! }
//! ```
//!
#![doc = include_str!(concat!(env!("OUT_DIR"), "/about.md"))]
//!
#![doc = include_str!("../docs/manual.md")]
#![no_std]
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]
#![allow(clippy::all)]
// cuda.h's documentation holds HTML tables whose cells are closed implicitly, as HTML allows.
#![allow(rustdoc::invalid_html_tags)]

include!(concat!(env!("OUT_DIR"), "/bindings.rs"));

// With `dynamic-loading` the functions above open the driver library at run time.
#[cfg(feature = "dynamic-loading")]
extern crate std;
#[cfg(feature = "dynamic-loading")]
pub mod dynamic;
