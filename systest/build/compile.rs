//! The C side: the generated file is compiled against cuda.h with `-Wall -Werror`. Every check is
//! one line, so each diagnostic names the check the compiler rejected (a prototype that does not
//! accept the C function, a member C does not have, ...): the rejected lines are recorded as
//! findings, taken out, and the file compiled again, until it compiles. The result is a static
//! library the test binary links; the findings go into the test's tables as mismatches.

use crate::generate::{c_source, Finding, Plan};
use crate::header::{c_build, write, View};
use crate::inputs::Inputs;
use std::collections::BTreeSet;

/// Warnings are errors; that a function is deprecated says nothing about its ABI.
const FLAGS: [&str; 3] = ["-Wall", "-Werror", "-Wno-deprecated-declarations"];

/// The C side defines the macro of the `view` (`CUDA_API_PER_THREAD_DEFAULT_STREAM`, ...).
pub fn c_side(plan: &Plan, tag: &str, inputs: &Inputs, view: View) -> Result<Vec<Finding>, String> {
    let dir = inputs.out_dir.join(tag);
    let path = dir.join("abi.c");
    let mut excluded = BTreeSet::new();
    let mut findings = Vec::new();
    loop {
        let (text, lines) = c_source(plan, tag, &inputs.headers, &excluded);
        write(&path, &text)?;
        let compiler = c_build(&inputs.headers, view).get_compiler();
        let output = compiler
            .to_command()
            .args(FLAGS)
            .arg("-fsyntax-only")
            .arg(&path)
            .output()
            .map_err(|e| format!("cannot run the C compiler {}: {e}", compiler.path().display()))?;
        if output.status.success() {
            break;
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let rejected = rejected_lines(&stderr, &path.display().to_string());
        let mut progress = false;
        for (number, message) in rejected {
            let Some(Some(line)) = number.checked_sub(1).and_then(|i| lines.get(i)) else {
                return Err(format!("the C compiler rejects line {number} of {}, which holds no check:\n{stderr}", path.display()));
            };
            if excluded.insert(*line) {
                progress = true;
                let (kind, item) = plan.describe(*line);
                findings.push(Finding { kind, item, message: format!("the C compiler rejects it: {message}") });
            }
        }
        if !progress {
            return Err(format!("the C compiler rejects {}:\n{stderr}", path.display()));
        }
    }
    let mut build = c_build(&inputs.headers, view);
    for flag in FLAGS {
        build.flag(flag);
    }
    build
        .file(&path)
        .out_dir(&dir)
        .cargo_metadata(true)
        .try_compile(&format!("systest_{tag}"))
        .map_err(|e| format!("cannot compile {}: {e}", path.display()))?;
    Ok(findings)
}

/// `(line, message)` for each line of `file` that a diagnostic points at; a note pointing into our
/// file (`in expansion of macro` after an error inside cuda.h) takes the error's message.
fn rejected_lines(stderr: &str, file: &str) -> Vec<(usize, String)> {
    let mut rejected = Vec::new();
    let mut last_error = String::new();
    for line in stderr.lines() {
        let Some((location, message)) = line.split_once(": error: ").or_else(|| line.split_once(": note: ")) else { continue };
        let is_error = line.contains(": error: ");
        if is_error {
            last_error = message.to_string();
        }
        let Some(rest) = location.strip_prefix(file).and_then(|r| r.strip_prefix(':')) else { continue };
        let Some(number) = rest.split(':').next().and_then(|n| n.parse::<usize>().ok()) else { continue };
        rejected.push((number, if is_error { message.to_string() } else { last_error.clone() }));
    }
    rejected
}
