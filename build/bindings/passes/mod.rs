//! The passes over bindgen's output, each a function over the syntax tree (syn) that adds what
//! bindgen cannot derive by itself, and fails when what it expects is not there:
//! - [`docs`]: the converted documentation where bindgen wrote placeholders;
//! - [`constants`]: unsigned macros get C's type (`(~0u)` is `u32`), macros that cast become
//!   constants of their C type (`CU_LAUNCH_PARAM_END: *mut c_void`);
//! - [`functions`]: each function in its link form (`extern "C"`, without `dynamic-loading`) and
//!   its lazily resolving form ([`dynamic`], with it);
//! - [`names`]: documented names become re-exports of the symbol C calls (`cuCtxCreate` →
//!   `cuCtxCreate_v4`), `PFN_*` names that macros map to versioned types become aliases, struct
//!   tags that bindgen renamed get C's name as an alias;
//! - [`enums`]: associated constants, `Debug` by name, and `|` for flags;
//! - [`per_thread`]: the module `per_thread`, C's `CUDA_API_PER_THREAD_DEFAULT_STREAM` mapping;
//! - [`legacy`]: the module `legacy`, the older ABIs' types, read with `__CUDA_API_VERSION_INTERNAL`;
//! - [`versioned`]: the module `versioned`, every ABI version of every function by its version;
//! - [`links`], last: every code span of the docs that names an item becomes an intra-doc link;
//! - for the shipped flavor, [`origin`]: each item's header and Doxygen group instead of NVIDIA's
//!   text, and [`headerless`]: the C wrappers of static inline functions without the header.

pub mod constants;
pub mod docs;
pub mod dynamic;
pub mod enums;
pub mod functions;
pub mod headerless;
pub mod legacy;
pub mod links;
pub mod names;
pub mod origin;
pub mod per_thread;
pub mod versioned;
