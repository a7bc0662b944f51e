//! Modules: PTX loaded from memory, JIT options and their logs, and the JIT linker joining two PTX
//! inputs into one cubin.

use crate::common::{
    check_written, fill_with_sentinel, fixture_with_nul, function, in_new_context, log_text, option_value, run_vec_add, Outcome, Test,
};
use core::ffi::{c_int, c_uint, c_void};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::Failed;

pub const TESTS: &[Test] = &[
    ("module::load_data_from_memory", load_data_from_memory),
    ("module::load_data_ex_with_jit_options", load_data_ex_with_jit_options),
    ("module::load_data_ex_of_broken_ptx_logs_the_error", load_data_ex_of_broken_ptx_logs_the_error),
    ("module::link_two_ptx_inputs", link_two_ptx_inputs),
    // CU_JIT_BINARY_LOADER_THREAD_COUNT is in headers from CUDA 13.1 on.
    #[cfg(not(any(cuda_major = "11", cuda_major = "12", all(cuda_major = "13", cuda_minor = "0"))))]
    ("module::cubin_with_binary_loader_thread_count", cubin_with_binary_loader_thread_count),
];

const LOG_SIZE: usize = 8192;

/// cuModuleLoadData of NUL-terminated PTX text in memory; its kernel runs.
fn load_data_from_memory() -> Outcome {
    in_new_context(|_| {
        let ptx = fixture_with_nul("vector_add.ptx")?;
        let mut module: CUmodule = ptr::null_mut();
        check!(cuModuleLoadData(&mut module, ptx.as_ptr().cast()));
        run_vec_add(function(module, c"VecAdd_kernel")?, 4096)?;
        let mut missing: CUfunction = ptr::null_mut();
        expect!(CUDA_ERROR_NOT_FOUND, cuModuleGetFunction(&mut missing, module, c"no_such_kernel".as_ptr()));
        check!(cuModuleUnload(module));
        Ok(())
    })
}

/// JIT-compiles `ptx` with an error log and the target taken from the context; returns what
/// cuModuleLoadDataEx answered, the module and the log.
fn load_with_error_log(ptx: &[u8]) -> (CUresult, CUmodule, String) {
    let mut error_log = vec![0u8; LOG_SIZE];
    let mut options = [CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, CU_JIT_TARGET_FROM_CUCONTEXT];
    let mut values: [*mut c_void; 3] = [error_log.as_mut_ptr().cast(), option_value(LOG_SIZE), ptr::null_mut()];
    let mut module: CUmodule = ptr::null_mut();
    let r =
        unsafe { cuModuleLoadDataEx(&mut module, ptx.as_ptr().cast(), options.len() as c_uint, options.as_mut_ptr(), values.as_mut_ptr()) };
    (r, module, log_text(&error_log))
}

/// cuModuleLoadDataEx with CU_JIT_ERROR_LOG_BUFFER(_SIZE_BYTES) and CU_JIT_TARGET_FROM_CUCONTEXT
/// loads good PTX, with nothing in the error log.
fn load_data_ex_with_jit_options() -> Outcome {
    in_new_context(|_| {
        let (r, module, log) = load_with_error_log(&fixture_with_nul("vector_add.ptx")?);
        check_logged(r, "cuModuleLoadDataEx of vector_add.ptx", log.as_bytes())?;
        ensure!(log.is_empty(), "good PTX left an error log: {log:?}");
        run_vec_add(function(module, c"VecAdd_kernel")?, 4096)?;
        check!(cuModuleUnload(module));
        Ok(())
    })
}

/// vector_add.ptx with one operand renamed to a register it never declares: the JIT answers
/// CUDA_ERROR_INVALID_PTX and its error log names the register.
fn load_data_ex_of_broken_ptx_logs_the_error() -> Outcome {
    in_new_context(|_| {
        let good = String::from_utf8(fixture_with_nul("vector_add.ptx")?).map_err(|e| e.to_string())?;
        let broken = good.replace("%f1, %f2;", "%f1, %f_undefined;");
        ensure!(broken != good, "vector_add.ptx no longer holds the `add.f32 %f3, %f1, %f2;` this test breaks");
        let (r, _, log) = load_with_error_log(broken.as_bytes());
        crate::common::expect(r, CUDA_ERROR_INVALID_PTX, "cuModuleLoadDataEx of broken PTX")?;
        ensure!(log.contains("%f_undefined"), "the error log does not name the undeclared register: {log:?}");
        println!("module::load_data_ex_of_broken_ptx_logs_the_error: error log: {}", log.trim_end());
        Ok(())
    })
}

/// What the JIT linker made of link_main.ptx + link_lib.ptx.
struct Linked {
    cubin: Vec<u8>,
    wall_time_ms: f32,
    info_log: String,
}

/// The guide's JIT link with its six options: cuLinkCreate, cuLinkAddData of two PTX inputs (the
/// kernel calls an `.extern .func` the other defines), cuLinkComplete, cuModuleLoadData of the
/// cubin, cuLinkDestroy. Returns the loaded module and a copy of the cubin.
fn link_squares() -> Result<(CUmodule, Linked), Failed> {
    let main_ptx = fixture_with_nul("link_main.ptx")?;
    let lib_ptx = fixture_with_nul("link_lib.ptx")?;
    let mut info_log = vec![0u8; LOG_SIZE];
    let mut error_log = vec![0u8; LOG_SIZE];
    let mut options = [
        CU_JIT_WALL_TIME,
        CU_JIT_INFO_LOG_BUFFER,
        CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
        CU_JIT_ERROR_LOG_BUFFER,
        CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
        CU_JIT_LOG_VERBOSE,
    ];
    // The driver writes its outputs (wall time, log sizes) into these slots until cuLinkDestroy:
    // the array stays where it is until then.
    let mut values: [*mut c_void; 6] = [
        ptr::null_mut(),
        info_log.as_mut_ptr().cast(),
        option_value(LOG_SIZE),
        error_log.as_mut_ptr().cast(),
        option_value(LOG_SIZE),
        option_value(1),
    ];
    let mut state: CUlinkState = ptr::null_mut();
    check!(cuLinkCreate(options.len() as c_uint, options.as_mut_ptr(), values.as_mut_ptr(), &mut state));
    for (ptx, name) in [(&main_ptx, c"link_main.ptx"), (&lib_ptx, c"link_lib.ptx")] {
        let r = unsafe {
            cuLinkAddData(
                state,
                CU_JIT_INPUT_PTX,
                ptx.as_ptr() as *mut c_void,
                ptx.len(),
                name.as_ptr(),
                0,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        check_logged(r, &format!("cuLinkAddData({name:?})"), &error_log)?;
    }
    let mut cubin_out: *mut c_void = ptr::null_mut();
    let mut size: usize = 0;
    check_logged(unsafe { cuLinkComplete(state, &mut cubin_out, &mut size) }, "cuLinkComplete", &error_log)?;
    ensure!(!cubin_out.is_null() && size > 0, "cuLinkComplete returned {size} bytes at {cubin_out:?}");
    // The cubin belongs to the link state: load it (and copy it) before cuLinkDestroy.
    let mut module: CUmodule = ptr::null_mut();
    check!(cuModuleLoadData(&mut module, cubin_out));
    let cubin = unsafe { core::slice::from_raw_parts(cubin_out as *const u8, size) }.to_vec();
    // The wall time is a float the driver wrote into its option's slot; the log size slot now
    // holds how much of the log it filled.
    let wall_time_ms = f32::from_bits(values[0] as usize as u32);
    let info_filled = values[2] as usize as u32;
    let info_log = log_text(&info_log);
    check!(cuLinkDestroy(state));
    ensure!(info_filled as usize <= LOG_SIZE, "CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES came back as {info_filled}");
    Ok((module, Linked { cubin, wall_time_ms, info_log }))
}

/// `check` with the JIT's error log in the message.
fn check_logged(r: CUresult, what: &str, error_log: &[u8]) -> Outcome {
    crate::common::check(r, what).map_err(|e| format!("{} (error log: {:?})", e.message().unwrap_or(""), log_text(error_log)).into())
}

/// Launches squares_kernel (out[i] = i * i + 7, the `+ 7` from link_lib.ptx) into a buffer filled
/// with the sentinel, and checks every element.
fn run_squares(module: CUmodule) -> Outcome {
    const N: usize = 1000;
    let squares = function(module, c"squares_kernel")?;
    let mut out: CUdeviceptr = 0;
    check!(cuMemAlloc(&mut out, N * 4));
    fill_with_sentinel(out, N)?;
    let mut n = N as c_int;
    let mut args: [*mut c_void; 2] = [ptr::addr_of_mut!(out).cast(), ptr::addr_of_mut!(n).cast()];
    check!(cuLaunchKernel(squares, (N as c_uint).div_ceil(128), 1, 1, 128, 1, 1, 0, ptr::null_mut(), args.as_mut_ptr(), ptr::null_mut()));
    let mut host = vec![0i32; N];
    check!(cuMemcpyDtoH(host.as_mut_ptr().cast(), out, N * 4));
    check!(cuMemFree(out));
    check_written("squares_kernel", &host, |i| (i * i + 7) as i32)
}

/// cuLinkCreate with CU_JIT_WALL_TIME, the info and error logs and CU_JIT_LOG_VERBOSE; two PTX
/// inputs; the cubin loads and its kernel, which calls into the other input, runs.
fn link_two_ptx_inputs() -> Outcome {
    in_new_context(|_| {
        let (module, linked) = link_squares()?;
        ensure!(linked.cubin.starts_with(b"\x7fELF"), "cuLinkComplete's output is not an ELF cubin");
        ensure!(linked.wall_time_ms > 0.0 && linked.wall_time_ms.is_finite(), "CU_JIT_WALL_TIME: {} ms", linked.wall_time_ms);
        ensure!(!linked.info_log.is_empty(), "the verbose link left no info log");
        println!(
            "module::link_two_ptx_inputs: {} bytes of cubin in {:.3} ms; info log:\n{}",
            linked.cubin.len(),
            linked.wall_time_ms,
            linked.info_log.trim_end()
        );
        run_squares(module)?;
        check!(cuModuleUnload(module));
        Ok(())
    })
}

/// The linked cubin through cuModuleLoadDataEx with CU_JIT_BINARY_LOADER_THREAD_COUNT = 0 (as
/// many loader threads as CPUs). The option is in headers from CUDA 13.1; a driver from 13.1 on
/// loads with it. An older one does not know it and answers CUDA_ERROR_INVALID_VALUE, as for any
/// option it does not know (seen with driver 580.159.04, CUDA 13.0, for cubin and PTX alike, any
/// value, and from cuLinkCreate too).
#[cfg(not(any(cuda_major = "11", cuda_major = "12", all(cuda_major = "13", cuda_minor = "0"))))]
fn cubin_with_binary_loader_thread_count() -> Outcome {
    in_new_context(|_| {
        let (linked_module, linked) = link_squares()?;
        check!(cuModuleUnload(linked_module));
        let mut version: c_int = 0;
        check!(cuDriverGetVersion(&mut version));
        let mut options = [CU_JIT_BINARY_LOADER_THREAD_COUNT];
        let mut values: [*mut c_void; 1] = [option_value(0)];
        let mut module: CUmodule = ptr::null_mut();
        let r = unsafe { cuModuleLoadDataEx(&mut module, linked.cubin.as_ptr().cast(), 1, options.as_mut_ptr(), values.as_mut_ptr()) };
        println!("module::cubin_with_binary_loader_thread_count: CUDA {version} driver answered {}", crate::common::name(r));
        if version >= 13010 {
            crate::common::check(r, "cuModuleLoadDataEx(CU_JIT_BINARY_LOADER_THREAD_COUNT = 0)")?;
            run_squares(module)?;
            check!(cuModuleUnload(module));
        } else {
            crate::common::expect(
                r,
                CUDA_ERROR_INVALID_VALUE,
                "cuModuleLoadDataEx(CU_JIT_BINARY_LOADER_THREAD_COUNT = 0) on a driver before 13.1",
            )?;
        }
        Ok(())
    })
}
