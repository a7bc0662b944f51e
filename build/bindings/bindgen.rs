//! bindgen over the umbrella header: the one configuration, the callbacks that tell what bindgen
//! cannot write itself (which structs are enums, each record's C tag, the typedefs, the unsigned
//! macros), and the header's Doxygen converted on a second thread while bindgen goes on.

use super::doxygen;
use super::probe::Probe;
use crate::config::Config;
use crate::error::Error;
use crate::find::bound::Bound;
use crate::shared::{INTERNAL_MACRO, STATIC_FN_SUFFIX};
use std::collections::{BTreeMap, HashMap};
use std::panic;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

/// What bindgen wrote and told.
pub struct Output {
    /// The generated code, unformatted, with a placeholder where each doc comment goes.
    pub text: String,
    /// The second reading, with `__CUDA_API_VERSION_INTERNAL`: every `PFN_*`
    /// type, and the types they use.
    pub legacy: String,
    /// The converted doc comments, by placeholder number (passes/docs.rs puts them in).
    pub docs: HashMap<usize, String>,
    /// The 32-bit unsigned macros, with the value bindgen evaluated in 64 bits.
    pub narrow: Vec<(String, i64)>,
    pub discovered: Discovered,
}

/// What bindgen says it generated: which structs are enums, the C tag of each record, the typedefs.
#[derive(Debug, Default)]
pub struct Discovered {
    pub enums: Vec<String>,
    /// The type aliases (`typedef`s), so that a macro naming one can become an alias too.
    pub aliases: Vec<String>,
    /// Rust name → (C tag, `struct` or `union`).
    pub records: BTreeMap<String, (String, &'static str)>,
    /// Rust name → the header file (its name) and line that declare it, where bindgen says.
    pub locations: BTreeMap<String, (String, usize)>,
}

/// The placeholder of doc comment `n` in bindgen's output.
pub const DOC_PLACEHOLDER: &str = "libcuda-sys doc #";

/// Hands each comment over to the converting thread and returns a placeholder.
#[derive(Debug)]
struct Docs {
    to_convert: Mutex<mpsc::Sender<(usize, String)>>,
    next: AtomicUsize,
}

impl bindgen::callbacks::ParseCallbacks for Docs {
    fn process_comment(&self, comment: &str) -> Option<String> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        self.to_convert.lock().ok()?.send((n, comment.to_string())).ok()?;
        Some(format!("{DOC_PLACEHOLDER}{n}"))
    }
}

/// Integer macros whose C type is unsigned (`#define X (~0u)`): bindgen evaluates the value in 64
/// bits but not the type (it would write `X: i32 = -1`); the preprocessor probe saw the suffix.
/// bindgen writes them as `u64` with the 64-bit value; passes/constants.rs then gives the 32-bit
/// ones C's `unsigned int` value.
#[derive(Debug)]
struct UnsignedMacros {
    unsigned: Vec<(String, bool)>,
    narrow: Arc<Mutex<Vec<(String, i64)>>>,
}

impl bindgen::callbacks::ParseCallbacks for UnsignedMacros {
    fn int_macro(&self, name: &str, value: i64) -> Option<bindgen::callbacks::IntKind> {
        let (_, wide) = self.unsigned.iter().find(|(n, _)| n == name)?;
        if !wide {
            self.narrow.lock().ok()?.push((name.to_string(), value));
        }
        Some(bindgen::callbacks::IntKind::U64)
    }
}

#[derive(Debug)]
struct Discover(Arc<Mutex<Discovered>>);

impl bindgen::callbacks::ParseCallbacks for Discover {
    fn new_item_found(
        &self,
        _id: bindgen::callbacks::DiscoveredItemId,
        item: bindgen::callbacks::DiscoveredItem,
        location: Option<&bindgen::callbacks::SourceLocation>,
    ) {
        use bindgen::callbacks::DiscoveredItem;
        let Ok(mut seen) = self.0.lock() else { return };
        let name = match &item {
            DiscoveredItem::Struct { final_name, .. }
            | DiscoveredItem::Union { final_name, .. }
            | DiscoveredItem::Enum { final_name }
            | DiscoveredItem::Function { final_name }
            | DiscoveredItem::Constant { final_name } => Some(final_name.clone()),
            DiscoveredItem::Alias { alias_name, .. } => Some(alias_name.clone()),
            _ => None,
        };
        if let (Some(name), Some(location)) = (name, location) {
            if let Some(file) = location.file_name.as_deref().and_then(|f| std::path::Path::new(f).file_name()) {
                seen.locations.entry(name).or_insert((file.to_string_lossy().into_owned(), location.line));
            }
        }
        match item {
            DiscoveredItem::Enum { final_name } => seen.enums.push(final_name),
            DiscoveredItem::Alias { alias_name, .. } => seen.aliases.push(alias_name),
            DiscoveredItem::Struct { original_name: Some(tag), final_name } => {
                seen.records.insert(final_name, (tag, "struct"));
            }
            DiscoveredItem::Union { original_name: Some(tag), final_name } => {
                seen.records.insert(final_name, (tag, "union"));
            }
            _ => {}
        }
    }
}

/// The one bindgen configuration, over the headers as they are.
fn builder(config: &Config, bound: &Bound, comments: bool) -> Result<bindgen::Builder, Error> {
    // NVIDIA's headers only; the GL, EGL and VDPAU types they use come along as bindgen meets them.
    Ok(common(config, bound, comments)?.allowlist_file(bound.allowlist_pattern()))
}

/// What both readings of the headers share: the headers, the target, the style of the items.
fn common(config: &Config, bound: &Bound, comments: bool) -> Result<bindgen::Builder, Error> {
    // Read for Cargo's rerun tracking and the -vv log; clang-sys itself looks at it.
    let _ = config.var("LIBCLANG_PATH");
    Ok(bindgen::Builder::default()
        .header(bound.umbrella.to_string_lossy())
        .clang_args(bound.include_dirs.iter().map(|d| format!("-I{}", d.display())))
        .clang_args(super::cross::clang_args(config)?)
        .use_core()
        .ctypes_prefix("::core::ffi")
        .default_enum_style(bindgen::EnumVariation::NewType { is_bitfield: false, is_global: true })
        .prepend_enum_name(false)
        .must_use_type(super::passes::enums::RESULT_ENUM)
        .derive_default(true)
        .generate_comments(comments)
        .merge_extern_blocks(true)
        .formatter(bindgen::Formatter::None)
        .wrap_static_fns(true)
        .wrap_static_fns_suffix(STATIC_FN_SUFFIX)
        // Every header the umbrella header includes is tracked; the umbrella header itself is this
        // script's output, written on each run: tracking it would make every build look dirty.
        .parse_callbacks(Box::new(bindgen::CargoCallbacks::new().rerun_on_header_files(false))))
}

/// Sent after bindgen returned: no more comments.
const DOCS_DONE: usize = usize::MAX;

/// Runs bindgen over the `bound` headers, with what the preprocessor said of them (`probe`); its C
/// wrappers of static inline functions go to `static_fns` (`.c` added). With `comments`, the
/// header's comments are converted on a second thread meanwhile, and the [`legacy`] reading of the
/// `legacy_types` (if any) runs on a third.
pub fn run(
    config: &Config,
    bound: &Bound,
    probe: &Probe,
    legacy_types: &[String],
    static_fns: &Path,
    with_docs: bool,
) -> Result<Output, Error> {
    let narrow = Arc::new(Mutex::new(Vec::new()));
    let discovered = Arc::new(Mutex::new(Discovered::default()));
    let (to_convert, comments) = mpsc::channel();
    let done = to_convert.clone();
    let docs = Docs { to_convert: Mutex::new(to_convert), next: AtomicUsize::new(0) };
    let mut builder = builder(config, bound, with_docs)?
        .parse_callbacks(Box::new(docs))
        .parse_callbacks(Box::new(UnsignedMacros { unsigned: probe.unsigned.clone(), narrow: Arc::clone(&narrow) }))
        .parse_callbacks(Box::new(Discover(Arc::clone(&discovered))))
        .wrap_static_fns_path(static_fns);
    // Casting macros are written by passes/constants.rs with their C type; macros the header
    // #undefs are gone.
    for name in probe.casts.iter().map(|c| &c.name).chain(&probe.undefined) {
        builder = builder.blocklist_item(name);
    }
    let (text, legacy, docs) = with_panic_messages(|| {
        std::thread::scope(|s| {
            let docs = s.spawn(|| doxygen::convert_all(comments.into_iter().take_while(|(n, _)| *n != DOCS_DONE)));
            // A builder cannot move to another thread: the legacy reading's is made on its own.
            let legacy = s.spawn(|| match legacy_types.is_empty() {
                true => Ok(String::new()),
                false => crate::timing::step("bindgen, legacy types", || legacy(config, bound, legacy_types).and_then(generate)),
            });
            let text = crate::timing::step("bindgen", || generate(builder));
            let _ = done.send((DOCS_DONE, String::new()));
            let legacy =
                legacy.join().unwrap_or_else(|_| Err(Error::failed("could not generate the bindings", "bindgen's thread panicked")));
            (text, legacy, crate::timing::step("docs, after bindgen", || docs.join()))
        })
    });
    let docs = docs.map_err(|_| Error::failed("could not convert the header's documentation", "the converting thread panicked"))?;
    let narrow = narrow.lock().map(|n| n.clone()).unwrap_or_default();
    let discovered = std::mem::take(&mut *discovered.lock().map_err(|_| Error::failed("bindgen's callbacks failed", ""))?);
    Ok(Output { text: text?, legacy: legacy?, docs, narrow, discovered })
}

/// The second reading of the headers, with [`INTERNAL_MACRO`] defined: the `PFN_*` types that
/// only the macro declares (`types`, which the preprocessor found: bindings/probe.rs) and what they
/// use (bindgen's allowlist brings each type they name). passes/legacy.rs keeps the items the
/// first reading lacks. With the macro, cuda.h maps no documented name to its functions; none is
/// read here.
fn legacy(config: &Config, bound: &Bound, types: &[String]) -> Result<bindgen::Builder, Error> {
    Ok(common(config, bound, false)?.clang_arg(format!("-D{INTERNAL_MACRO}")).allowlist_type(types.join("|")))
}

thread_local! {
    /// The message of the last panic on this thread (see [`with_panic_messages`]).
    static PANIC_MESSAGE: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Runs `f` with a panic hook that keeps each panic's message, without bindgen's source location,
/// for the thread that panicked ([`generate`] reads it). One hook for every bindgen thread: a hook
/// set and restored by each of two threads could be left behind.
fn with_panic_messages<R>(f: impl FnOnce() -> R) -> R {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let text = payload.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| payload.downcast_ref::<String>().cloned());
        PANIC_MESSAGE.with(|m| *m.borrow_mut() = text.unwrap_or_else(|| info.to_string()));
    }));
    let result = f();
    panic::set_hook(previous);
    result
}

/// Runs bindgen. libclang missing or unloadable makes bindgen panic: that panic is caught (under
/// [`with_panic_messages`]) and turned into an error whose text the caller explains.
fn generate(builder: bindgen::Builder) -> Result<String, Error> {
    match panic::catch_unwind(panic::AssertUnwindSafe(|| builder.generate())) {
        Ok(Ok(bindings)) => Ok(bindings.to_string()),
        Ok(Err(e)) => Err(Error::failed("could not generate the bindings", format!("bindgen could not parse cuda.h: {e}"))),
        Err(_) => {
            let message = PANIC_MESSAGE.with(|m| m.borrow().clone());
            Err(if message.contains("libclang") {
                Error::Libclang(message)
            } else {
                Error::failed("could not generate the bindings", message)
            })
        }
    }
}
