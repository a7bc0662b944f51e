//! Launch attributes: thread-block clusters (compute capability 9.0) through `cuLaunchKernelEx`
//! with a `CUlaunchConfig` that carries `CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION` and the cluster
//! scheduling policy, a kernel that exchanges data through distributed shared memory
//! (tests/fixtures/cluster.ptx); `cuOccupancyMaxActiveClusters`; and cooperative launches, with
//! `cuLaunchCooperativeKernel` and with `CU_LAUNCH_ATTRIBUTE_COOPERATIVE`, of a kernel with a
//! grid-wide barrier (tests/fixtures/grid_sync.ptx).

use crate::common::{
    alloc_with_sentinel, check_written, compute_capability_below, device_attribute, device_lacks, function, in_new_context, new_stream,
    read_back, GatedTest, Outcome, Ran,
};
use core::ffi::{c_int, c_uint, c_void};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::{Completion, Failed};

pub const TESTS: &[GatedTest] = &[
    ("launch::cluster_ranks_and_distributed_shared_memory", cluster_ranks_and_distributed_shared_memory),
    ("launch::occupancy_max_active_clusters", occupancy_max_active_clusters),
    ("launch::cooperative_grid_barrier", cooperative_grid_barrier),
];

/// tests/fixtures/cluster.ptx and grid_sync.ptx, NUL-terminated, built in.
const CLUSTER_PTX: &str = concat!(include_str!("../fixtures/cluster.ptx"), "\0");
const GRID_SYNC_PTX: &str = concat!(include_str!("../fixtures/grid_sync.ptx"), "\0");

/// Blocks of the cluster launches: a multiple of every cluster size tried; threads per block.
const BLOCKS: u32 = 48;
const THREADS: u32 = 128;

fn load(ptx: &str) -> Result<CUmodule, Failed> {
    let mut module: CUmodule = ptr::null_mut();
    check!(cuModuleLoadData(&mut module, ptx.as_ptr().cast()));
    Ok(module)
}

/// A launch attribute with its value zeroed, as the header's union wants unused bytes.
fn attribute(id: CUlaunchAttributeID) -> CUlaunchAttribute {
    CUlaunchAttribute { id, ..Default::default() }
}

/// `CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION` of `size` blocks along x.
fn cluster_dimension(size: c_uint) -> CUlaunchAttribute {
    let mut a = attribute(CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION);
    a.value.clusterDim.x = size;
    a.value.clusterDim.y = 1;
    a.value.clusterDim.z = 1;
    a
}

/// A configuration of `blocks` x `THREADS` on `stream` with `attributes` (which must outlive it).
fn config(blocks: c_uint, stream: CUstream, attributes: &mut [CUlaunchAttribute]) -> CUlaunchConfig {
    CUlaunchConfig {
        gridDimX: blocks,
        gridDimY: 1,
        gridDimZ: 1,
        blockDimX: THREADS,
        blockDimY: 1,
        blockDimZ: 1,
        sharedMemBytes: 0,
        hStream: stream,
        attrs: attributes.as_mut_ptr(),
        numAttrs: attributes.len() as c_uint,
    }
}

/// For clusters of 2, 4 and 8 blocks (48 blocks of 128 threads), cuLaunchKernelEx with the
/// cluster dimension and the spread scheduling policy: every block reports its
/// `%cluster_ctarank` (its index in its cluster), the cluster's size, its cluster's index and the
/// number of clusters, as the cluster shape makes them; every thread writes what the previous
/// block of its cluster stored into its shared memory through `mapa`. A cluster size that does
/// not divide the grid is refused, and writes nothing.
fn cluster_ranks_and_distributed_shared_memory() -> Ran {
    skip_if!(compute_capability_below(9, 0, "a thread-block cluster"));
    in_new_context(|_| {
        let module = load(CLUSTER_PTX)?;
        let outcome = (|| -> Outcome {
            let f = function(module, c"cluster_exchange")?;
            let stream = new_stream()?;
            let blocks = BLOCKS as usize;
            let threads = THREADS as usize;
            let mut ranks = alloc_with_sentinel(blocks * 4)?;
            let mut data = alloc_with_sentinel(blocks * threads)?;
            for size in [2u32, 4, 8] {
                crate::common::fill_with_sentinel(ranks, blocks * 4)?;
                crate::common::fill_with_sentinel(data, blocks * threads)?;
                let mut policy = attribute(CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE);
                policy.value.clusterSchedulingPolicyPreference = CU_CLUSTER_SCHEDULING_POLICY_SPREAD;
                let mut attributes = [cluster_dimension(size), policy];
                let cfg = config(BLOCKS, stream, &mut attributes);
                let mut params: [*mut c_void; 2] = [ptr::addr_of_mut!(ranks).cast(), ptr::addr_of_mut!(data).cast()];
                check!(cuLaunchKernelEx(&cfg, f, params.as_mut_ptr(), ptr::null_mut()));
                check!(cuStreamSynchronize(stream));
                let size = size as usize;
                let got: Vec<u32> = read_back(ranks, blocks * 4)?;
                check_written(&format!("cluster_exchange's ranks, clusters of {size}"), &got, |i| {
                    let block = i / 4;
                    [block % size, size, block / size, blocks / size][i % 4] as u32
                })?;
                let got: Vec<u32> = read_back(data, blocks * threads)?;
                check_written(&format!("cluster_exchange's distributed shared memory, clusters of {size}"), &got, |i| {
                    let (block, thread) = (i / threads, i % threads);
                    let previous = block / size * size + (block % size + size - 1) % size;
                    (previous * 65536 + thread + 1) as u32
                })?;
            }
            // 48 blocks do not make clusters of 5.
            crate::common::fill_with_sentinel(data, blocks * threads)?;
            let mut attributes = [cluster_dimension(5)];
            let cfg = config(BLOCKS, stream, &mut attributes);
            let mut params: [*mut c_void; 2] = [ptr::addr_of_mut!(ranks).cast(), ptr::addr_of_mut!(data).cast()];
            let r = unsafe { cuLaunchKernelEx(&cfg, f, params.as_mut_ptr(), ptr::null_mut()) };
            ensure!(r != CUDA_SUCCESS, "a launch of 48 blocks in clusters of 5 succeeded");
            check!(cuStreamSynchronize(stream));
            let got: Vec<u32> = read_back(data, blocks * threads)?;
            ensure!(
                got.iter().all(|&w| w == crate::common::SENTINEL),
                "the refused launch ({}) wrote to its output",
                crate::common::name(r)
            );
            check!(cuMemFree(ranks));
            check!(cuMemFree(data));
            check!(cuStreamDestroy(stream));
            Ok(())
        })();
        outcome.and(crate::common::check(unsafe { cuModuleUnload(module) }, "cuModuleUnload"))
    })?;
    Ok(Completion::Completed)
}

/// cuOccupancyMaxActiveClusters for cluster_exchange in clusters of 2, 4 and 8 blocks: at least
/// one cluster fits, no more blocks than the device holds at once (cuOccupancyMaxActiveBlocksPer
/// Multiprocessor times its SMs), and fewer clusters of a larger size.
fn occupancy_max_active_clusters() -> Ran {
    skip_if!(compute_capability_below(9, 0, "a thread-block cluster"));
    let sms = device_attribute(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)?;
    in_new_context(|_| {
        let module = load(CLUSTER_PTX)?;
        let outcome = (|| -> Outcome {
            let f = function(module, c"cluster_exchange")?;
            let mut per_sm: c_int = 0;
            check!(cuOccupancyMaxActiveBlocksPerMultiprocessor(&mut per_sm, f, THREADS as c_int, 0));
            ensure!(per_sm > 0, "cuOccupancyMaxActiveBlocksPerMultiprocessor: {per_sm}");
            let mut counts = Vec::new();
            for size in [2u32, 4, 8] {
                let mut attributes = [cluster_dimension(size)];
                let cfg = config(BLOCKS, ptr::null_mut(), &mut attributes);
                let mut clusters: c_int = -1;
                check!(cuOccupancyMaxActiveClusters(&mut clusters, f, &cfg));
                ensure!(clusters >= 1, "cuOccupancyMaxActiveClusters for clusters of {size}: {clusters}");
                ensure!(
                    clusters * size as c_int <= per_sm * sms,
                    "{clusters} clusters of {size} blocks, more than the {per_sm} blocks per SM x {sms} SMs the device holds"
                );
                counts.push(clusters);
            }
            ensure!(counts.windows(2).all(|w| w[0] >= w[1]), "active clusters of 2, 4, 8 blocks: {counts:?}, not decreasing");
            println!("launch::occupancy_max_active_clusters: clusters of 2, 4, 8 blocks: {counts:?} ({per_sm} blocks per SM, {sms} SMs)");
            Ok(())
        })();
        outcome.and(crate::common::check(unsafe { cuModuleUnload(module) }, "cuModuleUnload"))
    })?;
    Ok(Completion::Completed)
}

/// grid_barrier with as many blocks of 256 threads as the device holds at once (at most two per
/// SM), launched by cuLaunchCooperativeKernel and by cuLaunchKernelEx with
/// CU_LAUNCH_ATTRIBUTE_COOPERATIVE: every thread wrote before the barrier, and after it read the
/// word of a thread half a grid away and the count of every block of the grid; one block more
/// than fits is CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE.
fn cooperative_grid_barrier() -> Ran {
    skip_if!(device_lacks(CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH, "cooperative launches"));
    let sms = device_attribute(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)? as c_uint;
    in_new_context(|_| {
        let module = load(GRID_SYNC_PTX)?;
        let outcome = (|| -> Outcome {
            const THREADS: c_uint = 256;
            let f = function(module, c"grid_barrier")?;
            let mut per_sm: c_int = 0;
            check!(cuOccupancyMaxActiveBlocksPerMultiprocessor(&mut per_sm, f, THREADS as c_int, 0));
            ensure!(per_sm > 0, "cuOccupancyMaxActiveBlocksPerMultiprocessor: {per_sm}");
            let blocks = sms * (per_sm as c_uint).min(2);
            let n = (blocks * THREADS) as usize;
            let stream = new_stream()?;
            let mut arrived = alloc_with_sentinel(1)?;
            let mut before = alloc_with_sentinel(n)?;
            let mut after = alloc_with_sentinel(2 * n)?;
            let mut params: [*mut c_void; 3] =
                [ptr::addr_of_mut!(arrived).cast(), ptr::addr_of_mut!(before).cast(), ptr::addr_of_mut!(after).cast()];
            for how in ["cuLaunchCooperativeKernel", "cuLaunchKernelEx with CU_LAUNCH_ATTRIBUTE_COOPERATIVE"] {
                check!(cuMemsetD32Async(arrived, 0, 1, stream));
                check!(cuMemsetD32Async(before, crate::common::SENTINEL, n, stream));
                check!(cuMemsetD32Async(after, crate::common::SENTINEL, 2 * n, stream));
                if how == "cuLaunchCooperativeKernel" {
                    check!(cuLaunchCooperativeKernel(f, blocks, 1, 1, THREADS, 1, 1, 0, stream, params.as_mut_ptr()));
                } else {
                    let mut cooperative = attribute(CU_LAUNCH_ATTRIBUTE_COOPERATIVE);
                    cooperative.value.cooperative = 1;
                    let mut attributes = [cooperative];
                    let mut cfg = config(blocks, stream, &mut attributes);
                    cfg.blockDimX = THREADS;
                    check!(cuLaunchKernelEx(&cfg, f, params.as_mut_ptr(), ptr::null_mut()));
                }
                check!(cuStreamSynchronize(stream));
                let written: Vec<u32> = read_back(before, n)?;
                check_written(&format!("grid_barrier's writes before the barrier ({how})"), &written, |i| (3 * i + 1) as u32)?;
                let seen: Vec<u32> = read_back(after, 2 * n)?;
                let (threads, blocks) = (THREADS as usize, blocks as usize);
                check_written(&format!("what grid_barrier read after the barrier ({how})"), &seen, |k| {
                    let (i, count) = (k / 2, k % 2 == 1);
                    if count {
                        blocks as u32
                    } else {
                        let (block, thread) = (i / threads, i % threads);
                        let other = (block + blocks / 2) % blocks * threads + thread;
                        (3 * other + 1) as u32
                    }
                })?;
            }
            let too_many = sms * per_sm as c_uint + 1;
            expect!(
                CUDA_ERROR_COOPERATIVE_LAUNCH_TOO_LARGE,
                cuLaunchCooperativeKernel(f, too_many, 1, 1, THREADS, 1, 1, 0, stream, params.as_mut_ptr())
            );
            println!("launch::cooperative_grid_barrier: {blocks} blocks of {THREADS} threads ({per_sm} per SM fit, {sms} SMs)");
            check!(cuStreamSynchronize(stream));
            check!(cuMemFree(arrived));
            check!(cuMemFree(before));
            check!(cuMemFree(after));
            check!(cuStreamDestroy(stream));
            Ok(())
        })();
        outcome.and(crate::common::check(unsafe { cuModuleUnload(module) }, "cuModuleUnload"))
    })?;
    Ok(Completion::Completed)
}
