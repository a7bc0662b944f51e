//! A Windows build machine's layout, and a Windows target built on Linux.

use super::*;

#[test]
fn windows_program_files_newest_wins() {
    let m = Machine::windows();
    let toolkits = "Program Files/NVIDIA GPU Computing Toolkit/CUDA";
    m.header(&format!("{toolkits}/v12.4/include"), 12040);
    let inc = m.header(&format!("{toolkits}/v13.0/include"), 13000);
    m.header("usr/local/cuda/include", 12090); // unix prefixes are not looked at
    let h = m.found();
    assert_found(&h, &inc, 13000, &format!("default prefix {}", m.at(&format!("{toolkits}/v13.0")).display()));
    assert!(h.tried.iter().all(|t| !t.path.starts_with(m.at("usr"))));
}

#[test]
fn windows_cuda_path_versioned_variable() {
    let mut m = Machine::windows();
    let toolkits = "Program Files/NVIDIA GPU Computing Toolkit/CUDA";
    let inc = m.header(&format!("{toolkits}/v12.4/include"), 12040);
    m.header(&format!("{toolkits}/v13.0/include"), 13000);
    m.set("CUDA_PATH_V12_4", m.at(&format!("{toolkits}/v12.4")));
    m.set("CUDA_PATH_V11_8", m.at("nowhere")); // older: not looked at
    let how = format!("CUDA_PATH_V12_4={}", m.at(&format!("{toolkits}/v12.4")).display());
    assert_found(&m.found(), &inc, 12040, &how);
}

#[test]
fn windows_nvcc_exe_and_libcuda() {
    let mut m = Machine::windows();
    let inc = m.header("CUDA/v12.4/include", 12040);
    m.file("CUDA/v12.4/bin/nvcc.exe");
    let lib = m.file("CUDA/v12.4/lib/x64/cuda.lib");
    m.set("PATH", format!("{};{}", m.at("elsewhere").display(), m.at("CUDA/v12.4/bin").display()));
    assert_found(&m.found(), &inc, 12040, &format!("nvcc on PATH {}", m.at("CUDA/v12.4/bin/nvcc.exe").display()));
    match m.libcuda().unwrap() {
        Libcuda::Dir { dir, file, .. } => assert_eq!((dir, file.as_str()), (lib, "cuda.lib")),
        other => panic!("{other:?}"),
    }
}

/// A build for Windows on Linux searches the Linux machine: its PATH (`:`, `nvcc`), its prefixes.
#[test]
fn cross_build_for_windows_searches_the_building_machine() {
    let mut m = Machine::for_target("windows", "x86_64");
    let inc = m.header("opt/cuda-13.0/include", 13000);
    m.file("opt/cuda-13.0/bin/nvcc");
    m.set("PATH", format!("{}:{}", m.at("elsewhere").display(), m.at("opt/cuda-13.0/bin").display()));
    assert_found(&m.found(), &inc, 13000, &format!("nvcc on PATH {}", m.at("opt/cuda-13.0/bin/nvcc").display()));
    // No cuda.lib in a Linux toolkit: the build generates the import library.
    assert!(matches!(m.libcuda().unwrap(), Libcuda::Stub { .. }));
    let m = Machine::for_target("windows", "x86_64");
    m.header("usr/local/cuda/include", 12040);
    assert_eq!(m.found().how, format!("default prefix {}", m.at("usr/local/cuda").display()));
}
