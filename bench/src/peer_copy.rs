//! Copy bandwidth between two GPUs through libcuda-sys, in the same shape as `peer_copy.c`:
//! GPU 1 → GPU 0 with `cuMemcpyPeerAsync` on a stream of GPU 0's primary context, peer access
//! enabled both ways where `cuDeviceCanAccessPeer` allows it; each copy timed alone between two
//! events; one line with the median, min and max in GB/s (10^9 bytes/s). After the timed copies,
//! one copy into a buffer holding the sentinel is read back and every element checked.
//!
//! Usage: `peer_copy [MIB [REPS]]` (default: 256 MiB, 20 timed copies).

mod common;

use common::{arg, check, VARIANT};
use libcuda_sys::*;
use std::ffi::{c_char, c_int, CStr};
use std::process::exit;
use std::ptr;

const SENTINEL: u32 = 0xFFFF_FFFF;
const VALUE: u32 = 0x1234_ABCD;
const WARM_UP: usize = 3;

fn main() {
    let (bytes, reps) = (arg(1, 256) << 20, arg(2, 20).max(1));
    let n = bytes / 4;
    unsafe {
        check(cuInit(0), "cuInit");
        let (mut count, mut driver): (c_int, c_int) = (0, 0);
        check(cuDeviceGetCount(&mut count), "cuDeviceGetCount");
        check(cuDriverGetVersion(&mut driver), "cuDriverGetVersion");
        if count < 2 {
            eprintln!("{VARIANT}: needs 2 GPUs; this machine has {count}");
            exit(1);
        }
        let mut dev: [CUdevice; 2] = [0; 2];
        let mut ctx: [CUcontext; 2] = [ptr::null_mut(); 2];
        for i in 0..2 {
            check(cuDeviceGet(&mut dev[i], i as c_int), "cuDeviceGet");
            check(cuDevicePrimaryCtxRetain(&mut ctx[i], dev[i]), "cuDevicePrimaryCtxRetain");
        }
        let mut card = [0 as c_char; 256];
        check(cuDeviceGetName(card.as_mut_ptr(), card.len() as c_int, dev[0]), "cuDeviceGetName");
        let card = CStr::from_ptr(card.as_ptr()).to_string_lossy().into_owned();
        let (mut p2p01, mut p2p10): (c_int, c_int) = (0, 0);
        check(cuDeviceCanAccessPeer(&mut p2p01, dev[0], dev[1]), "cuDeviceCanAccessPeer");
        check(cuDeviceCanAccessPeer(&mut p2p10, dev[1], dev[0]), "cuDeviceCanAccessPeer");
        let p2p = p2p01 != 0 && p2p10 != 0;

        let (mut src, mut dst): (CUdeviceptr, CUdeviceptr) = (0, 0);
        check(cuCtxSetCurrent(ctx[1]), "cuCtxSetCurrent");
        if p2p {
            check(cuCtxEnablePeerAccess(ctx[0], 0), "cuCtxEnablePeerAccess");
        }
        check(cuMemAlloc(&mut src, bytes), "cuMemAlloc");
        check(cuMemsetD32(src, VALUE, n), "cuMemsetD32");
        check(cuCtxSynchronize(), "cuCtxSynchronize");
        check(cuCtxSetCurrent(ctx[0]), "cuCtxSetCurrent");
        if p2p {
            check(cuCtxEnablePeerAccess(ctx[1], 0), "cuCtxEnablePeerAccess");
        }
        check(cuMemAlloc(&mut dst, bytes), "cuMemAlloc");
        let mut stream: CUstream = ptr::null_mut();
        check(cuStreamCreate(&mut stream, CU_STREAM_NON_BLOCKING.0), "cuStreamCreate");
        let (mut start, mut stop): (CUevent, CUevent) = (ptr::null_mut(), ptr::null_mut());
        check(cuEventCreate(&mut start, CU_EVENT_DEFAULT.0), "cuEventCreate");
        check(cuEventCreate(&mut stop, CU_EVENT_DEFAULT.0), "cuEventCreate");

        for _ in 0..WARM_UP {
            check(cuMemcpyPeerAsync(dst, ctx[0], src, ctx[1], bytes, stream), "cuMemcpyPeerAsync");
        }
        check(cuStreamSynchronize(stream), "cuStreamSynchronize");
        let mut gbps = Vec::with_capacity(reps);
        for _ in 0..reps {
            check(cuEventRecord(start, stream), "cuEventRecord");
            check(cuMemcpyPeerAsync(dst, ctx[0], src, ctx[1], bytes, stream), "cuMemcpyPeerAsync");
            check(cuEventRecord(stop, stream), "cuEventRecord");
            check(cuEventSynchronize(stop), "cuEventSynchronize");
            let mut ms: f32 = 0.0;
            check(cuEventElapsedTime(&mut ms, start, stop), "cuEventElapsedTime");
            gbps.push(bytes as f64 / (f64::from(ms) * 1e-3) / 1e9);
        }
        gbps.sort_by(f64::total_cmp);

        // The copy is checked: the destination holds the sentinel first, the source's value after.
        check(cuMemsetD32Async(dst, SENTINEL, n, stream), "cuMemsetD32Async");
        check(cuMemcpyPeerAsync(dst, ctx[0], src, ctx[1], bytes, stream), "cuMemcpyPeerAsync");
        check(cuStreamSynchronize(stream), "cuStreamSynchronize");
        let mut host = vec![0u32; n];
        check(cuMemcpyDtoH(host.as_mut_ptr().cast(), dst, bytes), "cuMemcpyDtoH");
        let wrong = host.iter().filter(|&&v| v != VALUE).count();
        if wrong != 0 {
            eprintln!("{VARIANT}: {wrong} of {n} elements wrong after cuMemcpyPeerAsync");
            exit(1);
        }

        check(cuEventDestroy(start), "cuEventDestroy");
        check(cuEventDestroy(stop), "cuEventDestroy");
        check(cuStreamDestroy(stream), "cuStreamDestroy");
        check(cuMemFree(dst), "cuMemFree");
        check(cuCtxSetCurrent(ctx[1]), "cuCtxSetCurrent");
        check(cuMemFree(src), "cuMemFree");
        for d in dev {
            check(cuDevicePrimaryCtxRelease(d), "cuDevicePrimaryCtxRelease");
        }
        println!(
            "variant={VARIANT} bytes={bytes} reps={reps} p2p={} gbps={:.3} min={:.3} max={:.3} driver={driver} card={card}",
            u8::from(p2p),
            gbps[reps / 2],
            gbps[0],
            gbps[reps - 1]
        );
    }
}
