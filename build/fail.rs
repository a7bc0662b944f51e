//! The build script's one error type and its one way to stop: one `cargo:warning` line that names
//! the problem, then on stderr what was tried and what to do, and exit status 1 (no panic, no
//! backtrace). Every step returns `Result<_, Error>`; only `main` calls [`stop`].

use crate::env;

pub enum Error {
    /// A complete message (first line the summary, last line [`whoami`]), as discovery explains
    /// what it searched.
    Explained(String),
    /// libclang is missing or does not load: bindgen's message.
    Libclang(String),
    /// A step failed: what failed, and the details.
    Failed { summary: String, details: String },
}

impl Error {
    pub fn failed(summary: impl Into<String>, details: impl Into<String>) -> Error {
        Error::Failed { summary: summary.into(), details: details.into() }
    }
}

/// `result.context("what failed")`: a step's own error text becomes the details of an [`Error`].
pub trait Context<T> {
    fn context(self, summary: &str) -> Result<T, Error>;
}

impl<T> Context<T> for Result<T, String> {
    fn context(self, summary: &str) -> Result<T, Error> {
        self.map_err(|details| Error::failed(summary, details))
    }
}

/// Prints the error (the summary as a Cargo warning, the details on stderr) and exits with status 1.
pub fn stop(error: Error) -> ! {
    let message = match error {
        Error::Explained(message) => message,
        Error::Libclang(loader_message) => {
            with_whoami("libclang, which bindgen needs to read cuda.h, could not be loaded", &libclang_help(&loader_message))
        }
        Error::Failed { summary, details } => with_whoami(&summary, &details),
    };
    // Cargo names the package in front of the warning already.
    let summary = message.lines().next().unwrap_or_default();
    println!("cargo:warning={}", summary.trim_start_matches("libcuda-sys: "));
    eprintln!("\n{}\n", message.trim_end());
    std::process::exit(1);
}

fn with_whoami(summary: &str, details: &str) -> String {
    format!("libcuda-sys: {summary}\n\n{}\n\n{}", details.trim_end(), whoami())
}

/// The line every failure ends with.
pub fn whoami() -> String {
    format!("HOST={} TARGET={} libcuda-sys {}", env::cargo("HOST"), env::cargo("TARGET"), env::cargo("CARGO_PKG_VERSION"))
}

/// What to do when libclang does not load.
fn libclang_help(loader_message: &str) -> String {
    format!(
        "bindgen said: {}\n\n\
         Install libclang, or point LIBCLANG_PATH at the folder that holds libclang.so / libclang.dll:\n  \
         Debian, Ubuntu:  apt install libclang-dev\n  \
         Fedora, RHEL:    dnf install clang-devel\n  \
         Arch:            pacman -S clang\n  \
         macOS:           xcode-select --install   (or: brew install llvm; LIBCLANG_PATH=$(brew --prefix llvm)/lib)\n  \
         Windows:         winget install LLVM.LLVM   (LIBCLANG_PATH=C:\\Program Files\\LLVM\\bin)",
        loader_message.trim()
    )
}
