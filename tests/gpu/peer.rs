//! Two GPUs: copies between their memories (cuMemcpyPeer, cuMemcpyPeerAsync) and a kernel on
//! GPU 0 that reads GPU 1's memory after cuCtxEnablePeerAccess. With fewer than two devices the
//! tests are reported as ignored, with the count. The copy bandwidth beside C's: bench/peer_copy.c
//! and bench/src/peer_copy.rs (BENCHMARKS.md).

use crate::common::{ctx_create, fixture_with_nul, function, Outcome};
use crate::multi::{check_pattern, fewer_gpus_than, pattern, seed, GatedTest, Ran, SENTINEL};
use core::ffi::{c_int, c_uint, c_void};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::Completion;

pub const TESTS: &[GatedTest] = &[
    ("peer::copies_between_two_gpus", copies_between_two_gpus),
    ("peer::kernel_on_gpu0_reads_gpu1_memory", kernel_on_gpu0_reads_gpu1_memory),
];

/// Runs `body` with a new context on device 0 and one on device 1, none current; destroys both
/// afterwards.
fn with_two_contexts(body: impl FnOnce([CUcontext; 2]) -> Outcome) -> Outcome {
    let mut contexts = [ptr::null_mut(); 2];
    for (ordinal, context) in contexts.iter_mut().enumerate() {
        let mut device: CUdevice = 0;
        check!(cuDeviceGet(&mut device, ordinal as c_int));
        check!(ctx_create(context, 0, device));
        let mut popped: CUcontext = ptr::null_mut();
        check!(cuCtxPopCurrent(&mut popped));
    }
    let outcome = body(contexts);
    let destroyed: Vec<Outcome> = contexts.iter().map(|&c| crate::common::check(unsafe { cuCtxDestroy(c) }, "cuCtxDestroy")).collect();
    destroyed.into_iter().fold(outcome, Outcome::and)
}

/// `n` u32 allocated in `context` and filled with the sentinel (complete on return).
fn sentinel_buffer(context: CUcontext, n: usize) -> Result<CUdeviceptr, libtest_mimic::Failed> {
    check!(cuCtxSetCurrent(context));
    let mut buffer: CUdeviceptr = 0;
    check!(cuMemAlloc(&mut buffer, n * 4));
    check!(cuMemsetD32(buffer, SENTINEL, n));
    check!(cuCtxSynchronize());
    Ok(buffer)
}

/// GPU 1 → GPU 0 with cuMemcpyPeer, then back to a second buffer on GPU 1 with cuMemcpyPeerAsync
/// on a stream of GPU 0's context; each destination holds the sentinel before and every element
/// of the source after. Needs no peer access: the driver stages the copy where there is none.
fn copies_between_two_gpus() -> Ran {
    if let Some(ignored) = fewer_gpus_than(2)? {
        return Ok(ignored);
    }
    const N: usize = 1 << 22;
    let size = N * 4;
    let seed = seed();
    let data: Vec<u32> = (0..N).map(|i| pattern(i, seed)).collect();
    with_two_contexts(|[c0, c1]| {
        let source = sentinel_buffer(c1, N)?;
        check!(cuMemcpyHtoD(source, data.as_ptr().cast(), size));
        check!(cuCtxSynchronize());
        let back = sentinel_buffer(c1, N)?;
        let on_gpu0 = sentinel_buffer(c0, N)?;

        check!(cuMemcpyPeer(on_gpu0, c0, source, c1, size));
        let mut host = vec![0u32; N];
        check!(cuMemcpyDtoH(host.as_mut_ptr().cast(), on_gpu0, size));
        check_pattern(&host, seed, "GPU 0's copy of GPU 1's memory (cuMemcpyPeer)")?;

        let mut stream: CUstream = ptr::null_mut();
        check!(cuStreamCreate(&mut stream, CU_STREAM_NON_BLOCKING.0));
        check!(cuMemcpyPeerAsync(back, c1, on_gpu0, c0, size, stream));
        check!(cuStreamSynchronize(stream));
        check!(cuStreamDestroy(stream));
        check!(cuMemFree(on_gpu0));
        check!(cuCtxSetCurrent(c1));
        host.fill(0);
        check!(cuMemcpyDtoH(host.as_mut_ptr().cast(), back, size));
        check_pattern(&host, seed, "GPU 1's copy of GPU 0's memory (cuMemcpyPeerAsync)")?;
        check!(cuMemFree(back));
        check!(cuMemFree(source));
        check!(cuCtxSetCurrent(ptr::null_mut()));
        Ok(())
    })?;
    Ok(Completion::Completed)
}

/// cuDeviceCanAccessPeer, then cuCtxEnablePeerAccess (a second call answers
/// CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED); VecAdd_kernel on GPU 0 with A in GPU 1's memory and
/// B, C in GPU 0's; every element of C checked; cuCtxDisablePeerAccess (twice: then
/// CUDA_ERROR_PEER_ACCESS_NOT_ENABLED).
fn kernel_on_gpu0_reads_gpu1_memory() -> Ran {
    if let Some(ignored) = fewer_gpus_than(2)? {
        return Ok(ignored);
    }
    let (mut d0, mut d1): (CUdevice, CUdevice) = (0, 0);
    check!(cuDeviceGet(&mut d0, 0));
    check!(cuDeviceGet(&mut d1, 1));
    let mut can_access: c_int = 0;
    check!(cuDeviceCanAccessPeer(&mut can_access, d0, d1));
    if can_access == 0 {
        return Ok(Completion::ignored_with("GPU 0 cannot access GPU 1's memory: cuDeviceCanAccessPeer answered 0"));
    }
    const N: usize = 1 << 20;
    let size = N * 4;
    let a: Vec<f32> = (0..N).map(|i| i as f32 * 0.5).collect();
    let b: Vec<f32> = (0..N).map(|i| (N - i) as f32 * 0.25).collect();
    let ptx = fixture_with_nul("vector_add.ptx")?;
    with_two_contexts(|[c0, c1]| {
        check!(cuCtxSetCurrent(c1));
        let mut on_gpu1: CUdeviceptr = 0;
        check!(cuMemAlloc(&mut on_gpu1, size));
        check!(cuMemcpyHtoD(on_gpu1, a.as_ptr().cast(), size));
        check!(cuCtxSynchronize());

        check!(cuCtxSetCurrent(c0));
        check!(cuCtxEnablePeerAccess(c1, 0));
        expect!(CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED, cuCtxEnablePeerAccess(c1, 0));
        let mut d_b: CUdeviceptr = 0;
        check!(cuMemAlloc(&mut d_b, size));
        check!(cuMemcpyHtoD(d_b, b.as_ptr().cast(), size));
        let d_c = sentinel_buffer(c0, N)?;
        let mut module: CUmodule = ptr::null_mut();
        check!(cuModuleLoadData(&mut module, ptx.as_ptr().cast()));
        let vec_add = function(module, c"VecAdd_kernel")?;
        let (mut p_a, mut p_b, mut p_c, mut n) = (on_gpu1, d_b, d_c, N as c_int);
        let mut args: [*mut c_void; 4] =
            [ptr::addr_of_mut!(p_a).cast(), ptr::addr_of_mut!(p_b).cast(), ptr::addr_of_mut!(p_c).cast(), ptr::addr_of_mut!(n).cast()];
        check!(cuLaunchKernel(
            vec_add,
            (N as c_uint).div_ceil(256),
            1,
            1,
            256,
            1,
            1,
            0,
            ptr::null_mut(),
            args.as_mut_ptr(),
            ptr::null_mut()
        ));
        check!(cuCtxSynchronize());
        let mut c = vec![0.0f32; N];
        check!(cuMemcpyDtoH(c.as_mut_ptr().cast(), d_c, size));
        let wrong: Vec<usize> = (0..N).filter(|&i| c[i].to_bits() == SENTINEL || c[i] != a[i] + b[i]).collect();
        ensure!(
            wrong.is_empty(),
            "{} of {N} elements of C wrong, first C[{}] = {} (bits {:#010x}), expected {}",
            wrong.len(),
            wrong[0],
            c[wrong[0]],
            c[wrong[0]].to_bits(),
            a[wrong[0]] + b[wrong[0]]
        );
        check!(cuModuleUnload(module));
        check!(cuMemFree(d_c));
        check!(cuMemFree(d_b));
        check!(cuCtxDisablePeerAccess(c1));
        expect!(CUDA_ERROR_PEER_ACCESS_NOT_ENABLED, cuCtxDisablePeerAccess(c1));
        check!(cuCtxSetCurrent(c1));
        check!(cuMemFree(on_gpu1));
        check!(cuCtxSetCurrent(ptr::null_mut()));
        Ok(())
    })?;
    Ok(Completion::Completed)
}
