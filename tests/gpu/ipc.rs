//! Interprocess communication with CUDA IPC handles: the test exports device memory
//! (cuIpcGetMemHandle) and an interprocess event (cuIpcGetEventHandle); a child process, this
//! binary run again, opens both, writes the memory through a kernel and records the event; the
//! test waits on the event and reads what the child wrote.

use crate::common::{in_new_context, name, Outcome};
use crate::multi::{
    check_pattern, fill_pattern, from_hex, load_pattern_module, parse, seed, spin, tell_parent, to_hex, wait_for_parent, ChildRole,
    GatedTest, Helper, Ran, SENTINEL,
};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::Completion;
use std::time::Duration;

pub const TESTS: &[GatedTest] = &[("ipc::child_writes_exported_memory_and_records_exported_event", child_writes_exported_memory)];

pub const CHILD: ChildRole = ("ipc", child);

/// 4 MiB of u32.
const N: usize = 1 << 20;

/// How long the child's kernel spins before it writes: the event the child recorded is still
/// pending when the test looks at it, so that only a real wait sees the data. (Where launches
/// block, as under compute-sanitizer, the child's work is done before it records; the child says
/// which it saw.)
const SPIN_NS: u64 = 1_000_000_000;

/// The parent: memory filled with the sentinel and exported, an event with
/// CU_EVENT_INTERPROCESS | CU_EVENT_DISABLE_TIMING exported; once the child says it recorded the
/// event, cuEventQuery here must answer what it answered in the child right after cuEventRecord
/// (CUDA_ERROR_NOT_READY behind the spinning kernel); cuStreamWaitEvent orders a copy after the
/// event, and every element copied must be the child's.
fn child_writes_exported_memory() -> Ran {
    in_new_context(|_| {
        let size = N * core::mem::size_of::<u32>();
        let mut memory: CUdeviceptr = 0;
        check!(cuMemAlloc(&mut memory, size));
        check!(cuMemsetD32(memory, SENTINEL, N));
        // The memset is asynchronous: it must be done before the child writes.
        check!(cuCtxSynchronize());
        let mut memory_handle = CUipcMemHandle::default();
        check!(cuIpcGetMemHandle(&mut memory_handle, memory));
        let mut event: CUevent = ptr::null_mut();
        check!(cuEventCreate(&mut event, CU_EVENT_INTERPROCESS.0 | CU_EVENT_DISABLE_TIMING.0));
        let mut event_handle = CUipcEventHandle::default();
        check!(cuIpcGetEventHandle(&mut event_handle, event));

        let outcome = wait_for_child(memory, event, &memory_handle, &event_handle);
        check!(cuEventDestroy(event));
        check!(cuMemFree(memory));
        outcome
    })?;
    Ok(Completion::Completed)
}

fn wait_for_child(memory: CUdeviceptr, event: CUevent, memory_handle: &CUipcMemHandle, event_handle: &CUipcEventHandle) -> Outcome {
    let seed = seed();
    let args = [to_hex(memory_handle), to_hex(event_handle), N.to_string(), seed.to_string()];
    let mut child = Helper::spawn("ipc", &args, &[], Duration::from_secs(60))?;
    let said = child.line()?;
    let in_child = said.strip_prefix("recorded ").ok_or_else(|| format!("the child printed {said:?}, expected \"recorded STATE\""))?;
    // Checked after the data, so that a failure says what both showed.
    let here = unsafe { cuEventQuery(event) };

    let mut stream: CUstream = ptr::null_mut();
    check!(cuStreamCreate(&mut stream, CU_STREAM_NON_BLOCKING.0));
    let mut host = vec![0u32; N];
    check!(cuStreamWaitEvent(stream, event, 0));
    check!(cuMemcpyDtoHAsync(host.as_mut_ptr().cast(), memory, N * core::mem::size_of::<u32>(), stream));
    check!(cuStreamSynchronize(stream));
    check!(cuStreamDestroy(stream));
    check!(cuEventQuery(event));
    check!(cuEventSynchronize(event));
    let checked = check_pattern(&host, seed, &format!("memory written by child process {}", child.pid()));
    // The event's state only moves forward: what the child saw pending may have completed by the
    // time this process asks (the spin ends, or launches block, as under compute-sanitizer), but
    // what the child saw complete is complete here too, and neither side may see an error.
    let agreed = match (in_child, name(here).as_str()) {
        ("CUDA_ERROR_NOT_READY", "CUDA_ERROR_NOT_READY" | "CUDA_SUCCESS") | ("CUDA_SUCCESS", "CUDA_SUCCESS") => Ok(()),
        (_, here) => Err(format!(
            "cuEventQuery of the shared event answered {here} here after {in_child} in the child right after it recorded the event"
        )
        .into()),
    };
    println!(
        "ipc: child process {} wrote {N} u32 into this process's memory and recorded this process's event; \
         cuEventQuery right after: {in_child} there, {} here",
        child.pid(),
        name(here)
    );
    child.send("done")?;
    child.finish()?;
    checked.and(agreed)
}

/// The child: `MEMORY_HANDLE EVENT_HANDLE N SEED`. Opens both handles in a context of its own,
/// spins, writes the pattern, records the event, says "recorded" and what cuEventQuery answers
/// then, and waits for "done" before it closes everything.
fn child(args: &[String]) -> Outcome {
    let [memory_handle, event_handle, n, seed] = args else {
        return Err(format!("expected MEMORY_HANDLE EVENT_HANDLE N SEED, got {args:?}").into());
    };
    let memory_handle: CUipcMemHandle = from_hex(memory_handle)?;
    let event_handle: CUipcEventHandle = from_hex(event_handle)?;
    let (n, seed): (usize, u32) = (parse(n, "N")?, parse(seed, "SEED")?);
    in_new_context(|_| {
        let mut memory: CUdeviceptr = 0;
        check!(cuIpcOpenMemHandle(&mut memory, memory_handle, CU_IPC_MEM_LAZY_ENABLE_PEER_ACCESS.0));
        let mut event: CUevent = ptr::null_mut();
        check!(cuIpcOpenEventHandle(&mut event, event_handle));
        let module = load_pattern_module()?;
        let mut stream: CUstream = ptr::null_mut();
        check!(cuStreamCreate(&mut stream, CU_STREAM_NON_BLOCKING.0));
        spin(module, stream, SPIN_NS)?;
        fill_pattern(module, stream, memory, n, seed)?;
        check!(cuEventRecord(event, stream));
        let state = unsafe { cuEventQuery(event) };
        tell_parent(&format!("recorded {}", name(state)))?;
        wait_for_parent("done")?;
        check!(cuStreamSynchronize(stream));
        check!(cuStreamDestroy(stream));
        check!(cuModuleUnload(module));
        check!(cuEventDestroy(event));
        check!(cuIpcCloseMemHandle(memory));
        Ok(())
    })
}
