//! Kernel parameters, as the guide's "Kernel Parameters" section passes them: an array of
//! pointers (`kernelParams`), or one buffer packed with its ALIGN_UP code and handed over in
//! `extra` (CU_LAUNCH_PARAM_BUFFER_POINTER / CU_LAUNCH_PARAM_BUFFER_SIZE / CU_LAUNCH_PARAM_END).
//! The kernels of tests/fixtures/params.ptx write every field back, so each offset is checked.

use crate::common::{fixture_with_nul, function, in_new_context, Outcome, Test};
use core::ffi::c_void;
use core::mem::{align_of, offset_of, size_of};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::Failed;

pub const TESTS: &[Test] = &[
    ("params::kernel_params_array", kernel_params_array),
    ("params::extra_buffer_packed_with_align_up", extra_buffer_packed_with_align_up),
    ("params::struct_with_padding_by_value", struct_with_padding_by_value),
    ("params::kernel_params_and_extra_together_is_invalid_value", kernel_params_and_extra_together_is_invalid_value),
];

/// CUDA's `float4`: 16 bytes, aligned to 16.
#[repr(C, align(16))]
#[derive(Clone, Copy, Debug, PartialEq)]
struct Float4 {
    x: f32,
    y: f32,
    z: f32,
    w: f32,
}

/// CUDA's `float2`: 8 bytes, aligned to 8.
#[repr(C, align(8))]
#[derive(Clone, Copy, Debug, PartialEq)]
struct Float2 {
    x: f32,
    y: f32,
}

/// The guide's `typedef struct { float f; float4 f4; } myStruct;`: on the device `f4` sits at
/// offset 16, after 12 bytes of padding, and the struct takes 32 bytes. `repr(C)` lays it out
/// the same way.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
struct MyStruct {
    f: f32,
    f4: Float4,
}

const _: () = assert!(size_of::<Float4>() == 16 && align_of::<Float4>() == 16);
const _: () = assert!(size_of::<Float2>() == 8 && align_of::<Float2>() == 8);
const _: () = assert!(offset_of!(MyStruct, f4) == 16 && size_of::<MyStruct>() == 32 && align_of::<MyStruct>() == 16);

/// What all_fields writes back (48 bytes): i, f4, c (as int), f, 4 bytes of zero, p, f2.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq)]
struct AllFields {
    i: i32,
    f4: [f32; 4],
    c: i32,
    f: f32,
    zero: u32,
    p: u64,
    f2: [f32; 2],
}

const _: () = assert!(size_of::<AllFields>() == 48 && offset_of!(AllFields, p) == 32);

/// The arguments all_fields(int i, float4 f4, char c, float f, int *p, float2 f2) gets.
struct AllFieldsArgs {
    i: i32,
    f4: Float4,
    /// The fixture's `char` is signed (it loads it with `ld.param.s8`), as on the x86_64 host it
    /// was compiled on; `c_char` is unsigned on aarch64 Linux.
    c: i8,
    f: f32,
    p: CUdeviceptr,
    f2: Float2,
}

impl AllFieldsArgs {
    fn new(p: CUdeviceptr) -> Self {
        AllFieldsArgs {
            i: -123_456,
            f4: Float4 { x: 1.5, y: -2.25, z: 3.125, w: 1.0e20 },
            c: -7,
            f: 6.0625,
            p,
            f2: Float2 { x: 7.5, y: -8.75 },
        }
    }

    /// The `kernelParams` array: one pointer per argument, in the kernel's order.
    fn kernel_params(&mut self) -> [*mut c_void; 6] {
        [
            ptr::addr_of_mut!(self.i).cast(),
            ptr::addr_of_mut!(self.f4).cast(),
            ptr::addr_of_mut!(self.c).cast(),
            ptr::addr_of_mut!(self.f).cast(),
            ptr::addr_of_mut!(self.p).cast(),
            ptr::addr_of_mut!(self.f2).cast(),
        ]
    }

    fn expected(&self) -> AllFields {
        AllFields {
            i: self.i,
            f4: [self.f4.x, self.f4.y, self.f4.z, self.f4.w],
            c: self.c as i32,
            f: self.f,
            zero: 0,
            p: self.p,
            f2: [self.f2.x, self.f2.y],
        }
    }
}

/// The guide's `ALIGN_UP(offset, alignment)`.
fn align_up(offset: usize, alignment: usize) -> usize {
    (offset + alignment - 1) & !(alignment - 1)
}

/// The guide's `ADD_TO_PARAM_BUFFER(value, alignment)`: pads the buffer to `alignment`, appends
/// the value's bytes, and returns the offset it went to. For types without padding bytes.
fn add_to_param_buffer<T: Copy>(buffer: &mut Vec<u8>, value: &T, alignment: usize) -> usize {
    let offset = align_up(buffer.len(), alignment);
    buffer.resize(offset, 0);
    buffer.extend_from_slice(unsafe { core::slice::from_raw_parts((value as *const T).cast::<u8>(), size_of::<T>()) });
    offset
}

/// `extra` for a packed buffer, as the guide builds it.
fn extra_for(buffer: &mut [u8], size: &mut usize) -> [*mut c_void; 5] {
    [
        CU_LAUNCH_PARAM_BUFFER_POINTER,
        buffer.as_mut_ptr().cast(),
        CU_LAUNCH_PARAM_BUFFER_SIZE,
        (size as *mut usize).cast(),
        CU_LAUNCH_PARAM_END,
    ]
}

/// Loads params.ptx in a new context, hands `body` the module and a 64-byte output buffer
/// filled with 0xAB, and frees both.
fn with_params_module(body: impl FnOnce(CUmodule, CUdeviceptr) -> Outcome) -> Outcome {
    in_new_context(|_| {
        let ptx = fixture_with_nul("params.ptx")?;
        let mut module: CUmodule = ptr::null_mut();
        check!(cuModuleLoadData(&mut module, ptx.as_ptr().cast()));
        let mut out: CUdeviceptr = 0;
        check!(cuMemAlloc(&mut out, 64));
        check!(cuMemsetD8(out, 0xAB, 64));
        let outcome = body(module, out);
        check!(cuMemFree(out));
        check!(cuModuleUnload(module));
        outcome
    })
}

fn read_back<T: Copy>(from: CUdeviceptr) -> Result<T, Failed> {
    let mut value = core::mem::MaybeUninit::<T>::uninit();
    check!(cuMemcpyDtoH(value.as_mut_ptr().cast(), from, size_of::<T>()));
    // Every byte of T came from the device.
    Ok(unsafe { value.assume_init() })
}

/// all_fields through `kernelParams`: one pointer per argument.
fn kernel_params_array() -> Outcome {
    with_params_module(|module, out| {
        let mut a = AllFieldsArgs::new(out);
        let mut kernel_params = a.kernel_params();
        let all_fields = function(module, c"all_fields")?;
        check!(cuLaunchKernel(all_fields, 1, 1, 1, 1, 1, 1, 0, ptr::null_mut(), kernel_params.as_mut_ptr(), ptr::null_mut()));
        let got: AllFields = read_back(out)?;
        ensure!(got == a.expected(), "all_fields wrote {got:?}, expected {:?}", a.expected());
        Ok(())
    })
}

/// all_fields through `extra`: the guide's packing puts i at 0, f4 at 16 (ALIGN_UP to 16),
/// c at 32, f at 36, the device pointer at 40 and f2 at 48 (ALIGN_UP to 8): 56 bytes.
fn extra_buffer_packed_with_align_up() -> Outcome {
    with_params_module(|module, out| {
        let a = AllFieldsArgs::new(out);
        let mut buffer: Vec<u8> = Vec::with_capacity(1024);
        let offsets = [
            add_to_param_buffer(&mut buffer, &a.i, align_of::<i32>()),
            add_to_param_buffer(&mut buffer, &a.f4, 16),
            add_to_param_buffer(&mut buffer, &a.c, align_of::<i8>()),
            add_to_param_buffer(&mut buffer, &a.f, align_of::<f32>()),
            add_to_param_buffer(&mut buffer, &a.p, align_of::<CUdeviceptr>()),
            add_to_param_buffer(&mut buffer, &a.f2, 8),
        ];
        ensure!(offsets == [0, 16, 32, 36, 40, 48] && buffer.len() == 56, "packed at {offsets:?}, {} bytes", buffer.len());
        let mut size = buffer.len();
        let mut extra = extra_for(&mut buffer, &mut size);
        let all_fields = function(module, c"all_fields")?;
        check!(cuLaunchKernel(all_fields, 1, 1, 1, 1, 1, 1, 0, ptr::null_mut(), ptr::null_mut(), extra.as_mut_ptr()));
        let got: AllFields = read_back(out)?;
        ensure!(got == a.expected(), "all_fields wrote {got:?}, expected {:?}", a.expected());
        Ok(())
    })
}

/// The guide's myStruct by value, with f4 at offset 16 after the device's 12 bytes of padding:
/// through `kernelParams` (a pointer to the struct) and through `extra` (packed at alignment 16,
/// the padding zeroed).
fn struct_with_padding_by_value() -> Outcome {
    with_params_module(|module, out| {
        let my_struct_fields = function(module, c"my_struct_fields")?;
        let expected = [0.75f32, -1.5, 2.5, -3.5, 4.5];
        let mut s = MyStruct { f: expected[0], f4: Float4 { x: expected[1], y: expected[2], z: expected[3], w: expected[4] } };
        let mut out_arg = out;

        let mut kernel_params: [*mut c_void; 2] = [ptr::addr_of_mut!(s).cast(), ptr::addr_of_mut!(out_arg).cast()];
        check!(cuLaunchKernel(my_struct_fields, 1, 1, 1, 1, 1, 1, 0, ptr::null_mut(), kernel_params.as_mut_ptr(), ptr::null_mut()));
        let got: [f32; 5] = read_back(out)?;
        ensure!(got == expected, "through kernelParams my_struct_fields wrote {got:?}, expected {expected:?}");

        // Packed by hand: the struct's bytes field by field (its padding is no value to copy),
        // at alignment 16; then the pointer.
        check!(cuMemsetD8(out, 0xAB, 64));
        let mut buffer: Vec<u8> = Vec::with_capacity(1024);
        let base = align_up(buffer.len(), align_of::<MyStruct>());
        buffer.resize(base + size_of::<MyStruct>(), 0);
        buffer[base + offset_of!(MyStruct, f)..][..4].copy_from_slice(&s.f.to_ne_bytes());
        let f4 = [s.f4.x, s.f4.y, s.f4.z, s.f4.w];
        for (k, v) in f4.iter().enumerate() {
            buffer[base + offset_of!(MyStruct, f4) + 4 * k..][..4].copy_from_slice(&v.to_ne_bytes());
        }
        let out_offset = add_to_param_buffer(&mut buffer, &out_arg, align_of::<CUdeviceptr>());
        ensure!(out_offset == 32 && buffer.len() == 40, "the pointer went to {out_offset}, {} bytes", buffer.len());
        let mut size = buffer.len();
        let mut extra = extra_for(&mut buffer, &mut size);
        check!(cuLaunchKernel(my_struct_fields, 1, 1, 1, 1, 1, 1, 0, ptr::null_mut(), ptr::null_mut(), extra.as_mut_ptr()));
        let got: [f32; 5] = read_back(out)?;
        ensure!(got == expected, "through extra my_struct_fields wrote {got:?}, expected {expected:?}");
        Ok(())
    })
}

/// Both `kernelParams` and `extra` at once: CUDA_ERROR_INVALID_VALUE, and nothing runs.
fn kernel_params_and_extra_together_is_invalid_value() -> Outcome {
    with_params_module(|module, out| {
        let mut a = AllFieldsArgs::new(out);
        let mut kernel_params = a.kernel_params();
        let mut buffer: Vec<u8> = Vec::new();
        add_to_param_buffer(&mut buffer, &a.i, 4);
        add_to_param_buffer(&mut buffer, &a.f4, 16);
        add_to_param_buffer(&mut buffer, &a.c, 1);
        add_to_param_buffer(&mut buffer, &a.f, 4);
        add_to_param_buffer(&mut buffer, &a.p, 8);
        add_to_param_buffer(&mut buffer, &a.f2, 8);
        let mut size = buffer.len();
        let mut extra = extra_for(&mut buffer, &mut size);
        let all_fields = function(module, c"all_fields")?;
        expect!(
            CUDA_ERROR_INVALID_VALUE,
            cuLaunchKernel(all_fields, 1, 1, 1, 1, 1, 1, 0, ptr::null_mut(), kernel_params.as_mut_ptr(), extra.as_mut_ptr())
        );
        check!(cuCtxSynchronize());
        let untouched: [u8; 48] = read_back(out)?;
        ensure!(untouched.iter().all(|&b| b == 0xAB), "the refused launch wrote to the output: {untouched:?}");
        Ok(())
    })
}
