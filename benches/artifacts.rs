//! Artifact speed: the layer tar and its sha256 (the diff_id) for a layer that adds a folder of
//! files (default 5,000 files, ~200 MB, generated once, deterministically, under /tmp), and the
//! gzip blob measured on its own. The steps are in `scripts/bench/artifacts_pass.rs`, shared
//! with the wasm benchmark.
//!
//! `cargo bench --bench artifacts [-- --rounds N --gzip-rounds N --files DIR --count N --mb N]`
//!
//! The tar is also written to `<files>.layer.tar` so that `scripts/bench/run.sh` can check
//! its digest with `sha256sum` and time `tar cf - DIR | sha256sum` and `gzip` on the same bytes.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use layerlab::fs::Tree;

mod support;
use support::{load_average, thread_cpu};

#[path = "../scripts/bench/artifacts_pass.rs"]
mod artifacts_pass;

/// xorshift64*: deterministic content without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

const WORDS: [&str; 32] = [
    "the",
    "layer",
    "image",
    "build",
    "stage",
    "copy",
    "run",
    "from",
    "env",
    "arg",
    "docker",
    "container",
    "digest",
    "sha256",
    "manifest",
    "config",
    "tar",
    "gzip",
    "file",
    "path",
    "user",
    "root",
    "apt-get",
    "install",
    "--no-install-recommends",
    "&&",
    "rm",
    "-rf",
    "/var/lib/apt",
    "lists",
    "echo",
    "{\"key\": 42}",
];

/// Text-like bytes (compress about 3-4x) for three files in four, random bytes (incompressible,
/// like binaries) for the fourth.
fn content(rng: &mut Rng, index: usize, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    if index % 4 == 3 {
        while out.len() < len {
            out.extend_from_slice(&rng.next().to_le_bytes());
        }
    } else {
        while out.len() < len {
            let r = rng.next();
            out.extend_from_slice(WORDS[(r % 32) as usize].as_bytes());
            out.push(if r >> 59 == 0 { b'\n' } else { b' ' });
        }
    }
    out.truncate(len);
    out
}

/// Writes `count` files totalling about `mb` MB under `dir` (50 sub-folders), unless a marker
/// beside the folder says this exact set is there already.
fn generate(dir: &Path, count: usize, mb: usize) -> std::io::Result<()> {
    let marker = PathBuf::from(format!("{}.done", dir.display()));
    let want = format!("v1 {count} {mb}\n");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(want.as_str()) && dir.is_dir() {
        return Ok(());
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mean = mb * 1_000_000 / count.max(1);
    for i in 0..count {
        let sub = dir.join(format!("d{:02}", i % 50));
        std::fs::create_dir_all(&sub)?;
        // Sizes spread from mean/5 to 9·mean/5.
        let len = mean / 5 + (rng.next() % (mean as u64 * 8 / 5 + 1)) as usize;
        std::fs::write(sub.join(format!("f{i:05}.dat")), content(&mut rng, i, len))?;
    }
    std::fs::write(marker, want)
}

fn load(dir: &Path) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let mut subs: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    subs.sort_by_key(|e| e.file_name());
    for sub in subs {
        let mut entries: Vec<_> = std::fs::read_dir(sub.path())?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let rel = format!(
                "{}/{}",
                sub.file_name().to_string_lossy(),
                e.file_name().to_string_lossy()
            );
            files.push((rel, std::fs::read(e.path())?));
        }
    }
    Ok(files)
}

/// Wall and CPU time of one run of a step.
#[derive(Clone, Copy, Default)]
struct Timing {
    wall: Duration,
    cpu: Duration,
}

impl std::ops::Add for Timing {
    type Output = Timing;
    fn add(self, other: Timing) -> Timing {
        Timing {
            wall: self.wall + other.wall,
            cpu: self.cpu + other.cpu,
        }
    }
}

fn measure<T>(f: impl FnOnce() -> T) -> (Timing, T) {
    let cpu = thread_cpu();
    let start = Instant::now();
    let out = black_box(f());
    let wall = start.elapsed();
    let cpu = match (cpu, thread_cpu()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => Duration::ZERO,
    };
    (Timing { wall, cpu }, out)
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

fn report(name: &str, files: usize, bytes: usize, times: &[Timing]) {
    let wall = median(&times.iter().map(|t| t.wall).collect::<Vec<_>>());
    let cpu = median(&times.iter().map(|t| t.cpu).collect::<Vec<_>>());
    let mb = bytes as f64 / 1e6;
    let rate = |d: Duration| {
        if d.is_zero() {
            f64::NAN
        } else {
            mb / d.as_secs_f64()
        }
    };
    println!(
        "| {name:<40} | {files:>5} | {mb:>7.2} | {:>9.1} | {:>9.1} | {:>10.1} | {:>11.1} | {} |",
        wall.as_secs_f64() * 1e3,
        cpu.as_secs_f64() * 1e3,
        rate(cpu),
        rate(wall),
        load_average()
    );
}

fn time<T>(rounds: usize, mut f: impl FnMut() -> T) -> (Vec<Timing>, T) {
    let mut times = Vec::new();
    let (t, mut last) = measure(&mut f);
    times.push(t);
    for _ in 1..rounds {
        let (t, out) = measure(&mut f);
        times.push(t);
        last = out;
    }
    (times, last)
}

fn arg(args: &[String], name: &str) -> Option<String> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).cloned()
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let num = |name: &str, default: usize| {
        arg(&args, name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let rounds = num("--rounds", 5).max(1);
    let gzip_rounds = num("--gzip-rounds", 3).max(1);
    let count = num("--count", 5000);
    let mb = num("--mb", 200);
    let dir = PathBuf::from(
        arg(&args, "--files")
            .or_else(|| std::env::var("LAYERLAB_BENCH_FILES").ok())
            .unwrap_or_else(|| "/tmp/layerlab-bench-files".to_string()),
    );
    generate(&dir, count, mb).map_err(|e| format!("generating {}: {e}", dir.display()))?;
    let files = load(&dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let bytes: usize = files.iter().map(|(_, d)| d.len()).sum();
    println!(
        "files: {} files, {bytes} bytes in {}",
        files.len(),
        dir.display()
    );
    println!(
        "{rounds} rounds (gzip {gzip_rounds}); medians of the wall time and of the thread's CPU time\n"
    );
    println!(
        "| {:<40} | files | MB      | wall ms   | CPU ms    | MB/s (CPU) | MB/s (wall) | load avg (1 5 15) |",
        "step"
    );
    println!(
        "|{}|-------|---------|-----------|-----------|------------|-------------|-------------------|",
        "-".repeat(42)
    );

    let (t, tree) = time(rounds.min(3), || {
        let mut tree = Tree::new();
        for (rel, data) in &files {
            artifacts_pass::add_file(&mut tree, rel, data.clone())?;
        }
        Ok::<Tree, String>(tree)
    });
    let tree = tree?;
    report(
        "build the tree (copies the bytes in)",
        files.len(),
        bytes,
        &t,
    );
    let (t, diff) = time(rounds, || artifacts_pass::diff_from_empty(&tree));
    report("diff (tree vs empty)", files.len(), bytes, &t);
    let (tar_t, tar) = time(rounds, || artifacts_pass::layer_tar(&diff));
    let tar = tar?;
    report("layer tar", files.len(), tar.len(), &tar_t);
    let (sha_t, digest) = time(rounds, || artifacts_pass::diff_id(&tar));
    report(
        "sha256 of the tar (1 MiB chunks)",
        files.len(),
        tar.len(),
        &sha_t,
    );
    let both: Vec<Timing> = tar_t.iter().zip(&sha_t).map(|(a, b)| *a + *b).collect();
    report("tar + sha256", files.len(), tar.len(), &both);
    println!("|   diff_id {digest} ({} bytes of tar) |", tar.len());
    let mut gz = Vec::new();
    let mut gz_len = 0;
    for _ in 0..gzip_rounds {
        let layer = artifacts_pass::layer_of(tar.clone());
        let (t, len) = measure(|| artifacts_pass::gzip_len(&layer));
        gz.push(t);
        gz_len = len;
    }
    report(
        "gzip (level 6, + sha256 of blob)",
        files.len(),
        tar.len(),
        &gz,
    );
    println!(
        "|   gzip blob {gz_len} bytes ({:.1}% of the tar) |",
        gz_len as f64 * 100.0 / tar.len() as f64
    );
    let out = format!("{}.layer.tar", dir.display());
    std::fs::write(&out, &tar).map_err(|e| format!("{out}: {e}"))?;
    println!("\nlayer tar written to {out}");
    Ok(())
}
