//! hopper: three things a Hopper GPU (compute capability 9.0) adds, through the raw bindings, and
//! replayed as one CUDA graph. A kernel launched with cuLaunchKernelEx in thread-block clusters of
//! 4 (CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION) passes data between the blocks of each cluster
//! through distributed shared memory; a tensor map (cuTensorMapEncodeTiled) describes a 128 x 64
//! tensor, and a kernel that takes it by value copies it box by box through shared memory with
//! the bulk tensor copy into a second tensor. Both are captured from a stream into a graph, which
//! is instantiated once and launched ten times; then every element is checked. The kernels are
//! the tests' tests/fixtures/cluster.ptx and tensor_map.ptx, built in.
//!
//! Run: `cargo run --example hopper`. Without a usable GPU, or on one older than compute
//! capability 9.0, it ends with a one-line diagnosis and exit status 1.

#[macro_use]
mod common;

#[cfg(cuda_major = "11")]
fn main() {
    eprintln!("hopper: the CUDA 11.8 headers lack cuTensorMapEncodeTiled (CUDA 12.0): build with newer ones");
    std::process::exit(1);
}

#[cfg(not(cuda_major = "11"))]
fn main() {
    hopper::main()
}

#[cfg(not(cuda_major = "11"))]
mod hopper {
    use core::ffi::{c_int, c_uint, c_void};
    use core::ptr;
    use libcuda_sys::*;
    use std::process::exit;

    use super::common;

    const CLUSTER_PTX: &str = concat!(include_str!("../tests/fixtures/cluster.ptx"), "\0");
    const TENSOR_MAP_PTX: &str = concat!(include_str!("../tests/fixtures/tensor_map.ptx"), "\0");

    /// The cluster launch: 48 blocks of 128 threads in clusters of 4.
    const BLOCKS: c_uint = 48;
    const THREADS: c_uint = 128;
    const CLUSTER: c_uint = 4;
    /// The tensor (row-major 32-bit elements) and the box each launch copies.
    const WIDTH: usize = 128;
    const HEIGHT: usize = 64;
    const BOX_W: usize = 32;
    const BOX_H: usize = 16;
    const REPLAYS: usize = 10;

    fn function(module: CUmodule, name: &core::ffi::CStr) -> CUfunction {
        let mut f: CUfunction = ptr::null_mut();
        check!(cuModuleGetFunction(&mut f, module, name.as_ptr()));
        f
    }

    fn load(ptx: &str) -> CUmodule {
        let mut module: CUmodule = ptr::null_mut();
        check!(cuModuleLoadData(&mut module, ptx.as_ptr().cast()));
        module
    }

    fn alloc_filled(words: usize, value: u32) -> CUdeviceptr {
        let mut memory: CUdeviceptr = 0;
        check!(cuMemAlloc(&mut memory, words * 4));
        check!(cuMemsetD32(memory, value, words));
        memory
    }

    fn read(memory: CUdeviceptr, words: usize) -> Vec<u32> {
        let mut host = vec![0u32; words];
        check!(cuMemcpyDtoH(host.as_mut_ptr().cast(), memory, words * 4));
        host
    }

    /// A tensor map of the WIDTH x HEIGHT tensor at `address`, box BOX_W x BOX_H.
    fn tensor_map(address: CUdeviceptr) -> CUtensorMap {
        let mut map = CUtensorMap::default();
        let dims: [cuuint64_t; 2] = [WIDTH as u64, HEIGHT as u64];
        let row_bytes: [cuuint64_t; 1] = [(WIDTH * 4) as u64];
        let box_dims: [cuuint32_t; 2] = [BOX_W as u32, BOX_H as u32];
        let element_strides: [cuuint32_t; 2] = [1, 1];
        check!(cuTensorMapEncodeTiled(
            &mut map,
            CU_TENSOR_MAP_DATA_TYPE_UINT32,
            2,
            address as *mut c_void,
            dims.as_ptr(),
            row_bytes.as_ptr(),
            box_dims.as_ptr(),
            element_strides.as_ptr(),
            CU_TENSOR_MAP_INTERLEAVE_NONE,
            CU_TENSOR_MAP_SWIZZLE_NONE,
            CU_TENSOR_MAP_L2_PROMOTION_NONE,
            CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE
        ));
        map
    }

    pub fn main() {
        common::init();
        let mut device: CUdevice = 0;
        check!(cuDeviceGet(&mut device, 0));
        let mut major: c_int = 0;
        check!(cuDeviceGetAttribute(&mut major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device));
        if major < 9 {
            eprintln!("hopper: device 0 has compute capability {major}.x; clusters and the bulk tensor copy need 9.0");
            exit(1);
        }
        let context = common::create_context(device);
        let cluster_module = load(CLUSTER_PTX);
        let tensor_module = load(TENSOR_MAP_PTX);
        let cluster_exchange = function(cluster_module, c"cluster_exchange");
        let tma_box = function(tensor_module, c"tma_box");
        let mut stream: CUstream = ptr::null_mut();
        check!(cuStreamCreate(&mut stream, CU_STREAM_NON_BLOCKING.0));

        // Outputs hold the sentinel until the graph writes them.
        let (blocks, threads) = (BLOCKS as usize, THREADS as usize);
        let mut ranks = alloc_filled(blocks * 4, common::SENTINEL);
        let mut data = alloc_filled(blocks * threads, common::SENTINEL);
        let source: Vec<u32> = (0..WIDTH * HEIGHT).map(|i| 0x0100_0000 + i as u32).collect();
        let src = alloc_filled(WIDTH * HEIGHT, 0);
        check!(cuMemcpyHtoD(src, source.as_ptr().cast(), source.len() * 4));
        let dst = alloc_filled(WIDTH * HEIGHT, common::SENTINEL);
        let mut box_out = alloc_filled(BOX_W * BOX_H, common::SENTINEL);
        let (mut src_map, mut dst_map) = (tensor_map(src), tensor_map(dst));

        // The memsets above ran on the NULL stream, which `stream` does not wait for.
        check!(cuCtxSynchronize());

        // Capture: one cluster launch, then one tensor-copy launch per box.
        check!(cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        let mut attribute = CUlaunchAttribute { id: CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION, ..Default::default() };
        attribute.value.clusterDim.x = CLUSTER;
        attribute.value.clusterDim.y = 1;
        attribute.value.clusterDim.z = 1;
        let config = CUlaunchConfig {
            gridDimX: BLOCKS,
            gridDimY: 1,
            gridDimZ: 1,
            blockDimX: THREADS,
            blockDimY: 1,
            blockDimZ: 1,
            sharedMemBytes: 0,
            hStream: stream,
            attrs: &mut attribute,
            numAttrs: 1,
        };
        let mut params: [*mut c_void; 2] = [ptr::addr_of_mut!(ranks).cast(), ptr::addr_of_mut!(data).cast()];
        check!(cuLaunchKernelEx(&config, cluster_exchange, params.as_mut_ptr(), ptr::null_mut()));
        let mut words = (BOX_W * BOX_H) as c_uint;
        let mut launches = 1;
        for y in (0..HEIGHT).step_by(BOX_H) {
            for x in (0..WIDTH).step_by(BOX_W) {
                // Arguments are copied when the launch is captured.
                let (mut x, mut y) = (x as c_int, y as c_int);
                let mut params: [*mut c_void; 6] = [
                    ptr::addr_of_mut!(src_map).cast(),
                    ptr::addr_of_mut!(dst_map).cast(),
                    ptr::addr_of_mut!(box_out).cast(),
                    ptr::addr_of_mut!(x).cast(),
                    ptr::addr_of_mut!(y).cast(),
                    ptr::addr_of_mut!(words).cast(),
                ];
                check!(cuLaunchKernel(tma_box, 1, 1, 1, 128, 1, 1, 0, stream, params.as_mut_ptr(), ptr::null_mut()));
                launches += 1;
            }
        }
        let mut graph: CUgraph = ptr::null_mut();
        check!(cuStreamEndCapture(stream, &mut graph));
        let mut exec: CUgraphExec = ptr::null_mut();
        check!(cuGraphInstantiateWithFlags(&mut exec, graph, 0));

        // Replay, timed with events.
        let (mut start, mut end): (CUevent, CUevent) = (ptr::null_mut(), ptr::null_mut());
        check!(cuEventCreate(&mut start, CU_EVENT_DEFAULT.0));
        check!(cuEventCreate(&mut end, CU_EVENT_DEFAULT.0));
        check!(cuEventRecord(start, stream));
        for _ in 0..REPLAYS {
            check!(cuGraphLaunch(exec, stream));
        }
        check!(cuEventRecord(end, stream));
        check!(cuStreamSynchronize(stream));
        let mut ms: f32 = 0.0;
        check!(cuEventElapsedTime(&mut ms, start, end));

        // Every element: each block's place in its cluster, what the previous block of its cluster
        // left in its shared memory, and the copied tensor.
        let cluster = CLUSTER as usize;
        let got_ranks = read(ranks, blocks * 4);
        let got_data = read(data, blocks * threads);
        let got_tensor = read(dst, WIDTH * HEIGHT);
        let wrong_ranks = (0..blocks * 4)
            .filter(|&i| got_ranks[i] != [i / 4 % cluster, cluster, i / 4 / cluster, blocks / cluster][i % 4] as u32)
            .count();
        let wrong_data = (0..blocks * threads)
            .filter(|&i| {
                let (block, thread) = (i / threads, i % threads);
                let previous = block / cluster * cluster + (block % cluster + cluster - 1) % cluster;
                got_data[i] != (previous * 65536 + thread + 1) as u32
            })
            .count();
        let wrong_tensor = (0..WIDTH * HEIGHT).filter(|&i| got_tensor[i] != source[i]).count();

        check!(cuGraphExecDestroy(exec));
        check!(cuGraphDestroy(graph));
        check!(cuEventDestroy(start));
        check!(cuEventDestroy(end));
        for memory in [ranks, data, src, dst, box_out] {
            check!(cuMemFree(memory));
        }
        check!(cuStreamDestroy(stream));
        check!(cuModuleUnload(cluster_module));
        check!(cuModuleUnload(tensor_module));
        check!(cuCtxDestroy(context));

        if wrong_ranks + wrong_data + wrong_tensor != 0 {
            eprintln!(
                "hopper: wrong elements: {wrong_ranks} of {} cluster ranks, {wrong_data} of {} exchanged words, {wrong_tensor} of {} tensor elements",
                blocks * 4,
                blocks * threads,
                WIDTH * HEIGHT
            );
            exit(1);
        }
        println!(
            "hopper: a graph of {launches} kernels ({BLOCKS} blocks in clusters of {CLUSTER} through distributed shared memory, a {WIDTH}x{HEIGHT} tensor in {} boxes by the bulk tensor copy) replayed {REPLAYS} times in {ms:.3} ms: all correct",
            launches - 1
        );
    }
}
