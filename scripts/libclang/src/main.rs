//! Asks clang-sys, the loader bindgen uses, whether it can load libclang here: prints the path it
//! loaded and exits 0, or prints clang-sys's own explanation and exits 1. scripts/deps/libclang.sh
//! installs libclang exactly when this says there is none.

fn main() {
    match clang_sys::load() {
        Ok(()) => match clang_sys::get_library() {
            Some(library) => println!("{}", library.path().display()),
            None => {
                eprintln!("clang-sys loaded libclang but cannot say from where");
                std::process::exit(1);
            }
        },
        Err(message) => {
            eprintln!("{message}");
            std::process::exit(1);
        }
    }
}
