//! The check itself (see the test's root file).

#[allow(clippy::all)]
mod checks {
    include!(concat!(env!("OUT_DIR"), "/planted/checks.rs"));
}

#[allow(clippy::all)]
mod real {
    include!(concat!(env!("OUT_DIR"), "/real/checks.rs"));
}

use libcuda_sys_systest::{run_without, Mismatch, DISABLE_VARIABLE, KINDS};
use libtest_mimic::{Arguments, Trial};
use std::process::Command;

/// What a test decided: `Ok` with a line to print, or `Err` with why it fails.
type Verdict = Result<String, String>;

/// Whether a mismatch is about one of `affected` (`S` covers its members `S.f`).
fn about(m: &Mismatch, affected: &[&str]) -> bool {
    let owner = m.item.split('.').next().unwrap_or(&m.item);
    affected.iter().any(|a| *a == m.item || *a == owner)
}

/// The planted check, with the checks of the `disabled` kinds left out: one verdict per plant,
/// then whether anything else was reported, then whether every kind has a plant.
fn verdicts(disabled: &[&str]) -> Vec<(String, Verdict)> {
    let report = run_without(&checks::CHECKS, disabled);
    // What the crate's own check reports is not the plants' doing.
    let baseline = run_without(&real::CHECKS, disabled).mismatches;
    let mut verdicts = Vec::new();
    for p in checks::PLANTS {
        let found = report.mismatches.iter().find(|m| m.kind == p.kind && m.item == p.item);
        let verdict = match found {
            Some(m) => Ok(format!("{} → {m}", p.what)),
            None => Err(format!("not reported by {} on {}: {}", p.kind, p.item, p.what)),
        };
        verdicts.push((format!("planted::{}::{}", p.kind, p.item), verdict));
    }

    let explained =
        |m: &Mismatch| checks::PLANTS.iter().any(|p| (p.kind == m.kind || p.also.contains(&m.kind.as_str())) && about(m, p.affected));
    let own = |m: &Mismatch| baseline.iter().any(|b| b.kind == m.kind && b.item == m.item);
    let unexplained: Vec<String> = report.mismatches.iter().filter(|m| !explained(m) && !own(m)).map(|m| m.to_string()).collect();
    let caused = report.mismatches.iter().filter(|m| !own(m)).count();
    let verdict = if unexplained.is_empty() {
        Ok(format!("{caused} mismatches in all, every one caused by a plant and of its kinds"))
    } else {
        Err(format!("reported, but no plant explains it:\n{}", unexplained.join("\n")))
    };
    verdicts.push(("planted::nothing_else_reported".to_string(), verdict));

    let compared: Vec<String> = report.compared.iter().filter(|(_, n)| *n > 0).map(|(k, n)| format!("{k} {n}")).collect();
    let unplanted: Vec<&str> =
        report.compared.iter().filter(|(k, n)| *n > 0 && !checks::PLANTS.iter().any(|p| p.kind == *k)).map(|(k, _)| *k).collect();
    let verdict = if unplanted.is_empty() {
        Ok(format!("every kind that compared anything has a plant ({})", compared.join(", ")))
    } else {
        Err(format!("kinds of check with no plant: {}", unplanted.join(", ")))
    };
    verdicts.push(("planted::every_kind_has_a_plant".to_string(), verdict));
    verdicts
}

/// This binary, to run again; under an emulator that does not follow `execve` (qemu-user), through
/// the command in `LIBCUDA_SYS_TEST_RUNNER` (scripts/test.sh sets it to Cargo's runner).
fn again(exe: &std::path::Path) -> Command {
    let runner = std::env::var("LIBCUDA_SYS_TEST_RUNNER").unwrap_or_default();
    let mut words = runner.split_whitespace();
    match words.next() {
        Some(program) => {
            let mut cmd = Command::new(program);
            cmd.args(words).arg(exe);
            cmd
        }
        None => Command::new(exe),
    }
}

/// Runs this binary again with `kind` disabled: it must fail, and on the plant of that kind.
fn without(kind: &str) -> Verdict {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this test binary: {e}"))?;
    let out = again(&exe)
        .arg("--test-threads=1")
        .env(DISABLE_VARIABLE, kind)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let failed: Vec<&str> = stdout.lines().filter_map(|l| l.strip_prefix("failed: ")).collect();
    let own = format!("planted::{kind}::");
    match failed.iter().find(|l| l.starts_with(&own)) {
        Some(line) if !out.status.success() => Ok(format!("planted fails ({}; {} failed tests): {line}", out.status, failed.len())),
        _ => Err(format!(
            "with {kind} disabled, planted did not fail on a plant of that kind ({}):\n{stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )),
    }
}

pub fn main() {
    let args = Arguments::from_args();
    let label = checks::CHECKS.label();
    let variable = std::env::var(DISABLE_VARIABLE).unwrap_or_default();
    let disabled: Vec<&str> = variable.split(',').map(str::trim).filter(|k| !k.is_empty()).collect();
    if let Some(unknown) = disabled.iter().find(|k| !KINDS.contains(k)) {
        eprintln!("planted: {DISABLE_VARIABLE} names `{unknown}`, which is no kind of check; the kinds are {}", KINDS.join(", "));
        std::process::exit(2);
    }
    if !disabled.is_empty() {
        println!("planted {label}: checks disabled ({DISABLE_VARIABLE}): {}", disabled.join(", "));
    }

    let mut verdicts = verdicts(&disabled);
    for (name, verdict) in &verdicts {
        match verdict {
            Ok(line) => println!("planted {label}: {name}: {line}"),
            // The self-test reads these lines.
            Err(why) => println!("failed: {name}: {}", why.lines().next().unwrap_or("")),
        }
    }

    // The self-test, in the run that disables nothing.
    if disabled.is_empty() {
        let report = run_without(&checks::CHECKS, &[]);
        for &(kind, n) in &report.compared {
            if n == 0 {
                println!("selftest {label}: {kind}: nothing of this kind to compare here, so nothing to disable");
                continue;
            }
            let verdict = without(kind);
            if let Ok(line) = &verdict {
                println!("selftest {label}: without {kind}: {line}");
            }
            verdicts.push((format!("selftest::without_{kind}"), verdict));
        }
    }

    let trials = verdicts.into_iter().map(|(name, verdict)| Trial::test(name, move || verdict.map(|_| ()).map_err(Into::into))).collect();
    libtest_mimic::run(&args, trials).exit();
}
