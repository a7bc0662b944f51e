//! The ABI check of libcuda-sys against the C compiler, for the `cuda.h` the crate was built from
//! (`harness = false`): it prints its summary lines and every mismatch, then runs one test per
//! kind of check that compared anything, which fails when a comparison of that kind differs.

#[allow(clippy::all)]
mod checks {
    include!(concat!(env!("OUT_DIR"), "/real/checks.rs"));
}

use libcuda_sys_systest::DISABLE_VARIABLE;
use libtest_mimic::{Arguments, Trial};

fn main() {
    let args = Arguments::from_args();
    if std::env::var_os(DISABLE_VARIABLE).is_some() {
        eprintln!("abi: {DISABLE_VARIABLE} is honoured by the planted test only; this check makes every comparison");
    }
    let report = libcuda_sys_systest::run(&checks::CHECKS);
    report.print();
    // Every kind that compared anything, and any kind a mismatch has.
    let mut kinds: Vec<(String, usize)> = report.compared.iter().filter(|(_, n)| *n > 0).map(|&(k, n)| (k.to_string(), n)).collect();
    for m in &report.mismatches {
        if !kinds.iter().any(|(k, _)| *k == m.kind) {
            kinds.push((m.kind.clone(), 0));
        }
    }
    let trials = kinds
        .into_iter()
        .map(|(kind, n)| {
            let differ = report.mismatches.iter().filter(|m| m.kind == *kind).count();
            Trial::test(format!("abi::{kind}"), move || match differ {
                0 => Ok(()),
                _ => Err(format!("{differ} of {n} {kind} comparisons differ: libcuda-sys and cuda.h disagree (listed above)").into()),
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
