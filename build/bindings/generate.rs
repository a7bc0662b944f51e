//! Generation: the preprocessor's answers in both stream modes, bindgen, the passes in their order,
//! and the build data the later stages need. Two flavors: [`Flavor::Full`], from the user's own
//! header, with NVIDIA's documentation; [`Flavor::Shipped`], what the crate ships
//! (scripts/ship.sh): interface facts only — items, signatures, values, layouts — each item
//! documented by the header and Doxygen group it comes from, the C wrappers compilable without
//! the header, and the notice cuda.h asks code derived from it to carry.

use super::passes::{constants, docs, enums, functions, headerless, legacy, links, names, origin, per_thread, versioned};
use super::{bindgen, probe, Bindings, Code};
use crate::config::Config;
use crate::error::{Context, Error};
use crate::find::bound::Bound;
use crate::shared::build_data::BuildData;
use crate::shared::provenance::header_name;
use crate::shared::provenance::{header_hash, Provenance};
use crate::shared::{abi_class, directive_lines, UMBRELLA};
use crate::timing;
use std::collections::BTreeMap;
use std::fs;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Full,
    Shipped,
}

/// Generates the bindings of the `bound` headers.
pub fn run(config: &Config, bound: &Bound, flavor: Flavor) -> Result<Bindings, Error> {
    let shipped = flavor == Flavor::Shipped;
    let abi = abi_class(&config.target_os, &config.target_arch, &config.target_env);
    if shipped && abi.is_none() {
        return Err(Error::failed(
            format!("no bindings are shipped for {}", config.target),
            "Shipped bindings are generated for x86_64 and aarch64 Linux and x86_64-pc-windows-gnu.",
        ));
    }
    // What only the preprocessor knows (documented names, casting macros), without and with
    // CUDA_API_PER_THREAD_DEFAULT_STREAM.
    let (default, per_thread, legacy) = timing::step("probe", || {
        std::thread::scope(|s| {
            let per_thread = s.spawn(|| probe::expand(bound, true, &config.out_dir));
            let default = probe::expand(bound, false, &config.out_dir);
            // The older ABIs' types, with __CUDA_API_VERSION_INTERNAL: what bindgen reads a second time.
            let legacy = default.as_ref().map_err(Clone::clone).and_then(|d| probe::legacy_pfn_types(bound, d, &config.out_dir));
            (default, per_thread.join().unwrap_or_else(|_| Err("the probe panicked".into())), legacy)
        })
    });
    const PROBE: &str = "the C preprocessor could not read cuda.h";
    let (default, per_thread_probe, legacy_types) = (default.context(PROBE)?, per_thread.context(PROBE)?, legacy.context(PROBE)?);
    let static_fns = config.out_dir.join("static_fns");
    let out = bindgen::run(config, bound, &default, &legacy_types, &static_fns, !shipped)?;
    let mut file =
        timing::step("parse", || syn::parse_file(&out.text)).map_err(|e| Error::failed("cannot parse bindgen's output", e.to_string()))?;
    docs::put(&mut file, out.docs).context("cannot put the documentation in")?;
    let discovered = out.discovered;
    if shipped {
        let documented = document_origins(&mut file, bound, &discovered.locations).context("cannot read the headers")?;
        println!("libcuda-sys: shipped flavor: {documented} items documented by the header and group they come from");
    }
    let records: BTreeMap<String, &'static str> =
        discovered.records.iter().filter(|(rust, (tag, _))| *rust == tag).map(|(rust, (_, kind))| (rust.clone(), *kind)).collect();

    let passes = std::time::Instant::now();
    const PASS: &str = "a pass over bindgen's output failed";
    if discovered.enums.is_empty() || records.is_empty() {
        return Err(Error::failed(
            PASS,
            "bindgen reported no enum or no struct (new_item_found): the enum and tag passes would do nothing",
        ));
    }
    constants::narrow_unsigned(&mut file, &out.narrow).context(PASS)?;
    let (at, functions) = functions::take(&mut file).context(PASS)?;
    let per_thread = per_thread::module(&functions, &default, &per_thread_probe, &records).context(PASS)?;
    let declarations = functions::declarations(&functions, &per_thread.calls).context(PASS)?;
    file.items.splice(at..at, declarations);
    names::documented_names(&mut file, &default.renames, &functions).context(PASS)?;
    constants::casts(&mut file, &default.casts).context(PASS)?;
    let flag_enums = enums::extend(&mut file, &discovered.enums).context(PASS)?;
    let aliases = names::tag_aliases(&mut file, &discovered.records);
    let mut module = per_thread.module;
    names::type_names(&mut file, &mut module, &default, &per_thread_probe, &discovered.aliases).context(PASS)?;
    file.items.push(module);
    let legacy = legacy::module(&file, &out.legacy).context(PASS)?;
    let versioned = versioned::module(&file, &legacy.items, &functions, &per_thread.declarations).context(PASS)?;
    file.items.extend(legacy.module);
    file.items.push(versioned.module);
    let doc_links = links::link(&mut file);
    println!("libcuda-sys: time: passes {:.3} s", passes.elapsed().as_secs_f64());

    let linked: Vec<String> = functions.iter().filter(|f| !f.static_fn).map(|f| f.symbol.clone()).collect();
    let table = super::passes::dynamic::table(&config.target_os, &default.renames, &linked, &versioned.entries, &versioned.required);
    let mut files = vec![("dynamic.rs".to_string(), table)];
    if shipped && functions.iter().any(|f| f.static_fn) {
        return Err(Error::failed(
            "the header defines static inline functions outside the per-thread mapping, which shipped bindings cannot compile yet",
            functions.iter().filter(|f| f.static_fn).map(|f| f.decl.sig.ident.to_string()).collect::<Vec<_>>().join(", "),
        ));
    }
    if functions.iter().any(|f| f.static_fn) {
        let path = static_fns.with_extension("c");
        let source = fs::read_to_string(&path).map_err(|e| {
            Error::failed("cannot read bindgen's C wrappers of static inline functions", format!("{}: {e}", path.display()))
        })?;
        // bindgen includes the umbrella header by its path in this OUT_DIR; a build that reuses
        // the file (LIBCUDA_SYS_BINDINGS) has its own, found through -I OUT_DIR (build/link).
        let source = source.replace(&format!("\"{}\"", bound.umbrella.display()), &format!("\"{UMBRELLA}\""));
        files.push(("static_fns.c".to_string(), source));
    }
    let c_source = match (shipped, per_thread.c_source) {
        (true, Some(_)) => {
            let definitions: Vec<String> = per_thread
                .inline
                .iter()
                .map(|name| per_thread_probe.definitions.iter().find(|(n, _)| n == name).map(|(_, d)| d.clone()).ok_or(name))
                .collect::<Result<_, _>>()
                .map_err(|name| Error::failed(PASS, format!("the preprocessor gave no definition of {name}")))?;
            Some(headerless::c_source(&file, &definitions, &per_thread.prototypes, &per_thread.c_wrappers).context(PASS)?)
        }
        (_, source) => source,
    };
    if let Some(source) = c_source {
        files.push(("per_thread_static_fns.c".to_string(), source));
    }
    let data = BuildData { functions: linked, per_thread_functions: per_thread.functions, wrapper_calls: per_thread.calls, files };
    println!(
        "libcuda-sys: {} functions, {} documented names, {} casting macros, {} enums ({} of flags), {} struct tags under C's name; \
         per_thread: {} names map to {} per-thread symbols; versioned: {} functions by ABI version, the version of {} bound functions \
         known; docs: {} code spans name an item and are links, {} name none",
        data.functions.len(),
        default.renames.len(),
        default.casts.len(),
        discovered.enums.len(),
        flag_enums,
        aliases,
        per_thread.names,
        data.per_thread_functions.len() + data.wrapper_calls.len(),
        versioned.entries.len(),
        versioned.required.len(),
        doc_links.links,
        doc_links.plain
    );
    let mut provenance = provenance(config, bound, default.version).context("cannot read the headers")?;
    let preamble = match (shipped, abi) {
        (true, Some(abi)) => {
            provenance.target = abi.to_string();
            notice(&bound.files[0]).context("cannot read the notice of cuda.h")?
        }
        _ => String::new(),
    };
    Ok(Bindings { code: Code::Tree(file, preamble), data, provenance, about: String::new() })
}

/// What the file was generated from (its first lines).
fn provenance(config: &Config, bound: &Bound, cuda_version: u32) -> Result<Provenance, String> {
    let mut hashes = bound.files.iter().map(|file| header_hash(file)).collect::<Result<Vec<_>, _>>()?;
    // cuda.h comes first (build/find/bound.rs), the headers bound with it after.
    let cuda_h_hash = hashes.remove(0).1;
    let provenance = Provenance {
        crate_version: config.crate_version.clone(),
        cuda_version,
        cuda_h_hash,
        target: config.target.clone(),
        other_headers: hashes,
    };
    Ok(provenance)
}

/// Gives each item the doc line of its header and Doxygen group (passes/origin.rs): where bindgen
/// says it is declared, else (macros) the `#define` line of a bound header.
fn document_origins(file: &mut syn::File, bound: &Bound, locations: &BTreeMap<String, (String, usize)>) -> Result<usize, String> {
    let mut groups = BTreeMap::new();
    let mut defines: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for header in &bound.files {
        let text = fs::read_to_string(header).map_err(|e| format!("{}: {e}", header.display()))?;
        let name = header_name(header);
        for (line, text) in text.lines().enumerate() {
            if let Some((macro_name, _)) = directive_lines(text, "define").next() {
                defines.entry(macro_name.to_string()).or_insert((name.clone(), line + 1));
            }
        }
        groups.insert(name, origin::groups(&text));
    }
    let locate = |name: &str| locations.get(name).or_else(|| defines.get(name)).cloned();
    Ok(origin::document(file, &locate, &groups))
}

/// The notice cuda.h asks every code derived from it to carry ("the above Disclaimer and U.S.
/// Government End Users Notice"), as comment lines: its two paragraphs, as the header words them.
fn notice(cuda_h: &std::path::Path) -> Result<String, String> {
    let text = fs::read_to_string(cuda_h).map_err(|e| format!("{}: {e}", cuda_h.display()))?;
    let comment = text.split_once("*/").map(|(c, _)| c).unwrap_or_default();
    let lines: Vec<&str> = comment.lines().map(|l| l.trim_start().trim_start_matches(['/', '*']).trim()).collect();
    let paragraphs: Vec<String> = lines.split(|l| l.is_empty()).map(|p| p.join("\n")).collect();
    let wanted = ["NOTWITHSTANDING ANY TERMS", "U.S. Government End Users"];
    let found: Vec<&String> = wanted.iter().filter_map(|w| paragraphs.iter().find(|p| p.starts_with(w))).collect();
    if found.len() != wanted.len() {
        return Err(format!(
            "{} has no Disclaimer and U.S. Government End Users Notice where expected (its first comment)",
            cuda_h.display()
        ));
    }
    let mut out = String::from(
        "// Interface facts (items, signatures, values, layouts) of NVIDIA's headers, without their documentation. cuda.h\n\
         // asks code derived from it to carry its Disclaimer and U.S. Government End Users Notice, which follow as it words them:\n//\n",
    );
    for paragraph in found {
        for line in paragraph.lines() {
            out.push_str(&format!("// {line}\n"));
        }
        out.push_str("//\n");
    }
    Ok(out + "\n")
}
