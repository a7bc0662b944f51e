//! The check run over a copy of the bindings with planted errors (see `build/plant.rs`):
//! - each plant must be reported by its own kind of check, on its item;
//! - nothing may be reported that no plant explains (by its kind, or a kind it cannot help
//!   failing too) and that the crate's own check does not report already;
//! - every kind of check that compared anything must have a plant.
//!
//! Then the checker's self-test: for every kind that compared anything, this binary runs again
//! with that kind disabled (`LIBCUDA_SYS_SYSTEST_DISABLE=kind`, read at run time, so one build
//! serves every kind), and that run must fail on the plant of that kind.
//!
//! Where libcuda-sys was built without a header (its shipped bindings, named by release with
//! `LIBCUDA_SYS_CUDA_VERSION`), there is no header to compare them with: the check is reported as
//! ignored, and CI checks every shipped file against its header in a build that finds it.

#[cfg(not(no_header))]
#[path = "planted/check.rs"]
mod check;

fn main() {
    #[cfg(not(no_header))]
    check::main();
    #[cfg(no_header)]
    {
        eprintln!(
            "planted: libcuda-sys was built from its shipped bindings without a header, so there is no C side to compare with: ignored"
        );
        let trial = libtest_mimic::Trial::test("planted", || Ok(())).with_ignored_flag(true);
        libtest_mimic::run(&libtest_mimic::Arguments::from_args(), vec![trial]).exit();
    }
}
