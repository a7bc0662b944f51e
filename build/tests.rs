//! The build script's unit tests, as the test target `build_script` (Cargo runs none of a build
//! script's tests itself): the same module tree as build/main.rs, under a root of its own.
// Without main.rs's `main`, what only it reaches is unused here.
#![allow(dead_code)]

mod bindings;
mod config;
mod error;
mod find;
mod link;
mod metadata;
mod shared;
mod timing;
