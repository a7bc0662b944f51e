//! Batched copies (CUDA 12.8): `cuMemcpyBatchAsync` with attributes per copy (host to device,
//! device to device and device to host in one batch) and `cuMemcpy3DBatchAsync` of boxes between
//! pitched buffers. CUDA 13's headers map both names to the `_v2` functions, which lost the
//! `failIdx` argument of CUDA 12.8's.

use crate::common::{GatedTest, Ran};

pub const TESTS: &[GatedTest] = &[
    ("batch::memcpy_batch_with_attributes_per_copy", imp::memcpy_batch_with_attributes_per_copy),
    ("batch::memcpy_3d_batch_of_boxes", imp::memcpy_3d_batch_of_boxes),
];

#[cfg(any(cuda_major = "11", all(cuda_major = "12", not(any(cuda_minor = "8", cuda_minor = "9")))))]
mod imp {
    use super::*;
    use crate::common::headers_lack;

    pub fn memcpy_batch_with_attributes_per_copy() -> Ran {
        headers_lack("cuMemcpyBatchAsync (CUDA 12.8)")
    }

    pub fn memcpy_3d_batch_of_boxes() -> Ran {
        headers_lack("cuMemcpy3DBatchAsync (CUDA 12.8)")
    }
}

#[cfg(not(any(cuda_major = "11", all(cuda_major = "12", not(any(cuda_minor = "8", cuda_minor = "9"))))))]
mod imp {
    use super::*;
    use crate::common::{
        alloc_with_sentinel, check_written, driver_older_than, first_device, in_new_context, mem_location, new_stream, read_back, SENTINEL,
    };
    use libcuda_sys::*;
    use libtest_mimic::Completion;

    /// Per-copy attributes: the source's access order, location hints, flags.
    fn attributes(order: CUmemcpySrcAccessOrder, src: CUmemLocation, dst: CUmemLocation, flags: u32) -> CUmemcpyAttributes {
        CUmemcpyAttributes { srcAccessOrder: order, srcLocHint: src, dstLocHint: dst, flags }
    }

    /// In one cuMemcpyBatchAsync on a stream of its own, 256 KiB each: host to device (the source
    /// read during the call: overwritten as soon as the call returns, the device must hold what it
    /// was before), device to device (in stream order, preferring overlap with compute), device to
    /// host (in stream order). Three attributes, one per copy, through attrsIdxs 0, 1, 2. Every
    /// destination was filled with the sentinel and is checked in full.
    pub fn memcpy_batch_with_attributes_per_copy() -> Ran {
        skip_if!(driver_older_than(12080, "cuMemcpyBatchAsync"));
        in_new_context(|_| {
            const N: usize = 1 << 16;
            let device = first_device()?;
            let (host, on_device) = (mem_location(CU_MEM_LOCATION_TYPE_HOST, 0), mem_location(CU_MEM_LOCATION_TYPE_DEVICE, device));
            let stream = new_stream()?;
            let a = |i: usize| (i as u32).wrapping_mul(7) | 0x1000_0000;
            let b = |i: usize| (i as u32).wrapping_mul(11) | 0x2000_0000;
            let d = |i: usize| (i as u32).wrapping_mul(13) | 0x3000_0000;
            let mut h_src: Vec<u32> = (0..N).map(a).collect();
            let mut h_dst: Vec<u32> = vec![SENTINEL; N];
            let d_a = alloc_with_sentinel(N)?;
            let d_b = alloc_with_sentinel(N)?;
            let d_c = alloc_with_sentinel(N)?;
            let d_d = alloc_with_sentinel(N)?;
            check!(cuMemcpyHtoD(d_b, (0..N).map(b).collect::<Vec<u32>>().as_ptr().cast(), N * 4));
            check!(cuMemcpyHtoD(d_d, (0..N).map(d).collect::<Vec<u32>>().as_ptr().cast(), N * 4));

            let mut dsts: [CUdeviceptr; 3] = [d_a, d_c, h_dst.as_mut_ptr() as CUdeviceptr];
            let mut srcs: [CUdeviceptr; 3] = [h_src.as_ptr() as CUdeviceptr, d_b, d_d];
            let mut sizes: [usize; 3] = [N * 4; 3];
            let mut attrs = [
                attributes(CU_MEMCPY_SRC_ACCESS_ORDER_DURING_API_CALL, host, on_device, 0),
                attributes(CU_MEMCPY_SRC_ACCESS_ORDER_STREAM, on_device, on_device, CU_MEMCPY_FLAG_PREFER_OVERLAP_WITH_COMPUTE.0),
                attributes(CU_MEMCPY_SRC_ACCESS_ORDER_STREAM, on_device, host, 0),
            ];
            let mut indices: [usize; 3] = [0, 1, 2];
            #[cfg(cuda_major = "12")]
            {
                let mut fail_index: usize = 0;
                check!(cuMemcpyBatchAsync(
                    dsts.as_mut_ptr(),
                    srcs.as_mut_ptr(),
                    sizes.as_mut_ptr(),
                    3,
                    attrs.as_mut_ptr(),
                    indices.as_mut_ptr(),
                    3,
                    &mut fail_index,
                    stream
                ));
            }
            #[cfg(not(cuda_major = "12"))]
            check!(cuMemcpyBatchAsync(
                dsts.as_mut_ptr(),
                srcs.as_mut_ptr(),
                sizes.as_mut_ptr(),
                3,
                attrs.as_mut_ptr(),
                indices.as_mut_ptr(),
                3,
                stream
            ));
            // The host source was read during the call: what it holds now must not arrive.
            h_src.iter_mut().for_each(|w| *w = !*w);
            check!(cuStreamSynchronize(stream));
            check_written("host to device (source read during the call)", &read_back::<u32>(d_a, N)?, a)?;
            check_written("device to device", &read_back::<u32>(d_c, N)?, b)?;
            check_written("device to host", &h_dst, d)?;
            for memory in [d_a, d_b, d_c, d_d] {
                check!(cuMemFree(memory));
            }
            check!(cuStreamDestroy(stream));
            Ok(())
        })?;
        Ok(Completion::Completed)
    }

    /// A pointer operand: `ptr` with rows of `row` bytes and layers of `layer` rows (0: packed as
    /// the copy's extent).
    fn operand(ptr: CUdeviceptr, row: usize, layer: usize, hint: CUmemLocation) -> CUmemcpy3DOperand {
        CUmemcpy3DOperand {
            type_: CU_MEMCPY_OPERAND_TYPE_POINTER,
            op: CUmemcpy3DOperand_st__bindgen_ty_1 {
                ptr: CUmemcpy3DOperand_st__bindgen_ty_1__bindgen_ty_1 { ptr, rowLength: row, layerHeight: layer, locHint: hint },
            },
        }
    }

    /// Two 3-D copies in one cuMemcpy3DBatchAsync (pointer to pointer: widths and row lengths in
    /// bytes): a 16 x 10 x 3 box of a 40 x 24 x 6 device tensor at (5, 7, 2), packed into a buffer
    /// of its size; and a packed 12 x 5 x 2 box from the host into a 20 x 8 x 4 device tensor at
    /// (3, 2, 1). Both destinations were filled with the sentinel; the first is the box in every
    /// element, the second the box where it lies and the sentinel everywhere else.
    pub fn memcpy_3d_batch_of_boxes() -> Ran {
        skip_if!(driver_older_than(12080, "cuMemcpy3DBatchAsync"));
        in_new_context(|_| {
            let device = first_device()?;
            let (host, on_device) = (mem_location(CU_MEM_LOCATION_TYPE_HOST, 0), mem_location(CU_MEM_LOCATION_TYPE_DEVICE, device));
            let stream = new_stream()?;
            // Source tensor and the box read from it.
            let (sw, sh, sd) = (40usize, 24usize, 6usize);
            let (bw, bh, bd, at) = (16usize, 10usize, 3usize, (5usize, 7usize, 2usize));
            let s = |x: usize, y: usize, z: usize| (0x2000_0000 + z * 100_000 + y * 1000 + x) as u32;
            let source: Vec<u32> = (0..sw * sh * sd).map(|i| s(i % sw, i / sw % sh, i / (sw * sh))).collect();
            let d_source = alloc_with_sentinel(source.len())?;
            check!(cuMemcpyHtoD(d_source, source.as_ptr().cast(), source.len() * 4));
            let d_packed = alloc_with_sentinel(bw * bh * bd)?;
            // Host box and the tensor it goes into.
            let (tw, th, td) = (20usize, 8usize, 4usize);
            let (hw, hh, hd, to) = (12usize, 5usize, 2usize, (3usize, 2usize, 1usize));
            let h = |x: usize, y: usize, z: usize| (0x3000_0000 + z * 100_000 + y * 1000 + x) as u32;
            let host_box: Vec<u32> = (0..hw * hh * hd).map(|i| h(i % hw, i / hw % hh, i / (hw * hh))).collect();
            let d_tensor = alloc_with_sentinel(tw * th * td)?;

            let offset = |(x, y, z): (usize, usize, usize), w: usize, hgt: usize| ((z * hgt + y) * w + x) * 4;
            let mut ops = [
                CUDA_MEMCPY3D_BATCH_OP {
                    src: operand(d_source + offset(at, sw, sh) as CUdeviceptr, sw * 4, sh, on_device),
                    dst: operand(d_packed, 0, 0, on_device),
                    extent: CUextent3D { width: bw * 4, height: bh, depth: bd },
                    srcAccessOrder: CU_MEMCPY_SRC_ACCESS_ORDER_STREAM,
                    flags: 0,
                },
                CUDA_MEMCPY3D_BATCH_OP {
                    src: operand(host_box.as_ptr() as CUdeviceptr, 0, 0, host),
                    dst: operand(d_tensor + offset(to, tw, th) as CUdeviceptr, tw * 4, th, on_device),
                    extent: CUextent3D { width: hw * 4, height: hh, depth: hd },
                    srcAccessOrder: CU_MEMCPY_SRC_ACCESS_ORDER_STREAM,
                    flags: 0,
                },
            ];
            #[cfg(cuda_major = "12")]
            {
                let mut fail_index: usize = 0;
                check!(cuMemcpy3DBatchAsync(ops.len(), ops.as_mut_ptr(), &mut fail_index, 0, stream));
            }
            #[cfg(not(cuda_major = "12"))]
            check!(cuMemcpy3DBatchAsync(ops.len(), ops.as_mut_ptr(), 0, stream));
            check!(cuStreamSynchronize(stream));

            let packed: Vec<u32> = read_back(d_packed, bw * bh * bd)?;
            check_written("the box copied out of the device tensor", &packed, |i| {
                s(at.0 + i % bw, at.1 + i / bw % bh, at.2 + i / (bw * bh))
            })?;
            let tensor: Vec<u32> = read_back(d_tensor, tw * th * td)?;
            let wrong: Vec<usize> = (0..tensor.len())
                .filter(|&i| {
                    let (x, y, z) = (i % tw, i / tw % th, i / (tw * th));
                    let inside = (to.0..to.0 + hw).contains(&x) && (to.1..to.1 + hh).contains(&y) && (to.2..to.2 + hd).contains(&z);
                    tensor[i] != if inside { h(x - to.0, y - to.1, z - to.2) } else { SENTINEL }
                })
                .collect();
            ensure!(
                wrong.is_empty(),
                "the device tensor after the host box was copied in: {} of {} elements wrong, first [{}] = {:#010x}",
                wrong.len(),
                tensor.len(),
                wrong[0],
                tensor[wrong[0]]
            );
            for memory in [d_source, d_packed, d_tensor] {
                check!(cuMemFree(memory));
            }
            check!(cuStreamDestroy(stream));
            Ok(())
        })?;
        Ok(Completion::Completed)
    }
}
