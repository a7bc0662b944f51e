//! Managed memory (64 KiB: never more than a small allocation) with `cuMemAdvise` and
//! `cuMemPrefetchAsync` in the forms that take a `CUmemLocation` (CUDA 12.2: `cuMemAdvise_v2`,
//! `cuMemPrefetchAsync_v2`, which CUDA 13's headers map the plain names to), and the range's
//! attributes read back with `cuMemRangeGetAttribute`.

use crate::common::{GatedTest, Ran};

pub const TESTS: &[GatedTest] = &[("managed::advise_and_prefetch_by_location", imp::advise_and_prefetch_by_location)];

#[cfg(any(cuda_major = "11", all(cuda_major = "12", any(cuda_minor = "0", cuda_minor = "1"))))]
mod imp {
    use super::*;
    use crate::common::headers_lack;

    pub fn advise_and_prefetch_by_location() -> Ran {
        headers_lack("cuMemAdvise_v2 and cuMemPrefetchAsync_v2 (CUDA 12.2)")
    }
}

#[cfg(not(any(cuda_major = "11", all(cuda_major = "12", any(cuda_minor = "0", cuda_minor = "1")))))]
mod imp {
    use super::*;
    use crate::common::{
        check_written, device_lacks, driver_older_than, first_device, in_new_context, launch_fill_pattern, mem_location, new_stream,
        pattern, seed, Outcome, PATTERN_PTX, SENTINEL,
    };
    use core::ffi::c_int;
    use core::ptr;
    use libcuda_sys::*;
    use libtest_mimic::{Completion, Failed};

    const BYTES: usize = 64 << 10;

    /// A 4-byte attribute (a location's type or id) of the range.
    fn range_attribute(memory: CUdeviceptr, attribute: CUmem_range_attribute) -> Result<c_int, Failed> {
        let mut value: c_int = -7;
        check!(cuMemRangeGetAttribute(ptr::addr_of_mut!(value).cast(), 4, attribute, memory, BYTES));
        Ok(value)
    }

    /// 64 KiB of managed memory, filled with the sentinel from the host; its preferred location
    /// set to the device (the range says so, by type and id) and the device set to access it;
    /// prefetched to the device (the range's last prefetch location says so), written there by
    /// fill_pattern, prefetched to the host (said so too), and read in full by the host through
    /// its pointer; the preferred location unset again.
    pub fn advise_and_prefetch_by_location() -> Ran {
        skip_if!(driver_older_than(12020, "cuMemAdvise_v2 and cuMemPrefetchAsync_v2"));
        skip_if!(device_lacks(CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS, "prefetching managed memory"));
        in_new_context(|_| {
            let device = first_device()?;
            let on_device = mem_location(CU_MEM_LOCATION_TYPE_DEVICE, device);
            let on_host = mem_location(CU_MEM_LOCATION_TYPE_HOST, 0);
            let mut module: CUmodule = ptr::null_mut();
            check!(cuModuleLoadData(&mut module, PATTERN_PTX.as_ptr().cast()));
            let stream = new_stream()?;
            let mut memory: CUdeviceptr = 0;
            check!(cuMemAllocManaged(&mut memory, BYTES, CU_MEM_ATTACH_GLOBAL.0));
            let outcome = (|| -> Outcome {
                let words = BYTES / 4;
                // SAFETY: managed memory is host-accessible; nothing on the device uses it yet.
                let host = unsafe { core::slice::from_raw_parts_mut(memory as *mut u32, words) };
                host.fill(SENTINEL);

                check!(cuMemAdvise_v2(memory, BYTES, CU_MEM_ADVISE_SET_PREFERRED_LOCATION, on_device));
                check!(cuMemAdvise_v2(memory, BYTES, CU_MEM_ADVISE_SET_ACCESSED_BY, on_device));
                let preferred = (
                    range_attribute(memory, CU_MEM_RANGE_ATTRIBUTE_PREFERRED_LOCATION_TYPE)?,
                    range_attribute(memory, CU_MEM_RANGE_ATTRIBUTE_PREFERRED_LOCATION_ID)?,
                );
                ensure!(
                    preferred == (CU_MEM_LOCATION_TYPE_DEVICE.0 as c_int, device),
                    "preferred location (type, id) {preferred:?}, advised the device {device}"
                );

                check!(cuMemPrefetchAsync_v2(memory, BYTES, on_device, 0, stream));
                check!(cuStreamSynchronize(stream));
                let prefetched = (
                    range_attribute(memory, CU_MEM_RANGE_ATTRIBUTE_LAST_PREFETCH_LOCATION_TYPE)?,
                    range_attribute(memory, CU_MEM_RANGE_ATTRIBUTE_LAST_PREFETCH_LOCATION_ID)?,
                );
                ensure!(
                    prefetched == (CU_MEM_LOCATION_TYPE_DEVICE.0 as c_int, device),
                    "last prefetch location (type, id) {prefetched:?} after a prefetch to the device {device}"
                );

                let seed = seed();
                launch_fill_pattern(module, stream, memory, words, seed)?;
                check!(cuMemPrefetchAsync_v2(memory, BYTES, on_host, 0, stream));
                check!(cuStreamSynchronize(stream));
                let to_host = range_attribute(memory, CU_MEM_RANGE_ATTRIBUTE_LAST_PREFETCH_LOCATION_TYPE)?;
                ensure!(
                    to_host == CU_MEM_LOCATION_TYPE_HOST.0 as c_int || to_host == CU_MEM_LOCATION_TYPE_HOST_NUMA.0 as c_int,
                    "last prefetch location type {to_host} after a prefetch to the host"
                );
                // SAFETY: the stream is synchronized: the kernel and the prefetch are done.
                let host = unsafe { core::slice::from_raw_parts(memory as *const u32, words) };
                check_written("managed memory read by the host after the prefetches", host, |i| pattern(i, seed))?;

                check!(cuMemAdvise_v2(memory, BYTES, CU_MEM_ADVISE_UNSET_PREFERRED_LOCATION, on_device));
                let unset = range_attribute(memory, CU_MEM_RANGE_ATTRIBUTE_PREFERRED_LOCATION_TYPE)?;
                ensure!(unset == CU_MEM_LOCATION_TYPE_INVALID.0 as c_int, "preferred location type {unset} after it was unset");
                Ok(())
            })();
            check!(cuMemFree(memory));
            check!(cuStreamDestroy(stream));
            check!(cuModuleUnload(module));
            outcome
        })?;
        Ok(Completion::Completed)
    }
}
