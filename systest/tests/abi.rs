//! The ABI check of libcuda-sys against the C compiler, for the `cuda.h` the crate was built from
//! (`harness = false`: it prints its summary lines, then every mismatch, and fails if there is one).

#[allow(clippy::all)]
mod checks {
    include!(concat!(env!("OUT_DIR"), "/real/checks.rs"));
}

fn main() {
    let report = libcuda_sys_systest::run(&checks::CHECKS);
    report.print();
    if !report.mismatches.is_empty() {
        eprintln!("libcuda-sys and cuda.h disagree: {} mismatches (listed above)", report.mismatches.len());
        std::process::exit(1);
    }
}
