//! Contexts: the calling thread's stack of current contexts, floating contexts, the usage count
//! of the deprecated cuCtxAttach/cuCtxDetach, and the primary context.
//!
//! Each test runs on a thread of its own (see `common::on_own_thread`), so it starts with an empty
//! context stack.

use crate::common::{ctx_create, first_device, fixture_c_path, fixture_with_nul, function, run_vec_add, Outcome, Test, PRIMARY_CONTEXT};
use core::ffi::{c_int, c_uint};
use core::ptr;
use libcuda_sys::*;

pub const TESTS: &[Test] = &[
    ("context::create_pushes_and_pop_restores_the_previous", create_pushes_and_pop_restores_the_previous),
    ("context::floating_context_used_on_another_thread", floating_context_used_on_another_thread),
    ("context::no_current_context_is_invalid_context", no_current_context_is_invalid_context),
    ("context::attach_and_detach_count_usage", attach_and_detach_count_usage),
    ("context::primary_context_retain_release_and_state", primary_context_retain_release_and_state),
];

fn current() -> Result<CUcontext, libtest_mimic::Failed> {
    let mut context: CUcontext = ptr::null_mut();
    check!(cuCtxGetCurrent(&mut context));
    Ok(context)
}

/// cuCtxCreate pushes the new context onto the thread's stack; cuCtxPopCurrent takes it off
/// (it floats) and makes the one below current again; cuCtxPushCurrent puts a floating one back.
fn create_pushes_and_pop_restores_the_previous() -> Outcome {
    let device = first_device()?;
    ensure!(current()?.is_null(), "a new thread has a current context");

    let (mut a, mut b): (CUcontext, CUcontext) = (ptr::null_mut(), ptr::null_mut());
    check!(ctx_create(&mut a, 0, device));
    ensure!(!a.is_null() && current()? == a, "cuCtxCreate did not make its context current");
    let mut on_device: CUdevice = -1;
    check!(cuCtxGetDevice(&mut on_device));
    ensure!(on_device == device, "cuCtxGetDevice: {on_device}, created on {device}");

    check!(ctx_create(&mut b, 0, device));
    ensure!(b != a && current()? == b, "the second context is not on top of the first");

    let mut popped: CUcontext = ptr::null_mut();
    check!(cuCtxPopCurrent(&mut popped));
    ensure!(popped == b, "cuCtxPopCurrent returned {popped:?}, not the top context {b:?}");
    ensure!(current()? == a, "after the pop the previous context {a:?} is not current again");

    check!(cuCtxPushCurrent(b));
    ensure!(current()? == b, "cuCtxPushCurrent did not make the floating context current");
    check!(cuCtxPopCurrent(&mut popped));
    check!(cuCtxPopCurrent(&mut popped));
    ensure!(popped == a, "the second pop returned {popped:?}, not {a:?}");
    ensure!(current()?.is_null(), "a context is current after both were popped");
    expect!(CUDA_ERROR_INVALID_CONTEXT, cuCtxPopCurrent(&mut popped));

    // Floating contexts are destroyed without being current.
    check!(cuCtxDestroy(a));
    check!(cuCtxDestroy(b));
    Ok(())
}

/// A context popped off this thread is pushed on another one and used there: the module loaded
/// here runs there, with the right result.
fn floating_context_used_on_another_thread() -> Outcome {
    let device = first_device()?;
    let mut context: CUcontext = ptr::null_mut();
    check!(ctx_create(&mut context, 0, device));
    let mut module: CUmodule = ptr::null_mut();
    check!(cuModuleLoad(&mut module, fixture_c_path("vector_add.ptx").as_ptr()));
    let vec_add = function(module, c"VecAdd_kernel")?;

    let mut popped: CUcontext = ptr::null_mut();
    check!(cuCtxPopCurrent(&mut popped));
    ensure!(popped == context && current()?.is_null(), "the context did not float after cuCtxPopCurrent");

    // Handles are plain pointers: they cross to the other thread as addresses.
    let (context_address, function_address) = (context as usize, vec_add as usize);
    let there = std::thread::spawn(move || -> Outcome {
        let context = context_address as CUcontext;
        ensure!(current()?.is_null(), "the other thread starts with a current context");
        check!(cuCtxPushCurrent(context));
        ensure!(current()? == context, "the pushed context is not current on the other thread");
        run_vec_add(function_address as CUfunction, 10_000)?;
        let mut popped: CUcontext = ptr::null_mut();
        check!(cuCtxPopCurrent(&mut popped));
        ensure!(popped == context, "the other thread popped {popped:?}");
        Ok(())
    })
    .join()
    .unwrap_or_else(|_| Err("the other thread panicked".into()));

    check!(cuCtxPushCurrent(context));
    check!(cuModuleUnload(module));
    check!(cuCtxDestroy(context));
    there
}

/// With no context current, calls that need one answer CUDA_ERROR_INVALID_CONTEXT.
fn no_current_context_is_invalid_context() -> Outcome {
    first_device()?;
    ensure!(current()?.is_null(), "a new thread has a current context");
    let mut dptr: CUdeviceptr = 0;
    expect!(CUDA_ERROR_INVALID_CONTEXT, cuMemAlloc(&mut dptr, 1024));
    let mut device: CUdevice = -1;
    expect!(CUDA_ERROR_INVALID_CONTEXT, cuCtxGetDevice(&mut device));
    let mut module: CUmodule = ptr::null_mut();
    let ptx = fixture_with_nul("vector_add.ptx")?;
    expect!(CUDA_ERROR_INVALID_CONTEXT, cuModuleLoadData(&mut module, ptx.as_ptr().cast()));
    expect!(CUDA_ERROR_INVALID_CONTEXT, cuCtxSynchronize());
    Ok(())
}

/// cuCtxAttach and cuCtxDetach are deprecated but every supported header (11.8, 12.x, 13.x)
/// still declares them, and driver 580 (CUDA 13.0) keeps the usage count as the guide describes:
/// cuCtxCreate starts it at 1; cuCtxAttach needs a current context (else
/// CUDA_ERROR_INVALID_CONTEXT) and flags 0 (else CUDA_ERROR_INVALID_VALUE), adds one and hands
/// back the current context; cuCtxDetach takes one off and, at 0, destroys the context and pops
/// it off the stack. cuCtxDetach of a context that is not the current one answers
/// CUDA_ERROR_INVALID_CONTEXT and changes nothing; cuCtxDestroy destroys whatever the count.
fn attach_and_detach_count_usage() -> Outcome {
    let device = first_device()?;
    let mut attached: CUcontext = ptr::null_mut();
    expect!(CUDA_ERROR_INVALID_CONTEXT, cuCtxAttach(&mut attached, 0));

    let mut context: CUcontext = ptr::null_mut();
    check!(ctx_create(&mut context, 0, device));
    expect!(CUDA_ERROR_INVALID_VALUE, cuCtxAttach(&mut attached, 1));
    check!(cuCtxAttach(&mut attached, 0));
    ensure!(attached == context, "cuCtxAttach handed back {attached:?}, not the current context {context:?}");
    check!(cuCtxAttach(&mut attached, 0));

    // Usage count 3: two detaches leave the context alive and current.
    for left in [2, 1] {
        check!(cuCtxDetach(context));
        ensure!(current()? == context, "the context is no longer current with a usage count of {left}");
        let mut version: c_uint = 0;
        check!(cuCtxGetApiVersion(context, &mut version));
        let mut dptr: CUdeviceptr = 0;
        check!(cuMemAlloc(&mut dptr, 256));
        check!(cuMemFree(dptr));
    }
    // The last one destroys it: nothing is current any more.
    check!(cuCtxDetach(context));
    ensure!(current()?.is_null(), "the context is still current after its usage count reached 0");
    let mut dptr: CUdeviceptr = 0;
    expect!(CUDA_ERROR_INVALID_CONTEXT, cuMemAlloc(&mut dptr, 256));

    // Only the current context can be detached; cuCtxDestroy ignores the usage count.
    let mut other: CUcontext = ptr::null_mut();
    check!(ctx_create(&mut other, 0, device));
    check!(cuCtxAttach(&mut attached, 0));
    let mut popped: CUcontext = ptr::null_mut();
    check!(cuCtxPopCurrent(&mut popped));
    expect!(CUDA_ERROR_INVALID_CONTEXT, cuCtxDetach(other));
    check!(cuCtxPushCurrent(other));
    check!(cuCtxGetApiVersion(other, &mut 0));
    check!(cuCtxDestroy(other));
    ensure!(current()?.is_null(), "cuCtxDestroy of a context with a usage count of 2 left it current");
    Ok(())
}

/// cuDevicePrimaryCtxRetain hands out one context per device, active while retained;
/// cuDevicePrimaryCtxRelease gives it back; cuDevicePrimaryCtxGetState tells which.
fn primary_context_retain_release_and_state() -> Outcome {
    let _primary = PRIMARY_CONTEXT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let device = first_device()?;
    let (mut flags, mut active): (c_uint, c_int) = (0, -1);
    check!(cuDevicePrimaryCtxGetState(device, &mut flags, &mut active));
    // Another test's runtime may hold it already (the runtime keeps it to the end).
    let active_before = active;
    ensure!(active_before == 0 || active_before == 1, "cuDevicePrimaryCtxGetState: active = {active_before}");

    let (mut primary, mut again): (CUcontext, CUcontext) = (ptr::null_mut(), ptr::null_mut());
    check!(cuDevicePrimaryCtxRetain(&mut primary, device));
    ensure!(!primary.is_null(), "cuDevicePrimaryCtxRetain returned NULL");
    ensure!(current()?.is_null(), "cuDevicePrimaryCtxRetain made the primary context current");
    check!(cuDevicePrimaryCtxGetState(device, &mut flags, &mut active));
    ensure!(active == 1, "retained, the primary context is not active (active = {active})");
    check!(cuDevicePrimaryCtxRetain(&mut again, device));
    ensure!(again == primary, "a second retain returned another context");
    check!(cuDevicePrimaryCtxRelease(device));
    check!(cuDevicePrimaryCtxGetState(device, &mut flags, &mut active));
    ensure!(active == 1, "retained once more than released, the primary context is not active");

    // It is a context like the others: pushed, it runs a kernel.
    in_primary(primary)?;

    check!(cuDevicePrimaryCtxRelease(device));
    check!(cuDevicePrimaryCtxGetState(device, &mut flags, &mut active));
    ensure!(active == active_before, "after the last release active = {active}, before the retain {active_before}");
    Ok(())
}

fn in_primary(primary: CUcontext) -> Outcome {
    check!(cuCtxPushCurrent(primary));
    let mut module: CUmodule = ptr::null_mut();
    check!(cuModuleLoad(&mut module, fixture_c_path("vector_add.ptx").as_ptr()));
    let vec_add = function(module, c"VecAdd_kernel")?;
    run_vec_add(vec_add, 1000)?;
    check!(cuModuleUnload(module));
    let mut popped: CUcontext = ptr::null_mut();
    check!(cuCtxPopCurrent(&mut popped));
    ensure!(popped == primary, "popped {popped:?}, pushed the primary context {primary:?}");
    Ok(())
}
