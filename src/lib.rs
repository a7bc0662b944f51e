//! Raw FFI bindings to the CUDA Driver API (`cuda.h`, `libcuda`), generated at build time from
//! the header found on the building machine.
//!
//! Every function the header declares sits at the crate root under its C name
//! (`cuMemAlloc_v2`), and every documented name that the header's macros map to a versioned
//! symbol is a re-export of that item (`cuMemAlloc`, `cuCtxCreate`), as C code sees them by
//! default. The module `per_thread` holds the same API as C code sees it with
//! `CUDA_API_PER_THREAD_DEFAULT_STREAM` (`per_thread::cuMemcpyHtoD` is `cuMemcpyHtoD_v2_ptds`).
//! Enums are `#[repr(transparent)]` newtypes with crate-root constants (`CUDA_SUCCESS: CUresult`)
//! and the same constants associated (`CUresult::CUDA_SUCCESS`); `Debug` prints the enumerator's
//! name. Macros that cast keep their C type (`CU_LAUNCH_PARAM_END: *mut c_void`).
//!
//! The Driver API's other headers found beside cuda.h are bound as well, their items at the crate
//! root too: `cudaProfiler.h` (`cuProfilerStart`, `cuProfilerStop`) and `cudaTypedefs.h` (the
//! `PFN_*` types of every function at every ABI version, for what `cuGetProcAddress` hands out),
//! and with the features `gl`, `egl` and `vdpau` the graphics interop headers `cudaGL.h`,
//! `cudaEGL.h` and `cudaVDPAU.h`. The build log (`cargo build -vv`) says which were found.
//!
//! The items themselves are not in this repository: NVIDIA's license does not allow
//! redistributing the header's text, and they depend on the release you build against. Where no
//! `cuda.h` was found (as on docs.rs), this page is all there is: run `cargo doc --open -p
//! libcuda-sys` on a machine with CUDA headers (the toolkit, `pip install nvidia-cuda-runtime`,
//! or Debian's `nvidia-cuda-dev`) to read the bindings for your release, with the header's own
//! documentation. The README says how the headers and the driver library are found.
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
