//! Timing with events: `cuEventElapsedTime` (with CUDA 13's headers the name of
//! `cuEventElapsedTime_v2`, which CUDA 12.8 added beside the first) between two events recorded
//! around a kernel that measures its own run with the global timer
//! (tests/fixtures/smid_clock.ptx's timed_spin).

use crate::common::{function, in_new_context, new_stream, read_back, GatedTest, Outcome, Ran};
use core::ffi::c_void;
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::Completion;

pub const TESTS: &[GatedTest] = &[("events::elapsed_time_brackets_a_timed_kernel", elapsed_time_brackets_a_timed_kernel)];

/// tests/fixtures/smid_clock.ptx, NUL-terminated, built in.
const SMID_CLOCK_PTX: &str = concat!(include_str!("../fixtures/smid_clock.ptx"), "\0");

/// How long timed_spin spins: 2 ms.
const SPIN_NS: u64 = 2_000_000;

/// Events recorded before and after timed_spin on a stream: the elapsed time they give is at
/// least what the kernel measured (which is at least the 2 ms it spun), less 2 us of timer
/// resolution, and under a second. With CUDA 12.8 or 12.9 headers, which declare both forms, the
/// `_v2` of a driver that has it gives the same time. Events created with
/// CU_EVENT_DISABLE_TIMING give CUDA_ERROR_INVALID_HANDLE.
fn elapsed_time_brackets_a_timed_kernel() -> Ran {
    in_new_context(|_| {
        let mut module: CUmodule = ptr::null_mut();
        check!(cuModuleLoadData(&mut module, SMID_CLOCK_PTX.as_ptr().cast()));
        let outcome = (|| -> Outcome {
            let timed_spin = function(module, c"timed_spin")?;
            let stream = new_stream()?;
            let mut measured = crate::common::alloc_with_sentinel(2)?;
            let (mut start, mut end): (CUevent, CUevent) = (ptr::null_mut(), ptr::null_mut());
            check!(cuEventCreate(&mut start, CU_EVENT_DEFAULT.0));
            check!(cuEventCreate(&mut end, CU_EVENT_DEFAULT.0));
            let mut ns = SPIN_NS;
            let mut params: [*mut c_void; 2] = [ptr::addr_of_mut!(measured).cast(), ptr::addr_of_mut!(ns).cast()];
            check!(cuEventRecord(start, stream));
            check!(cuLaunchKernel(timed_spin, 1, 1, 1, 1, 1, 1, 0, stream, params.as_mut_ptr(), ptr::null_mut()));
            check!(cuEventRecord(end, stream));
            check!(cuEventSynchronize(end));
            let mut ms: f32 = -1.0;
            check!(cuEventElapsedTime(&mut ms, start, end));
            let kernel_ns = read_back::<u64>(measured, 1)?[0];
            ensure!(kernel_ns != u64::from(crate::common::SENTINEL) * 0x1_0000_0001, "timed_spin did not write how long it ran");
            ensure!((SPIN_NS..1_000_000_000).contains(&kernel_ns), "timed_spin measured {kernel_ns} ns for a spin of {SPIN_NS} ns");
            ensure!(
                f64::from(ms) * 1e6 + 2000.0 >= kernel_ns as f64 && ms < 1000.0,
                "cuEventElapsedTime: {ms} ms between events around a kernel that ran {kernel_ns} ns"
            );
            #[cfg(all(cuda_major = "12", any(cuda_minor = "8", cuda_minor = "9")))]
            if crate::common::driver_older_than(12080, "cuEventElapsedTime_v2")?.is_none() {
                let mut ms_v2: f32 = -1.0;
                check!(cuEventElapsedTime_v2(&mut ms_v2, start, end));
                ensure!(ms_v2 == ms, "cuEventElapsedTime_v2: {ms_v2} ms, cuEventElapsedTime: {ms} ms, between the same events");
            }
            println!("events::elapsed_time_brackets_a_timed_kernel: {ms:.4} ms between the events, {kernel_ns} ns measured by the kernel");

            let (mut untimed_start, mut untimed_end): (CUevent, CUevent) = (ptr::null_mut(), ptr::null_mut());
            check!(cuEventCreate(&mut untimed_start, CU_EVENT_DISABLE_TIMING.0));
            check!(cuEventCreate(&mut untimed_end, CU_EVENT_DISABLE_TIMING.0));
            check!(cuEventRecord(untimed_start, stream));
            check!(cuEventRecord(untimed_end, stream));
            check!(cuEventSynchronize(untimed_end));
            expect!(CUDA_ERROR_INVALID_HANDLE, cuEventElapsedTime(&mut ms, untimed_start, untimed_end));
            for event in [start, end, untimed_start, untimed_end] {
                check!(cuEventDestroy(event));
            }
            check!(cuMemFree(measured));
            check!(cuStreamDestroy(stream));
            Ok(())
        })();
        outcome.and(crate::common::check(unsafe { cuModuleUnload(module) }, "cuModuleUnload"))
    })?;
    Ok(Completion::Completed)
}
