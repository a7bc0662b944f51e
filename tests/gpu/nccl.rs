//! NCCL on libcuda-sys's memory and streams: NVIDIA's collective communication library, loaded at
//! run time, all-reduces (sum, float) 64 MiB per rank held in cuMemAlloc buffers, on streams from
//! cuStreamCreate; one thread per GPU, communicators from ncclCommInitAll. Every element is
//! checked and the bus bandwidth printed.
//!
//! It runs in a child process (this binary run again) whose environment has NCCL_NVLS_ENABLE=0
//! from its start: NCCL reads it when it initializes, NVLink multicast must stay off, and setting
//! a variable in this multi-threaded process is not sound.
//!
//! Where NCCL is looked for: LIBCUDA_SYS_NCCL alone when set (a path to libnccl.so.2; failing to
//! load it fails the test); else `libnccl.so.2` through the dynamic loader, then any
//! `nvidia/*/lib/libnccl.so.2` under python3's sys.path (the nvidia-nccl-cu12/-cu13 wheels).
//! Found nowhere: the tests are reported as ignored, naming where they looked.

use crate::common::{check, Outcome};
use crate::multi::{fewer_gpus_than, parse, tell_parent, ChildRole, GatedTest, Helper, Ran, SENTINEL};
use core::ffi::{c_char, c_int, c_void, CStr};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::{Completion, Failed};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

pub const TESTS: &[GatedTest] = &[("nccl::all_reduce_every_gpu", all_reduce_every_gpu), ("nccl::all_reduce_one_gpu", all_reduce_one_gpu)];

pub const CHILD: ChildRole = ("nccl", child);

/// 64 MiB of f32 per rank.
const COUNT: usize = 16 << 20;
/// Timed all-reduces, after `WARM_UP` untimed ones.
const ITERATIONS: u32 = 20;
const WARM_UP: u32 = 3;

// nccl.h, the few declarations used. The enums are C `int`s.
#[allow(non_camel_case_types)]
type ncclResult_t = c_int;
#[allow(non_camel_case_types)]
type ncclComm_t = *mut c_void;
const NCCL_SUCCESS: ncclResult_t = 0;
/// ncclDataType_t ncclFloat32 and ncclRedOp_t ncclSum.
const NCCL_FLOAT32: c_int = 7;
const NCCL_SUM: c_int = 0;

/// The NCCL functions this test calls.
struct Nccl {
    path: String,
    get_version: unsafe extern "C" fn(*mut c_int) -> ncclResult_t,
    get_error_string: unsafe extern "C" fn(ncclResult_t) -> *const c_char,
    comm_init_all: unsafe extern "C" fn(*mut ncclComm_t, c_int, *const c_int) -> ncclResult_t,
    all_reduce: unsafe extern "C" fn(*const c_void, *mut c_void, usize, c_int, c_int, ncclComm_t, CUstream) -> ncclResult_t,
    comm_destroy: unsafe extern "C" fn(ncclComm_t) -> ncclResult_t,
    _library: libloading::Library,
}

/// A communicator, used by the one thread of its rank.
#[derive(Clone, Copy)]
struct Comm(ncclComm_t);
// SAFETY: an NCCL communicator may be used from any thread, by one at a time; each rank's thread
// uses only its own.
unsafe impl Send for Comm {}
unsafe impl Sync for Comm {}

impl Nccl {
    fn check(&self, r: ncclResult_t, what: &str) -> Outcome {
        if r == NCCL_SUCCESS {
            return Ok(());
        }
        let text = unsafe { (self.get_error_string)(r) };
        let text = if text.is_null() { String::new() } else { unsafe { CStr::from_ptr(text) }.to_string_lossy().into_owned() };
        Err(format!("{what} failed: ncclResult_t {r} ({text}) [{}]", self.path).into())
    }
}

fn all_reduce_every_gpu() -> Ran {
    if let Some(ignored) = fewer_gpus_than(2)? {
        return Ok(ignored);
    }
    let mut count: c_int = 0;
    check!(cuDeviceGetCount(&mut count));
    in_child(count)
}

/// One rank: NCCL with a single GPU still takes the memory and the stream through its own
/// runtime, which is what a binding can get wrong.
fn all_reduce_one_gpu() -> Ran {
    in_child(1)
}

/// Runs the child for `ranks` GPUs; it prints "ignored: WHY" when NCCL is missing, else its
/// result lines, which are passed on.
fn in_child(ranks: c_int) -> Ran {
    let child = Helper::spawn("nccl", &[ranks.to_string()], &[("NCCL_NVLS_ENABLE", "0")], Duration::from_secs(240))?;
    let mut completion = Completion::Completed;
    for line in child.finish()? {
        match line.strip_prefix("ignored: ") {
            Some(why) => completion = Completion::ignored_with(why),
            None => println!("{line}"),
        }
    }
    Ok(completion)
}

/// The child: `RANKS`.
fn child(args: &[String]) -> Outcome {
    let [ranks] = args else { return Err(format!("expected RANKS, got {args:?}").into()) };
    let ranks: c_int = parse(ranks, "RANKS")?;
    let nvls = std::env::var("NCCL_NVLS_ENABLE").unwrap_or_default();
    ensure!(nvls == "0", "NCCL_NVLS_ENABLE is {nvls:?}, not \"0\": NCCL must not be loaded with NVLink multicast enabled");
    let nccl = match load()? {
        Ok(nccl) => nccl,
        Err(why) => return tell_parent(&format!("ignored: {why}")),
    };
    check!(cuInit(0));
    let mut version: c_int = 0;
    nccl.check(unsafe { (nccl.get_version)(&mut version) }, "ncclGetVersion")?;

    let devices: Vec<c_int> = (0..ranks).collect();
    let mut comms: Vec<ncclComm_t> = vec![ptr::null_mut(); ranks as usize];
    nccl.check(unsafe { (nccl.comm_init_all)(comms.as_mut_ptr(), ranks, devices.as_ptr()) }, "ncclCommInitAll")?;
    let comms: Vec<Comm> = comms.into_iter().map(Comm).collect();
    let barrier = Barrier::new(ranks as usize);
    let failed = AtomicBool::new(false);
    let results: Vec<Result<Duration, Failed>> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..ranks)
            .map(|rank| {
                let (nccl, comm, barrier, failed) = (&nccl, comms[rank as usize], &barrier, &failed);
                scope.spawn(move || {
                    let result = run_rank(nccl, comm, rank, ranks, barrier, failed);
                    if let Err(e) = &result {
                        // At once: the other ranks may now wait for this one until the time limit.
                        eprintln!("rank {rank}: {}", e.message().unwrap_or("failed"));
                    }
                    result
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap_or_else(|_| Err("a rank's thread panicked".into()))).collect()
    });
    for comm in &comms {
        nccl.check(unsafe { (nccl.comm_destroy)(comm.0) }, "ncclCommDestroy")?;
    }
    let mut slowest = Duration::ZERO;
    for (rank, result) in results.into_iter().enumerate() {
        let elapsed = result.map_err(|e| format!("rank {rank}: {}", e.message().unwrap_or("failed")))?;
        slowest = slowest.max(elapsed);
    }

    let seconds = slowest.as_secs_f64() / f64::from(ITERATIONS);
    let bytes = (COUNT * 4) as f64;
    let algbw = bytes / seconds / 1e9;
    // nccl-tests' bus bandwidth for all-reduce; with one rank nothing crosses a bus.
    let busbw = match ranks {
        1 => "n/a with one rank".to_string(),
        _ => format!("{:.2} GB/s", algbw * 2.0 * f64::from(ranks - 1) / f64::from(ranks)),
    };
    tell_parent(&format!(
        "nccl: NCCL {}.{}.{} ({}), NCCL_NVLS_ENABLE=0, {ranks} rank(s), one thread per GPU: all-reduce (sum) of {COUNT} floats \
         ({} MiB) per rank, every element correct; {ITERATIONS} timed: {:.1} us each, algbw {algbw:.2} GB/s, busbw {busbw}",
        version / 10000,
        version % 10000 / 100,
        version % 100,
        nccl.path,
        (COUNT * 4) >> 20,
        seconds * 1e6,
    ))
}

/// What rank `rank` sends at index `i`: small integers, so that every sum is exact in f32.
fn value(rank: c_int, i: usize) -> f32 {
    (rank + 1) as f32 * ((i % 4099) as f32 + 1.0)
}

/// One rank, on its own thread: the device's primary context (the one NCCL's runtime uses),
/// buffers and a stream; warm-up, the timed all-reduces (their time returned), then one
/// all-reduce into a buffer filled with the sentinel, every element checked.
fn run_rank(nccl: &Nccl, comm: Comm, rank: c_int, ranks: c_int, barrier: &Barrier, failed: &AtomicBool) -> Result<Duration, Failed> {
    let mut device: CUdevice = 0;
    check!(cuDeviceGet(&mut device, rank));
    let mut context: CUcontext = ptr::null_mut();
    check!(cuDevicePrimaryCtxRetain(&mut context, device));
    let result = in_primary_context(nccl, comm, context, rank, ranks, barrier, failed);
    check(unsafe { cuDevicePrimaryCtxRelease(device) }, "cuDevicePrimaryCtxRelease").and(result)
}

fn in_primary_context(
    nccl: &Nccl,
    comm: Comm,
    context: CUcontext,
    rank: c_int,
    ranks: c_int,
    barrier: &Barrier,
    failed: &AtomicBool,
) -> Result<Duration, Failed> {
    let size = COUNT * 4;
    let (mut send, mut receive): (CUdeviceptr, CUdeviceptr) = (0, 0);
    let mut stream: CUstream = ptr::null_mut();
    // Every rank reaches the barrier, also when its setup failed, and all stop together then.
    let setup = (|| -> Outcome {
        check!(cuCtxSetCurrent(context));
        check!(cuMemAlloc(&mut send, size));
        check!(cuMemAlloc(&mut receive, size));
        check!(cuStreamCreate(&mut stream, CU_STREAM_NON_BLOCKING.0));
        let mine: Vec<f32> = (0..COUNT).map(|i| value(rank, i)).collect();
        check!(cuMemcpyHtoD(send, mine.as_ptr().cast(), size));
        check!(cuCtxSynchronize());
        Ok(())
    })();
    if setup.is_err() {
        failed.store(true, Ordering::SeqCst);
    }
    barrier.wait();
    let outcome = match setup {
        Err(e) => Err(e),
        Ok(()) if failed.load(Ordering::SeqCst) => Err("another rank failed to set up".into()),
        Ok(()) => all_reduce_and_check(nccl, comm, ranks, send, receive, stream, barrier),
    };
    let freed = (|| -> Outcome {
        if !stream.is_null() {
            check!(cuStreamDestroy(stream));
        }
        for buffer in [send, receive] {
            if buffer != 0 {
                check!(cuMemFree(buffer));
            }
        }
        Ok(())
    })();
    freed.and(outcome)
}

#[allow(clippy::too_many_arguments)]
fn all_reduce_and_check(
    nccl: &Nccl,
    comm: Comm,
    ranks: c_int,
    send: CUdeviceptr,
    receive: CUdeviceptr,
    stream: CUstream,
    barrier: &Barrier,
) -> Result<Duration, Failed> {
    let all_reduce = || {
        let r = unsafe { (nccl.all_reduce)(send as *const c_void, receive as *mut c_void, COUNT, NCCL_FLOAT32, NCCL_SUM, comm.0, stream) };
        nccl.check(r, "ncclAllReduce")
    };
    for _ in 0..WARM_UP {
        all_reduce()?;
    }
    check!(cuStreamSynchronize(stream));
    barrier.wait();
    let start = Instant::now();
    for _ in 0..ITERATIONS {
        all_reduce()?;
    }
    check!(cuStreamSynchronize(stream));
    let elapsed = start.elapsed();

    check!(cuMemsetD32Async(receive, SENTINEL, COUNT, stream));
    all_reduce()?;
    let mut sums = vec![0.0f32; COUNT];
    check!(cuMemcpyDtoHAsync(sums.as_mut_ptr().cast(), receive, COUNT * 4, stream));
    check!(cuStreamSynchronize(stream));
    let expected = |i: usize| (0..ranks).map(|r| value(r, i)).sum::<f32>();
    let wrong: Vec<usize> = (0..COUNT).filter(|&i| sums[i].to_bits() == SENTINEL || sums[i] != expected(i)).collect();
    ensure!(
        wrong.is_empty(),
        "{} of {COUNT} sums wrong, first [{}] = {} (bits {:#010x}), expected {}",
        wrong.len(),
        wrong[0],
        sums[wrong[0]],
        sums[wrong[0]].to_bits(),
        expected(wrong[0])
    );
    Ok(elapsed)
}

/// `Ok(Err(why))` when NCCL is found nowhere; an error when LIBCUDA_SYS_NCCL names a library
/// that does not load.
fn load() -> Result<Result<Nccl, String>, Failed> {
    if let Some(path) = std::env::var_os("LIBCUDA_SYS_NCCL") {
        let path = path.to_string_lossy().into_owned();
        let library = unsafe { libloading::Library::new(&path) }.map_err(|e| format!("LIBCUDA_SYS_NCCL={path}: {}", why(&e)))?;
        return symbols(library, path).map(Ok);
    }
    let mut tried = Vec::new();
    let (from_python, python_note) = python_candidates();
    for candidate in std::iter::once("libnccl.so.2".to_string()).chain(from_python) {
        match unsafe { libloading::Library::new(&candidate) } {
            Ok(library) => return symbols(library, candidate).map(Ok),
            Err(e) => tried.push(format!("{candidate}: {}", why(&e))),
        }
    }
    tried.push(python_note);
    Ok(Err(format!(
        "NCCL not found (LIBCUDA_SYS_NCCL unset; tried {}); install it (pip install nvidia-nccl-cu13, or -cu12 for a CUDA 12 \
         driver) or set LIBCUDA_SYS_NCCL to libnccl.so.2",
        tried.join("; ")
    )))
}

/// libloading's error with the loader's own message (its Display says only "dlopen failed").
fn why(e: &libloading::Error) -> String {
    match std::error::Error::source(e) {
        Some(source) => format!("{e}: {source}"),
        None => e.to_string(),
    }
}

/// The libnccl.so.2 files under python3's sys.path, and a note on what was searched.
fn python_candidates() -> (Vec<String>, String) {
    const SCRIPT: &str = "import glob, os, sys\n\
        for d in sys.path:\n    \
            for f in sorted(glob.glob(os.path.join(d or '.', 'nvidia', '*', 'lib', 'libnccl.so.2'))): print(f)\n\
        print('searched', len(sys.path), 'sys.path folders', file=sys.stderr)";
    match std::process::Command::new("python3").args(["-c", SCRIPT]).output() {
        Ok(out) if out.status.success() => {
            let found: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
            let note = format!("python3: {} for nvidia/*/lib/libnccl.so.2", String::from_utf8_lossy(&out.stderr).trim());
            (found, note)
        }
        Ok(out) => (Vec::new(), format!("python3 failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim())),
        Err(e) => (Vec::new(), format!("python3 could not run: {e}")),
    }
}

fn symbols(library: libloading::Library, path: String) -> Result<Nccl, Failed> {
    macro_rules! get {
        ($name:literal) => {
            *unsafe { library.get($name) }.map_err(|e| format!("{path}: {}", why(&e)))?
        };
    }
    let get_version: unsafe extern "C" fn(*mut c_int) -> ncclResult_t = get!(b"ncclGetVersion");
    Ok(Nccl {
        get_version,
        get_error_string: get!(b"ncclGetErrorString"),
        comm_init_all: get!(b"ncclCommInitAll"),
        all_reduce: get!(b"ncclAllReduce"),
        comm_destroy: get!(b"ncclCommDestroy"),
        path: file_of(get_version as *const c_void).unwrap_or(path),
        _library: library,
    })
}

/// The file the loader took a symbol from (dladdr): what a bare `libnccl.so.2` resolved to.
fn file_of(symbol: *const c_void) -> Option<String> {
    // SAFETY: dladdr only reads the address; Dl_info is plain data, filled on success.
    unsafe {
        let mut info: libc::Dl_info = core::mem::zeroed();
        (libc::dladdr(symbol, &mut info) != 0 && !info.dli_fname.is_null())
            .then(|| CStr::from_ptr(info.dli_fname).to_string_lossy().into_owned())
    }
}
