//! The build data: comment lines at the end of every generated `bindings.rs` that carry what the
//! later build stages need and bindgen alone could tell — the library symbols (for the link stub),
//! the driver symbols the C wrappers call (for dynamic-loading), and the files written beside
//! `bindings.rs` (`dynamic.rs`, the C wrappers of static inline functions). A build that reuses a
//! file (`LIBCUDA_SYS_BINDINGS`) reads them back instead of generating.
//!
//! ```text
//! // libcuda-sys build data: read by builds without bindgen (LIBCUDA_SYS_BINDINGS); do not edit.
//! // @functions
//! // cuGetErrorString
//! // @file dynamic.rs
//! // pub const DEFAULT_LIBRARY: &str = "libcuda.so.1";
//! ```

use std::fs;
use std::path::{Path, PathBuf};

/// What the generated file declares and needs beside it, for the later build stages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildData {
    /// The library symbols declared at the crate root, in the order of the header.
    pub functions: Vec<String>,
    /// The library symbols declared in `per_thread` only.
    pub per_thread_functions: Vec<String>,
    /// The driver symbols the C wrappers of static inline functions call (with dynamic-loading,
    /// under their hidden name).
    pub wrapper_calls: Vec<String>,
    /// Files written into `OUT_DIR` beside `bindings.rs`, by name: `dynamic.rs`, and the C
    /// wrappers of static inline functions (`*.c`, compiled into the crate).
    pub files: Vec<(String, String)>,
}

const MARKER: &str = "// libcuda-sys build data: read by builds without bindgen (LIBCUDA_SYS_BINDINGS); do not edit.";

impl BuildData {
    /// Every library symbol the bindings declare, the root's then `per_thread`'s: what the link
    /// stub and the import library export.
    pub fn library_symbols(&self) -> Vec<String> {
        self.functions.iter().chain(&self.per_thread_functions).cloned().collect()
    }

    /// The comment lines that end the generated file.
    pub fn trailer(&self) -> String {
        let mut text = format!("\n{MARKER}\n");
        let mut section = |title: &str, lines: &mut dyn Iterator<Item = &str>| {
            text.push_str(&format!("// @{title}\n"));
            for line in lines {
                text.push_str(&if line.is_empty() { "//\n".to_string() } else { format!("// {line}\n") });
            }
        };
        section("functions", &mut self.functions.iter().map(String::as_str));
        section("per_thread_functions", &mut self.per_thread_functions.iter().map(String::as_str));
        section("wrapper_calls", &mut self.wrapper_calls.iter().map(String::as_str));
        for (name, content) in &self.files {
            section(&format!("file {name}"), &mut content.lines());
        }
        text
    }

    /// Reads the build data back from a whole generated file.
    pub fn read(file: &str) -> Result<BuildData, String> {
        let mut lines = file.lines().skip_while(|l| *l != MARKER);
        if lines.next().is_none() {
            return Err("the file has no build data (it was not written by a build of this crate with bindgen)".into());
        }
        let mut data = BuildData::default();
        let mut current: Option<&mut Vec<String>> = None;
        let mut files: Vec<(String, Vec<String>)> = Vec::new();
        for line in lines {
            let text = line.strip_prefix("//").ok_or_else(|| format!("`{line}` in the build data is no comment"))?;
            let text = text.strip_prefix(' ').unwrap_or(text);
            if let Some(title) = text.strip_prefix('@') {
                current = Some(match title {
                    "functions" => &mut data.functions,
                    "per_thread_functions" => &mut data.per_thread_functions,
                    "wrapper_calls" => &mut data.wrapper_calls,
                    _ => {
                        let name = title.strip_prefix("file ").ok_or_else(|| format!("unknown build data section `{title}`"))?;
                        files.push((name.to_string(), Vec::new()));
                        &mut files.last_mut().expect("just pushed").1
                    }
                });
                continue;
            }
            current.as_mut().ok_or("build data before its first section")?.push(text.to_string());
        }
        data.files = files.into_iter().map(|(name, lines)| (name, lines.iter().map(|l| format!("{l}\n")).collect())).collect();
        Ok(data)
    }

    /// Writes [`BuildData::files`] into `out_dir`; returns the C files among them.
    pub fn write_files(&self, out_dir: &Path) -> Result<Vec<PathBuf>, String> {
        let mut c_files = Vec::new();
        for (name, content) in &self.files {
            let path = out_dir.join(name);
            fs::write(&path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            if name.ends_with(".c") {
                c_files.push(path);
            }
        }
        Ok(c_files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_data_reads_back() {
        let data = BuildData {
            functions: vec!["cuInit".into(), "cuDriverGetVersion".into()],
            per_thread_functions: vec!["cuMemcpy_ptds".into()],
            wrapper_calls: vec![],
            files: vec![("dynamic.rs".into(), "const A: u8 = 1;\n\nconst B: u8 = 2;\n".into()), ("x.c".into(), "int x;\n".into())],
        };
        let file = format!("pub const X: u32 = 1;\n{}", data.trailer());
        assert_eq!(BuildData::read(&file), Ok(data.clone()));
        assert_eq!(data.library_symbols(), ["cuInit", "cuDriverGetVersion", "cuMemcpy_ptds"]);
        assert!(BuildData::read("pub const X: u32 = 1;\n").unwrap_err().contains("no build data"));
    }
}
