//! Raw FFI bindings to the CUDA Driver API (`cuda.h`, `libcuda`), generated at build time from
//! the header found on the building machine.
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
