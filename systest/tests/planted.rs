//! The check run over a copy of the bindings with one wrong declaration of each kind (see
//! `build/plant.rs`): each must be reported, and nothing else that the crate's own check does not
//! already report.

#[allow(clippy::all)]
mod checks {
    include!(concat!(env!("OUT_DIR"), "/planted/checks.rs"));
}

#[allow(clippy::all)]
mod real {
    include!(concat!(env!("OUT_DIR"), "/real/checks.rs"));
}

use libcuda_sys_systest::Mismatch;

/// Whether a mismatch is about one of `affected` (`S` covers its members `S.f`).
fn about(m: &Mismatch, affected: &[&str]) -> bool {
    let owner = m.item.split('.').next().unwrap_or(&m.item);
    affected.iter().any(|a| *a == m.item || *a == owner)
}

fn main() {
    let report = libcuda_sys_systest::run(&checks::CHECKS);
    // What the crate's own check reports is not the plants' doing.
    let baseline = libcuda_sys_systest::run(&real::CHECKS).mismatches;
    let mut failures = Vec::new();
    for plant in checks::PLANTS {
        match report.mismatches.iter().find(|m| plant.kinds.contains(&m.kind.as_str()) && about(m, plant.affected)) {
            Some(m) => println!("planted: {} → {m}", plant.what),
            None => failures.push(format!("not reported: {}", plant.what)),
        }
    }
    let unexplained = report.mismatches.iter().filter(|m| !checks::PLANTS.iter().any(|p| about(m, p.affected)));
    for m in unexplained.filter(|m| !baseline.iter().any(|b| b.kind == m.kind && b.item == m.item)) {
        failures.push(format!("reported, but nothing was planted there: {m}"));
    }
    let label = checks::CHECKS.label();
    if failures.is_empty() {
        println!(
            "planted {label}: {} planted errors, each reported; {} mismatches in all, every one caused by a plant{}",
            checks::PLANTS.len(),
            report.mismatches.len() - baseline.len().min(report.mismatches.len()),
            if baseline.is_empty() { String::new() } else { format!(" (besides the crate's own {})", baseline.len()) }
        );
    } else {
        report.print();
        for f in &failures {
            eprintln!("{f}");
        }
        std::process::exit(1);
    }
}
