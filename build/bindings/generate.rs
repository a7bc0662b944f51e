//! Generation: the preprocessor's answers in both stream modes, bindgen, the passes in their order,
//! and the build data the later stages need.

use super::passes::{constants, docs, enums, functions, names, per_thread};
use super::{bindgen, probe, Bindings, Code};
use crate::config::Config;
use crate::error::{Context, Error};
use crate::find::bound::Bound;
use crate::shared::build_data::BuildData;
use crate::shared::provenance::{header_hash, Provenance};
use crate::shared::UMBRELLA;
use crate::timing;
use std::collections::BTreeMap;
use std::fs;

/// Generates the bindings of the `bound` headers.
pub fn run(config: &Config, bound: &Bound) -> Result<Bindings, Error> {
    // What only the preprocessor knows (documented names, casting macros), without and with
    // CUDA_API_PER_THREAD_DEFAULT_STREAM.
    let (default, per_thread) = timing::step("probe", || {
        std::thread::scope(|s| {
            let per_thread = s.spawn(|| probe::expand(bound, true, &config.out_dir));
            (probe::expand(bound, false, &config.out_dir), per_thread.join().unwrap_or_else(|_| Err("the probe panicked".into())))
        })
    });
    const PROBE: &str = "the C preprocessor could not read cuda.h";
    let (default, per_thread_probe) = (default.context(PROBE)?, per_thread.context(PROBE)?);
    let static_fns = config.out_dir.join("static_fns");
    let out = bindgen::run(config, bound, &default, &static_fns)?;
    let mut file =
        timing::step("parse", || syn::parse_file(&out.text)).map_err(|e| Error::failed("cannot parse bindgen's output", e.to_string()))?;
    docs::put(&mut file, out.docs).context("cannot put the documentation in")?;
    let discovered = out.discovered;
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
    println!("libcuda-sys: time: passes {:.3} s", passes.elapsed().as_secs_f64());

    let linked: Vec<String> = functions.iter().filter(|f| !f.static_fn).map(|f| f.symbol.clone()).collect();
    let mut files = vec![("dynamic.rs".to_string(), super::passes::dynamic::table(&config.target_os, &default.renames, &linked))];
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
    if let Some(source) = per_thread.c_source {
        files.push(("per_thread_static_fns.c".to_string(), source));
    }
    let data = BuildData { functions: linked, per_thread_functions: per_thread.functions, wrapper_calls: per_thread.calls, files };
    println!(
        "libcuda-sys: {} functions, {} documented names, {} casting macros, {} enums ({} of flags), {} struct tags under C's name; \
         per_thread: {} names map to {} per-thread symbols",
        data.functions.len(),
        default.renames.len(),
        default.casts.len(),
        discovered.enums.len(),
        flag_enums,
        aliases,
        per_thread.names,
        data.per_thread_functions.len() + data.wrapper_calls.len()
    );
    let provenance = provenance(config, bound, default.version).context("cannot read the headers")?;
    Ok(Bindings { code: Code::Tree { provenance, file }, data })
}

/// The file's first lines: what it was generated from.
fn provenance(config: &Config, bound: &Bound, cuda_version: u32) -> Result<String, String> {
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
    Ok(provenance.header())
}
