//! Graphs: stream capture replayed (`cuStreamBeginCapture`, `cuStreamEndCapture`,
//! `cuGraphInstantiateWithFlags`, `cuGraphLaunch` again and again); a graph built node by node with
//! `cuGraphAddNode` from `CUgraphNodeParams` (CUDA 12.2: memset, kernel, memcpy and host nodes in a
//! chain of dependencies), its executable graph updated with `cuGraphExecNodeSetParams` and
//! `cuGraphExecUpdate`; and a conditional WHILE node (CUDA 12.3, `cuGraphConditionalHandleCreate`)
//! whose body counts its runs. The kernels are tests/fixtures/graph.ptx.

use crate::common::{alloc_with_sentinel, check_written, function, in_new_context, read_back, GatedTest, Outcome, Ran};
use core::ffi::{c_uint, c_void};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::{Completion, Failed};

pub const TESTS: &[GatedTest] = &[
    ("graph::stream_capture_replayed", stream_capture_replayed),
    ("graph::explicit_nodes_with_dependencies_and_updates", node_params::explicit_nodes_with_dependencies_and_updates),
    ("graph::conditional_while_node_runs_its_count", conditional::conditional_while_node_runs_its_count),
];

/// tests/fixtures/graph.ptx, NUL-terminated, built in.
const GRAPH_PTX: &str = concat!(include_str!("../fixtures/graph.ptx"), "\0");

/// Runs `body` with graph.ptx loaded in a new context, and unloads it.
fn with_graph_module(body: impl FnOnce(CUcontext, CUmodule) -> Outcome) -> Outcome {
    in_new_context(|context| {
        let mut module: CUmodule = ptr::null_mut();
        check!(cuModuleLoadData(&mut module, GRAPH_PTX.as_ptr().cast()));
        let outcome = body(context, module);
        outcome.and(crate::common::check(unsafe { cuModuleUnload(module) }, "cuModuleUnload"))
    })
}

/// The number of nodes of `graph`.
fn node_count(graph: CUgraph) -> Result<usize, Failed> {
    let mut count: usize = 0;
    check!(cuGraphGetNodes(graph, ptr::null_mut(), &mut count));
    Ok(count)
}

/// add_step(buf, n, 7) and a copy of buf, captured from a stream in thread-local mode: nothing
/// runs while capturing (the buffer is unchanged after the capture), the graph has the two nodes,
/// and each of five launches of the executable graph adds again: after them every element is
/// its start plus 5 x 7 x (i % 7 + 1), in the buffer and in the copy.
fn stream_capture_replayed() -> Ran {
    with_graph_module(|_, module| {
        const N: usize = 5000;
        const STEP: u32 = 7;
        const REPLAYS: u32 = 5;
        let add_step = function(module, c"add_step")?;
        let start: Vec<u32> = (0..N).map(|i| (i * 5 + 2) as u32).collect();
        let mut buf = alloc_with_sentinel(N)?;
        check!(cuMemcpyHtoD(buf, start.as_ptr().cast(), N * 4));
        let copy = alloc_with_sentinel(N)?;
        // Captured: a stream that does not synchronize with the NULL stream, whose work (the
        // sentinel above) is done first.
        check!(cuCtxSynchronize());
        let mut stream: CUstream = ptr::null_mut();
        check!(cuStreamCreate(&mut stream, CU_STREAM_NON_BLOCKING.0));

        check!(cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        let mut status = CU_STREAM_CAPTURE_STATUS_NONE;
        check!(cuStreamIsCapturing(stream, &mut status));
        ensure!(status == CU_STREAM_CAPTURE_STATUS_ACTIVE, "cuStreamIsCapturing after cuStreamBeginCapture: {status:?}");
        let (mut n, mut step) = (N as c_uint, STEP);
        let mut params: [*mut c_void; 3] = [ptr::addr_of_mut!(buf).cast(), ptr::addr_of_mut!(n).cast(), ptr::addr_of_mut!(step).cast()];
        check!(cuLaunchKernel(add_step, (N as c_uint).div_ceil(256), 1, 1, 256, 1, 1, 0, stream, params.as_mut_ptr(), ptr::null_mut()));
        check!(cuMemcpyDtoDAsync(copy, buf, N * 4, stream));
        let mut graph: CUgraph = ptr::null_mut();
        check!(cuStreamEndCapture(stream, &mut graph));
        check!(cuStreamIsCapturing(stream, &mut status));
        ensure!(status == CU_STREAM_CAPTURE_STATUS_NONE, "cuStreamIsCapturing after cuStreamEndCapture: {status:?}");
        ensure!(read_back::<u32>(buf, N)? == start, "the captured kernel ran while it was captured");
        let nodes = node_count(graph)?;
        ensure!(nodes == 2, "the captured graph has {nodes} nodes, not 2 (kernel, copy)");

        let mut exec: CUgraphExec = ptr::null_mut();
        check!(cuGraphInstantiateWithFlags(&mut exec, graph, 0));
        for _ in 0..REPLAYS {
            check!(cuGraphLaunch(exec, stream));
        }
        check!(cuStreamSynchronize(stream));
        let expected = |i: usize| start[i] + REPLAYS * STEP * (i % 7 + 1) as u32;
        check_written("the buffer after 5 replays", &read_back::<u32>(buf, N)?, expected)?;
        check_written("the captured copy after 5 replays", &read_back::<u32>(copy, N)?, expected)?;
        check!(cuGraphExecDestroy(exec));
        check!(cuGraphDestroy(graph));
        check!(cuMemFree(buf));
        check!(cuMemFree(copy));
        check!(cuStreamDestroy(stream));
        Ok(())
    })?;
    Ok(Completion::Completed)
}

/// cuGraphAddNode as the header declares it: CUDA 13 added the dependencies' edge data (NULL:
/// the default edges).
#[cfg(not(any(cuda_major = "11", all(cuda_major = "12", any(cuda_minor = "0", cuda_minor = "1")))))]
fn add_node(graph: CUgraph, dependencies: &[CUgraphNode], params: &mut CUgraphNodeParams) -> Result<CUgraphNode, Failed> {
    let mut node: CUgraphNode = ptr::null_mut();
    #[cfg(cuda_major = "12")]
    check!(cuGraphAddNode(&mut node, graph, dependencies.as_ptr(), dependencies.len(), params));
    #[cfg(not(cuda_major = "12"))]
    check!(cuGraphAddNode(&mut node, graph, dependencies.as_ptr(), ptr::null(), dependencies.len(), params));
    Ok(node)
}

/// A kernel node's parameters: `f` over `blocks` x `threads`, in the current context.
#[cfg(not(any(cuda_major = "11", all(cuda_major = "12", any(cuda_minor = "0", cuda_minor = "1")))))]
fn kernel_node(f: CUfunction, blocks: c_uint, threads: c_uint, params: &mut [*mut c_void]) -> CUgraphNodeParams {
    let mut node = CUgraphNodeParams { type_: CU_GRAPH_NODE_TYPE_KERNEL, ..Default::default() };
    node.__bindgen_anon_1.kernel = CUDA_KERNEL_NODE_PARAMS_v3 {
        func: f,
        gridDimX: blocks,
        gridDimY: 1,
        gridDimZ: 1,
        blockDimX: threads,
        blockDimY: 1,
        blockDimZ: 1,
        sharedMemBytes: 0,
        kernelParams: params.as_mut_ptr(),
        extra: ptr::null_mut(),
        kern: ptr::null_mut(),
        ctx: ptr::null_mut(),
    };
    node
}

/// A memset node's parameters: `words` 32-bit words of `value` at `dst`, in `context`.
#[cfg(not(any(cuda_major = "11", all(cuda_major = "12", any(cuda_minor = "0", cuda_minor = "1")))))]
fn memset_node(dst: CUdeviceptr, value: u32, words: usize, context: CUcontext) -> CUgraphNodeParams {
    let mut node = CUgraphNodeParams { type_: CU_GRAPH_NODE_TYPE_MEMSET, ..Default::default() };
    node.__bindgen_anon_1.memset =
        CUDA_MEMSET_NODE_PARAMS_v2 { dst, pitch: 0, value, elementSize: 4, width: words, height: 1, ctx: context };
    node
}

#[cfg(any(cuda_major = "11", all(cuda_major = "12", any(cuda_minor = "0", cuda_minor = "1"))))]
mod node_params {
    use super::*;

    pub fn explicit_nodes_with_dependencies_and_updates() -> Ran {
        crate::common::headers_lack("cuGraphAddNode and CUgraphNodeParams (CUDA 12.2)")
    }
}

#[cfg(not(any(cuda_major = "11", all(cuda_major = "12", any(cuda_minor = "0", cuda_minor = "1")))))]
mod node_params {
    use super::*;
    use crate::common::{driver_older_than, new_stream};
    use core::sync::atomic::{AtomicU32, Ordering};

    /// The host node's function: counts its runs in the `AtomicU32` its user data points to.
    unsafe extern "C" fn count_run(user_data: *mut c_void) {
        // SAFETY: the test passes a pointer to an AtomicU32 that outlives the graph's launches.
        unsafe { &*(user_data as *const AtomicU32) }.fetch_add(1, Ordering::SeqCst);
    }

    /// affine(a, N, mul, add)'s parameters, for a kernel node.
    struct Affine {
        a: CUdeviceptr,
        n: c_uint,
        mul: c_uint,
        add: c_uint,
    }

    impl Affine {
        fn params(&mut self) -> [*mut c_void; 4] {
            [
                ptr::addr_of_mut!(self.a).cast(),
                ptr::addr_of_mut!(self.n).cast(),
                ptr::addr_of_mut!(self.mul).cast(),
                ptr::addr_of_mut!(self.add).cast(),
            ]
        }
    }

    /// memset(a = start) -> affine(a) -> memcpy(a to b) -> host(count), each node added with
    /// cuGraphAddNode depending on the one before: four nodes. Launched, every element i of b
    /// holds start x mul + add + i, and the host node ran once. cuGraphExecNodeSetParams gives
    /// the executable graph's kernel node other factors: the next launch uses them. Then the
    /// graph's memset value changes (cuGraphNodeSetParams) and cuGraphExecUpdate brings the
    /// executable graph in line with the graph, the kernel node's original factors too.
    pub fn explicit_nodes_with_dependencies_and_updates() -> Ran {
        skip_if!(driver_older_than(12020, "cuGraphAddNode with CUgraphNodeParams"));
        with_graph_module(|context, module| {
            const N: usize = 3000;
            const THREADS: c_uint = 128;
            let blocks = (N as c_uint).div_ceil(THREADS);
            let affine = function(module, c"affine")?;
            let stream = new_stream()?;
            let a = alloc_with_sentinel(N)?;
            let b = alloc_with_sentinel(N)?;
            let runs = AtomicU32::new(0);
            let mut graph: CUgraph = ptr::null_mut();
            check!(cuGraphCreate(&mut graph, 0));

            let mut memset = memset_node(a, 5, N, context);
            let memset_id = add_node(graph, &[], &mut memset)?;
            let mut args = Affine { a, n: N as c_uint, mul: 3, add: 11 };
            let mut params = args.params();
            let mut kernel = kernel_node(affine, blocks, THREADS, &mut params);
            let kernel_id = add_node(graph, &[memset_id], &mut kernel)?;
            let mut memcpy = CUgraphNodeParams { type_: CU_GRAPH_NODE_TYPE_MEMCPY, ..Default::default() };
            memcpy.__bindgen_anon_1.memcpy = CUDA_MEMCPY_NODE_PARAMS {
                flags: 0,
                reserved: 0,
                copyCtx: context,
                copyParams: CUDA_MEMCPY3D {
                    srcMemoryType: CU_MEMORYTYPE_DEVICE,
                    srcDevice: a,
                    dstMemoryType: CU_MEMORYTYPE_DEVICE,
                    dstDevice: b,
                    WidthInBytes: N * 4,
                    Height: 1,
                    Depth: 1,
                    ..Default::default()
                },
            };
            let memcpy_id = add_node(graph, &[kernel_id], &mut memcpy)?;
            let mut host = CUgraphNodeParams { type_: CU_GRAPH_NODE_TYPE_HOST, ..Default::default() };
            // SAFETY: the parameters are zeroed and `host` is the member of a host node. Set field
            // by field: the members CUDA 13.5's headers added (a sync mode) stay zero.
            let host_params = unsafe { &mut host.__bindgen_anon_1.host };
            host_params.fn_ = Some(count_run);
            host_params.userData = ptr::from_ref(&runs) as *mut c_void;
            add_node(graph, &[memcpy_id], &mut host)?;
            let nodes = node_count(graph)?;
            ensure!(nodes == 4, "the graph has {nodes} nodes, not 4");

            let mut exec: CUgraphExec = ptr::null_mut();
            check!(cuGraphInstantiateWithFlags(&mut exec, graph, 0));
            let launch_and_check = |start: u32, mul: u32, add: u32, runs_expected: u32, what: &str| -> Outcome {
                crate::common::fill_with_sentinel(b, N)?;
                check!(cuGraphLaunch(exec, stream));
                check!(cuStreamSynchronize(stream));
                check_written(what, &read_back::<u32>(b, N)?, |i| start * mul + add + i as u32)?;
                let ran = runs.load(Ordering::SeqCst);
                ensure!(ran == runs_expected, "{what}: the host node ran {ran} times in {runs_expected} launches");
                Ok(())
            };
            launch_and_check(5, 3, 11, 1, "b after the first launch")?;

            // The executable graph's kernel node, with other arguments.
            let mut updated_args = Affine { a, n: N as c_uint, mul: 7, add: 100 };
            let mut updated_params = updated_args.params();
            let mut updated = kernel_node(affine, blocks, THREADS, &mut updated_params);
            check!(cuGraphExecNodeSetParams(exec, kernel_id, &mut updated));
            launch_and_check(5, 7, 100, 2, "b after cuGraphExecNodeSetParams (mul 7, add 100)")?;

            // The graph's memset node, then the whole executable graph from the graph.
            let mut memset = memset_node(a, 9, N, context);
            check!(cuGraphNodeSetParams(memset_id, &mut memset));
            let mut info = CUgraphExecUpdateResultInfo::default();
            check!(cuGraphExecUpdate(exec, graph, &mut info));
            ensure!(info.result == CU_GRAPH_EXEC_UPDATE_SUCCESS, "cuGraphExecUpdate: {:?}", info.result);
            launch_and_check(9, 3, 11, 3, "b after cuGraphExecUpdate from the graph (memset 9, mul 3, add 11)")?;

            check!(cuGraphExecDestroy(exec));
            check!(cuGraphDestroy(graph));
            check!(cuMemFree(a));
            check!(cuMemFree(b));
            check!(cuStreamDestroy(stream));
            Ok(())
        })?;
        Ok(Completion::Completed)
    }
}

#[cfg(any(cuda_major = "11", all(cuda_major = "12", any(cuda_minor = "0", cuda_minor = "1", cuda_minor = "2"))))]
mod conditional {
    use super::*;

    pub fn conditional_while_node_runs_its_count() -> Ran {
        crate::common::headers_lack("cuGraphConditionalHandleCreate (CUDA 12.3)")
    }
}

#[cfg(not(any(cuda_major = "11", all(cuda_major = "12", any(cuda_minor = "0", cuda_minor = "1", cuda_minor = "2")))))]
mod conditional {
    use super::*;
    use crate::common::{driver_older_than, new_stream, SENTINEL};

    /// memset(count = 0) and memset(log = sentinel), then a WHILE node on a handle whose default
    /// (assigned at every launch) is 1, whose body is loop_body(handle, count, log, LIMIT): the
    /// body runs LIMIT times, so count ends at LIMIT, log[k] = k * k + 3 for each run k, and the
    /// words past LIMIT keep the sentinel. A second launch, after count was set to garbage, runs
    /// the loop again from the start.
    pub fn conditional_while_node_runs_its_count() -> Ran {
        skip_if!(driver_older_than(12030, "a conditional graph node"));
        with_graph_module(|context, module| {
            const LIMIT: u32 = 37;
            const LOG: usize = LIMIT as usize + 4;
            let loop_body = function(module, c"loop_body")?;
            let stream = new_stream()?;
            let mut count = alloc_with_sentinel(1)?;
            let mut log = alloc_with_sentinel(LOG)?;
            // The allocations and their sentinel are done before the graph exists (compute-sanitizer
            // otherwise reports the body's first accesses as out of bounds).
            check!(cuCtxSynchronize());
            let mut graph: CUgraph = ptr::null_mut();
            check!(cuGraphCreate(&mut graph, 0));
            let mut handle: CUgraphConditionalHandle = 0;
            check!(cuGraphConditionalHandleCreate(&mut handle, graph, context, 1, CU_GRAPH_COND_ASSIGN_DEFAULT));

            let mut reset_count = memset_node(count, 0, 1, context);
            let mut reset_log = memset_node(log, SENTINEL, LOG, context);
            let resets = [add_node(graph, &[], &mut reset_count)?, add_node(graph, &[], &mut reset_log)?];
            let mut node = CUgraphNodeParams { type_: CU_GRAPH_NODE_TYPE_CONDITIONAL, ..Default::default() };
            node.__bindgen_anon_1.conditional = CUDA_CONDITIONAL_NODE_PARAMS {
                handle,
                type_: CU_GRAPH_COND_TYPE_WHILE,
                size: 1,
                phGraph_out: ptr::null_mut(),
                ctx: context,
            };
            add_node(graph, &resets, &mut node)?;
            // The node's body graph, which the driver created, is the first of phGraph_out.
            // SAFETY: the conditional member is the one written, and cuGraphAddNode filled
            // phGraph_out with `size` graphs.
            let body = unsafe {
                let out = node.__bindgen_anon_1.conditional.phGraph_out;
                ensure!(!out.is_null(), "cuGraphAddNode left phGraph_out null");
                *out
            };
            let mut limit = LIMIT;
            let mut params: [*mut c_void; 4] = [
                ptr::addr_of_mut!(handle).cast(),
                ptr::addr_of_mut!(count).cast(),
                ptr::addr_of_mut!(log).cast(),
                ptr::addr_of_mut!(limit).cast(),
            ];
            let mut kernel = kernel_node(loop_body, 1, 1, &mut params);
            add_node(body, &[], &mut kernel)?;

            let mut exec: CUgraphExec = ptr::null_mut();
            check!(cuGraphInstantiateWithFlags(&mut exec, graph, 0));
            for launch in 1..=2 {
                check!(cuMemsetD32(count, 12345, 1));
                check!(cuGraphLaunch(exec, stream));
                check!(cuStreamSynchronize(stream));
                let ran = read_back::<u32>(count, 1)?[0];
                ensure!(ran == LIMIT, "launch {launch}: the WHILE body counted {ran} runs, not {LIMIT}");
                let logged: Vec<u32> = read_back(log, LOG)?;
                check_written(&format!("launch {launch}: the body's log"), &logged[..LIMIT as usize], |k| (k * k + 3) as u32)?;
                ensure!(
                    logged[LIMIT as usize..].iter().all(|&w| w == SENTINEL),
                    "launch {launch}: the body ran past its count: {:?}",
                    &logged[LIMIT as usize..]
                );
            }
            check!(cuGraphExecDestroy(exec));
            check!(cuGraphDestroy(graph));
            check!(cuMemFree(count));
            check!(cuMemFree(log));
            check!(cuStreamDestroy(stream));
            Ok(())
        })?;
        Ok(Completion::Completed)
    }
}
