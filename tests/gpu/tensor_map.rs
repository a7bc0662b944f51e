//! Tensor memory access (compute capability 9.0, CUDA 12.0): `cuTensorMapEncodeTiled` for a 2-D
//! box of a row-major tensor, the `CUtensorMap` handed to the kernel by value (a 128-byte
//! parameter aligned to 64, tests/fixtures/tensor_map.ptx), which copies the box global -> shared
//! with the bulk tensor copy and an mbarrier, writes it out densely, and stores it into a second
//! tensor with the bulk tensor copy. Every element is checked: inside the tensor, the source's
//! values; outside, the out-of-bounds fill the map asked for (zeros, or NaN); in the destination
//! tensor, the box where it lies inside, the sentinel everywhere else.

use crate::common::{GatedTest, Ran};

pub const TESTS: &[GatedTest] = &[("tensor_map::tiled_box_through_shared_memory_and_back", imp::tiled_box_through_shared_memory_and_back)];

#[cfg(cuda_major = "11")]
mod imp {
    use super::*;
    use crate::common::headers_lack;

    pub fn tiled_box_through_shared_memory_and_back() -> Ran {
        headers_lack("cuTensorMapEncodeTiled (CUDA 12.0)")
    }
}

#[cfg(not(cuda_major = "11"))]
mod imp {
    use super::*;
    use crate::common::{
        alloc_with_sentinel, compute_capability_below, driver_older_than, fill_with_sentinel, function, in_new_context, new_stream,
        read_back, Outcome, SENTINEL,
    };
    use core::ffi::{c_int, c_uint, c_void};
    use core::ptr;
    use libcuda_sys::*;
    use libtest_mimic::Completion;

    /// tests/fixtures/tensor_map.ptx, NUL-terminated, built in.
    const TENSOR_MAP_PTX: &str = concat!(include_str!("../fixtures/tensor_map.ptx"), "\0");

    /// The tensors: WIDTH x HEIGHT 32-bit elements, rows of 400 bytes (a multiple of 16, as the
    /// encoding needs). The box: BOX_W x BOX_H.
    const WIDTH: usize = 100;
    const HEIGHT: usize = 40;
    const BOX_W: usize = 32;
    const BOX_H: usize = 16;

    /// The source tensor's element at (x, y): neither 0, nor a NaN as a float, nor the sentinel.
    fn source(x: usize, y: usize) -> u32 {
        0x0100_0000 + (y * 1000 + x) as u32
    }

    /// cuTensorMapEncodeTiled of a WIDTH x HEIGHT tensor of 32-bit `data_type` at `address`, the box
    /// BOX_W x BOX_H, with `fill` for the elements outside the tensor. `stride` is the row pitch in
    /// bytes.
    fn encode(data_type: CUtensorMapDataType, address: CUdeviceptr, stride: u64, fill: CUtensorMapFloatOOBfill) -> (CUresult, CUtensorMap) {
        let mut map = CUtensorMap::default();
        let dims: [cuuint64_t; 2] = [WIDTH as u64, HEIGHT as u64];
        let strides: [cuuint64_t; 1] = [stride];
        let box_dims: [cuuint32_t; 2] = [BOX_W as u32, BOX_H as u32];
        let element_strides: [cuuint32_t; 2] = [1, 1];
        let r = unsafe {
            cuTensorMapEncodeTiled(
                &mut map,
                data_type,
                2,
                address as *mut c_void,
                dims.as_ptr(),
                strides.as_ptr(),
                box_dims.as_ptr(),
                element_strides.as_ptr(),
                CU_TENSOR_MAP_INTERLEAVE_NONE,
                CU_TENSOR_MAP_SWIZZLE_NONE,
                CU_TENSOR_MAP_L2_PROMOTION_NONE,
                fill,
            )
        };
        (r, map)
    }

    /// Launches tma_box for the box at (x, y) with one block of 128 threads; checks the dense copy
    /// of the box (`fill_ok` judges the elements outside the tensor) and the whole destination.
    #[allow(clippy::too_many_arguments)]
    fn run_box(
        f: CUfunction,
        stream: CUstream,
        src: &CUtensorMap,
        dst: &CUtensorMap,
        (dst_address, box_address): (CUdeviceptr, CUdeviceptr),
        (x, y): (c_int, c_int),
        fill: &str,
        fill_ok: impl Fn(u32) -> bool,
    ) -> Outcome {
        let words = BOX_W * BOX_H;
        fill_with_sentinel(dst_address, WIDTH * HEIGHT)?;
        fill_with_sentinel(box_address, words)?;
        // By value: the driver copies each parameter's bytes from where these point.
        let (mut src, mut dst, mut box_out, mut x_arg, mut y_arg, mut words_arg) = (*src, *dst, box_address, x, y, words as c_uint);
        let mut params: [*mut c_void; 6] = [
            ptr::addr_of_mut!(src).cast(),
            ptr::addr_of_mut!(dst).cast(),
            ptr::addr_of_mut!(box_out).cast(),
            ptr::addr_of_mut!(x_arg).cast(),
            ptr::addr_of_mut!(y_arg).cast(),
            ptr::addr_of_mut!(words_arg).cast(),
        ];
        let launched = unsafe { cuLaunchKernel(f, 1, 1, 1, 128, 1, 1, 0, stream, params.as_mut_ptr(), ptr::null_mut()) };
        crate::common::check(launched, &format!("cuLaunchKernel(tma_box) for the box at ({x}, {y}), {fill} fill"))?;
        let ran = unsafe { cuStreamSynchronize(stream) };
        crate::common::check(ran, &format!("cuStreamSynchronize after tma_box for the box at ({x}, {y}), {fill} fill"))?;
        let inside = |tx: i64, ty: i64| (0..WIDTH as i64).contains(&tx) && (0..HEIGHT as i64).contains(&ty);

        let got: Vec<u32> = read_back(box_address, words)?;
        let mut wrong = Vec::new();
        let mut outside = 0;
        for (i, &value) in got.iter().enumerate() {
            let (tx, ty) = (x as i64 + (i % BOX_W) as i64, y as i64 + (i / BOX_W) as i64);
            let ok = if inside(tx, ty) {
                value == source(tx as usize, ty as usize)
            } else {
                outside += 1;
                value != SENTINEL && fill_ok(value)
            };
            if !ok {
                wrong.push((i, value));
            }
        }
        ensure!(
            wrong.is_empty(),
            "box at ({x}, {y}), {fill} fill: {} of {words} elements wrong ({outside} outside the tensor), first [{}] = {:#010x}",
            wrong.len(),
            wrong[0].0,
            wrong[0].1
        );

        let got: Vec<u32> = read_back(dst_address, WIDTH * HEIGHT)?;
        let in_box = |tx: usize, ty: usize| {
            let (tx, ty) = (tx as i64, ty as i64);
            (x as i64..x as i64 + BOX_W as i64).contains(&tx) && (y as i64..y as i64 + BOX_H as i64).contains(&ty)
        };
        let wrong: Vec<usize> = (0..WIDTH * HEIGHT)
            .filter(|&i| {
                let (tx, ty) = (i % WIDTH, i / WIDTH);
                got[i] != if in_box(tx, ty) { source(tx, ty) } else { SENTINEL }
            })
            .collect();
        ensure!(
            wrong.is_empty(),
            "destination tensor after the box at ({x}, {y}) was stored: {} of {} elements wrong, first ({}, {}) = {:#010x}",
            wrong.len(),
            WIDTH * HEIGHT,
            wrong[0] % WIDTH,
            wrong[0] / WIDTH,
            got[wrong[0]]
        );
        Ok(())
    }

    /// Boxes inside the tensor, across its right and bottom edges, and at its bottom right corner
    /// (4 x 4 of the box inside), loaded through a map of 32-bit unsigned elements (out of bounds:
    /// zero) and one of 32-bit floats asking for NaN, stored through one of the former; a row pitch
    /// that is not a multiple of 16 is CUDA_ERROR_INVALID_VALUE. Boxes start inside the tensor: one
    /// at (-8, -4) ended tma_box with CUDA_ERROR_ILLEGAL_INSTRUCTION on an H200 (driver 580.159).
    pub fn tiled_box_through_shared_memory_and_back() -> Ran {
        skip_if!(driver_older_than(12000, "cuTensorMapEncodeTiled"));
        skip_if!(compute_capability_below(9, 0, "the bulk tensor copy"));
        in_new_context(|_| {
            let mut module: CUmodule = ptr::null_mut();
            check!(cuModuleLoadData(&mut module, TENSOR_MAP_PTX.as_ptr().cast()));
            let outcome = (|| -> Outcome {
                let f = function(module, c"tma_box")?;
                let stream = new_stream()?;
                let host: Vec<u32> = (0..WIDTH * HEIGHT).map(|i| source(i % WIDTH, i / WIDTH)).collect();
                let src_address = alloc_with_sentinel(WIDTH * HEIGHT)?;
                check!(cuMemcpyHtoD(src_address, host.as_ptr().cast(), host.len() * 4));
                let dst_address = alloc_with_sentinel(WIDTH * HEIGHT)?;
                let box_address = alloc_with_sentinel(BOX_W * BOX_H)?;
                let stride = (WIDTH * 4) as u64;

                let (r, _) = encode(CU_TENSOR_MAP_DATA_TYPE_UINT32, src_address, stride + 4, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
                crate::common::expect(r, CUDA_ERROR_INVALID_VALUE, "cuTensorMapEncodeTiled with rows of 404 bytes")?;

                let kinds = [
                    (CU_TENSOR_MAP_DATA_TYPE_UINT32, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE, "zero"),
                    (CU_TENSOR_MAP_DATA_TYPE_FLOAT32, CU_TENSOR_MAP_FLOAT_OOB_FILL_NAN_REQUEST_ZERO_FMA, "NaN"),
                ];
                // The destination's map: 32-bit unsigned elements, the default fill (a store writes
                // no element outside the tensor, whatever the fill).
                let (r, dst) = encode(CU_TENSOR_MAP_DATA_TYPE_UINT32, dst_address, stride, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE);
                crate::common::check(r, "cuTensorMapEncodeTiled of the destination")?;
                for (data_type, fill, fill_name) in kinds {
                    let (r, src) = encode(data_type, src_address, stride, fill);
                    crate::common::check(r, &format!("cuTensorMapEncodeTiled of the source, {fill_name} fill"))?;
                    for at in [(8, 4), (80, 30), (96, 36)] {
                        let fill_ok = |v: u32| if fill_name == "zero" { v == 0 } else { f32::from_bits(v).is_nan() };
                        run_box(f, stream, &src, &dst, (dst_address, box_address), at, fill_name, fill_ok)?;
                    }
                }
                check!(cuMemFree(src_address));
                check!(cuMemFree(dst_address));
                check!(cuMemFree(box_address));
                check!(cuStreamDestroy(stream));
                Ok(())
            })();
            outcome.and(crate::common::check(unsafe { cuModuleUnload(module) }, "cuModuleUnload"))
        })?;
        Ok(Completion::Completed)
    }

    const _: () = assert!(core::mem::size_of::<CUtensorMap>() == 128 && core::mem::align_of::<CUtensorMap>() >= 64);
}
