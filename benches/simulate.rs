//! Build-simulation benchmarks (`cargo bench --bench simulate`), printed as plain numbers:
//!
//! 1. the seed example (gallery/seed) simulated natively, digests already cached (goal < 1 ms);
//! 2. a generated 200 MB, 5,000-file context: time and peak memory (VmHWM) of a simulation,
//!    then of computing every layer digest;
//! 3. after a one-line edit near the end of the Dockerfile, with the previous build: how many
//!    steps are recomputed and how many files are hashed again (goal: none unchanged).

use std::path::Path;
use std::time::Instant;

use layerlab::context::Context;
use layerlab::simulate::{build, Build, BuildOptions, Catalogs};

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn simulate(text: &str, ctx: &Context, catalogs: &Catalogs, prev: Option<&Build>) -> Build {
    let parsed = layerlab::syntax::parse(text);
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    build(&parsed, &ins, ctx, &BuildOptions::default(), catalogs, prev)
}

fn seed(catalogs: &Catalogs) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("gallery/seed");
    let ctx = match Context::from_dir(&dir) {
        Ok(c) => c,
        Err(e) => {
            println!("seed: cannot load gallery/seed: {e}");
            return;
        }
    };
    let text = std::fs::read_to_string(dir.join("Dockerfile")).unwrap_or_default();
    let first = simulate(&text, &ctx, catalogs, None);
    let n = 2000;
    let start = Instant::now();
    let mut layers = 0;
    for _ in 0..n {
        layers += simulate(&text, &ctx, catalogs, None).layers.len();
    }
    let per = start.elapsed() / n;
    println!(
        "seed: {} layers, {:?} per simulation (parse + simulate + layer tars + digests; {} runs, goal < 1 ms)",
        first.layers.len(),
        per,
        n
    );
    let start = Instant::now();
    for _ in 0..n {
        layers += simulate(&text, &ctx, catalogs, Some(&first)).layers.len();
    }
    println!(
        "seed: {:?} per simulation with the previous build (every step cached)",
        start.elapsed() / n
    );
    // The same build without its RUN lines: the build simulation alone, without the RUN
    // simulation's apt dependency resolution.
    let no_run: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("RUN"))
        .map(|l| format!("{l}\n"))
        .collect();
    simulate(&no_run, &ctx, catalogs, None);
    let start = Instant::now();
    for _ in 0..n {
        layers += simulate(&no_run, &ctx, catalogs, None).layers.len();
    }
    println!(
        "seed without its RUN lines: {:?} per simulation",
        start.elapsed() / n
    );
    std::hint::black_box(layers);
}

/// 5,000 files of 40 KiB (200 MB) in 50 directories, contents distinct and not compressible.
fn big_context() -> Context {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut files = Vec::with_capacity(5001);
    for i in 0..5000 {
        let mut bytes = vec![0u8; 40_000];
        for chunk in bytes.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let b = state.to_le_bytes();
            chunk.copy_from_slice(&b[..chunk.len()]);
        }
        files.push((format!("src/d{:02}/f{i:04}.bin", i % 50), bytes));
    }
    files.push(("app.py".to_string(), b"print('hi')\n".to_vec()));
    match Context::from_files(files) {
        Ok(c) => c,
        Err(e) => panic!("benchmark context: {e}"),
    }
}

fn big(catalogs: &Catalogs) {
    let before = vm_hwm_kib().unwrap_or(0);
    let ctx = big_context();
    let size = ctx.total_bytes();
    let loaded = vm_hwm_kib().unwrap_or(0);
    let df = "FROM scratch\nWORKDIR /app\nCOPY src/d0* /app/part0/\nCOPY src/d1* /app/part1/\nCOPY src/d2* /app/part2/\nCOPY src/d3* /app/part3/\nCOPY src/d4* /app/part4/\nCOPY app.py /app/\nENV MODE=prod\nCMD [\"python3\", \"app.py\"]\n";
    let start = Instant::now();
    let first = simulate(df, &ctx, catalogs, None);
    let t_sim = start.elapsed();
    let after_sim = vm_hwm_kib().unwrap_or(0);
    println!(
        "big: context {} files, {:.1} MB; loading it peaked at {} MiB (VmHWM before: {} MiB)",
        ctx.entry_count(),
        size as f64 / 1e6,
        loaded / 1024,
        before / 1024
    );
    println!(
        "big: first simulation {:?} ({} files hashed), peak {} MiB = {:.2}x the context",
        t_sim,
        first.stats.files_hashed,
        after_sim / 1024,
        (after_sim as f64 * 1024.0) / size as f64
    );
    let mut with_digests = first.clone();
    let start = Instant::now();
    let diff_ids = with_digests
        .image_layers()
        .iter()
        .filter(|l| l.diff_id().is_ok())
        .count();
    let t_tars = start.elapsed();
    let after_tars = vm_hwm_kib().unwrap_or(0);
    println!(
        "big: {diff_ids} layer tars + diff_ids {t_tars:?}, peak {} MiB = {:.2}x the context",
        after_tars / 1024,
        (after_tars as f64 * 1024.0) / size as f64
    );
    let start = Instant::now();
    with_digests.compute_digests();
    let after_digests = vm_hwm_kib().unwrap_or(0);
    println!(
        "big: gzip blobs + config/manifest digests {:?}, peak {} MiB = {:.2}x the context (manifest {})",
        start.elapsed(),
        after_digests / 1024,
        (after_digests as f64 * 1024.0) / size as f64,
        with_digests.artifacts.manifest_digest.as_deref().unwrap_or("not computable")
    );
    drop(with_digests);
    // A one-line edit near the end: only the steps from there are recomputed.
    let edited = df.replace("COPY app.py /app/", "COPY app.py /app/main.py");
    let start = Instant::now();
    let second = simulate(&edited, &ctx, catalogs, Some(&first));
    println!(
        "big: after a one-line edit near the end: {:?}, {} steps recomputed, {} reused, {} files hashed again, {} digests reused",
        start.elapsed(),
        second.stats.steps_computed,
        second.stats.steps_reused,
        second.stats.files_hashed,
        second.stats.digests_reused
    );
}

fn main() {
    let catalogs = Catalogs::bundled();
    seed(&catalogs);
    big(&catalogs);
}
