//! Interprocess communication through the raw bindings: this program exports device memory
//! (cuIpcGetMemHandle) and an interprocess event (cuIpcGetEventHandle), and runs itself again as a
//! child process that opens both (cuIpcOpenMemHandle, cuIpcOpenEventHandle), writes the memory
//! with a kernel and records the event. The parent makes its stream wait for that event
//! (cuStreamWaitEvent), copies the memory back and checks every element. Linux only.
//!
//! Run: `cargo run --example ipc`. Without a usable GPU it ends with a one-line diagnosis and
//! exit status 1.

use core::ffi::{c_uint, c_void};
use core::ptr;
use libcuda_sys::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{exit, Command, Stdio};

#[macro_use]
mod common;

const N: usize = 1 << 20;
/// What the buffer holds before the child writes; fill_pattern never writes it (bit 31 is clear).
const SENTINEL: u32 = 0xFFFF_FFFF;
const PTX: &str = concat!(include_str!("../tests/fixtures/pattern.ptx"), "\0");

/// What fill_pattern writes at index i.
fn pattern(i: usize, seed: u32) -> u32 {
    (i as u32).wrapping_mul(2_654_435_761).wrapping_add(seed) & 0x7FFF_FFFF
}

fn hex<T: Copy>(handle: &T) -> String {
    // SAFETY: the IPC handles are plain C structs of bytes.
    let bytes = unsafe { core::slice::from_raw_parts(ptr::from_ref(handle).cast::<u8>(), core::mem::size_of::<T>()) };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<T: Copy + Default>(text: &str) -> T {
    let mut handle = T::default();
    // SAFETY: as in hex; any bytes make a valid handle.
    let bytes = unsafe { core::slice::from_raw_parts_mut(ptr::from_mut(&mut handle).cast::<u8>(), core::mem::size_of::<T>()) };
    if text.len() != 2 * bytes.len() {
        eprintln!("{}: child: a handle of {} hex digits, expected {}", common::PROGRAM, text.len(), 2 * bytes.len());
        exit(1);
    }
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap_or_else(|_| {
            eprintln!("{}: child: {text:?} is not hex", common::PROGRAM);
            exit(1)
        });
    }
    handle
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    common::init();
    let mut device: CUdevice = 0;
    check!(cuDeviceGet(&mut device, 0));
    let context = common::create_context(device);
    if args.len() == 5 && args[1] == "child" {
        child(&args[2], &args[3], args[4].parse().unwrap_or(0));
    } else {
        parent();
    }
    check!(cuCtxDestroy(context));
}

fn parent() {
    // Device memory holding the sentinel, and an event another process can wait on or record.
    let size = N * core::mem::size_of::<u32>();
    let mut memory: CUdeviceptr = 0;
    check!(cuMemAlloc(&mut memory, size));
    check!(cuMemsetD32(memory, SENTINEL, N));
    check!(cuCtxSynchronize());
    let mut memory_handle = CUipcMemHandle::default();
    check!(cuIpcGetMemHandle(&mut memory_handle, memory));
    let mut event: CUevent = ptr::null_mut();
    check!(cuEventCreate(&mut event, CU_EVENT_INTERPROCESS.0 | CU_EVENT_DISABLE_TIMING.0));
    let mut event_handle = CUipcEventHandle::default();
    check!(cuIpcGetEventHandle(&mut event_handle, event));

    // The child gets both handles on its command line and says "recorded" once it has queued
    // its kernel and recorded the event.
    let seed = std::process::id().wrapping_mul(2_246_822_519);
    let exe = std::env::current_exe().unwrap_or_else(|e| {
        eprintln!("{}: cannot find this program to run it again: {e}", common::PROGRAM);
        exit(1)
    });
    let mut child = Command::new(exe)
        .args(["child".to_string(), hex(&memory_handle), hex(&event_handle), seed.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            eprintln!("{}: cannot start the child process: {e}", common::PROGRAM);
            exit(1)
        });
    let mut said = String::new();
    let _ = BufReader::new(child.stdout.take().expect("piped")).read_line(&mut said);
    if said.trim_end() != "recorded" {
        let mut stderr = String::new();
        let _ = child.stderr.take().expect("piped").read_to_string(&mut stderr);
        let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
        eprintln!("{}: the child process failed ({status}): {}", common::PROGRAM, stderr.trim_end());
        exit(1);
    }

    // Wait on the child's event in a stream of this process, then copy what the child wrote.
    let mut stream: CUstream = ptr::null_mut();
    check!(cuStreamCreate(&mut stream, CU_STREAM_NON_BLOCKING.0));
    check!(cuStreamWaitEvent(stream, event, 0));
    let mut host = vec![0u32; N];
    check!(cuMemcpyDtoHAsync(host.as_mut_ptr().cast(), memory, size, stream));
    check!(cuStreamSynchronize(stream));
    let wrong = (0..N).filter(|&i| host[i] == SENTINEL || host[i] != pattern(i, seed)).count();

    // Let the child close its handles and exit.
    let mut stdin = child.stdin.take().expect("piped");
    let _ = writeln!(stdin, "done");
    drop(stdin);
    let status = child.wait();
    check!(cuStreamDestroy(stream));
    check!(cuEventDestroy(event));
    check!(cuMemFree(memory));
    match status {
        Ok(s) if s.success() => {}
        other => {
            eprintln!("{}: the child process ended badly: {other:?}", common::PROGRAM);
            exit(1);
        }
    }
    if wrong != 0 {
        eprintln!("{}: {wrong} of {N} elements the child wrote are wrong", common::PROGRAM);
        exit(1);
    }
    println!(
        "ipc: child process {} opened this process's memory and event, wrote {N} elements with a kernel and recorded the event; \
         waited on it here: all correct",
        child.id()
    );
}

fn child(memory_handle: &str, event_handle: &str, seed: u32) {
    let memory_handle: CUipcMemHandle = unhex(memory_handle);
    let event_handle: CUipcEventHandle = unhex(event_handle);
    let mut memory: CUdeviceptr = 0;
    check!(cuIpcOpenMemHandle(&mut memory, memory_handle, CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS.0));
    let mut event: CUevent = ptr::null_mut();
    check!(cuIpcOpenEventHandle(&mut event, event_handle));

    let mut module: CUmodule = ptr::null_mut();
    check!(cuModuleLoadData(&mut module, PTX.as_ptr().cast()));
    let mut fill: CUfunction = ptr::null_mut();
    check!(cuModuleGetFunction(&mut fill, module, c"fill_pattern".as_ptr()));
    let mut stream: CUstream = ptr::null_mut();
    check!(cuStreamCreate(&mut stream, CU_STREAM_NON_BLOCKING.0));
    let (mut out, mut n, mut seed) = (memory, N as c_uint, seed);
    let mut args: [*mut c_void; 3] = [ptr::addr_of_mut!(out).cast(), ptr::addr_of_mut!(n).cast(), ptr::addr_of_mut!(seed).cast()];
    check!(cuLaunchKernel(fill, n.div_ceil(256), 1, 1, 256, 1, 1, 0, stream, args.as_mut_ptr(), ptr::null_mut()));
    check!(cuEventRecord(event, stream));
    println!("recorded");
    let _ = std::io::stdout().flush();

    // Keep the mapping open until the parent has read it.
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    check!(cuStreamSynchronize(stream));
    check!(cuStreamDestroy(stream));
    check!(cuModuleUnload(module));
    check!(cuEventDestroy(event));
    check!(cuIpcCloseMemHandle(memory));
}
