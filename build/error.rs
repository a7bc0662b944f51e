//! The build script's one error type and its one way to stop: one `cargo:warning` line that names
//! the problem, then on stderr what was tried and what to do, then the `HOST=... TARGET=...` line,
//! and exit status 1 (no panic, no backtrace). Every stage returns `Result<_, Error>`; only `main`
//! calls [`stop`].

use crate::config::Config;

#[derive(Debug)]
pub enum Error {
    /// A complete message whose first line is the summary (discovery explains what it searched).
    Explained(String),
    /// libclang is missing or does not load: bindgen's message.
    #[cfg(feature = "bindgen")]
    Libclang(String),
    /// A stage failed: what failed, and the details.
    Failed { summary: String, details: String },
}

impl Error {
    pub fn failed(summary: impl Into<String>, details: impl Into<String>) -> Error {
        Error::Failed { summary: summary.into(), details: details.into() }
    }

    /// The whole message, without the `HOST=... TARGET=...` line.
    pub fn message(&self) -> String {
        match self {
            Error::Explained(message) => message.clone(),
            #[cfg(feature = "bindgen")]
            Error::Libclang(loader_message) => {
                format!(
                    "libcuda-sys: libclang, which bindgen needs to read cuda.h, could not be loaded\n\n{}",
                    libclang_help(loader_message)
                )
            }
            Error::Failed { summary, details } => format!("libcuda-sys: {summary}\n\n{}", details.trim_end()),
        }
    }
}

/// `result.context("what failed")`: a stage's own error text becomes the details of an [`Error`].
pub trait Context<T> {
    fn context(self, summary: &str) -> Result<T, Error>;
}

impl<T> Context<T> for Result<T, String> {
    fn context(self, summary: &str) -> Result<T, Error> {
        self.map_err(|details| Error::failed(summary, details))
    }
}

/// Prints the error (the summary as a Cargo warning, the rest on stderr) and exits with status 1.
pub fn stop(config: &Config, error: Error) -> ! {
    let message = error.message();
    // Cargo names the package in front of the warning already.
    let summary = message.lines().next().unwrap_or_default();
    println!("cargo:warning={}", summary.trim_start_matches("libcuda-sys: "));
    eprintln!("\n{}\n\n{}\n", message.trim_end(), config.whoami());
    std::process::exit(1);
}

/// What to do when libclang does not load.
#[cfg(feature = "bindgen")]
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
