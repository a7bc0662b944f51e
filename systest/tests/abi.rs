//! The ABI check of libcuda-sys against the C compiler, for the `cuda.h` the crate was built from:
//! the crate root, and the module `per_thread` against C with `CUDA_API_PER_THREAD_DEFAULT_STREAM`
//! (`harness = false`): it prints the summary lines and every mismatch of both, then runs one test
//! per kind of check that compared anything, which fails when a comparison of that kind differs.
//!
//! Where libcuda-sys was built without a header (its shipped bindings, named by release with
//! `LIBCUDA_SYS_CUDA_VERSION`), there is no header to compare them with: the check is reported as
//! ignored, and CI checks every shipped file against its header in a build that finds it.

#[cfg(not(no_header))]
#[path = "abi/check.rs"]
mod check;

fn main() {
    #[cfg(not(no_header))]
    check::main();
    #[cfg(no_header)]
    {
        eprintln!("abi: libcuda-sys was built from its shipped bindings without a header, so there is no C side to compare with: ignored");
        let trial = libtest_mimic::Trial::test("abi", || Ok(())).with_ignored_flag(true);
        libtest_mimic::run(&libtest_mimic::Arguments::from_args(), vec![trial]).exit();
    }
}
