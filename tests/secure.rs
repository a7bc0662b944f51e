//! `dynamic-loading` in a privileged program: LIBCUDA_SYS_DRIVER_PATH must not let the user who
//! runs a setuid-root program make it run their own library as root.
//!
//! The program is a copy of this test binary, which, started with the child variable below set,
//! calls `cuInit` through the crate and prints what it saw. The library the variable names is
//! compiled here with the C compiler; its constructor writes the effective user id into a mark
//! file, and it exports a `cuInit` that answers 999.
//!
//! - `setuid_root_ignores_the_variable`: the copy, owned by root with mode 4755, run by an
//!   unprivileged user (uid and gid 65534) with the variable set: no mark appears, the program
//!   runs, and it answers as the default library does for that user (found without
//!   `LD_LIBRARY_PATH`, which the loader ignores in this mode). Needs root to set up; elsewhere it
//!   is reported as ignored.
//! - `without_setuid_the_variable_is_honoured`: the same copy without the setuid bit: the mark
//!   appears with the user's own id, and `cuInit` answers 999.
#[cfg(target_os = "linux")]
fn main() {
    linux::main();
}

/// Secure-execution mode is Linux's; on Windows the DLL search is what matters (src/dynamic.rs).
#[cfg(not(target_os = "linux"))]
fn main() {}

#[cfg(target_os = "linux")]
mod linux {
    use libcuda_sys::*;
    use libtest_mimic::{Arguments, Trial};
    use std::fs;
    use std::os::unix::fs::{chown, PermissionsExt};
    use std::os::unix::process::CommandExt;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// Set in the copy's environment: print what the crate did, instead of running the tests.
    const CHILD: &str = "LIBCUDA_SYS_SECURE_TEST_CHILD";
    /// Where the planted library writes its mark.
    const MARK: &str = "LIBCUDA_SYS_SECURE_TEST_MARK";
    /// The unprivileged user and group the copies run as (nobody, nogroup on Debian).
    const NOBODY: u32 = 65534;

    const PLANTED: &str = r#"
    #include <stdio.h>
    #include <stdlib.h>
    #include <unistd.h>
    __attribute__((constructor)) static void mark(void) {
        const char *path = getenv("LIBCUDA_SYS_SECURE_TEST_MARK");
        FILE *f = path ? fopen(path, "w") : NULL;
        if (f) { fprintf(f, "euid=%d\n", (int)geteuid()); fclose(f); }
    }
    int cuInit(unsigned int flags) { (void)flags; return 999; }
    "#;

    pub fn main() {
        if std::env::var_os(CHILD).is_some() {
            child();
            return;
        }
        let args = Arguments::from_args();
        let root = unsafe { geteuid() } == 0;
        if !root {
            eprintln!("secure: not running as root, so setuid_root_ignores_the_variable is ignored: it must install a setuid-root program");
        }
        let trials = vec![
            Trial::test("setuid_root_ignores_the_variable", || setuid_root_ignores_the_variable().map_err(Into::into))
                .with_ignored_flag(!root),
            Trial::test("without_setuid_the_variable_is_honoured", || without_setuid_the_variable_is_honoured().map_err(Into::into)),
        ];
        libtest_mimic::run(&args, trials).exit();
    }

    extern "C" {
        fn geteuid() -> u32;
        fn getauxval(kind: core::ffi::c_ulong) -> core::ffi::c_ulong;
    }

    /// In the copy: one `key=value` line for each thing the parent checks.
    fn child() {
        let result = unsafe { cuInit(0) };
        println!("euid={}", unsafe { geteuid() });
        println!("at_secure={}", unsafe { getauxval(23) });
        println!("origin={:?}", dynamic::path_origin());
        println!("path={}", dynamic::library_path().display());
        println!("load_error={}", dynamic::load_error().unwrap_or("none"));
        println!("cuInit={}", result.0);
    }

    /// What one run of the copy printed.
    #[derive(Debug, Default)]
    struct Report {
        euid: String,
        at_secure: String,
        origin: String,
        path: String,
        load_error: String,
        cu_init: String,
        /// The mark file's contents, if the planted library ran.
        mark: Option<String>,
    }

    /// A temporary folder with the copy of this binary and the planted library, readable by all.
    struct Setup {
        dir: PathBuf,
        program: PathBuf,
        planted: PathBuf,
        marks: PathBuf,
    }

    impl Setup {
        fn new(name: &str) -> Result<Setup, String> {
            let dir = std::env::temp_dir().join(format!("libcuda-sys-secure-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).map_err(|e| e.to_string())?;
            let program = dir.join("program");
            fs::copy(std::env::current_exe().map_err(|e| e.to_string())?, &program).map_err(|e| format!("copying this binary: {e}"))?;
            let source = dir.join("planted.c");
            fs::write(&source, PLANTED).map_err(|e| e.to_string())?;
            let planted = dir.join("planted.so");
            let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
            let out = Command::new(&cc)
                .args(["-shared", "-fPIC", "-o"])
                .arg(&planted)
                .arg(&source)
                .output()
                .map_err(|e| format!("running the C compiler {cc}: {e}"))?;
            if !out.status.success() {
                return Err(format!("{cc} failed on planted.c:\n{}", String::from_utf8_lossy(&out.stderr)));
            }
            fs::set_permissions(&planted, fs::Permissions::from_mode(0o755)).map_err(|e| e.to_string())?;
            // The mark folder belongs to the user who runs the copy, so that the planted library can
            // write there whichever user it runs as.
            let marks = dir.join("marks");
            fs::create_dir(&marks).map_err(|e| e.to_string())?;
            Ok(Setup { dir, program, planted, marks })
        }

        /// Runs the copy with LIBCUDA_SYS_DRIVER_PATH set to `driver_path` (or unset), as `user`
        /// (uid and gid; None: as this process), without LD_LIBRARY_PATH when `system_loader`.
        fn run(&self, driver_path: Option<&Path>, user: Option<u32>, system_loader: bool) -> Result<Report, String> {
            let mark = self.marks.join("mark");
            let _ = fs::remove_file(&mark);
            let mut command = Command::new(&self.program);
            command.current_dir(&self.dir).env(CHILD, "1").env(MARK, &mark).env_remove(dynamic::PATH_VARIABLE);
            if let Some(path) = driver_path {
                command.env(dynamic::PATH_VARIABLE, path);
            }
            if system_loader {
                command.env_remove("LD_LIBRARY_PATH");
            }
            if let Some(id) = user {
                // std drops the supplementary groups when root changes the user id.
                command.uid(id).gid(id);
            }
            let out = command.output().map_err(|e| format!("running {}: {e}", self.program.display()))?;
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            if !out.status.success() {
                return Err(format!("the program failed ({}):\n{stdout}{}", out.status, String::from_utf8_lossy(&out.stderr)));
            }
            let field = |key: &str| -> Result<String, String> {
                stdout
                    .lines()
                    .find_map(|l| l.strip_prefix(key).and_then(|l| l.strip_prefix('=')))
                    .map(str::to_string)
                    .ok_or_else(|| format!("the program printed no {key}:\n{stdout}"))
            };
            Ok(Report {
                euid: field("euid")?,
                at_secure: field("at_secure")?,
                origin: field("origin")?,
                path: field("path")?,
                load_error: field("load_error")?,
                cu_init: field("cuInit")?,
                mark: fs::read_to_string(&mark).ok(),
            })
        }
    }

    impl Drop for Setup {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }

    fn check(ok: bool, what: &str, report: &Report) -> Result<(), String> {
        if ok {
            Ok(())
        } else {
            Err(format!("{what}\n{report:#?}"))
        }
    }

    fn setuid_root_ignores_the_variable() -> Result<(), String> {
        let setup = Setup::new("setuid")?;
        chown(&setup.marks, Some(NOBODY), Some(NOBODY)).map_err(|e| format!("chown {}: {e}", setup.marks.display()))?;
        // What the default library answers for this user, found the way the loader finds it without
        // LD_LIBRARY_PATH: the answer the setuid program must give.
        let reference = setup.run(None, Some(NOBODY), true)?;
        check(reference.origin == "Default" && reference.mark.is_none(), "the reference run used the default library", &reference)?;

        chown(&setup.program, Some(0), Some(0)).map_err(|e| e.to_string())?;
        fs::set_permissions(&setup.program, fs::Permissions::from_mode(0o4755)).map_err(|e| e.to_string())?;
        let report = setup.run(Some(&setup.planted), Some(NOBODY), false)?;
        println!("setuid root, run by uid {NOBODY}: {report:?}");
        if report.euid != "0" {
            return Err(format!("the setuid bit took no effect here (nosuid mount?), so nothing was tested: {report:?}"));
        }
        check(report.at_secure != "0", "a setuid program runs in secure-execution mode (AT_SECURE)", &report)?;
        check(
            report.mark.is_none(),
            "the library named by LIBCUDA_SYS_DRIVER_PATH ran inside a setuid-root program (its mark file appeared)",
            &report,
        )?;
        check(report.origin == "IgnoredInSecureExecution", "path_origin says the variable was ignored", &report)?;
        check(report.path == dynamic::DEFAULT_LIBRARY, "the default library was opened instead", &report)?;
        check(report.cu_init == reference.cu_init, "cuInit answers as the default library does", &report)?;
        // Opened or not, as for the reference; a failure says the variable was ignored and why.
        check((report.load_error == "none") == (reference.load_error == "none"), "the default library loads as without setuid", &report)?;
        if report.load_error != "none" {
            let e = &report.load_error;
            check(e.contains("ignored") && e.contains("secure-execution") && !e.contains("planted"), "load_error explains", &report)?;
        }
        Ok(())
    }

    fn without_setuid_the_variable_is_honoured() -> Result<(), String> {
        let setup = Setup::new("plain")?;
        // As root, the same unprivileged user as the setuid test; otherwise as this user.
        let root = unsafe { geteuid() } == 0;
        let user = root.then_some(NOBODY);
        if root {
            chown(&setup.marks, Some(NOBODY), Some(NOBODY)).map_err(|e| e.to_string())?;
        }
        let report = setup.run(Some(&setup.planted), user, false)?;
        println!("no setuid bit: {report:?}");
        let euid = user.unwrap_or_else(|| unsafe { geteuid() }).to_string();
        check(report.euid == euid && report.at_secure == "0", "runs as the user who started it", &report)?;
        check(report.mark.as_deref() == Some(&format!("euid={euid}\n")), "the planted library ran, as that user", &report)?;
        check(
            report.origin == "Variable" && report.path == setup.planted.display().to_string(),
            "the variable chose the library",
            &report,
        )?;
        check(report.load_error == "none" && report.cu_init == "999", "calls reach the planted library", &report)?;
        Ok(())
    }
}
