//! Where the build script's time goes: each stage prints `libcuda-sys: time: STAGE N.NNN s`
//! (visible with `cargo build -vv`).

use std::time::Instant;

/// Runs `f`, then prints how long it took.
pub fn step<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = f();
    println!("libcuda-sys: time: {name} {:.3} s", start.elapsed().as_secs_f64());
    result
}
