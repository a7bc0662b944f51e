//! The driver library to link against.

use super::*;

/// A machine whose headers come from a toolkit at /usr/local/cuda.
fn with_toolkit() -> Machine {
    let m = Machine::new();
    m.header("usr/local/cuda/include", 12040);
    m
}

fn libcuda_dir(m: &Machine) -> (PathBuf, String, String) {
    match m.libcuda().unwrap() {
        Libcuda::Dir { dir, file, how, .. } => (dir, file, how),
        other => panic!("{other:?}"),
    }
}

#[test]
fn libcuda_explicit_dir() {
    let mut m = with_toolkit();
    m.file("usr/local/cuda/lib64/stubs/libcuda.so");
    let dir = m.file("driver/libcuda.so.1");
    m.set("LIBCUDA_SYS_LIB_DIR", &dir);
    assert_eq!(libcuda_dir(&m), (dir.clone(), "libcuda.so.1".into(), format!("LIBCUDA_SYS_LIB_DIR={}", dir.display())));
}

#[test]
fn libcuda_toolkit_stubs() {
    let m = with_toolkit();
    let stubs = m.file("usr/local/cuda/lib64/stubs/libcuda.so");
    m.file("usr/lib/x86_64-linux-gnu/libcuda.so.1"); // the system driver comes after the toolkit
    assert_eq!(libcuda_dir(&m), (stubs.clone(), "libcuda.so".into(), format!("toolkit stubs {}", stubs.display())));
}

#[test]
fn libcuda_ldconfig_dir() {
    let mut m = with_toolkit();
    let driver = m.file("run/driver/libcuda.so.1");
    m.file("usr/lib/x86_64-linux-gnu/libcuda.so.1");
    m.ldconfig = vec![driver.clone()];
    assert_eq!(libcuda_dir(&m), (driver.clone(), "libcuda.so.1".into(), format!("ldconfig {}", driver.display())));
}

#[test]
fn libcuda_multiarch_dir() {
    let m = with_toolkit();
    let dir = m.file("usr/lib/x86_64-linux-gnu/libcuda.so");
    m.file("usr/lib/x86_64-linux-gnu/libcuda.so.1");
    assert_eq!(libcuda_dir(&m), (dir.clone(), "libcuda.so".into(), format!("system driver {}", dir.display())));
}

#[test]
fn libcuda_nothing_gives_stub() {
    let m = with_toolkit();
    let Libcuda::Stub { tried } = m.libcuda().unwrap() else { panic!() };
    assert_eq!(tried[0].what, "LIBCUDA_SYS_LIB_DIR");
    assert!(tried.iter().any(|t| t.path == m.at("usr/local/cuda/lib64/stubs")));
    assert!(tried.iter().any(|t| t.path == m.at("usr/lib/wsl/lib")));
}

#[test]
fn libcuda_lib_dir_without_library_is_bad_variable() {
    let mut m = with_toolkit();
    m.file("usr/local/cuda/lib64/stubs/libcuda.so"); // never reached
    let dir = m.file("driver/libcudart.so");
    m.set("LIBCUDA_SYS_LIB_DIR", &dir);
    let err = m.libcuda().unwrap_err();
    let HeaderError::BadVariable { var, problem, .. } = &err else { panic!("{err:?}") };
    assert_eq!(var, "LIBCUDA_SYS_LIB_DIR");
    assert_eq!(*problem, format!("{} holds no libcuda.so or libcuda.so.1", dir.display()));
    let text = explain(&err);
    assert!(text.starts_with("libcuda-sys: LIBCUDA_SYS_LIB_DIR="), "{text}");
    assert!(!text.contains("pip install"), "{text}");
}
