//! The CUDA programming guide's Driver API chapter, run on a GPU through the raw bindings:
//! vectorAddDrv, contexts, modules and the JIT linker, kernel parameters, and interoperability
//! with the runtime; the newer Driver API: context-independent loading (libraries, kernels),
//! launch attributes with thread-block clusters and cooperative launches, tensor maps, graphs
//! (capture, explicit nodes, updates, conditional nodes), stream-ordered and managed memory,
//! green contexts, batched copies and event timing; past one GPU and one process: IPC handles
//! and VMM shared with a child process, peer access between two GPUs, and NCCL; and the headers
//! besides cuda.h: the profiler, versioned function pointers, OpenGL interop (with
//! `--features gl`).
//!
//! `cargo test --test gpu` runs them where a GPU is usable. Elsewhere (cuInit fails, or there is
//! no device) every GPU test is reported as ignored, never as passed, after one line saying why;
//! only the checks of the PTX fixtures, which need no GPU, run. Each GPU test runs on a thread of
//! its own and creates and destroys its own context. A test that needs more than it finds (two
//! GPUs, NCCL, compute capability 9.0, a newer driver) is reported as ignored at run time, with
//! the reason, and so is a test of an API that the headers it was built with lack; a test that
//! needs a second process runs this binary again as `--child ROLE ARGS...`.

#[macro_use]
mod common;
mod batch;
mod context;
mod events;
#[cfg(unix)]
mod extra_headers;
mod fixtures;
// The modules for Unix only go past one GPU and one process (the child processes talk over Unix
// sockets, VMM shares POSIX file descriptors, NCCL is libnccl.so.2: a Windows build has none), or
// load the GL and EGL libraries of a Linux machine; the gated tests run through multi's runner.
#[cfg(unix)]
mod gl_interop;
mod graph;
mod green;
#[cfg(all(unix, feature = "gl"))]
mod headless_gl;
#[cfg(unix)]
mod ipc;
mod launch;
mod library;
mod managed;
mod mempool;
mod module;
#[cfg(unix)]
mod multi;
#[cfg(unix)]
mod nccl;
mod params;
#[cfg(unix)]
mod peer;
mod runtime;
mod tensor_map;
mod vector_add;
#[cfg(unix)]
mod vmm;

use libtest_mimic::{Arguments, Trial};

fn main() {
    #[cfg(unix)]
    multi::serve_child(&[ipc::CHILD, vmm::CHILD, nccl::CHILD, extra_headers::CHILD]);
    let args = Arguments::from_args();
    let usable = common::usable_gpu();
    if let Err(why) = &usable {
        eprintln!("gpu: no usable GPU, so every GPU test is ignored: {why}");
    }
    let tests = [vector_add::TESTS, context::TESTS, module::TESTS, params::TESTS, runtime::TESTS].concat();
    let gpu_trials =
        tests.into_iter().map(|(name, test)| Trial::test(name, move || common::on_own_thread(test)).with_ignored_flag(usable.is_err()));
    // The tests that report themselves as ignored where the GPU, the driver or the headers lack
    // what they need.
    let newer_api = [
        library::TESTS,
        launch::TESTS,
        tensor_map::TESTS,
        graph::TESTS,
        mempool::TESTS,
        managed::TESTS,
        green::TESTS,
        batch::TESTS,
        events::TESTS,
    ];
    #[cfg(unix)]
    let gated = [&newer_api[..], &[ipc::TESTS, vmm::TESTS, peer::TESTS, nccl::TESTS, extra_headers::TESTS, gl_interop::TESTS]].concat();
    #[cfg(not(unix))]
    let gated = newer_api;
    let gated_trials = gated
        .concat()
        .into_iter()
        .map(|(name, test)| Trial::ignorable_test(name, move || common::on_own_thread(test)).with_ignored_flag(usable.is_err()));
    // Checks that need no GPU run everywhere.
    let host_trials = fixtures::TESTS.iter().map(|&(name, test)| Trial::test(name, test));
    let trials = gpu_trials.chain(gated_trials).chain(host_trials).collect();
    libtest_mimic::run(&args, trials).exit();
}
