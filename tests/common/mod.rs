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
