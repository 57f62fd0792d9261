//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The `../shared` folder (conformance tables, corpora), from `LAYERLAB_SHARED`, which the
/// test command sets. Without it the tests look at `../shared` beside the project root.
/// Under CI (`CI=true`) a missing folder fails the test; elsewhere the test is skipped with
/// a loud message, so a developer without the data still gets the rest of the suite.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("LAYERLAB_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true")
        || std::env::var_os("LAYERLAB_SHARED").is_some()
    {
        panic!(
            "shared test data not found at {} (set LAYERLAB_SHARED)",
            dir.display()
        );
    }
    eprintln!("SKIPPED: shared test data not found at {}", dir.display());
    None
}

/// `shared_dir().join(rel)`, or `None` (test skipped) when the folder is missing outside CI.
pub fn shared(rel: &str) -> Option<PathBuf> {
    shared_dir().map(|d| d.join(rel))
}

/// Resident set size and its peak, in bytes (VmRSS, VmHWM).
pub fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Resets the peak RSS to the current RSS (Linux >= 4.0).
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}
