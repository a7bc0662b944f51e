//! The unit tests of the build script's preprocessor probe (`build/probe.rs`), which Cargo does
//! not run for a build script itself.
#[allow(dead_code)]
#[path = "../build/probe.rs"]
mod probe;
