//! scripts/libclang.sh decides whether bindgen will find libclang, by the rules of clang-sys, its
//! loader; scripts/deps.sh installs libclang when it says none is there. Replayed here on layouts
//! built in temporary folders: a folder stands for `/`, and llvm-config is a script that answers
//! what the test wants (or is missing).
#![cfg(target_os = "linux")]

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One fake machine: a temporary folder standing for `/`, and the variables the search reads.
struct Machine {
    root: PathBuf,
    vars: Vec<(&'static str, String)>,
}

/// What `libclang_find` answered.
#[derive(Debug)]
struct Answer {
    status: i32,
    found: Vec<PathBuf>,
    searched: Vec<PathBuf>,
    rejected: Vec<String>,
    stderr: String,
}

/// The first bytes of an ELF shared object of this machine's word size (all the search reads).
fn elf(bits: usize) -> Vec<u8> {
    let mut bytes = b"\x7fELF".to_vec();
    bytes.push(if bits == 32 { 1 } else { 2 });
    bytes.extend([1, 1, 0]);
    bytes.resize(64, 0);
    bytes
}

const HOST_BITS: usize = usize::BITS as usize;

/// Runs `libclang_find ROOT` and prints what it set, one `kind value` a line; exits with its status.
const FIND: &str = r#"source "$1"; libclang_find "$2"; status=$?
for f in ${LIBCLANG_FOUND[@]+"${LIBCLANG_FOUND[@]}"}; do echo "found $f"; done
for f in ${LIBCLANG_SEARCHED[@]+"${LIBCLANG_SEARCHED[@]}"}; do echo "searched $f"; done
for f in ${LIBCLANG_REJECTED[@]+"${LIBCLANG_REJECTED[@]}"}; do echo "rejected $f"; done
exit $status"#;

impl Machine {
    fn new() -> Machine {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("libcuda-sys-libclang-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        // No llvm-config unless a test provides one.
        let vars = vec![("LLVM_CONFIG_PATH", root.join("no-llvm-config").display().to_string())];
        Machine { root, vars }
    }

    fn at(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes `root/rel` with `bytes`; returns its path.
    fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.at(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, bytes).unwrap();
        path
    }

    /// A shared library for this machine at `root/rel`.
    fn library(&self, rel: &str) -> PathBuf {
        self.write(rel, &elf(HOST_BITS))
    }

    /// A symbolic link `root/rel` → `target`, as a package would install it.
    fn link(&self, rel: &str, target: &str) -> PathBuf {
        let path = self.at(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        symlink(target, &path).unwrap();
        path
    }

    /// `paths` relative to the root, for comparing with layouts.
    fn relative(&self, paths: &[PathBuf]) -> Vec<String> {
        paths.iter().map(|p| p.strip_prefix(&self.root).unwrap_or(p).display().to_string()).collect()
    }

    fn set(&mut self, name: &'static str, value: impl AsRef<Path>) {
        self.vars.retain(|(n, _)| *n != name);
        self.vars.push((name, value.as_ref().display().to_string()));
    }

    /// Makes `script` the llvm-config that the search runs.
    fn llvm_config_script(&mut self, script: &str) {
        let path = self.write("fake/llvm-config", script.as_bytes());
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        self.set("LLVM_CONFIG_PATH", path);
    }

    /// An llvm-config that answers `--prefix` with `prefix`.
    fn llvm_config(&mut self, prefix: &Path) {
        self.llvm_config_script(&format!("#!/bin/sh\n[ \"$1\" = --prefix ] && echo '{}'\n", prefix.display()));
    }

    /// Debian 12's libclang1-14 (the library itself, in the multiarch folder, and its links).
    fn debian_libclang1(&self) {
        self.library("usr/lib/x86_64-linux-gnu/libclang-14.so.14.0.6");
        self.link("usr/lib/x86_64-linux-gnu/libclang-14.so.13", "libclang-14.so.14.0.6");
        self.link("usr/lib/x86_64-linux-gnu/libclang-14.so.1", "libclang-14.so.13");
        self.link("usr/lib/llvm-14/lib/libclang-14.so.1", "../../x86_64-linux-gnu/libclang-14.so.1");
        self.link("usr/lib/llvm-14/lib/libclang.so.1", "libclang-14.so.1");
    }

    /// Debian 12's libclang-cpp14, which a fresh machine of this project's kind has.
    fn debian_libclang_cpp(&self) {
        self.library("usr/lib/llvm-14/lib/libclang-cpp.so.14");
        self.link("usr/lib/x86_64-linux-gnu/libclang-cpp.so.14", "../llvm-14/lib/libclang-cpp.so.14");
        self.library("usr/lib/llvm-14/lib/libLLVM-14.so.1");
        self.library("usr/lib/x86_64-linux-gnu/libLLVM-14.so.1");
    }

    fn find(&self) -> Answer {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/libclang.sh");
        let mut command = Command::new("bash");
        command.args(["-c", FIND, "bash"]).arg(&script).arg(&self.root);
        for name in ["LIBCLANG_PATH", "LLVM_CONFIG_PATH", "LD_LIBRARY_PATH", "LIBRARY_PATH"] {
            command.env_remove(name);
        }
        command.envs(self.vars.iter().map(|(n, v)| (n, v)));
        let out = command.output().expect("bash runs");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let lines = |kind: &str| -> Vec<String> { stdout.lines().filter_map(|l| l.strip_prefix(kind).map(str::to_string)).collect() };
        Answer {
            status: out.status.code().expect("an exit status"),
            found: lines("found ").into_iter().map(PathBuf::from).collect(),
            searched: lines("searched ").into_iter().map(PathBuf::from).collect(),
            rejected: lines("rejected "),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

impl Drop for Machine {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

impl Answer {
    fn assert_missing(&self) {
        assert_eq!(self.status, 1, "{self:#?}");
        assert!(self.found.is_empty(), "{self:#?}");
    }

    fn assert_found(&self, first: &Path) {
        assert_eq!(self.status, 0, "{self:#?}");
        assert_eq!(self.found.first().map(PathBuf::as_path), Some(first), "{self:#?}");
    }

    /// LIBCLANG_PATH set, no usable libclang there: status 2 and a message naming the variable.
    fn assert_variable_error(&self) {
        assert_eq!(self.status, 2, "{self:#?}");
        assert!(self.found.is_empty(), "{self:#?}");
        assert!(self.stderr.contains("LIBCLANG_PATH"), "{self:#?}");
    }
}

#[test]
fn only_libclang_cpp_is_missing() {
    // A fresh Debian 12 machine: LLVM 14 and libclang-cpp14, no libclang1-14.
    let mut m = Machine::new();
    m.debian_libclang_cpp();
    let answer = m.find();
    answer.assert_missing();
    assert!(answer.rejected.iter().any(|r| r.contains("libclang-cpp.so.14") && r.contains("C++")), "{answer:#?}");
    // llvm-config names the folder that holds it: still missing.
    m.llvm_config(&m.at("usr/lib/llvm-14"));
    let answer = m.find();
    answer.assert_missing();
    assert_eq!(answer.searched[1], m.at("usr/lib/llvm-14/lib"));
    // Every name with "-cpp." is refused, whatever follows.
    m.library("usr/lib/llvm-14/lib/libclang-cpp.so");
    m.library("usr/lib/libclang-cpp.so.15.0");
    m.find().assert_missing();
}

#[test]
fn debian_libclang1_is_present() {
    let m = Machine::new();
    m.debian_libclang_cpp();
    m.debian_libclang1();
    let answer = m.find();
    assert_eq!(answer.status, 0, "{answer:#?}");
    let found = m.relative(&answer.found);
    // /usr/lib*/*/* comes before /usr/lib*/*: llvm-14/lib first, then the multiarch folder.
    assert_eq!(
        found,
        [
            "usr/lib/llvm-14/lib/libclang-14.so.1",
            "usr/lib/llvm-14/lib/libclang.so.1",
            "usr/lib/x86_64-linux-gnu/libclang-14.so.1",
            "usr/lib/x86_64-linux-gnu/libclang-14.so.13",
            "usr/lib/x86_64-linux-gnu/libclang-14.so.14.0.6",
        ]
    );
}

#[test]
fn versioned_names_are_present() {
    let m = Machine::new();
    let lib = m.library("usr/lib/x86_64-linux-gnu/libclang-14.so.13");
    m.find().assert_found(&lib);
    for name in ["libclang.so", "libclang-18.so", "libclang.so.1", "libclang-17.0.6.so"] {
        let m = Machine::new();
        let lib = m.library(&format!("usr/lib/llvm-18/lib/{name}"));
        m.find().assert_found(&lib);
    }
}

#[test]
fn names_libclang_does_not_go_by_are_missing() {
    let m = Machine::new();
    for name in ["libclang.a", "libclangBasic.a", "libclang_shared.so", "clang.so", "libclang.dylib", "libLLVM-14.so.1"] {
        m.library(&format!("usr/lib/llvm-14/lib/{name}"));
    }
    // Names are matched case-sensitively (only the folders are not).
    m.library("usr/lib/LIBCLANG.SO");
    m.find().assert_missing();
}

#[test]
fn files_that_are_no_library_for_this_machine_are_missing() {
    let m = Machine::new();
    m.write("usr/lib/libclang.so", b"INPUT(libclang.so.1)\n");
    m.write("usr/lib/libclang-14.so", &elf(if HOST_BITS == 64 { 32 } else { 64 }));
    m.write("usr/lib/libclang.so.1", b"");
    m.link("usr/lib/libclang.so.2", "nowhere/libclang.so.2");
    fs::create_dir_all(m.at("usr/lib/libclang-15.so")).unwrap();
    let answer = m.find();
    answer.assert_missing();
    assert_eq!(answer.rejected.len(), 5, "{answer:#?}");
    assert!(answer.rejected.iter().any(|r| r.contains("libclang-14.so: an ELF object of the other word size")), "{answer:#?}");
}

#[test]
fn folders_beyond_the_default_patterns_are_not_searched() {
    let m = Machine::new();
    m.library("usr/lib/llvm-14/lib/deeper/libclang.so");
    m.library("opt/llvm/lib/libclang.so");
    m.library("lib/x86_64-linux-gnu/libclang-14.so.13");
    m.library("usr/share/libclang.so");
    m.find().assert_missing();
}

#[test]
fn default_folder_patterns_are_searched_in_order() {
    let m = Machine::new();
    // Folders match case-insensitively: /usr/local/llvm*/lib* finds LLVM-19/Lib64.
    let order = [
        "usr/local/LLVM-19/Lib64/libclang.so",
        "usr/local/lib/llvm-18/lib/libclang.so",
        "usr/local/lib64/llvm/libclang.so",
        "usr/local/lib/libclang.so",
        "usr/lib64/llvm17/lib/libclang.so",
        "usr/lib32/x/libclang.so",
        "usr/lib/libclang.so",
    ];
    // Created in reverse, so that creation order cannot explain the answer.
    for rel in order.iter().rev() {
        m.library(rel);
    }
    let answer = m.find();
    let found = m.relative(&answer.found);
    assert_eq!(found, order);
}

#[test]
fn llvm_config_then_ld_library_path_then_library_path_come_first() {
    let mut m = Machine::new();
    let default = m.library("usr/lib/llvm-14/lib/libclang.so.1");
    let prefix = m.library("opt/llvm-20/lib64/libclang-20.so");
    let ld = m.library("elsewhere/ld/libclang.so");
    let gcc = m.library("elsewhere/gcc/libclang.so");
    m.llvm_config(&m.at("opt/llvm-20"));
    m.set("LD_LIBRARY_PATH", format!("{}:{}", m.at("nothing-here").display(), ld.parent().unwrap().display()));
    m.set("LIBRARY_PATH", gcc.parent().unwrap());
    let answer = m.find();
    assert_eq!(answer.found[..4], [prefix, ld, gcc, default]);
    let searched = m.relative(&answer.searched[..6]);
    assert_eq!(searched, ["opt/llvm-20/bin", "opt/llvm-20/lib", "opt/llvm-20/lib64", "nothing-here", "elsewhere/ld", "elsewhere/gcc"]);
}

#[test]
fn a_failing_llvm_config_is_skipped() {
    let mut m = Machine::new();
    m.llvm_config_script("#!/bin/sh\necho /usr\nexit 1\n");
    let answer = m.find();
    answer.assert_missing();
    assert!(!answer.searched.contains(&PathBuf::from("/usr/lib")), "{answer:#?}");
}

#[test]
fn libclang_path_folder_with_libclang_is_present() {
    let mut m = Machine::new();
    let lib = m.library("toolchains/llvm/lib/libclang.so");
    m.set("LIBCLANG_PATH", lib.parent().unwrap());
    let answer = m.find();
    answer.assert_found(&lib);
    assert_eq!(answer.searched, [lib.parent().unwrap()]);
}

#[test]
fn libclang_path_naming_the_file_is_present() {
    let mut m = Machine::new();
    m.library("toolchains/llvm/lib/libclang.so");
    let lib = m.library("toolchains/llvm/lib/libclang-18.so.18.1");
    m.set("LIBCLANG_PATH", &lib);
    let answer = m.find();
    answer.assert_found(&lib);
    assert_eq!(answer.found.len(), 1, "only the file named: {answer:#?}");
}

#[test]
fn libclang_path_without_libclang_is_an_error() {
    let mut m = Machine::new();
    // A usable libclang in a default folder does not matter: the variable is the only place.
    m.debian_libclang1();
    let cpp = m.library("toolchains/llvm/lib/libclang-cpp.so.14");
    m.set("LIBCLANG_PATH", cpp.parent().unwrap());
    let answer = m.find();
    answer.assert_variable_error();
    assert!(answer.stderr.contains(&format!("LIBCLANG_PATH={}", cpp.parent().unwrap().display())), "{answer:#?}");
    assert!(answer.stderr.contains("libclang-cpp.so.14: clang's C++ library"), "{answer:#?}");
    // Naming the C++ library itself, a folder that does not exist, a non-library, or nothing.
    for value in [cpp.clone(), m.at("no/such/folder"), m.write("toolchains/notes.txt", b"libclang")] {
        m.set("LIBCLANG_PATH", &value);
        m.find().assert_variable_error();
    }
    m.set("LIBCLANG_PATH", "");
    let answer = m.find();
    answer.assert_variable_error();
    assert!(answer.stderr.contains("set but empty"), "{answer:#?}");
}

#[test]
fn libclang_path_with_a_library_for_another_machine_is_an_error() {
    let mut m = Machine::new();
    let lib = m.write("arm/lib/libclang.so", &elf(if HOST_BITS == 64 { 32 } else { 64 }));
    m.set("LIBCLANG_PATH", lib.parent().unwrap());
    let answer = m.find();
    answer.assert_variable_error();
    assert!(answer.stderr.contains("other word size"), "{answer:#?}");
}

#[test]
fn folder_names_with_glob_characters_are_taken_literally() {
    let mut m = Machine::new();
    m.library("weird/a/libclang.so");
    let dir = m.at("weird/[a]");
    fs::create_dir_all(&dir).unwrap();
    m.set("LIBCLANG_PATH", &dir);
    m.find().assert_variable_error();
    m.set("LD_LIBRARY_PATH", &dir);
    m.vars.retain(|(n, _)| *n != "LIBCLANG_PATH");
    m.find().assert_missing();
}
