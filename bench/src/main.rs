//! Host cost of three Driver API calls through libcuda-sys, in the same shape as `calls.c`:
//!
//! - `cuCtxGetCurrent`: a call that never leaves the host (ns/call);
//! - `cuLaunchKernel` of an empty kernel: the submission only (µs/launch). Launches go in batches
//!   of `BATCH`; only the launch calls are timed, and after each batch `cuCtxSynchronize`
//!   (untimed) drains the queue, so that a full queue never blocks a launch;
//! - `cuMemcpyHtoD` of 4 bytes from pageable memory: a synchronous round trip (µs/copy).
//!
//! Each metric is measured `REPS` times in the process and its median printed, on one line that
//! `table.py` reads. Built in link mode it reports itself as `rust-link`, with the feature
//! `dynamic` (libcuda-sys's dynamic-loading) as `rust-dynamic`.
//!
//! Usage: `calls [HOST_CALLS [LAUNCHES [COPIES [REPS]]]]`.

mod common;

use common::{arg, check, VARIANT};
use libcuda_sys::*;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::process::exit;
use std::ptr;
use std::time::Instant;

const BATCH: usize = 1000;
const PTX: &[u8] = concat!(include_str!("../empty.ptx"), "\0").as_bytes();

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

// The timed loops, each a function of its own in both programs, so that the compilers give them
// the same shape: a counter in a register, one call per iteration.
#[inline(never)]
fn host_loop(n: usize, current: &mut CUcontext) -> u64 {
    let mut errors = 0;
    for _ in 0..n {
        errors += u64::from(unsafe { cuCtxGetCurrent(current) } != CUDA_SUCCESS);
    }
    errors
}

#[inline(never)]
fn launch_loop(n: usize, kernel: CUfunction) -> u64 {
    let mut errors = 0;
    for _ in 0..n {
        let r = unsafe { cuLaunchKernel(kernel, 1, 1, 1, 1, 1, 1, 0, ptr::null_mut(), ptr::null_mut(), ptr::null_mut()) };
        errors += u64::from(r != CUDA_SUCCESS);
    }
    errors
}

#[inline(never)]
fn copy_loop(n: usize, dptr: CUdeviceptr, value: &u32) -> u64 {
    let mut errors = 0;
    for _ in 0..n {
        errors += u64::from(unsafe { cuMemcpyHtoD(dptr, (value as *const u32).cast::<c_void>(), 4) } != CUDA_SUCCESS);
    }
    errors
}

fn main() {
    let (host_calls, launches, copies, reps) = (arg(1, 10_000_000), arg(2, 100_000), arg(3, 20_000), arg(4, 5));
    let launches = launches.div_ceil(BATCH) * BATCH;
    unsafe {
        check(cuInit(0), "cuInit");
        let mut driver: c_int = 0;
        check(cuDriverGetVersion(&mut driver), "cuDriverGetVersion");
        let mut dev: CUdevice = 0;
        check(cuDeviceGet(&mut dev, 0), "cuDeviceGet");
        let mut name = [0 as c_char; 256];
        check(cuDeviceGetName(name.as_mut_ptr(), name.len() as c_int, dev), "cuDeviceGetName");
        let card = CStr::from_ptr(name.as_ptr()).to_string_lossy().into_owned();
        let mut ctx: CUcontext = ptr::null_mut();
        check(cuDevicePrimaryCtxRetain(&mut ctx, dev), "cuDevicePrimaryCtxRetain");
        check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
        let mut module: CUmodule = ptr::null_mut();
        check(cuModuleLoadData(&mut module, PTX.as_ptr().cast()), "cuModuleLoadData");
        let mut kernel: CUfunction = ptr::null_mut();
        check(cuModuleGetFunction(&mut kernel, module, c"empty".as_ptr()), "cuModuleGetFunction");
        let mut dptr: CUdeviceptr = 0;
        check(cuMemAlloc(&mut dptr, 4), "cuMemAlloc");
        let value: u32 = 42;

        // Warm-up: every function resolved, the kernel loaded on the device, caches warm.
        let mut current: CUcontext = ptr::null_mut();
        let mut errors = host_loop(100_000, &mut current) + launch_loop(BATCH, kernel);
        check(cuCtxSynchronize(), "cuCtxSynchronize");
        errors += copy_loop(100, dptr, &value);

        let (mut host, mut submit, mut copy) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..reps {
            let t = Instant::now();
            errors += host_loop(host_calls, &mut current);
            host.push(t.elapsed().as_secs_f64() * 1e9 / host_calls as f64);

            let mut timed = 0.0;
            for _ in 0..launches / BATCH {
                let t = Instant::now();
                errors += launch_loop(BATCH, kernel);
                timed += t.elapsed().as_secs_f64();
                check(cuCtxSynchronize(), "cuCtxSynchronize");
            }
            submit.push(timed * 1e6 / launches as f64);

            let t = Instant::now();
            errors += copy_loop(copies, dptr, &value);
            copy.push(t.elapsed().as_secs_f64() * 1e6 / copies as f64);
        }
        if errors > 0 || current != ctx {
            eprintln!("{VARIANT}: {errors} calls failed");
            exit(1);
        }
        check(cuMemFree(dptr), "cuMemFree");
        check(cuModuleUnload(module), "cuModuleUnload");
        check(cuDevicePrimaryCtxRelease(dev), "cuDevicePrimaryCtxRelease");
        println!(
            "variant={VARIANT} host_ns={:.3} launch_us={:.4} copy_us={:.4} driver={driver} card={card}",
            median(host),
            median(submit),
            median(copy)
        );
    }
}
