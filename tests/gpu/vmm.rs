//! Virtual memory management across processes: physical memory from cuMemCreate, exported as a
//! POSIX file descriptor (cuMemExportToShareableHandle), passed to a child process over a Unix
//! socket (SCM_RIGHTS), imported there (cuMemImportFromShareableHandle) and mapped into an
//! address range of its own (cuMemAddressReserve, cuMemMap, cuMemSetAccess). The child reads what
//! the test wrote, then writes through a kernel what the test reads; both map the same memory.

use crate::common::{first_device, in_new_context, mem_location, mem_location_id, Outcome};
use crate::multi::{
    check_pattern, fill_pattern, load_pattern_module, parse, seed, tell_parent, wait_for_parent, ChildRole, GatedTest, Helper, Ran,
    SENTINEL,
};
use core::ffi::{c_int, c_void};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::{Completion, Failed};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::time::Duration;

pub const TESTS: &[GatedTest] = &[("vmm::child_maps_memory_exported_as_a_file_descriptor", child_maps_exported_memory)];

pub const CHILD: ChildRole = ("vmm", child);

/// 4 MiB of u32, rounded up to the allocation granularity.
const N: usize = 1 << 20;

/// What the test writes before the child looks: not the pattern, not the sentinel.
fn parent_value(i: usize, seed: u32) -> u32 {
    (i as u32 ^ seed) | 0x8000_0000
}

/// Pinned device memory on `device` that can be exported as a POSIX file descriptor.
fn allocation_prop(device: CUdevice) -> CUmemAllocationProp {
    CUmemAllocationProp {
        type_: CU_MEM_ALLOCATION_TYPE_PINNED,
        requestedHandleTypes: CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR,
        location: device_location(device),
        ..Default::default()
    }
}

fn device_location(device: CUdevice) -> CUmemLocation {
    mem_location(CU_MEM_LOCATION_TYPE_DEVICE, device)
}

/// The size to allocate for `N` u32: a multiple of cuMemGetAllocationGranularity's minimum.
fn rounded_size(prop: &CUmemAllocationProp) -> Result<usize, Failed> {
    let mut granularity: usize = 0;
    check!(cuMemGetAllocationGranularity(&mut granularity, prop, CU_MEM_ALLOC_GRANULARITY_MINIMUM));
    ensure!(granularity > 0 && granularity.is_power_of_two(), "allocation granularity {granularity}");
    Ok((N * core::mem::size_of::<u32>()).div_ceil(granularity) * granularity)
}

/// Reserves an address range for `size` bytes, maps `handle` there and lets `device` read and
/// write it.
fn map(handle: CUmemGenericAllocationHandle, size: usize, device: CUdevice) -> Result<CUdeviceptr, Failed> {
    let mut address: CUdeviceptr = 0;
    check!(cuMemAddressReserve(&mut address, size, 0, 0, 0));
    check!(cuMemMap(address, size, 0, handle, 0));
    let access = CUmemAccessDesc { location: device_location(device), flags: CU_MEM_ACCESS_FLAGS_PROT_READWRITE };
    check!(cuMemSetAccess(address, size, &access, 1));
    Ok(address)
}

/// cuMemUnmap, cuMemRelease, cuMemAddressFree.
fn unmap(address: CUdeviceptr, size: usize, handle: CUmemGenericAllocationHandle) -> Outcome {
    check!(cuMemUnmap(address, size));
    check!(cuMemRelease(handle));
    check!(cuMemAddressFree(address, size));
    Ok(())
}

/// `Some(ignored)` when the device cannot export memory as a file descriptor.
fn unsupported(device: CUdevice) -> Result<Option<Completion>, Failed> {
    for (attribute, name) in [
        (CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED, "CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED"),
        (
            CU_DEVICE_ATTRIBUTE_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR_SUPPORTED,
            "CU_DEVICE_ATTRIBUTE_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR_SUPPORTED",
        ),
    ] {
        let mut value: c_int = 0;
        check!(cuDeviceGetAttribute(&mut value, attribute, device));
        if value == 0 {
            return Ok(Some(Completion::ignored_with(format!("device {device}: {name} is 0"))));
        }
    }
    Ok(None)
}

/// The parent: cuMemCreate, mapped here and filled with `parent_value`, exported as a file
/// descriptor and sent to the child, which checks that data and writes the pattern; every element
/// read back here must be the child's.
fn child_maps_exported_memory() -> Ran {
    let device = first_device()?;
    if let Some(ignored) = unsupported(device)? {
        return Ok(ignored);
    }
    in_new_context(|_| {
        let prop = allocation_prop(device);
        let size = rounded_size(&prop)?;
        let mut handle: CUmemGenericAllocationHandle = 0;
        check!(cuMemCreate(&mut handle, size, &prop, 0));
        let address = map(handle, size, device)?;
        let outcome = share_with_child(handle, address, size);
        unmap(address, size, handle).and(outcome)
    })?;
    Ok(Completion::Completed)
}

fn share_with_child(handle: CUmemGenericAllocationHandle, address: CUdeviceptr, size: usize) -> Outcome {
    let seed = seed();
    let mine: Vec<u32> = (0..N).map(|i| parent_value(i, seed)).collect();
    check!(cuMemcpyHtoD(address, mine.as_ptr().cast(), N * core::mem::size_of::<u32>()));
    // From pageable memory the copy may still be in flight when cuMemcpyHtoD returns.
    check!(cuCtxSynchronize());

    let mut fd: c_int = -1;
    check!(cuMemExportToShareableHandle(ptr::addr_of_mut!(fd).cast(), handle, CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR, 0));
    ensure!(fd >= 0, "cuMemExportToShareableHandle gave file descriptor {fd}");
    // SAFETY: the descriptor is new and this process's own; OwnedFd closes it.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };

    let path = std::env::temp_dir().join(format!("libcuda-sys-vmm-{}-{seed:08x}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path).map_err(|e| format!("bind {}: {e}", path.display()))?;
    let outcome = (|| {
        let args = [path.to_string_lossy().into_owned(), size.to_string(), N.to_string(), seed.to_string()];
        let mut child = Helper::spawn("vmm", &args, &[], Duration::from_secs(60))?;
        let socket = child.accept(&listener)?;
        send_fd(&socket, fd.as_raw_fd())?;
        drop(fd);
        child.expect_line("written")?;
        let mut host = vec![0u32; N];
        check!(cuMemcpyDtoH(host.as_mut_ptr().cast(), address, N * core::mem::size_of::<u32>()));
        let checked = check_pattern(&host, seed, &format!("memory written by child process {} through its mapping", child.pid()));
        println!(
            "vmm: {size} bytes from cuMemCreate, exported as a file descriptor, mapped by child process {}: it read this \
             process's data and wrote its own",
            child.pid()
        );
        child.send("done")?;
        child.finish()?;
        checked
    })();
    let _ = std::fs::remove_file(&path);
    outcome
}

/// The child: `SOCKET SIZE N SEED`. Receives the descriptor, imports and maps it, checks the
/// parent's data, fills the sentinel and writes the pattern, says "written", and once told "done"
/// unmaps and releases everything.
fn child(args: &[String]) -> Outcome {
    let [path, size, n, seed] = args else {
        return Err(format!("expected SOCKET SIZE N SEED, got {args:?}").into());
    };
    let (size, n, seed): (usize, usize, u32) = (parse(size, "SIZE")?, parse(n, "N")?, parse(seed, "SEED")?);
    let device = first_device()?;
    let socket = UnixStream::connect(path).map_err(|e| format!("connect {path}: {e}"))?;
    let fd = receive_fd(&socket)?;
    in_new_context(|_| {
        let mut handle: CUmemGenericAllocationHandle = 0;
        // The descriptor goes in the pointer-sized argument itself, as the header says.
        check!(cuMemImportFromShareableHandle(
            &mut handle,
            fd.as_raw_fd() as usize as *mut c_void,
            CU_MEM_HANDLE_TYPE_POSIX_FILE_DESCRIPTOR
        ));
        // The allocation handle keeps the memory; the descriptor is no longer needed.
        drop(fd);
        let mut prop = CUmemAllocationProp::default();
        check!(cuMemGetAllocationPropertiesFromHandle(&mut prop, handle));
        ensure!(
            prop.type_ == CU_MEM_ALLOCATION_TYPE_PINNED
                && prop.location.type_ == CU_MEM_LOCATION_TYPE_DEVICE
                && mem_location_id(&prop.location) == device,
            "the imported allocation's properties: type {:?}, location {:?} {}",
            prop.type_,
            prop.location.type_,
            mem_location_id(&prop.location)
        );
        ensure!(size == rounded_size(&allocation_prop(device))?, "size {size} is not the granularity-rounded size of {n} u32");
        let address = map(handle, size, device)?;
        let outcome = write_through_mapping(address, n, seed);
        unmap(address, size, handle).and(outcome)
    })
}

fn write_through_mapping(address: CUdeviceptr, n: usize, seed: u32) -> Outcome {
    let mut host = vec![0u32; n];
    check!(cuMemcpyDtoH(host.as_mut_ptr().cast(), address, n * core::mem::size_of::<u32>()));
    let wrong = (0..n).filter(|&i| host[i] != parent_value(i, seed)).count();
    ensure!(wrong == 0, "{wrong} of {n} elements differ from what the parent wrote");
    check!(cuMemsetD32(address, SENTINEL, n));
    let module = load_pattern_module()?;
    fill_pattern(module, ptr::null_mut(), address, n, seed)?;
    check!(cuCtxSynchronize());
    check!(cuModuleUnload(module));
    tell_parent("written")?;
    wait_for_parent("done")
}

/// Room for one control message that carries one descriptor, aligned as cmsghdr wants.
fn control_buffer() -> Vec<u64> {
    // SAFETY: CMSG_SPACE only computes a size.
    let space = unsafe { libc::CMSG_SPACE(core::mem::size_of::<c_int>() as u32) } as usize;
    vec![0u64; space.div_ceil(8)]
}

/// sendmsg of one byte with SCM_RIGHTS carrying `fd`.
fn send_fd(socket: &UnixStream, fd: RawFd) -> Outcome {
    let mut byte = [b'f'];
    let mut iov = libc::iovec { iov_base: byte.as_mut_ptr().cast(), iov_len: 1 };
    let mut control = control_buffer();
    // SAFETY: msghdr is plain data; every pointer in it points into buffers that outlive the call.
    let sent = unsafe {
        let mut msg: libc::msghdr = core::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = libc::CMSG_SPACE(core::mem::size_of::<c_int>() as u32) as _;
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(core::mem::size_of::<c_int>() as u32) as _;
        ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<c_int>(), fd);
        libc::sendmsg(socket.as_raw_fd(), &msg, 0)
    };
    ensure!(sent == 1, "sendmsg with SCM_RIGHTS: {}", std::io::Error::last_os_error());
    Ok(())
}

/// recvmsg of the byte and the descriptor `send_fd` sent.
fn receive_fd(socket: &UnixStream) -> Result<OwnedFd, Failed> {
    let mut byte = [0u8];
    let mut iov = libc::iovec { iov_base: byte.as_mut_ptr().cast(), iov_len: 1 };
    let mut control = control_buffer();
    // SAFETY: as in send_fd; the descriptor read is new to this process (MSG_CMSG_CLOEXEC).
    unsafe {
        let mut msg: libc::msghdr = core::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = (control.len() * 8) as _;
        let received = libc::recvmsg(socket.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC);
        ensure!(received == 1, "recvmsg: {} (answered {received})", std::io::Error::last_os_error());
        ensure!(msg.msg_flags & libc::MSG_CTRUNC == 0, "recvmsg: the control message was truncated");
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        ensure!(
            !cmsg.is_null() && (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS,
            "recvmsg: no SCM_RIGHTS message"
        );
        let fd = ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast::<c_int>());
        ensure!(fd >= 0, "recvmsg: descriptor {fd}");
        Ok(OwnedFd::from_raw_fd(fd))
    }
}
