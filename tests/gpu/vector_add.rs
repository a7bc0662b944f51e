//! vectorAddDrv, as the CUDA programming guide's Driver API chapter writes it.

use crate::common::{check_written, fill_with_sentinel, fixture_c_path, Outcome, Test};
use core::ffi::{c_int, c_void};
use core::ptr;
use libcuda_sys::*;

pub const TESTS: &[Test] = &[("vector_add_drv", vector_add_drv)];

/// cuInit, one device, cuCtxCreate, cuModuleLoad of the PTX file, three buffers (the output filled
/// with the sentinel), the launch with the argument array (N = 50 000, 256 threads per block),
/// every element checked to be written and right, all freed.
fn vector_add_drv() -> Outcome {
    const N: usize = 50_000;
    const THREADS_PER_BLOCK: u32 = 256;

    // Initialize.
    check!(cuInit(0));

    // Get number of devices supporting CUDA.
    let mut device_count: c_int = 0;
    check!(cuDeviceGetCount(&mut device_count));
    ensure!(device_count != 0, "There is no device supporting CUDA.");

    // Get handle for device 0.
    let mut cu_device: CUdevice = 0;
    check!(cuDeviceGet(&mut cu_device, 0));

    // Create context: CUDA 13 headers declare cuCtxCreate with a CUctxCreateParams (NULL: none).
    let mut cu_context: CUcontext = ptr::null_mut();
    #[cfg(not(any(cuda_major = "11", cuda_major = "12")))]
    check!(cuCtxCreate(&mut cu_context, ptr::null_mut(), 0, cu_device));
    #[cfg(any(cuda_major = "11", cuda_major = "12"))]
    check!(cuCtxCreate(&mut cu_context, 0, cu_device));

    // Create module from the PTX file.
    let mut cu_module: CUmodule = ptr::null_mut();
    check!(cuModuleLoad(&mut cu_module, fixture_c_path("vector_add.ptx").as_ptr()));

    // Allocate input vectors h_A and h_B in host memory.
    let h_a: Vec<f32> = (0..N).map(|i| i as f32 * 0.5).collect();
    let h_b: Vec<f32> = (0..N).map(|i| (N - i) as f32 * 0.25).collect();
    let mut h_c = vec![0.0f32; N];
    let size = N * core::mem::size_of::<f32>();

    // Allocate vectors in device memory.
    let (mut d_a, mut d_b, mut d_c): (CUdeviceptr, CUdeviceptr, CUdeviceptr) = (0, 0, 0);
    check!(cuMemAlloc(&mut d_a, size));
    check!(cuMemAlloc(&mut d_b, size));
    check!(cuMemAlloc(&mut d_c, size));

    // Copy vectors from host memory to device memory.
    check!(cuMemcpyHtoD(d_a, h_a.as_ptr().cast(), size));
    check!(cuMemcpyHtoD(d_b, h_b.as_ptr().cast(), size));

    // Fill the output with the sentinel, so that an element the kernel does not write shows.
    fill_with_sentinel(d_c, N)?;

    // Get function handle from module.
    let mut vec_add: CUfunction = ptr::null_mut();
    check!(cuModuleGetFunction(&mut vec_add, cu_module, c"VecAdd_kernel".as_ptr()));

    // Invoke kernel.
    let mut n = N as c_int;
    let mut args: [*mut c_void; 4] =
        [ptr::addr_of_mut!(d_a).cast(), ptr::addr_of_mut!(d_b).cast(), ptr::addr_of_mut!(d_c).cast(), ptr::addr_of_mut!(n).cast()];
    let blocks_per_grid = (N as u32).div_ceil(THREADS_PER_BLOCK);
    check!(cuLaunchKernel(vec_add, blocks_per_grid, 1, 1, THREADS_PER_BLOCK, 1, 1, 0, ptr::null_mut(), args.as_mut_ptr(), ptr::null_mut()));

    // Copy result from device memory to host memory; h_C contains the result.
    check!(cuMemcpyDtoH(h_c.as_mut_ptr().cast(), d_c, size));

    // Free device memory, the module and the context.
    check!(cuMemFree(d_a));
    check!(cuMemFree(d_b));
    check!(cuMemFree(d_c));
    check!(cuModuleUnload(cu_module));
    check!(cuCtxDestroy(cu_context));

    check_written("VecAdd_kernel", &h_c, |i| h_a[i] + h_b[i])
}
