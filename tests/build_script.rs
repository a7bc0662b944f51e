//! The unit tests of the build script's pure parts (the preprocessor probe's parsers, the
//! documentation mending, the generated file's first lines, the build data at its end, the
//! reading of a cross compiler's search list, the Windows import library's definition file), which
//! Cargo does not run for a build script itself.
#[allow(dead_code)]
#[path = "../build/conventions.rs"]
mod conventions;
#[allow(dead_code)]
#[path = "../build/cross.rs"]
mod cross;
#[allow(dead_code)]
#[path = "../build/docs.rs"]
mod docs;
#[allow(dead_code)]
#[path = "../build/env.rs"]
mod env;
#[allow(dead_code)]
#[path = "../build/extras.rs"]
mod extras;
#[allow(dead_code)]
#[path = "../build/fail.rs"]
mod fail;
#[allow(dead_code)]
#[path = "../build/implib.rs"]
mod implib;
#[allow(dead_code)]
#[path = "../build/pregenerated.rs"]
mod pregenerated;
#[allow(dead_code)]
#[path = "../build/probe.rs"]
mod probe;
#[path = "../build/provenance.rs"]
mod provenance;
