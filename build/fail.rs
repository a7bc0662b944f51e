//! Ending the build with a message instead of a panic: one `cargo:warning` line that names the
//! problem, then on stderr what was tried and what to do, and a non-zero exit.

use crate::env;

/// Prints the summary as a Cargo warning and the details on stderr, then exits with status 1.
pub fn die(summary: &str, details: &str) -> ! {
    explained(&format!("libcuda-sys: {summary}\n\n{}\n\n{}", details.trim_end(), whoami()))
}

/// A complete message (first line the summary, last line [`whoami`]): the warning, then stderr.
pub fn explained(message: &str) -> ! {
    // Cargo names the package in front of the warning already.
    let summary = message.lines().next().unwrap_or_default();
    println!("cargo:warning={}", summary.trim_start_matches("libcuda-sys: "));
    eprintln!("\n{}\n", message.trim_end());
    std::process::exit(1);
}

/// The line every failure ends with.
pub fn whoami() -> String {
    format!("HOST={} TARGET={} libcuda-sys {}", env::cargo("HOST"), env::cargo("TARGET"), env::cargo("CARGO_PKG_VERSION"))
}

/// Why bindgen could not run: libclang is missing or does not load.
pub fn libclang(loader_message: &str) -> ! {
    die(
        "libclang, which bindgen needs to read cuda.h, could not be loaded",
        &format!(
            "bindgen said: {}\n\n\
             Install libclang, or point LIBCLANG_PATH at the folder that holds libclang.so / libclang.dll:\n  \
             Debian, Ubuntu:  apt install libclang-dev\n  \
             Fedora, RHEL:    dnf install clang-devel\n  \
             Arch:            pacman -S clang\n  \
             macOS:           xcode-select --install   (or: brew install llvm; LIBCLANG_PATH=$(brew --prefix llvm)/lib)\n  \
             Windows:         winget install LLVM.LLVM   (LIBCLANG_PATH=C:\\Program Files\\LLVM\\bin)",
            loader_message.trim()
        ),
    )
}
