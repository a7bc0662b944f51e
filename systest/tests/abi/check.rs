//! The check itself (see the test's root file).

#[allow(clippy::all)]
mod checks {
    include!(concat!(env!("OUT_DIR"), "/real/checks.rs"));
}

/// `libcuda_sys::per_thread` against C with `CUDA_API_PER_THREAD_DEFAULT_STREAM`.
#[allow(clippy::all)]
mod per_thread {
    include!(concat!(env!("OUT_DIR"), "/per_thread/checks.rs"));
}

/// The types of `libcuda_sys::legacy` against C with `__CUDA_API_VERSION_INTERNAL`.
#[allow(clippy::all)]
mod legacy {
    include!(concat!(env!("OUT_DIR"), "/legacy/checks.rs"));
}

use libcuda_sys_systest::{Report, DISABLE_VARIABLE};
use libtest_mimic::{Arguments, Trial};

pub fn main() {
    let args = Arguments::from_args();
    if std::env::var_os(DISABLE_VARIABLE).is_some() {
        eprintln!("abi: {DISABLE_VARIABLE} is honoured by the planted test only; this check makes every comparison");
    }
    let report = libcuda_sys_systest::run(&checks::CHECKS);
    report.print();
    let per_thread = libcuda_sys_systest::run(&per_thread::CHECKS);
    per_thread.print();
    let legacy = libcuda_sys_systest::run(&legacy::CHECKS);
    legacy.print();
    let mut trials = kind_trials("abi", &report);
    trials.extend(kind_trials("abi::per_thread", &per_thread));
    trials.extend(kind_trials("abi::legacy", &legacy));
    libtest_mimic::run(&args, trials).exit();
}

/// One test per kind that compared anything, and per kind a mismatch has, named `{prefix}::{kind}`.
fn kind_trials(prefix: &str, report: &Report) -> Vec<Trial> {
    let mut kinds: Vec<(String, usize)> = report.compared.iter().filter(|(_, n)| *n > 0).map(|&(k, n)| (k.to_string(), n)).collect();
    for m in &report.mismatches {
        if !kinds.iter().any(|(k, _)| *k == m.kind) {
            kinds.push((m.kind.clone(), 0));
        }
    }
    kinds
        .into_iter()
        .map(|(kind, n)| {
            let differ = report.mismatches.iter().filter(|m| m.kind == *kind).count();
            Trial::test(format!("{prefix}::{kind}"), move || match differ {
                0 => Ok(()),
                _ => Err(format!("{differ} of {n} {kind} comparisons differ: libcuda-sys and cuda.h disagree (listed above)").into()),
            })
        })
        .collect()
}
