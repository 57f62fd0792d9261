//! Lint speed: every rule set over the real-world corpus and over the seed example, parse
//! included, timed with `std::time::Instant`. `cargo bench --bench lint`.
//! (`scripts/hadolint-agreement.py` times hadolint on the same files.)

use std::path::PathBuf;
use std::time::{Duration, Instant};

use layerlab::lint::{check, LintOptions};

fn lint_once(bytes: &[u8], options: &LintOptions) -> usize {
    let parsed = layerlab::syntax::parse_bytes(bytes);
    let typed = layerlab::instructions::parse(&parsed.dockerfile);
    check(&parsed, &typed, options).len()
}

/// Runs `f` `rounds` times and returns the fastest round.
fn best_of(rounds: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut findings = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        findings = std::hint::black_box(f());
        best = best.min(start.elapsed());
    }
    (best, findings)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = std::env::var_os("LAYERLAB_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared"));
    let options = LintOptions::default();

    let seed =
        std::fs::read(root.join("gallery/seed/Dockerfile")).expect("gallery/seed/Dockerfile");
    let (t, n) = best_of(200, || lint_once(&seed, &options));
    println!(
        "seed example ({} bytes): {:.1} µs per lint, {n} findings",
        seed.len(),
        t.as_secs_f64() * 1e6
    );

    let corpus = shared.join("corpus/realworld");
    let Ok(entries) = std::fs::read_dir(&corpus) else {
        println!(
            "corpus not found at {} (set LAYERLAB_SHARED)",
            corpus.display()
        );
        return;
    };
    let mut files: Vec<Vec<u8>> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "INDEX.tsv"))
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    files.sort();
    let bytes: usize = files.iter().map(Vec::len).sum();
    let (t, n) = best_of(10, || files.iter().map(|f| lint_once(f, &options)).sum());
    println!(
        "corpus ({} files, {} KiB): {:.1} ms for all, {:.1} µs per file, {n} findings",
        files.len(),
        bytes / 1024,
        t.as_secs_f64() * 1e3,
        t.as_secs_f64() * 1e6 / files.len().max(1) as f64
    );
}
