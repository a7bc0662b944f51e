//! One binary for every driver: each call goes through `libcuda_sys::versioned` at an ABI the
//! driver has, so this program starts and runs on a driver older than the headers it was built
//! with. The context is created with the newest `cuCtxCreate` ABI the driver has — CUDA 12.5's
//! (`cuCtxCreate_v12050`), else 11.4's (`_v11040`), else 3.2's (`_v3020`), never one above
//! `cuDriverGetVersion` — then memory is allocated, filled, added by a kernel, copied back and
//! freed. On a GPU it does this once through each of the three ABIs the driver has.
//!
//! Run: `cargo run --example any_driver --features dynamic-loading`. Without a usable GPU it says
//! which ABI it would use, then ends with a one-line diagnosis and exit status 1.

#[cfg(any(
    cuda_major = "13",
    all(cuda_major = "12", any(cuda_minor = "5", cuda_minor = "6", cuda_minor = "7", cuda_minor = "8", cuda_minor = "9"))
))]
mod run {
    use core::ffi::{c_int, c_void};
    use core::ptr;
    use libcuda_sys::versioned as cu;
    use libcuda_sys::*;
    use std::process::exit;

    const N: usize = 4096;
    const SENTINEL: u32 = 0xDEAD_BEEF;
    const KERNEL: &str = include_str!("../tests/fixtures/vector_add.ptx");

    /// Ends with one line naming the call that failed (by `CUresult`'s `Display`: no driver call).
    macro_rules! check {
        ($call:expr) => {{
            let r: CUresult = unsafe { $call };
            if r != CUDA_SUCCESS {
                eprintln!("any_driver: {} failed: {r}", stringify!($call));
                exit(1);
            }
        }};
    }

    /// The three ABIs of cuCtxCreate, newest first.
    const ABIS: [u32; 3] = [12050, 11040, 3020];

    pub fn main() {
        let mut version: c_int = 0;
        check!(cu::cuDriverGetVersion_v2020(&mut version));
        let has = |abi: &u32| dynamic::versioned_address(&format!("cuCtxCreate_v{abi}")).is_some();
        let available: Vec<u32> = ABIS.into_iter().filter(has).collect();
        let Some(&newest) = available.first() else {
            eprintln!("any_driver: a CUDA {}.{} driver has none of cuCtxCreate's ABIs {ABIS:?}", version / 1000, version % 1000 / 10);
            exit(1);
        };
        println!(
            "any_driver: CUDA {}.{} driver (cuDriverGetVersion {version}); cuCtxCreate ABIs it has: {available:?}; the newest, {newest}, \
             is the one to use (the headers bind {})",
            version / 1000,
            version % 1000 / 10,
            dynamic::required_version("cuCtxCreate").map_or("none known".into(), |v| v.to_string()),
        );
        let r = unsafe { cu::cuInit_v2000(0) };
        if r != CUDA_SUCCESS {
            eprintln!("any_driver: no usable GPU: cuInit answered {r} (CUDA {}.{} driver)", version / 1000, version % 1000 / 10);
            exit(1);
        }
        let mut device: CUdevice = 0;
        check!(cu::cuDeviceGet_v2000(&mut device, 0));
        for abi in available {
            let context = create_context(abi, device);
            let blocks = add_vectors();
            check!(cu::cuCtxDestroy_v4000(context));
            println!("any_driver: context through cuCtxCreate_v{abi}: {N} floats added by a kernel in {blocks} blocks, all correct");
        }
    }

    fn create_context(abi: u32, device: CUdevice) -> CUcontext {
        let mut context: CUcontext = ptr::null_mut();
        match abi {
            12050 => check!(cu::cuCtxCreate_v12050(&mut context, ptr::null_mut(), 0, device)),
            11040 => check!(cu::cuCtxCreate_v11040(&mut context, ptr::null_mut(), 0, 0, device)),
            _ => check!(cu::cuCtxCreate_v3020(&mut context, 0, device)),
        }
        context
    }

    /// C = A + B on the current context through the CUDA 3.2/4.0 ABIs; every element checked.
    fn add_vectors() -> u32 {
        let mut module: CUmodule = ptr::null_mut();
        let ptx = std::ffi::CString::new(KERNEL).expect("PTX without NUL");
        check!(cu::cuModuleLoadData_v2000(&mut module, ptx.as_ptr().cast()));
        let mut kernel: CUfunction = ptr::null_mut();
        check!(cu::cuModuleGetFunction_v2000(&mut kernel, module, c"VecAdd_kernel".as_ptr()));
        let a: Vec<f32> = (0..N).map(|i| i as f32).collect();
        let b: Vec<f32> = (0..N).map(|i| (2 * i) as f32).collect();
        let mut c = vec![f32::from_bits(SENTINEL); N];
        let bytes = N * core::mem::size_of::<f32>();
        let (mut d_a, mut d_b, mut d_c): (CUdeviceptr, CUdeviceptr, CUdeviceptr) = (0, 0, 0);
        for d in [&mut d_a, &mut d_b, &mut d_c] {
            check!(cu::cuMemAlloc_v3020(d, bytes));
        }
        check!(cu::cuMemcpyHtoD_v3020(d_a, a.as_ptr().cast(), bytes));
        check!(cu::cuMemcpyHtoD_v3020(d_b, b.as_ptr().cast(), bytes));
        check!(cu::cuMemsetD32_v3020(d_c, SENTINEL, N));
        let mut n = N as c_int;
        let mut args: [*mut c_void; 4] = [
            (&mut d_a as *mut CUdeviceptr).cast(),
            (&mut d_b as *mut CUdeviceptr).cast(),
            (&mut d_c as *mut CUdeviceptr).cast(),
            (&mut n as *mut c_int).cast(),
        ];
        let blocks = (N as u32).div_ceil(256);
        check!(cu::cuLaunchKernel_v4000(kernel, blocks, 1, 1, 256, 1, 1, 0, ptr::null_mut(), args.as_mut_ptr(), ptr::null_mut()));
        check!(cu::cuMemcpyDtoH_v3020(c.as_mut_ptr().cast(), d_c, bytes));
        for d in [d_a, d_b, d_c] {
            check!(cu::cuMemFree_v3020(d));
        }
        check!(cu::cuModuleUnload_v2000(module));
        let wrong = (0..N).filter(|&i| c[i] != a[i] + b[i]).count();
        if wrong != 0 {
            eprintln!("any_driver: {wrong} of {N} elements wrong");
            exit(1);
        }
        blocks
    }
}

fn main() {
    #[cfg(any(
        cuda_major = "13",
        all(cuda_major = "12", any(cuda_minor = "5", cuda_minor = "6", cuda_minor = "7", cuda_minor = "8", cuda_minor = "9"))
    ))]
    run::main();
    #[cfg(not(any(
        cuda_major = "13",
        all(cuda_major = "12", any(cuda_minor = "5", cuda_minor = "6", cuda_minor = "7", cuda_minor = "8", cuda_minor = "9"))
    )))]
    {
        eprintln!("any_driver: these headers are older than CUDA 12.5, whose cudaTypedefs.h types cuCtxCreate's newest ABI");
        std::process::exit(2);
    }
}
