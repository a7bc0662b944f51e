//! Stream-ordered memory: the device's default pool (`cuDeviceGetDefaultMemPool`,
//! `cuMemAllocAsync`, `cuMemFreeAsync`) and a pool of the test's own (`cuMemPoolCreate`, its
//! release threshold, `cuMemAllocFromPoolAsync`, reuse of freed memory observed through
//! `cuMemPoolGetAttribute`, `cuMemPoolTrimTo`). Each allocation is written by pattern.ptx's
//! fill_pattern over the sentinel and read back in full.

use crate::common::{
    check_written, device_lacks, first_device, in_new_context, launch_fill_pattern, mem_location, new_stream, pattern, seed, GatedTest,
    Outcome, Ran, PATTERN_PTX, SENTINEL,
};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::{Completion, Failed};

pub const TESTS: &[GatedTest] = &[
    ("mempool::default_pool_allocates_in_stream_order", default_pool_allocates_in_stream_order),
    ("mempool::created_pool_keeps_reuses_and_trims", created_pool_keeps_reuses_and_trims),
];

const MIB: usize = 1 << 20;

/// A `cuuint64_t` attribute of `pool`.
fn attribute(pool: CUmemoryPool, attribute: CUmemPool_attribute) -> Result<u64, Failed> {
    let mut value: cuuint64_t = 0;
    check!(cuMemPoolGetAttribute(pool, attribute, ptr::addr_of_mut!(value).cast()));
    Ok(value)
}

/// Sets a `cuuint64_t` attribute of `pool` and reads it back.
fn set_attribute(pool: CUmemoryPool, attribute: CUmemPool_attribute, value: u64) -> Outcome {
    let mut v: cuuint64_t = value;
    check!(cuMemPoolSetAttribute(pool, attribute, ptr::addr_of_mut!(v).cast()));
    let read = self::attribute(pool, attribute)?;
    ensure!(read == value, "{attribute:?} set to {value}, read back as {read}");
    Ok(())
}

/// Fills `bytes` at `memory` with the sentinel, then fill_pattern over it, on `stream`; reads it
/// back and checks every element.
fn fill_and_check(module: CUmodule, stream: CUstream, memory: CUdeviceptr, bytes: usize, what: &str) -> Outcome {
    let words = bytes / 4;
    let seed = seed();
    check!(cuMemsetD32Async(memory, SENTINEL, words, stream));
    launch_fill_pattern(module, stream, memory, words, seed)?;
    let mut host = vec![0u32; words];
    check!(cuMemcpyDtoHAsync(host.as_mut_ptr().cast(), memory, bytes, stream));
    check!(cuStreamSynchronize(stream));
    check_written(what, &host, |i| pattern(i, seed))
}

/// Runs `body` in a new context with pattern.ptx loaded and a stream of its own.
fn with_stream(body: impl FnOnce(CUdevice, CUmodule, CUstream) -> Outcome) -> Outcome {
    in_new_context(|_| {
        let device = first_device()?;
        let mut module: CUmodule = ptr::null_mut();
        check!(cuModuleLoadData(&mut module, PATTERN_PTX.as_ptr().cast()));
        let stream = new_stream()?;
        let outcome = body(device, module, stream);
        check!(cuStreamDestroy(stream));
        check!(cuModuleUnload(module));
        outcome
    })
}

/// The default pool is the device's current pool; its release threshold can be set and read
/// back (and is restored); 1 MiB from cuMemAllocAsync is counted in its used memory, holds what a
/// kernel wrote, and after cuMemFreeAsync and a synchronization is counted no more.
fn default_pool_allocates_in_stream_order() -> Ran {
    skip_if!(device_lacks(CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED, "stream-ordered allocation"));
    with_stream(|device, module, stream| {
        let mut pool: CUmemoryPool = ptr::null_mut();
        check!(cuDeviceGetDefaultMemPool(&mut pool, device));
        let mut current: CUmemoryPool = ptr::null_mut();
        check!(cuDeviceGetMemPool(&mut current, device));
        ensure!(!pool.is_null() && current == pool, "the device's current pool {current:?} is not its default pool {pool:?}");
        let threshold = attribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD)?;
        set_attribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, 32 * MIB as u64)?;
        let outcome = (|| -> Outcome {
            let used_before = attribute(pool, CU_MEMPOOL_ATTR_USED_MEM_CURRENT)?;
            let mut memory: CUdeviceptr = 0;
            check!(cuMemAllocAsync(&mut memory, MIB, stream));
            check!(cuStreamSynchronize(stream));
            let used = attribute(pool, CU_MEMPOOL_ATTR_USED_MEM_CURRENT)?;
            ensure!(used >= used_before + MIB as u64, "the default pool's used memory went from {used_before} to {used} bytes for 1 MiB");
            fill_and_check(module, stream, memory, MIB, "1 MiB from the default pool")?;
            check!(cuMemFreeAsync(memory, stream));
            check!(cuStreamSynchronize(stream));
            let used_after = attribute(pool, CU_MEMPOOL_ATTR_USED_MEM_CURRENT)?;
            ensure!(used_after == used_before, "after the free the default pool's used memory is {used_after} bytes, was {used_before}");
            Ok(())
        })();
        outcome.and(set_attribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, threshold))
    })?;
    Ok(Completion::Completed)
}

/// A pool of pinned device memory with the release threshold at its maximum: 4 MiB allocated
/// from it is used and reserved; freed (and synchronized), it is no longer used but stays
/// reserved; the next 4 MiB reuses it (nothing more is reserved, the high-water mark does not
/// move); cuMemPoolTrimTo(0) once all is free releases every reserved byte.
fn created_pool_keeps_reuses_and_trims() -> Ran {
    skip_if!(device_lacks(CU_DEVICE_ATTRIBUTE_MEMORY_POOLS_SUPPORTED, "stream-ordered allocation"));
    with_stream(|device, module, stream| {
        let props = CUmemPoolProps {
            allocType: CU_MEM_ALLOCATION_TYPE_PINNED,
            handleTypes: CU_MEM_HANDLE_TYPE_NONE,
            location: mem_location(CU_MEM_LOCATION_TYPE_DEVICE, device),
            ..Default::default()
        };
        let mut pool: CUmemoryPool = ptr::null_mut();
        check!(cuMemPoolCreate(&mut pool, &props));
        let outcome = (|| -> Outcome {
            const SIZE: usize = 4 * MIB;
            set_attribute(pool, CU_MEMPOOL_ATTR_RELEASE_THRESHOLD, u64::MAX)?;
            let used = || attribute(pool, CU_MEMPOOL_ATTR_USED_MEM_CURRENT);
            let reserved = || attribute(pool, CU_MEMPOOL_ATTR_RESERVED_MEM_CURRENT);
            ensure!(used()? == 0 && reserved()? == 0, "a new pool: {} bytes used, {} reserved", used()?, reserved()?);

            let mut first: CUdeviceptr = 0;
            check!(cuMemAllocFromPoolAsync(&mut first, SIZE, pool, stream));
            fill_and_check(module, stream, first, SIZE, "4 MiB from the created pool")?;
            let kept = reserved()?;
            ensure!(used()? == SIZE as u64 && kept >= SIZE as u64, "4 MiB allocated: {} bytes used, {kept} reserved", used()?);
            check!(cuMemFreeAsync(first, stream));
            check!(cuStreamSynchronize(stream));
            ensure!(used()? == 0, "after the free, {} bytes are still used", used()?);
            ensure!(
                reserved()? == kept,
                "after the free and a synchronization {} bytes are reserved, not the {kept} the threshold keeps",
                reserved()?
            );

            let mut second: CUdeviceptr = 0;
            check!(cuMemAllocFromPoolAsync(&mut second, SIZE, pool, stream));
            fill_and_check(module, stream, second, SIZE, "4 MiB more from the created pool")?;
            let high = attribute(pool, CU_MEMPOOL_ATTR_RESERVED_MEM_HIGH)?;
            ensure!(
                reserved()? == kept && high == kept,
                "the second allocation did not reuse the freed memory: {} bytes reserved, high-water mark {high}, {kept} before",
                reserved()?
            );
            println!(
                "mempool::created_pool_keeps_reuses_and_trims: {kept} bytes reserved for both allocations; same address: {}",
                first == second
            );
            check!(cuMemFreeAsync(second, stream));
            check!(cuStreamSynchronize(stream));
            check!(cuMemPoolTrimTo(pool, 0));
            ensure!(reserved()? == 0, "cuMemPoolTrimTo(0) left {} bytes reserved", reserved()?);
            Ok(())
        })();
        outcome.and(crate::common::check(unsafe { cuMemPoolDestroy(pool) }, "cuMemPoolDestroy"))
    })?;
    Ok(Completion::Completed)
}
