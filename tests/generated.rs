//! The generated bindings as Rust code meets them and as a reader meets the file: enums that read
//! like enums, C's names for struct tags, both stream mappings, a formatted file that says what it
//! was generated from. No driver call is made here.

use libcuda_sys::*;

// How the generated file records what it was made from (provenance) and the build data at its end.
#[allow(dead_code)]
#[path = "../build/shared/mod.rs"]
mod shared;
use shared::{build_data, provenance};

/// The generated file itself (this package's OUT_DIR).
const BINDINGS: &str = include_str!(concat!(env!("OUT_DIR"), "/bindings.rs"));

#[test]
fn enumerators_are_associated_constants_usable_in_patterns() {
    let describe = |r: CUresult| match r {
        CUresult::CUDA_SUCCESS => "success",
        CUresult::CUDA_ERROR_NO_DEVICE => "no device",
        _ => "something else",
    };
    assert_eq!(describe(CUDA_ERROR_NO_DEVICE), "no device");
    assert_eq!(describe(CUresult::CUDA_SUCCESS), "success");
    assert_eq!(describe(CUresult(12345)), "something else");
    // The associated constant is the crate-root constant.
    assert_eq!(CUresult::CUDA_ERROR_INVALID_VALUE, CUDA_ERROR_INVALID_VALUE);
    assert_eq!(CUjit_option::CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER);
}

#[test]
fn debug_prints_the_enumerator_name() {
    assert_eq!(format!("{:?}", CUDA_ERROR_NO_DEVICE), "CUDA_ERROR_NO_DEVICE");
    assert_eq!(format!("{:?}", CUDA_SUCCESS), "CUDA_SUCCESS");
    assert_eq!(format!("{:?}", CU_JIT_ERROR_LOG_BUFFER), "CU_JIT_ERROR_LOG_BUFFER");
    // A value the header does not know: the number.
    assert_eq!(format!("{:?}", CUresult(12345)), "12345");
    // Two names for one value: the first the header declares (CU_CTX_BLOCKING_SYNC is the
    // deprecated alias declared after CU_CTX_SCHED_BLOCKING_SYNC).
    assert_eq!(CU_CTX_BLOCKING_SYNC, CU_CTX_SCHED_BLOCKING_SYNC);
    assert_eq!(format!("{:?}", CU_CTX_BLOCKING_SYNC), "CU_CTX_SCHED_BLOCKING_SYNC");
    // In a struct's derived Debug too.
    assert_eq!(format!("{:?}", Some(CUDA_ERROR_NOT_FOUND)), "Some(CUDA_ERROR_NOT_FOUND)");
}

#[test]
fn debug_of_flag_combinations_names_each_flag() {
    assert_eq!(format!("{:?}", CU_CTX_SCHED_BLOCKING_SYNC | CU_CTX_MAP_HOST), "CU_CTX_SCHED_BLOCKING_SYNC | CU_CTX_MAP_HOST");
    // Bits no enumerator names are shown in hex.
    assert_eq!(format!("{:?}", CU_CTX_MAP_HOST | CUctx_flags(0x1000)), "CU_CTX_MAP_HOST | 0x1000");
    // A value one enumerator has is that enumerator, masks included.
    assert_eq!(format!("{:?}", CU_CTX_SCHED_MASK), "CU_CTX_SCHED_MASK");
    assert_eq!(format!("{:?}", CUctx_flags(0)), "CU_CTX_SCHED_AUTO");
    // Not a flag enum: an unknown value stays a number, not a decomposition.
    assert_eq!(format!("{:?}", CUresult(CUDA_ERROR_INVALID_VALUE.0 | 0x1000)), "4097");
}

#[test]
fn struct_tags_declared_inside_a_union_have_cs_name() {
    // C: `union CUstreamBatchMemOpParams_union { ... struct CUstreamMemOpWaitValueParams_st { ... } waitValue; ... }`
    let wait = CUstreamMemOpWaitValueParams_st::default();
    let params = CUstreamBatchMemOpParams { waitValue: wait };
    assert_eq!(core::mem::size_of_val(&wait), core::mem::size_of::<CUstreamBatchMemOpParams_union_CUstreamMemOpWaitValueParams_st>());
    let _: CUstreamMemOpWriteValueParams_st = unsafe { params.writeValue };
    let _: CUstreamMemOpFlushRemoteWritesParams_st = unsafe { params.flushRemoteWrites };
    let _: CUstreamMemOpMemoryBarrierParams_st = unsafe { params.memoryBarrier };
}

#[test]
fn per_thread_is_a_complete_api() {
    use libcuda_sys::per_thread as cu;
    // Types, constants and stream-independent functions are the root's items.
    let status: cu::CUresult = cu::CUresult::CUDA_SUCCESS;
    let _: cu::CUdeviceptr = 0;
    let _: cu::CUDA_MEMCPY2D = Default::default();
    assert_eq!(status, CUDA_SUCCESS);
    assert_eq!(cu::cuInit as *const () as usize, cuInit as *const () as usize);
    // The stream-dependent ones are other functions.
    assert_ne!(cu::cuMemcpyHtoD as *const () as usize, cuMemcpyHtoD as *const () as usize);
    assert_eq!(cu::cuStreamSynchronize as *const () as usize, cu::cuStreamSynchronize_ptsz as *const () as usize);
}

#[test]
fn the_file_says_what_it_was_generated_from() {
    let made_from = provenance::Provenance::read(BINDINGS).expect("the generated file's first lines");
    assert_eq!(made_from.crate_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(made_from.cuda_version, CUDA_VERSION);
    // Generated here: the target; shipped with the crate: the target ABI it serves (`linux`).
    let target = &made_from.target;
    assert!(target.starts_with(std::env::consts::ARCH) || target == std::env::consts::OS, "{target}");
    // The hash itself is checked against the header by the consumer crate, which knows where it is.
    assert_ne!(made_from.cuda_h_hash, 0);
}

/// The file is complete by itself: the build data at its end (what a build without bindgen reads,
/// build/shared/build_data.rs) holds the files this build wrote beside it, and the symbols it declares.
#[test]
fn the_build_data_is_what_the_build_used() {
    let data = build_data::BuildData::read(BINDINGS).unwrap();
    assert!(data.functions.iter().any(|f| f == "cuInit"));
    assert!(data.per_thread_functions.iter().any(|f| f.ends_with("_ptds")), "{:?}", data.per_thread_functions);
    assert!(data.files.iter().any(|(name, _)| name == "dynamic.rs"));
    // dynamic.rs is compiled into this binary; the other files are read from OUT_DIR when the
    // binary runs where it was built (the GPU machine gets the binary alone).
    const DYNAMIC_RS: &str = include_str!(concat!(env!("OUT_DIR"), "/dynamic.rs"));
    let out_dir = std::path::Path::new(env!("OUT_DIR"));
    for (name, content) in &data.files {
        let written = match name.as_str() {
            "dynamic.rs" => DYNAMIC_RS.to_string(),
            _ if out_dir.is_dir() => std::fs::read_to_string(out_dir.join(name)).unwrap(),
            _ => continue,
        };
        assert_eq!(&written, content, "{name}");
    }
}

/// Formatted: an editor's go-to-definition lands on a line a reader can read. Multi-line docs are
/// block comments (`/** ... */`); only the lines outside docs and comments are measured (the
/// build data at the end is comments).
#[test]
fn the_file_is_formatted() {
    let mut in_block = false;
    let mut longest = 0;
    for line in BINDINGS.lines() {
        let t = line.trim_start();
        if in_block || t.starts_with("/**") {
            in_block = !t.ends_with("*/");
        } else if !t.starts_with("//") {
            longest = longest.max(line.len());
        }
    }
    assert!(BINDINGS.lines().count() > 10_000, "one item per line, not bindgen's single line");
    assert!(longest <= 200, "a line of code of {longest} characters");
}

/// Doxygen's `\p name.` ends the word before the sentence's period; the docs keep the period
/// outside the code span.
#[test]
fn no_doc_code_span_ends_in_punctuation() {
    let mut bad = Vec::new();
    for doc in docs(BINDINGS) {
        let mut fence = false;
        for line in doc.lines() {
            if line.trim_start().starts_with("```") {
                fence = !fence;
                continue;
            }
            if fence {
                continue;
            }
            for (i, span) in line.split('`').enumerate() {
                if i % 2 == 1 && span.ends_with(['.', ',', ';', ':']) && !span.trim_end_matches(['.', ',', ';', ':']).is_empty() {
                    bad.push(format!("`{span}`"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{} code spans end in punctuation: {:?}", bad.len(), &bad[..bad.len().min(10)]);
}

/// The text of every doc comment (`/// ...` lines, `/** ... */` blocks).
fn docs(file: &str) -> Vec<String> {
    let mut docs = Vec::new();
    let mut block: Option<String> = None;
    for line in file.lines() {
        let t = line.trim_start();
        if let Some(text) = block.as_mut() {
            match t.strip_suffix("*/") {
                Some(end) => {
                    text.push_str(end);
                    docs.push(block.take().unwrap_or_default());
                }
                None => {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        } else if let Some(rest) = t.strip_prefix("/**") {
            match rest.strip_suffix("*/") {
                Some(one) => docs.push(one.to_string()),
                None => block = Some(format!("{rest}\n")),
            }
        } else if let Some(rest) = t.strip_prefix("///") {
            docs.push(rest.to_string());
        }
    }
    docs
}

/// The public items at the crate root, by name (`pub fn` in its `extern` blocks too), as the docs
/// pass sees them; the `per_thread` module's own are left out.
fn root_items(file: &str) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    let mut in_module = false;
    for line in file.lines() {
        if line.starts_with("pub mod ") && line.ends_with('{') {
            in_module = true;
        } else if in_module {
            in_module = line != "}";
            continue;
        }
        let t = line.strip_prefix("    ").unwrap_or(line);
        for kind in
            ["pub fn ", "pub const ", "pub struct ", "pub union ", "pub type ", "pub static ", "pub mod ", "pub unsafe extern \"C\" fn "]
        {
            if let Some(rest) = t.strip_prefix(kind) {
                names.insert(rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next().unwrap_or_default().to_string());
            }
        }
        if let Some((_, renamed)) = t.strip_prefix("pub use self::").and_then(|r| r.split_once(" as ")) {
            names.insert(renamed.trim_end_matches(';').to_string());
        }
    }
    names
}

/// The docs as a user reads them: no Doxygen member marker (`< Attribute to set`), no Doxygen `::`
/// left in a code span, and every code span that names an item of the crate root is a link.
#[test]
fn docs_link_every_item_they_name() {
    let names = root_items(BINDINGS);
    assert!(names.contains("cuInit") && names.contains("CUlaunchConfig") && names.contains("cuCtxCreate"), "{} names", names.len());
    let (mut marker, mut colons, mut unlinked, mut links) = (Vec::new(), 0, Vec::new(), 0);
    // The per_thread module's docs are the crate's own and link with `crate::` paths.
    let module = BINDINGS.find("\npub mod per_thread {").expect("the per_thread module");
    let outside_per_thread = &BINDINGS[..BINDINGS[..module].rfind("\n/**").unwrap_or(module)];
    for doc in docs(outside_per_thread) {
        if doc.trim_start().starts_with('<') {
            marker.push(doc.clone());
        }
        for (i, span) in doc.split('`').enumerate().filter(|(i, _)| i % 2 == 1) {
            colons += usize::from(span.starts_with("::cu"));
            let linked = doc.split('`').nth(i - 1).is_some_and(|b| b.ends_with('['))
                && doc.split('`').nth(i + 1).is_some_and(|a| a.starts_with(']'));
            match (names.contains(span), linked) {
                (true, true) => links += 1,
                (true, false) => unlinked.push(span.to_string()),
                _ => {}
            }
        }
    }
    assert!(marker.is_empty(), "{} docs start with Doxygen's `<`: {:?}", marker.len(), &marker[..marker.len().min(3)]);
    assert_eq!(colons, 0, "code spans that keep Doxygen's `::`");
    assert!(unlinked.is_empty(), "{} code spans name an item but are no link: {:?}", unlinked.len(), &unlinked[..unlinked.len().min(10)]);
    // The documented names' own docs link their symbol, whatever the flavor.
    assert!(links >= 80, "{links} links");
}

/// `CUresult` is an error value: `Display` by name (the number for a value the header does not
/// know), `core::error::Error`, `?` into `Box<dyn Error>`; no driver is called (none is loaded here).
#[test]
fn cuda_result_is_an_error_value() {
    assert_eq!(format!("{}", CUDA_ERROR_NO_DEVICE), "CUDA_ERROR_NO_DEVICE");
    assert_eq!(CUDA_ERROR_INVALID_VALUE.to_string(), "CUDA_ERROR_INVALID_VALUE");
    assert_eq!(format!("{}", CUresult(12345)), "12345");
    fn fails() -> Result<(), Box<dyn std::error::Error>> {
        Err(CUDA_ERROR_NOT_FOUND)?
    }
    assert_eq!(fails().unwrap_err().to_string(), "CUDA_ERROR_NOT_FOUND");
    let _: &dyn core::error::Error = &CUDA_ERROR_NO_DEVICE;
}
