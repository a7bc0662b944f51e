//! Variables that lead nowhere, headers too old, nothing anywhere: what the search says.

use super::*;

#[test]
fn variable_at_missing_directory_is_bad_variable() {
    let mut m = Machine::new();
    m.header("usr/local/cuda/include", 12040); // never reached
    m.set("CUDA_ROOT", m.at("missing"));
    match m.headers() {
        Err(HeaderError::BadVariable { var, value, problem }) => {
            assert_eq!((var.as_str(), value), ("CUDA_ROOT", m.at("missing").display().to_string()));
            assert_eq!(problem, format!("directory {} does not exist", m.at("missing").display()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn variable_at_directory_without_cuda_h_is_bad_variable() {
    let mut m = Machine::new();
    fs::create_dir_all(m.at("empty")).unwrap();
    m.set("LIBCUDA_SYS_INCLUDE_DIR", m.at("empty"));
    let err = m.headers().unwrap_err();
    let HeaderError::BadVariable { var, problem, .. } = &err else { panic!("{err:?}") };
    assert_eq!(var, "LIBCUDA_SYS_INCLUDE_DIR");
    assert_eq!(*problem, format!("{} does not exist", m.at("empty/cuda.h").display()));
    let text = explain(&err);
    assert!(text.starts_with(&format!("libcuda-sys: LIBCUDA_SYS_INCLUDE_DIR={} is not usable", m.at("empty").display())), "{text}");

    m.vars.clear();
    m.set("CUDA_TOOLKIT_ROOT_DIR", m.at("empty"));
    let HeaderError::BadVariable { problem, .. } = m.headers().unwrap_err() else { panic!() };
    assert!(problem.contains(&m.at("empty/include").display().to_string()), "{problem}");
    assert!(problem.contains(&m.at("empty/targets/x86_64-linux/include").display().to_string()), "{problem}");
}

#[test]
fn unreadable_version_is_not_usable() {
    let mut m = Machine::new();
    fs::create_dir_all(m.at("bad/include")).unwrap();
    fs::write(m.at("bad/include/cuda.h"), "/* no version */\n").unwrap();
    m.set("CUDA_PATH", m.at("bad"));
    let HeaderError::BadVariable { problem, .. } = m.headers().unwrap_err() else { panic!() };
    assert!(problem.starts_with("cannot read CUDA_VERSION from"), "{problem}");
    // As a default prefix, it is recorded and the search goes on.
    m.vars.clear();
    fs::create_dir_all(m.at("usr/local")).unwrap();
    fs::rename(m.at("bad"), m.at("usr/local/cuda")).unwrap();
    let inc = m.header("usr/include", 12040);
    let h = m.found();
    assert_eq!(h.include_dir, inc);
    assert!(h.tried.iter().any(|t| t.path == m.at("usr/local/cuda") && t.why_not.contains("no CUDA_VERSION")));
}

#[test]
fn too_old_header() {
    let m = Machine::new();
    let inc = m.header("usr/local/cuda/include", 11040);
    m.header("usr/local/cuda-12.4/include", 12040); // no fall-through to it
    let err = m.headers().unwrap_err();
    let how = format!("default prefix {}", m.at("usr/local/cuda").display());
    let expected = HeaderError::TooOld { path: inc.join("cuda.h"), found: 11040, oldest: OLDEST_SUPPORTED, how };
    assert_eq!(err, expected);
    let text = explain(&err);
    assert!(text.lines().next().unwrap().contains("cuda.h is CUDA 11.4; the oldest supported is CUDA 11.8"), "{text}");
}

#[test]
fn nothing_anywhere() {
    let mut m = Machine::new();
    m.set("PATH", m.at("bin"));
    m.modules = vec!["cuda-12.4".into()];
    m.site_packages = vec![m.at("site")];
    let err = m.headers().unwrap_err();
    let HeaderError::NotFound { tried } = &err else { panic!("{err:?}") };
    let text = explain(&err);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("libcuda-sys: cannot find the CUDA headers"), "{text}");
    // Every place, in order.
    let order = [
        "LIBCUDA_SYS_INCLUDE_DIR",
        "CUDA_PATH",
        "CUDA_HOME",
        "CUDA_ROOT",
        "CUDA_TOOLKIT_ROOT_DIR",
        "pkg-config cuda-12.4",
        "pkg-config cuda",
        "nvcc on PATH",
        "default prefix",
        "default prefix",
        "default prefix",
        "default prefix",
        "default prefix",
        "VIRTUAL_ENV",
        "CONDA_PREFIX",
        "python3 pip wheel",
        "python3 pip wheel",
    ];
    assert_eq!(tried.iter().map(|t| t.what.as_str()).collect::<Vec<_>>(), order);
    let mut at = 0;
    for t in tried {
        let found = lines[at..].iter().position(|l| l.contains(&t.what) && l.contains(&t.why_not));
        at += found.unwrap_or_else(|| panic!("{t:?} missing or out of order in:\n{text}")) + 1;
    }
    for needle in [
        "LIBCUDA_SYS_INCLUDE_DIR",
        "CUDA_PATH",
        "pip install nvidia-cuda-runtime`",
        "pip install nvidia-cuda-runtime-cu12",
        "apt install nvidia-cuda-dev",
    ] {
        assert!(text.contains(needle), "{needle} not in:\n{text}");
    }
    assert!(text.contains(&m.at("usr/local/cuda-X.Y").display().to_string()), "{text}");
}
