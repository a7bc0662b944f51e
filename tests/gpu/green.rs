//! Green contexts (CUDA 12.4): the device's SMs as a resource (`cuDeviceGetDevResource`), split
//! into a group of the count asked for and the rest (`cuDevSmResourceSplitByCount`), each made a
//! descriptor (`cuDevResourceGenerateDesc`) and a green context (`cuGreenCtxCreate`) with a stream
//! of its own (`cuGreenCtxStreamCreate`). A kernel launched there records the `%smid` of every
//! block (tests/fixtures/smid_clock.ptx).

use crate::common::{GatedTest, Ran};

pub const TESTS: &[GatedTest] = &[("green::partitions_run_blocks_on_their_own_sms", imp::partitions_run_blocks_on_their_own_sms)];

#[cfg(any(cuda_major = "11", all(cuda_major = "12", any(cuda_minor = "0", cuda_minor = "1", cuda_minor = "2", cuda_minor = "3"))))]
mod imp {
    use super::*;
    use crate::common::headers_lack;

    pub fn partitions_run_blocks_on_their_own_sms() -> Ran {
        headers_lack("cuGreenCtxCreate (CUDA 12.4)")
    }
}

#[cfg(not(any(cuda_major = "11", all(cuda_major = "12", any(cuda_minor = "0", cuda_minor = "1", cuda_minor = "2", cuda_minor = "3")))))]
mod imp {
    use super::*;
    use crate::common::{device_attribute, driver_older_than, first_device, function, read_back, SENTINEL};
    use core::ffi::c_uint;
    use core::ptr;
    use libcuda_sys::*;
    use libtest_mimic::{Completion, Failed};
    use std::collections::BTreeSet;

    /// tests/fixtures/smid_clock.ptx, NUL-terminated, built in.
    const SMID_CLOCK_PTX: &str = concat!(include_str!("../fixtures/smid_clock.ptx"), "\0");

    /// The SMs asked of the split: a multiple of 8, the granularity of compute capability 9.0.
    const ASKED: c_uint = 16;

    /// The SM count of an SM resource.
    fn sm_count(resource: &CUdevResource) -> c_uint {
        // SAFETY: the resource is of type CU_DEV_RESOURCE_TYPE_SM (checked where it is made), whose
        // member of the union is `sm`.
        unsafe { resource.__bindgen_anon_1.sm.smCount }
    }

    /// A green context of `resource` on `device`, with its own default stream.
    fn green_context(resource: &mut CUdevResource, device: CUdevice) -> Result<CUgreenCtx, Failed> {
        let mut desc: CUdevResourceDesc = ptr::null_mut();
        check!(cuDevResourceGenerateDesc(&mut desc, resource, 1));
        let mut green: CUgreenCtx = ptr::null_mut();
        check!(cuGreenCtxCreate(&mut green, desc, device, CU_GREEN_CTX_DEFAULT_STREAM.0));
        Ok(green)
    }

    /// In the green context: its SM resource has `count` SMs; record_smid runs 8 blocks of 1024
    /// threads per SM of it (two fit on an SM at a time, so four waves keep every SM it may use
    /// busy) on a stream of cuGreenCtxStreamCreate, each block holding its SM for 20 us. Returns
    /// the SMs the blocks ran on.
    fn smids_of_blocks(green: CUgreenCtx, count: c_uint) -> Result<BTreeSet<u32>, Failed> {
        let mut resource = CUdevResource::default();
        check!(cuGreenCtxGetDevResource(green, &mut resource, CU_DEV_RESOURCE_TYPE_SM));
        ensure!(
            sm_count(&resource) == count,
            "the green context's SM resource has {} SMs, not the {count} it was made of",
            sm_count(&resource)
        );
        let mut context: CUcontext = ptr::null_mut();
        check!(cuCtxFromGreenCtx(&mut context, green));
        check!(cuCtxPushCurrent(context));
        let ran = (|| -> Result<BTreeSet<u32>, Failed> {
            let mut module: CUmodule = ptr::null_mut();
            check!(cuModuleLoadData(&mut module, SMID_CLOCK_PTX.as_ptr().cast()));
            let mut stream: CUstream = ptr::null_mut();
            check!(cuGreenCtxStreamCreate(&mut stream, green, CU_STREAM_NON_BLOCKING.0, 0));
            let mut of_stream: CUgreenCtx = ptr::null_mut();
            check!(cuStreamGetGreenCtx(stream, &mut of_stream));
            ensure!(of_stream == green, "cuStreamGetGreenCtx: {of_stream:?}, the stream was made in {green:?}");
            let blocks = (count * 8) as usize;
            // The sentinel on the green context's stream (non-blocking, as cuGreenCtxStreamCreate
            // wants it): ahead of the kernel.
            let mut smids: CUdeviceptr = 0;
            check!(cuMemAlloc(&mut smids, blocks * 4));
            check!(cuMemsetD32Async(smids, SENTINEL, blocks, stream));
            let mut ns: u64 = 20_000;
            let mut params: [*mut core::ffi::c_void; 2] = [ptr::addr_of_mut!(smids).cast(), ptr::addr_of_mut!(ns).cast()];
            let record_smid = function(module, c"record_smid")?;
            check!(cuLaunchKernel(record_smid, blocks as c_uint, 1, 1, 1024, 1, 1, 0, stream, params.as_mut_ptr(), ptr::null_mut()));
            check!(cuStreamSynchronize(stream));
            let got: Vec<u32> = read_back(smids, blocks)?;
            check!(cuMemFree(smids));
            check!(cuStreamDestroy(stream));
            check!(cuModuleUnload(module));
            let unwritten = got.iter().filter(|&&s| s == SENTINEL).count();
            ensure!(unwritten == 0, "{unwritten} of {blocks} blocks did not record their SM");
            Ok(got.into_iter().collect())
        })();
        let mut popped: CUcontext = ptr::null_mut();
        check!(cuCtxPopCurrent(&mut popped));
        ensure!(popped == context, "popped {popped:?}, not the green context's {context:?}");
        ran
    }

    /// The device's SMs split into a group of 16 and the rest: the group has the 16 asked for and
    /// the rest the others; each part becomes a green context whose resource says so; every block
    /// launched in either ran on an SM of its own part: no SM serves both, and neither part uses
    /// more SMs than it has.
    pub fn partitions_run_blocks_on_their_own_sms() -> Ran {
        skip_if!(driver_older_than(12040, "a green context"));
        let device = first_device()?;
        let total = device_attribute(CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)? as c_uint;
        if total < 2 * ASKED {
            return Ok(Completion::ignored_with(format!("splitting off {ASKED} SMs needs at least {}; device 0 has {total}", 2 * ASKED)));
        }
        let mut all = CUdevResource::default();
        check!(cuDeviceGetDevResource(device, &mut all, CU_DEV_RESOURCE_TYPE_SM));
        ensure!(all.type_ == CU_DEV_RESOURCE_TYPE_SM, "cuDeviceGetDevResource(SM) gave a resource of type {:?}", all.type_);
        ensure!(
            sm_count(&all) == total,
            "the device's SM resource has {} SMs, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT {total}",
            sm_count(&all)
        );
        let (mut group, mut rest) = (CUdevResource::default(), CUdevResource::default());
        let mut groups: c_uint = 1;
        check!(cuDevSmResourceSplitByCount(&mut group, &mut groups, &all, &mut rest, 0, ASKED));
        ensure!(groups == 1, "cuDevSmResourceSplitByCount made {groups} groups, asked for 1");
        ensure!(sm_count(&group) == ASKED, "the group has {} SMs; {ASKED} were asked for", sm_count(&group));
        ensure!(sm_count(&rest) == total - ASKED, "the rest has {} SMs, not {} - {ASKED}", sm_count(&rest), total);

        let mut seen = Vec::new();
        for (resource, count) in [(&mut group, ASKED), (&mut rest, total - ASKED)] {
            let green = green_context(resource, device)?;
            let smids = smids_of_blocks(green, count);
            check!(cuGreenCtxDestroy(green));
            let smids = smids?;
            ensure!(
                !smids.is_empty() && smids.len() <= count as usize,
                "the blocks of a green context of {count} SMs ran on {} SMs: {smids:?}",
                smids.len()
            );
            seen.push(smids);
        }
        let shared: Vec<&u32> = seen[0].intersection(&seen[1]).collect();
        ensure!(shared.is_empty(), "SMs {shared:?} ran blocks of both green contexts");
        println!(
            "green::partitions_run_blocks_on_their_own_sms: {ASKED} SMs asked, blocks ran on {} of them ({:?}); the other {} SMs: on {}",
            seen[0].len(),
            seen[0],
            total - ASKED,
            seen[1].len()
        );
        Ok(Completion::Completed)
    }
}
