//! Context-independent loading (CUDA 12.0): a library loaded once with `cuLibraryLoadData`, from
//! PTX and from a cubin that the JIT linker made of it, whose `CUkernel` (from
//! `cuLibraryGetKernel`) launches in two contexts; the library's globals read back per context
//! through `cuLibraryGetGlobal`; the per-context `CUfunction` of `cuKernelGetFunction`;
//! `cuFuncGetParamInfo` (CUDA 12.4) against the kernel's declared parameters; `cuLibraryUnload`.
//! The kernel is tests/fixtures/library.ptx.

use crate::common::{GatedTest, Ran};

pub const TESTS: &[GatedTest] = &[
    ("library::ptx_kernel_runs_in_two_contexts", imp::ptx_kernel_runs_in_two_contexts),
    ("library::cubin_kernel_runs_in_two_contexts", imp::cubin_kernel_runs_in_two_contexts),
    ("library::param_info_matches_the_declared_parameters", imp::param_info_matches_the_declared_parameters),
];

#[cfg(cuda_major = "11")]
mod imp {
    use super::*;
    use crate::common::headers_lack;

    pub fn ptx_kernel_runs_in_two_contexts() -> Ran {
        headers_lack("cuLibraryLoadData (CUDA 12.0)")
    }

    pub fn cubin_kernel_runs_in_two_contexts() -> Ran {
        headers_lack("cuLibraryLoadData (CUDA 12.0)")
    }

    pub fn param_info_matches_the_declared_parameters() -> Ran {
        headers_lack("cuFuncGetParamInfo (CUDA 12.4)")
    }
}

#[cfg(not(cuda_major = "11"))]
mod imp {
    use super::*;
    use crate::common::{
        alloc_with_sentinel, check_written, ctx_create, driver_older_than, first_device, in_new_context, log_text, read_back, Outcome,
    };
    use core::ffi::{c_uint, c_void};
    use core::mem::size_of;
    use core::ptr;
    use libcuda_sys::*;
    use libtest_mimic::{Completion, Failed};

    /// tests/fixtures/library.ptx, NUL-terminated as cuLibraryLoadData takes PTX; built in, so
    /// that a binary carried to a GPU machine needs no fixture folder.
    const LIBRARY_PTX: &str = concat!(include_str!("../fixtures/library.ptx"), "\0");

    /// The initializer of `lib_bias` in library.ptx.
    const BIAS: [u32; 4] = [11, 22, 33, 44];

    /// The fixture's `struct __align__(16) quad { unsigned v[4]; }`.
    #[repr(C, align(16))]
    #[derive(Clone, Copy)]
    struct Quad([u32; 4]);

    /// lib_fill's parameters (out, n, tag, q, step), each in a place of its own for kernelParams.
    struct Args {
        out: CUdeviceptr,
        n: c_uint,
        tag: u8,
        q: Quad,
        step: u16,
    }

    impl Args {
        fn new(out: CUdeviceptr, n: usize, tag: u8, step: u16) -> Self {
            Args { out, n: n as c_uint, tag, q: Quad([1000 + tag as u32, 2000, 3000, 4000 + step as u32]), step }
        }

        /// What lib_fill writes at `i`.
        fn expected(&self, i: usize) -> u32 {
            let i32 = i as u32;
            self.q.0[i % 4].wrapping_add(BIAS[i % 4]).wrapping_add(self.tag as u32 * 1000).wrapping_add(self.step as u32 * i32)
        }

        fn kernel_params(&mut self) -> [*mut c_void; 5] {
            [
                ptr::addr_of_mut!(self.out).cast(),
                ptr::addr_of_mut!(self.n).cast(),
                ptr::addr_of_mut!(self.tag).cast(),
                ptr::addr_of_mut!(self.q).cast(),
                ptr::addr_of_mut!(self.step).cast(),
            ]
        }
    }

    /// The parameters library.ptx declares for lib_fill: (size, alignment) each.
    const DECLARED: [(usize, usize); 5] = [(8, 8), (4, 4), (1, 1), (16, 16), (2, 2)];

    /// Where the declared parameters lie in the device-side layout, each at the next offset its
    /// alignment allows: (offset, size) each.
    fn declared_layout() -> Vec<(usize, usize)> {
        let mut end = 0usize;
        DECLARED
            .iter()
            .map(|&(size, align)| {
                let offset = end.next_multiple_of(align);
                end = offset + size;
                (offset, size)
            })
            .collect()
    }

    /// Launches `f` (a `CUkernel` cast to `CUfunction`, as cuLaunchKernel accepts, or a
    /// `CUfunction`) over `n` elements of a buffer filled with the sentinel in the current
    /// context, and checks every element; then the library's globals in this context: `lib_bias`
    /// holds its initializer, `lib_last_n` the `n` of this launch.
    fn launch_and_check(library: CUlibrary, f: CUfunction, n: usize, tag: u8, step: u16, what: &str) -> Outcome {
        let out = alloc_with_sentinel(n)?;
        let mut args = Args::new(out, n, tag, step);
        let mut params = args.kernel_params();
        check!(cuLaunchKernel(f, (n as c_uint).div_ceil(128), 1, 1, 128, 1, 1, 0, ptr::null_mut(), params.as_mut_ptr(), ptr::null_mut()));
        check!(cuCtxSynchronize());
        let got: Vec<u32> = read_back(out, n)?;
        check!(cuMemFree(out));
        check_written(what, &got, |i| args.expected(i))?;
        ensure!(global_words(library, c"lib_bias", 4)? == BIAS, "{what}: lib_bias no longer holds its initializer {BIAS:?}");
        let last_n = global_words(library, c"lib_last_n", 1)?[0];
        ensure!(last_n == n as u32, "{what}: lib_last_n read back through cuLibraryGetGlobal is {last_n}, not this launch's n = {n}");
        Ok(())
    }

    /// A global of the library in the current context, through cuLibraryGetGlobal: its size must
    /// be `words` 32-bit words; returns what it holds.
    fn global_words(library: CUlibrary, name: &core::ffi::CStr, words: usize) -> Result<Vec<u32>, Failed> {
        let (mut address, mut bytes): (CUdeviceptr, usize) = (0, 0);
        check!(cuLibraryGetGlobal(&mut address, &mut bytes, library, name.as_ptr()));
        ensure!(
            address != 0 && bytes == words * 4,
            "cuLibraryGetGlobal({name:?}): {bytes} bytes at {address:#x}, expected {} bytes",
            words * 4
        );
        read_back(address, words)
    }

    /// cuLibraryLoadData of a PTX (NUL-terminated) or cubin image, with no JIT or library options.
    fn load_library(image: &[u8]) -> Result<CUlibrary, Failed> {
        let mut library: CUlibrary = ptr::null_mut();
        let image = image.as_ptr().cast();
        check!(cuLibraryLoadData(&mut library, image, ptr::null_mut(), ptr::null_mut(), 0, ptr::null_mut(), ptr::null_mut(), 0));
        Ok(library)
    }

    /// The library's lib_fill in context `a` (current on entry) and in a context `b` created
    /// after the library was loaded: the `CUkernel` itself launches in both, each context's
    /// `CUfunction` from cuKernelGetFunction differs from the other's and launches too, and each
    /// context keeps its own copy of the library's globals.
    fn kernel_in_two_contexts(library: CUlibrary, a: CUcontext) -> Outcome {
        let mut kernel: CUkernel = ptr::null_mut();
        check!(cuLibraryGetKernel(&mut kernel, library, c"lib_fill".as_ptr()));
        let mut missing: CUkernel = ptr::null_mut();
        expect!(CUDA_ERROR_NOT_FOUND, cuLibraryGetKernel(&mut missing, library, c"no_such_kernel".as_ptr()));

        const N_A: usize = 3000;
        const N_B: usize = 1234;
        launch_and_check(library, kernel.cast(), N_A, 3, 5, "lib_fill as a CUkernel in context A")?;
        let mut in_a: CUfunction = ptr::null_mut();
        check!(cuKernelGetFunction(&mut in_a, kernel));

        let device = first_device()?;
        let mut b: CUcontext = ptr::null_mut();
        check!(ctx_create(&mut b, 0, device));
        let in_b = (|| -> Result<CUfunction, Failed> {
            launch_and_check(library, kernel.cast(), N_B, 9, 2, "lib_fill as a CUkernel in context B")?;
            let mut in_b: CUfunction = ptr::null_mut();
            check!(cuKernelGetFunction(&mut in_b, kernel));
            ensure!(!in_b.is_null() && in_b != in_a, "cuKernelGetFunction gave {in_b:?} in context B, {in_a:?} in A");
            launch_and_check(library, in_b, N_B + 1, 4, 7, "lib_fill through B's CUfunction")?;
            Ok(in_b)
        })();
        let destroyed = crate::common::check(unsafe { cuCtxDestroy(b) }, "cuCtxDestroy(B)");
        let in_b = in_b?;
        destroyed?;
        ensure!(!in_a.is_null() && in_a != in_b, "context A's CUfunction is {in_a:?}");

        // Back in A (current again once B is destroyed): A's copy of lib_last_n was left alone
        // by B's launches; A's CUfunction launches.
        let mut current: CUcontext = ptr::null_mut();
        check!(cuCtxGetCurrent(&mut current));
        ensure!(current == a, "after B was destroyed, {current:?} is current, not A {a:?}");
        let last_n = global_words(library, c"lib_last_n", 1)?[0];
        ensure!(last_n == N_A as u32, "context A's lib_last_n is {last_n} after B's launches, not A's n = {N_A}");
        launch_and_check(library, in_a, N_A - 1, 1, 1, "lib_fill through A's CUfunction")
    }

    /// cuLibraryLoadData of the PTX with no context current (nor any created yet): the library
    /// belongs to no context; two contexts created afterwards both run its kernel.
    pub fn ptx_kernel_runs_in_two_contexts() -> Ran {
        skip_if!(driver_older_than(12000, "cuLibraryLoadData"));
        let device = first_device()?;
        let mut current: CUcontext = ptr::null_mut();
        check!(cuCtxGetCurrent(&mut current));
        ensure!(current.is_null(), "a new thread has a current context");
        let library = load_library(LIBRARY_PTX.as_bytes())?;
        let mut a: CUcontext = ptr::null_mut();
        let outcome = match crate::common::check(unsafe { ctx_create(&mut a, 0, device) }, "cuCtxCreate(A)") {
            Ok(()) => {
                let ran = kernel_in_two_contexts(library, a);
                ran.and(crate::common::check(unsafe { cuCtxDestroy(a) }, "cuCtxDestroy(A)"))
            }
            Err(e) => Err(e),
        };
        outcome.and(crate::common::check(unsafe { cuLibraryUnload(library) }, "cuLibraryUnload"))?;
        Ok(Completion::Completed)
    }

    /// The PTX through the JIT linker (cuLinkCreate, cuLinkAddData, cuLinkComplete) in the
    /// current context: a copy of the cubin, an ELF image for this device.
    fn link_to_cubin(ptx: &str) -> Result<Vec<u8>, Failed> {
        const LOG_SIZE: usize = 8192;
        let mut error_log = vec![0u8; LOG_SIZE];
        let mut options = [CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES];
        let mut values: [*mut c_void; 2] = [error_log.as_mut_ptr().cast(), crate::common::option_value(LOG_SIZE)];
        let mut state: CUlinkState = ptr::null_mut();
        check!(cuLinkCreate(options.len() as c_uint, options.as_mut_ptr(), values.as_mut_ptr(), &mut state));
        let linked = (|| -> Result<Vec<u8>, Failed> {
            let r = unsafe {
                cuLinkAddData(
                    state,
                    CU_JIT_INPUT_PTX,
                    ptx.as_ptr() as *mut c_void,
                    ptx.len(),
                    c"library.ptx".as_ptr(),
                    0,
                    ptr::null_mut(),
                    ptr::null_mut(),
                )
            };
            crate::common::check(r, "cuLinkAddData(library.ptx)").map_err(|e| with_log(e, &error_log))?;
            let (mut cubin, mut size): (*mut c_void, usize) = (ptr::null_mut(), 0);
            crate::common::check(unsafe { cuLinkComplete(state, &mut cubin, &mut size) }, "cuLinkComplete")
                .map_err(|e| with_log(e, &error_log))?;
            ensure!(!cubin.is_null() && size > 0, "cuLinkComplete returned {size} bytes at {cubin:?}");
            // The cubin belongs to the link state: copied before cuLinkDestroy.
            Ok(unsafe { core::slice::from_raw_parts(cubin as *const u8, size) }.to_vec())
        })();
        check!(cuLinkDestroy(state));
        let cubin = linked?;
        ensure!(cubin.starts_with(b"\x7fELF"), "cuLinkComplete's output is not an ELF cubin");
        Ok(cubin)
    }

    fn with_log(e: Failed, error_log: &[u8]) -> Failed {
        format!("{} (error log: {:?})", e.message().unwrap_or(""), log_text(error_log)).into()
    }

    /// cuLibraryLoadData of a cubin the JIT linker made in context A, loaded while A is current;
    /// A and a context B created afterwards both run its kernel.
    pub fn cubin_kernel_runs_in_two_contexts() -> Ran {
        skip_if!(driver_older_than(12000, "cuLibraryLoadData"));
        let device = first_device()?;
        let mut a: CUcontext = ptr::null_mut();
        check!(ctx_create(&mut a, 0, device));
        let outcome = (|| -> Outcome {
            let cubin = link_to_cubin(LIBRARY_PTX)?;
            let library = load_library(&cubin)?;
            // The library keeps no pointer into the caller's image.
            drop(cubin);
            let ran = kernel_in_two_contexts(library, a);
            ran.and(crate::common::check(unsafe { cuLibraryUnload(library) }, "cuLibraryUnload"))
        })();
        outcome.and(crate::common::check(unsafe { cuCtxDestroy(a) }, "cuCtxDestroy(A)"))?;
        Ok(Completion::Completed)
    }

    /// cuFuncGetParamInfo of lib_fill's CUfunction answers, for each parameter, the offset and
    /// size its declaration gives (out 0/8, n 8/4, tag 12/1, q 16/16, step 32/2); the offset alone
    /// with a null size pointer; CUDA_ERROR_INVALID_VALUE past the last one. The arguments packed
    /// at the offsets the driver answered, handed over in `extra`, run the kernel right.
    pub fn param_info_matches_the_declared_parameters() -> Ran {
        skip_if!(driver_older_than(12040, "cuFuncGetParamInfo"));
        in_new_context(|_| {
            let library = load_library(LIBRARY_PTX.as_bytes())?;
            let outcome = (|| -> Outcome {
                let mut kernel: CUkernel = ptr::null_mut();
                check!(cuLibraryGetKernel(&mut kernel, library, c"lib_fill".as_ptr()));
                let mut f: CUfunction = ptr::null_mut();
                check!(cuKernelGetFunction(&mut f, kernel));
                let declared = declared_layout();
                let mut answered = Vec::new();
                for index in 0..declared.len() {
                    let (mut offset, mut size) = (usize::MAX, usize::MAX);
                    check!(cuFuncGetParamInfo(f, index, &mut offset, &mut size));
                    let mut offset_only = usize::MAX;
                    check!(cuFuncGetParamInfo(f, index, &mut offset_only, ptr::null_mut()));
                    ensure!(offset_only == offset, "parameter {index}: offset {offset_only} without the size, {offset} with it");
                    answered.push((offset, size));
                }
                ensure!(answered == declared, "cuFuncGetParamInfo answered (offset, size) {answered:?}; library.ptx declares {declared:?}");
                let (mut offset, mut size) = (0usize, 0usize);
                expect!(CUDA_ERROR_INVALID_VALUE, cuFuncGetParamInfo(f, declared.len(), &mut offset, &mut size));

                // The arguments at the offsets the driver answered, in one buffer.
                const N: usize = 777;
                let out = alloc_with_sentinel(N)?;
                let args = Args::new(out, N, 6, 3);
                let (end_offset, end_size) = answered[answered.len() - 1];
                let mut buffer = vec![0u8; end_offset + end_size];
                let mut put = |index: usize, bytes: &[u8]| buffer[answered[index].0..][..bytes.len()].copy_from_slice(bytes);
                put(0, &args.out.to_ne_bytes());
                put(1, &args.n.to_ne_bytes());
                put(2, &[args.tag]);
                put(3, &args.q.0.iter().flat_map(|w| w.to_ne_bytes()).collect::<Vec<u8>>());
                put(4, &args.step.to_ne_bytes());
                let mut buffer_size = buffer.len();
                let mut extra: [*mut c_void; 5] = [
                    CU_LAUNCH_PARAM_BUFFER_POINTER,
                    buffer.as_mut_ptr().cast(),
                    CU_LAUNCH_PARAM_BUFFER_SIZE,
                    ptr::addr_of_mut!(buffer_size).cast(),
                    CU_LAUNCH_PARAM_END,
                ];
                check!(cuLaunchKernel(
                    f,
                    (N as c_uint).div_ceil(128),
                    1,
                    1,
                    128,
                    1,
                    1,
                    0,
                    ptr::null_mut(),
                    ptr::null_mut(),
                    extra.as_mut_ptr()
                ));
                check!(cuCtxSynchronize());
                let got: Vec<u32> = read_back(out, N)?;
                check!(cuMemFree(out));
                check_written("lib_fill with its arguments packed at cuFuncGetParamInfo's offsets", &got, |i| args.expected(i))?;
                ensure!(
                    size_of::<Quad>() == answered[3].1,
                    "the quad is {} bytes here, {} on the device",
                    size_of::<Quad>(),
                    answered[3].1
                );
                Ok(())
            })();
            outcome.and(crate::common::check(unsafe { cuLibraryUnload(library) }, "cuLibraryUnload"))
        })?;
        Ok(Completion::Completed)
    }
}
