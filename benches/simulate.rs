//! Build-simulation benchmarks (`cargo bench --bench simulate`), printed as plain numbers:
//!
//! 1. the seed example (gallery/seed) simulated natively, digests already cached (goal < 1 ms);
//! 2. a generated 200 MB, 5,000-file context: time and peak memory (VmHWM) of a simulation,
//!    then of computing every layer digest;
//! 3. after a one-line edit near the end of the Dockerfile, with the previous build: how many
//!    steps are recomputed and how many files are hashed again (goal: none unchanged);
//! 4. a generated 5,000-line Dockerfile (the editor's large-file case: RUN apt-get install,
//!    COPY, RUN echo/mkdir, ENV, WORKDIR, comments) over the seed context, from scratch and
//!    after a one-line edit in the middle.
//!
//! Times are the median of the rounds, as the thread's CPU time and the wall time (the machine
//! is shared: compare on CPU time). `--only seed|big|lines` runs one part, `--rounds N` sets the
//! rounds of the seed and 5,000-line parts.

use std::path::Path;
use std::time::{Duration, Instant};

use layerlab::context::Context;
use layerlab::simulate::{build, Build, BuildOptions, Catalogs};

mod support;
use support::{load_average, thread_cpu};

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// Median CPU and wall time of `rounds` calls of `step`, in batches of `batch` calls (a
/// sub-millisecond step is timed over a batch, then divided).
fn timed(rounds: usize, batch: u32, mut step: impl FnMut() -> usize) -> (Duration, Duration) {
    let mut cpu = Vec::with_capacity(rounds);
    let mut wall = Vec::with_capacity(rounds);
    let mut sink = 0;
    for _ in 0..rounds {
        let c0 = thread_cpu();
        let w0 = Instant::now();
        for _ in 0..batch {
            sink += step();
        }
        wall.push(w0.elapsed() / batch);
        if let (Some(a), Some(b)) = (c0, thread_cpu()) {
            cpu.push(b.saturating_sub(a) / batch);
        }
    }
    std::hint::black_box(sink);
    (median(&mut cpu), median(&mut wall))
}

fn simulate(text: &str, ctx: &Context, catalogs: &Catalogs, prev: Option<&Build>) -> Build {
    let parsed = layerlab::syntax::parse(text);
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    build(&parsed, &ins, ctx, &BuildOptions::default(), catalogs, prev)
}

fn seed(catalogs: &Catalogs, rounds: usize) {
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
    let (cpu, wall) = timed(rounds, 20, || {
        simulate(&text, &ctx, catalogs, None).layers.len()
    });
    println!(
        "seed: {} layers; per simulation (parse + simulate + layer tars + digests; goal < 1 ms): CPU {:?}, wall {:?}; load {}",
        first.layers.len(),
        cpu,
        wall,
        load_average()
    );
    let (cpu, wall) = timed(rounds, 20, || {
        simulate(&text, &ctx, catalogs, Some(&first)).layers.len()
    });
    println!("seed with the previous build (every step cached): CPU {cpu:?}, wall {wall:?}");
    // The same build without its RUN lines: the build simulation alone, without the RUN
    // simulation's apt dependency resolution.
    let no_run: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("RUN"))
        .map(|l| format!("{l}\n"))
        .collect();
    let (cpu, wall) = timed(rounds, 20, || {
        simulate(&no_run, &ctx, catalogs, None).layers.len()
    });
    println!("seed without its RUN lines: CPU {cpu:?}, wall {wall:?}");
}

/// A 5,000-line Dockerfile like the ones the editor is tested with: one stage on
/// debian:bookworm, with `RUN apt-get install`, `COPY` from the seed context, `RUN echo/mkdir`
/// continued over two lines, `ENV`, `WORKDIR` and comments.
fn five_thousand_lines() -> String {
    const PACKAGES: [&str; 12] = [
        "curl",
        "git",
        "python3",
        "ca-certificates",
        "build-essential",
        "libssl-dev",
        "nginx",
        "vim",
        "openssh-client",
        "postgresql-client",
        "jq",
        "unzip",
    ];
    let mut lines = vec![
        "FROM debian:bookworm AS base".to_string(),
        "RUN apt-get update".to_string(),
    ];
    let mut i = 0;
    while lines.len() < 5000 {
        i += 1;
        match i % 10 {
            0 => lines.push(format!("# step {i}")),
            1 | 6 => lines.push(format!(
                "RUN apt-get install -y --no-install-recommends {} {}",
                PACKAGES[i % PACKAGES.len()],
                PACKAGES[(i / 7) % PACKAGES.len()]
            )),
            2 => lines.push(format!("COPY app.py /opt/s{i}/app.py")),
            3 => lines.push(format!("COPY . /srv/c{i}/")),
            4 => lines.push(format!("ENV STEP_{i}=value{i}")),
            5 => lines.push(format!("WORKDIR /opt/w{i}")),
            _ => {
                lines.push(format!(
                    "RUN echo \"step {i}\" > /opt/note{i} && mkdir -p /opt/s{i} \\"
                ));
                lines.push("    && true".to_string());
            }
        }
    }
    lines.truncate(5000);
    lines.join("\n") + "\n"
}

fn lines(catalogs: &Catalogs, rounds: usize) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("gallery/seed");
    let ctx = match Context::from_dir(&dir) {
        Ok(c) => c,
        Err(e) => {
            println!("5,000 lines: cannot load gallery/seed: {e}");
            return;
        }
    };
    let text = five_thousand_lines();
    let first = simulate(&text, &ctx, catalogs, None);
    let instructions = first.steps.len();
    let (cpu, wall) = timed(rounds, 1, || {
        simulate(&text, &ctx, catalogs, None).layers.len()
    });
    println!(
        "5,000 lines ({} bytes, {instructions} steps, {} layers): from scratch CPU {cpu:?}, wall {wall:?}; load {}",
        text.len(),
        first.layers.len(),
        load_average()
    );
    // A one-line edit in the middle: the steps after it are recomputed.
    let middle = text.len() / 2;
    let at = text[middle..].find('\n').map_or(middle, |p| middle + p + 1);
    let edited = format!(
        "{}RUN apt-get install -y curl\n{}",
        &text[..at],
        &text[at..]
    );
    let mut steps_computed = 0;
    let (cpu, wall) = timed(rounds, 1, || {
        let b = simulate(&edited, &ctx, catalogs, Some(&first));
        steps_computed = b.stats.steps_computed;
        b.layers.len()
    });
    println!(
        "5,000 lines after a one-line edit in the middle ({steps_computed} steps recomputed): CPU {cpu:?}, wall {wall:?}; process peak (VmHWM) {} MiB",
        vm_hwm_kib().unwrap_or(0) / 1024
    );
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
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let rounds = value("--rounds").and_then(|r| r.parse().ok()).unwrap_or(30);
    let only = value("--only");
    let wants = |part: &str| only.as_deref().is_none_or(|o| o == part);
    let catalogs = Catalogs::bundled();
    if wants("seed") {
        seed(&catalogs, rounds);
    }
    // The large context before the 5,000-line file, whose builds would set the peak (VmHWM).
    if wants("big") {
        big(&catalogs);
    }
    if wants("lines") {
        lines(&catalogs, rounds.div_ceil(10));
    }
}
