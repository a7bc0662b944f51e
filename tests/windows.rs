//! Windows, with `dynamic-loading`: which `nvcuda.dll` a program opens, checked where NVIDIA's
//! driver is absent (CI runs these under Wine). Each case runs in a process of its own, as the
//! library is opened once per process: the test re-executes this binary with the case named in
//! `LIBCUDA_SYS_WINDOWS_TEST_CHILD`.
//!
//! - Without the driver, every call answers `CUDA_ERROR_NO_DEVICE` and `load_error` names
//!   `nvcuda.dll` (ignored where the system folder holds the driver's `nvcuda.dll`).
//! - A planted `nvcuda.dll`, whose `DllMain` leaves a mark file, is loaded when
//!   `LIBCUDA_SYS_DRIVER_PATH` names it (so the mark can appear), and is not loaded by default
//!   from beside the program or from the current directory: the default comes from the system
//!   folder only (see the `dynamic` module). scripts/test.sh builds it with mingw
//!   and names it in `LIBCUDA_SYS_TEST_PLANTED_DLL`; without it these cases are ignored.
//!
//! On other targets this binary has no tests.

#[cfg(all(windows, feature = "dynamic-loading"))]
#[path = "support/no_driver.rs"]
mod no_driver;

#[cfg(all(windows, feature = "dynamic-loading"))]
mod cases {
    use libcuda_sys::*;
    use libtest_mimic::{Arguments, Failed, Trial};
    use std::path::{Path, PathBuf};
    use std::process::Command;
    use std::{env, fs};

    const CHILD: &str = "LIBCUDA_SYS_WINDOWS_TEST_CHILD";
    /// The planted DLL (built by scripts/test.sh).
    const PLANTED: &str = "LIBCUDA_SYS_TEST_PLANTED_DLL";
    /// Where the planted DLL's `DllMain` writes its mark.
    const MARK: &str = "LIBCUDA_SYS_TEST_MARK";

    /// The driver's `nvcuda.dll`, where NVIDIA's installer puts it.
    fn system_nvcuda() -> PathBuf {
        let root = env::var_os("SystemRoot").map_or_else(|| PathBuf::from(r"C:\Windows"), PathBuf::from);
        root.join("System32").join("nvcuda.dll")
    }

    fn check(ok: bool, what: String) -> Result<(), Failed> {
        if ok {
            Ok(())
        } else {
            Err(what.into())
        }
    }

    /// Runs `exe` as the child `case`, in `cwd`, with the variables given (`None`: removed);
    /// whether it succeeded, and what it printed.
    fn spawn(exe: &Path, case: &str, cwd: &Path, vars: &[(&str, Option<&Path>)]) -> Result<(bool, String), Failed> {
        let mut cmd = Command::new(exe);
        cmd.env(CHILD, case).current_dir(cwd);
        for (name, value) in vars {
            match value {
                Some(v) => cmd.env(name, v),
                None => cmd.env_remove(name),
            };
        }
        let out = cmd.output().map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        Ok((out.status.success() && text.contains("child ok"), format!("child {case} ({}):\n{text}", out.status)))
    }

    /// The same; an error unless the child succeeded.
    fn run_child(exe: &Path, case: &str, cwd: &Path, vars: &[(&str, Option<&Path>)]) -> Result<String, Failed> {
        let (ok, text) = spawn(exe, case, cwd, vars)?;
        check(ok, format!("failed: {text}"))?;
        Ok(text)
    }

    /// A folder of its own under the temp dir, with `bin/` (a copy of this program and a planted
    /// `nvcuda.dll` beside it) and `cwd/` (another planted `nvcuda.dll`).
    struct Plants {
        root: PathBuf,
        exe: PathBuf,
        cwd: PathBuf,
    }

    impl Plants {
        fn new(case: &str, planted: &Path) -> Result<Plants, Failed> {
            let root = env::temp_dir().join(format!("libcuda-sys-{case}-{}", std::process::id()));
            let (bin, cwd) = (root.join("bin"), root.join("cwd"));
            let io = |e: std::io::Error| Failed::from(format!("cannot set up {}: {e}", root.display()));
            fs::create_dir_all(&bin).map_err(io)?;
            fs::create_dir_all(&cwd).map_err(io)?;
            let exe = bin.join("windows-test.exe");
            fs::copy(env::current_exe().map_err(io)?, &exe).map_err(io)?;
            fs::copy(planted, bin.join("nvcuda.dll")).map_err(io)?;
            fs::copy(planted, cwd.join("nvcuda.dll")).map_err(io)?;
            Ok(Plants { root, exe, cwd })
        }
    }

    impl Drop for Plants {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.root);
        }
    }

    fn planted() -> Option<PathBuf> {
        env::var_os(PLANTED).filter(|v| !v.is_empty()).map(PathBuf::from)
    }

    fn without_the_driver() -> Result<(), Failed> {
        let exe = env::current_exe().map_err(|e| e.to_string())?;
        let text = run_child(&exe, "no_driver", &env::temp_dir(), &[(dynamic::PATH_VARIABLE, None)])?;
        print!("{}", text.lines().filter(|l| l.starts_with("load_error")).map(|l| format!("{l}\n")).collect::<String>());
        Ok(())
    }

    fn the_variable_loads_a_planted_dll() -> Result<(), Failed> {
        let planted = planted().ok_or("no planted DLL")?;
        let plants = Plants::new("explicit", &planted)?;
        let (mark, dll) = (plants.root.join("mark"), plants.cwd.join("nvcuda.dll"));
        run_child(&plants.exe, "explicit", &plants.cwd, &[(dynamic::PATH_VARIABLE, Some(&dll)), (MARK, Some(&mark))])?;
        let text =
            fs::read_to_string(&mark).map_err(|e| format!("the planted DLL named in {} left no mark: {e}", dynamic::PATH_VARIABLE))?;
        println!("mark: {}", text.trim());
        Ok(())
    }

    fn planted_dlls_are_not_loaded_by_default() -> Result<(), Failed> {
        let planted = planted().ok_or("no planted DLL")?;
        let plants = Plants::new("default", &planted)?;
        let mark = plants.root.join("mark");
        let (ok, text) = spawn(&plants.exe, "default_with_plants", &plants.cwd, &[(dynamic::PATH_VARIABLE, None), (MARK, Some(&mark))])?;
        if let Ok(loaded) = fs::read_to_string(&mark) {
            return Err(format!("{}; {text}", loaded.trim()).into());
        }
        check(ok, format!("no plant was loaded, but the child failed: {text}"))
    }

    /// What a child checks; panics (a non-zero exit) when a check fails.
    fn child(case: &str) {
        match case {
            "no_driver" => {
                assert_eq!(dynamic::DEFAULT_LIBRARY, "nvcuda.dll");
                let why = super::no_driver::every_call_answers_no_device();
                assert!(why.contains("nvcuda.dll"), "{why}");
            }
            "explicit" => {
                let path = PathBuf::from(env::var_os(dynamic::PATH_VARIABLE).expect("set by the parent"));
                // The plant exports no driver function: it is open, and each function is missing.
                assert_eq!(unsafe { cuInit(0) }, CUDA_ERROR_NOT_FOUND);
                assert_eq!(dynamic::load_error(), None);
                assert_eq!(dynamic::library_path(), path);
            }
            "default_with_plants" => {
                let r = unsafe { cuInit(0) };
                if system_nvcuda().exists() {
                    assert_eq!(dynamic::load_error(), None);
                } else {
                    assert_eq!(r, CUDA_ERROR_NO_DEVICE, "{:?}", dynamic::load_error());
                }
            }
            other => panic!("no child case {other}"),
        }
        println!("child ok");
    }

    pub fn main() {
        if let Some(case) = env::var_os(CHILD) {
            child(&case.to_string_lossy());
            return;
        }
        let no_plant = planted().is_none();
        let trials = vec![
            Trial::test("without_the_driver_every_call_answers_no_device", without_the_driver).with_ignored_flag(system_nvcuda().exists()),
            Trial::test("the_variable_loads_a_planted_dll", the_variable_loads_a_planted_dll).with_ignored_flag(no_plant),
            Trial::test("planted_dlls_are_not_loaded_by_default", planted_dlls_are_not_loaded_by_default).with_ignored_flag(no_plant),
        ];
        if system_nvcuda().exists() {
            eprintln!("windows: {} exists, so the case without the driver is ignored", system_nvcuda().display());
        }
        if no_plant {
            eprintln!("windows: {PLANTED} is unset (scripts/test.sh builds the planted DLL), so the planted-DLL cases are ignored");
        }
        libtest_mimic::run(&Arguments::from_args(), trials).exit();
    }
}

fn main() {
    #[cfg(all(windows, feature = "dynamic-loading"))]
    cases::main();
    #[cfg(not(all(windows, feature = "dynamic-loading")))]
    libtest_mimic::run(&libtest_mimic::Arguments::from_args(), Vec::new()).exit();
}
