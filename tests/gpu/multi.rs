//! What the tests past one GPU and one process share: tests that find at run time that the
//! hardware or a library they need is missing (reported as ignored, with the reason), a second
//! process (this test binary run again as `--child ROLE ARGS...`), handles written as hex for a
//! command line, and the kernels of tests/fixtures/pattern.ptx.

use crate::common::Outcome;
use core::ffi::{c_int, c_void};
use core::ptr;
use libcuda_sys::*;
use libtest_mimic::{Completion, Failed};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use crate::common::{launch_fill_pattern as fill_pattern, pattern, seed, GatedTest, Ran, PATTERN_PTX};

/// A part this binary plays in a second process, `--child ROLE ARGS...`: its name and its body,
/// which gets the arguments after the role.
pub type ChildRole = (&'static str, fn(&[String]) -> Outcome);

const CHILD_FLAG: &str = "--child";

/// What the tests fill an output buffer with before a launch: every element the launch writes
/// must differ from it afterwards. As a float it is a NaN, never a sum.
pub const SENTINEL: u32 = 0xFFFF_FFFF;

/// When this process was started as `--child ROLE ARGS...`, plays that role and exits: status 0
/// when it succeeded, else 1 after one line on stderr. Otherwise returns.
pub fn serve_child(roles: &[ChildRole]) {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) != Some(CHILD_FLAG) {
        return;
    }
    let role = args.get(2).map(String::as_str).unwrap_or_default();
    let Some((_, body)) = roles.iter().find(|(name, _)| *name == role) else {
        let known: Vec<&str> = roles.iter().map(|(name, _)| *name).collect();
        eprintln!("{CHILD_FLAG} {role:?}: no such role (known: {})", known.join(", "));
        std::process::exit(2);
    };
    match body(&args[3..]) {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("{role} child: {}", e.message().unwrap_or("failed"));
            std::process::exit(1);
        }
    }
}

/// `Some(ignored)` when this machine has fewer than `needed` devices, with the count as reason.
pub fn fewer_gpus_than(needed: c_int) -> Result<Option<Completion>, Failed> {
    check!(cuInit(0));
    let mut count: c_int = 0;
    check!(cuDeviceGetCount(&mut count));
    Ok((count < needed).then(|| Completion::ignored_with(format!("needs {needed} GPUs; this machine has {count}"))))
}

/// `Ok` when every element differs from SENTINEL and is `pattern(i, seed)`; else how many are
/// not, and the first.
pub fn check_pattern(values: &[u32], seed: u32, what: &str) -> Outcome {
    let wrong: Vec<usize> = (0..values.len()).filter(|&i| values[i] == SENTINEL || values[i] != pattern(i, seed)).collect();
    if let Some(&i) = wrong.first() {
        let left = if values[i] == SENTINEL { " (the sentinel: never written)" } else { "" };
        return Err(format!(
            "{what}: {} of {} elements wrong, first [{i}] = {:#010x}{left}, expected {:#010x}",
            wrong.len(),
            values.len(),
            values[i],
            pattern(i, seed)
        )
        .into());
    }
    Ok(())
}

/// tests/fixtures/pattern.ptx, loaded into the current context.
pub fn load_pattern_module() -> Result<CUmodule, Failed> {
    let mut module: CUmodule = ptr::null_mut();
    check!(cuModuleLoadData(&mut module, PATTERN_PTX.as_ptr().cast()));
    Ok(module)
}

/// Launches spin_ns(ns) on `stream`: one thread that returns once `ns` nanoseconds have passed.
pub fn spin(module: CUmodule, stream: CUstream, ns: u64) -> Outcome {
    let function = crate::common::function(module, c"spin_ns")?;
    let mut ns = ns;
    let mut args: [*mut c_void; 1] = [ptr::addr_of_mut!(ns).cast()];
    check!(cuLaunchKernel(function, 1, 1, 1, 1, 1, 1, 0, stream, args.as_mut_ptr(), ptr::null_mut()));
    Ok(())
}

/// A handle made of bytes only (CUipcMemHandle, CUipcEventHandle) as hex, for a command line.
pub fn to_hex<T: Copy>(handle: &T) -> String {
    // SAFETY: T is a plain C struct of bytes; every byte of it is initialized.
    let bytes = unsafe { core::slice::from_raw_parts(ptr::from_ref(handle).cast::<u8>(), core::mem::size_of::<T>()) };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The handle `to_hex` wrote.
pub fn from_hex<T: Copy + Default>(text: &str) -> Result<T, Failed> {
    let size = core::mem::size_of::<T>();
    if text.len() != 2 * size || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{text:?} is not {size} bytes in hex").into());
    }
    let mut handle = T::default();
    // SAFETY: T is a plain C struct of bytes, so that any byte values make a valid T.
    let bytes = unsafe { core::slice::from_raw_parts_mut(ptr::from_mut(&mut handle).cast::<u8>(), size) };
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Ok(handle)
}

/// A child's arguments, parsed: `parse(&args[1], "n")?`.
pub fn parse<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, Failed> {
    text.parse().map_err(|_| format!("{what}: {text:?} is not a number").into())
}

/// In a child: waits until the parent writes `line` on its standard input.
pub fn wait_for_parent(line: &str) -> Outcome {
    let mut got = String::new();
    std::io::stdin().read_line(&mut got).map_err(|e| format!("reading stdin: {e}"))?;
    ensure!(got.trim_end() == line, "the parent said {got:?}, expected {line:?}");
    Ok(())
}

/// In a child: one line to the parent, on standard output.
pub fn tell_parent(line: &str) -> Outcome {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").and_then(|()| out.flush()).map_err(|e| format!("writing stdout: {e}").into())
}

/// This test binary, running again as `--child ROLE ARGS...`: its standard input and output are
/// a line protocol with the test, its standard error is kept for the failure message. It is
/// killed when its time is up or when this value is dropped before it ended.
pub struct Helper {
    role: &'static str,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    stdout: Option<JoinHandle<()>>,
    stderr: Option<JoinHandle<String>>,
    deadline: Instant,
    ended: bool,
}

impl Helper {
    /// Starts `ROLE ARGS...` with `env` added to this process's environment.
    pub fn spawn(role: &'static str, args: &[String], env: &[(&str, &str)], limit: Duration) -> Result<Helper, Failed> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find this test binary to run it again: {e}"))?;
        let mut child = Command::new(&exe)
            .arg(CHILD_FLAG)
            .arg(role)
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {} {CHILD_FLAG} {role}: {e}", exe.display()))?;
        let (stdout, mut stderr) = (child.stdout.take().expect("piped"), child.stderr.take().expect("piped"));
        let (sender, lines) = mpsc::channel();
        let stdout = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Ok(Helper {
            role,
            stdin: child.stdin.take(),
            child,
            lines,
            stdout: Some(stdout),
            stderr: Some(stderr),
            deadline: Instant::now() + limit,
            ended: false,
        })
    }

    /// The child's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next line the child prints.
    pub fn line(&mut self) -> Result<String, Failed> {
        match self.lines.recv_timeout(self.deadline.saturating_duration_since(Instant::now())) {
            Ok(line) => Ok(line),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(self.end("did not answer in time")),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(self.end("ended before it answered")),
        }
    }

    /// Fails unless the next line the child prints is `expected`.
    pub fn expect_line(&mut self, expected: &str) -> Outcome {
        let line = self.line()?;
        ensure!(line == expected, "the {} child printed {line:?}, expected {expected:?}", self.role);
        Ok(())
    }

    /// Writes one line to the child's standard input.
    pub fn send(&mut self, line: &str) -> Outcome {
        let written = match self.stdin.as_mut() {
            Some(stdin) => writeln!(stdin, "{line}").and_then(|()| stdin.flush()),
            None => Ok(()),
        };
        written.map_err(|e| self.end(&format!("could not be sent {line:?} ({e})")))
    }

    /// The connection the child makes to `listener`, waited for until the child's time is up.
    pub fn accept(&mut self, listener: &UnixListener) -> Result<UnixStream, Failed> {
        listener.set_nonblocking(true).map_err(|e| format!("listener: {e}"))?;
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).map_err(|e| format!("socket: {e}"))?;
                    return Ok(stream);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(format!("accept: {e}").into()),
            }
            if Instant::now() > self.deadline || !matches!(self.child.try_wait(), Ok(None)) {
                return Err(self.end("did not connect"));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Closes the child's standard input and waits for it to exit with status 0; `Ok` with the
    /// lines it printed that were not read yet.
    pub fn finish(mut self) -> Result<Vec<String>, Failed> {
        drop(self.stdin.take());
        match self.wait() {
            Some(status) if status.success() => {
                if let Some(stdout) = self.stdout.take() {
                    let _ = stdout.join();
                }
                Ok(self.lines.try_iter().collect())
            }
            _ => Err(self.end("failed")),
        }
    }

    /// The exit status, once the child exited or was killed at its deadline.
    fn wait(&mut self) -> Option<ExitStatus> {
        if self.ended {
            return self.child.try_wait().ok().flatten();
        }
        while Instant::now() < self.deadline {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    self.ended = true;
                    return Some(status);
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(_) => break,
            }
        }
        let _ = self.child.kill();
        self.ended = true;
        self.child.wait().ok()
    }

    /// Ends the child (killed at its deadline if still running) and describes what happened:
    /// `what`, its exit status and its standard error.
    fn end(&mut self, what: &str) -> Failed {
        let status = match self.wait() {
            Some(status) => status.to_string(),
            None => "exit status unknown".to_string(),
        };
        let stderr = self.stderr.take().and_then(|t| t.join().ok()).unwrap_or_default();
        let stderr = if stderr.trim().is_empty() { "(nothing on stderr)".to_string() } else { stderr.trim_end().to_string() };
        format!("the {} child process {} {what} ({status}): {stderr}", self.role, self.child.id()).into()
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        if !self.ended {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
