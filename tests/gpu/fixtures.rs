//! The PTX fixtures keep to what every supported driver's JIT accepts, as far as their text shows:
//! this check reads them and needs no GPU, so it always runs. That they load and run is what the
//! GPU tests show, on the driver they run on.

use crate::common::{fixture, Outcome, Test};

pub const TESTS: &[Test] =
    &[("fixtures::ptx_is_ascii_and_declares_isa_7_8_or_older_for_sm_52", ptx_is_ascii_and_declares_isa_7_8_or_older_for_sm_52)];

/// Each tests/fixtures/*.ptx is ASCII (the driver's JIT rejects any other byte, even in a
/// comment, where ptxas 13.5 lets it pass) and declares PTX ISA 7.8 or older (CUDA 11.8's
/// newest) for sm_52.
fn ptx_is_ascii_and_declares_isa_7_8_or_older_for_sm_52() -> Outcome {
    let dir = fixture("vector_add.ptx").parent().map(|d| d.to_path_buf()).ok_or("no fixture folder")?;
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension() != Some("ptx".as_ref()) {
            continue;
        }
        seen += 1;
        let text = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if let Some(at) = text.iter().position(|b| !b.is_ascii()) {
            let line = text[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            return Err(format!("{}: a byte that is not ASCII on line {line}", path.display()).into());
        }
        let text = String::from_utf8_lossy(&text);
        let directive = |name: &str| text.lines().find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_string()));
        let version = directive(".version ").ok_or_else(|| format!("{}: no .version", path.display()))?;
        let (major, minor) = version.split_once('.').ok_or_else(|| format!("{}: .version {version}", path.display()))?;
        let isa = (major.parse::<u32>().unwrap_or(u32::MAX), minor.parse::<u32>().unwrap_or(u32::MAX));
        ensure!(isa <= (7, 8), "{}: .version {version} is newer than CUDA 11.8's JIT reads (7.8)", path.display());
        let target = directive(".target ").unwrap_or_default();
        ensure!(target == "sm_52", "{}: .target {target}, not sm_52", path.display());
    }
    ensure!(seen >= 4, "only {seen} PTX fixtures in {}", dir.display());
    Ok(())
}
