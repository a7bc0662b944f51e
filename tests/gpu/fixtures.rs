//! The PTX fixtures keep to what every supported driver's JIT accepts, as far as their text shows:
//! this check reads them and needs no GPU, so it always runs. That they load and run is what the
//! GPU tests show, on the driver they run on.

use crate::common::{fixture, Outcome, Test};

pub const TESTS: &[Test] =
    &[("fixtures::ptx_is_ascii_and_declares_an_isa_its_target_allows", ptx_is_ascii_and_declares_an_isa_its_target_allows)];

/// Each tests/fixtures/*.ptx is ASCII (the driver's JIT rejects any other byte, even in a
/// comment, where ptxas 13.5 lets it pass) and declares either PTX ISA 7.8 or older (CUDA 11.8's
/// newest) for sm_52, or, for the kernels that need compute capability 9.0 (clusters, the bulk
/// tensor copy), PTX ISA 8.0 or older (CUDA 12.0's newest, the first driver with the APIs those
/// tests call) for sm_90.
fn ptx_is_ascii_and_declares_an_isa_its_target_allows() -> Outcome {
    let dir = fixture("vector_add.ptx").parent().map(|d| d.to_path_buf()).ok_or("no fixture folder")?;
    let mut seen = 0;
    let mut hopper = 0;
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
        let target = directive(".target ").unwrap_or_default();
        let newest = match target.as_str() {
            "sm_52" => (7, 8),
            "sm_90" => {
                hopper += 1;
                (8, 0)
            }
            _ => return Err(format!("{}: .target {target}, neither sm_52 nor sm_90", path.display()).into()),
        };
        ensure!(isa <= newest, "{}: .version {version} for {target}, newer than {}.{}", path.display(), newest.0, newest.1);
    }
    ensure!(seen >= 4, "only {seen} PTX fixtures ({hopper} for sm_90) in {}", dir.display());
    Ok(())
}
