//! Front-end speed on the real-world corpus (`shared/corpus/realworld`, 319 Dockerfiles):
//! layerlab's parse, parse + validate, and parse + validate + expand (the pass defined in
//! `scripts/bench/frontend_pass.rs`), next to the `parse-dockerfile` crate's parse.
//!
//! `cargo bench --bench frontend [-- --rounds N] [--only parse|validate|expand|parse-dockerfile]`. The corpus is found through
//! `LAYERLAB_SHARED` (else `../shared` beside the package). Each round runs the step over
//! every file once; the median round gives MB/s (the corpus size divided by its time). The
//! load average is printed with the results because the machine is shared.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[path = "../scripts/bench/frontend_pass.rs"]
mod frontend_pass;

use frontend_pass::{frontend_pass, parse_only, parse_validate, Tally};

mod support;
use support::{load_average, thread_cpu};

fn shared_dir() -> PathBuf {
    match std::env::var_os("LAYERLAB_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

/// The corpus files (every file of the folder but its INDEX.tsv), sorted by name.
fn load_corpus() -> Result<Vec<(String, String)>, String> {
    let dir = shared_dir().join("corpus/realworld");
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "INDEX.tsv" || !entry.path().is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| format!("{name}: {e}"))?;
        files.push((name, String::from_utf8_lossy(&bytes).into_owned()));
    }
    files.sort();
    Ok(files)
}

/// One timed step: a file's text in, a count out (kept from the optimiser).
type Step<'a> = &'a dyn Fn(&str) -> usize;

/// Wall and CPU time of each round.
struct Rounds {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
}

fn median(times: &[Duration]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// Runs `step` over `texts` for `rounds` timed rounds (after two warm-up rounds).
fn time_rounds(texts: &[&str], rounds: usize, step: Step) -> Rounds {
    for _ in 0..2 {
        for t in texts {
            black_box(step(black_box(t)));
        }
    }
    let mut out = Rounds {
        wall: Vec::new(),
        cpu: Vec::new(),
    };
    for _ in 0..rounds {
        let cpu = thread_cpu();
        let start = Instant::now();
        for t in texts {
            black_box(step(black_box(t)));
        }
        out.wall.push(start.elapsed());
        if let (Some(before), Some(after)) = (cpu, thread_cpu()) {
            out.cpu.push(after.saturating_sub(before));
        }
    }
    out
}

fn report(name: &str, bytes: usize, files: usize, rounds: &Rounds) {
    let wall = median(&rounds.wall);
    let cpu = median(&rounds.cpu);
    let mb = bytes as f64 / 1e6;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let rate = |d: Duration| {
        if d.is_zero() {
            f64::NAN
        } else {
            mb / d.as_secs_f64()
        }
    };
    println!(
        "| {name:<50} | {files:>5} | {mb:>6.3} | {:>9.3} | {:>9.3} | {:>10.1} | {:>11.1} | {} |",
        ms(wall),
        ms(cpu),
        rate(cpu),
        rate(wall),
        load_average()
    );
}

fn main() {
    let mut rounds = 30usize;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--rounds") {
        rounds = args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(rounds);
    }
    let files = match load_corpus() {
        Ok(files) if !files.is_empty() => files,
        Ok(_) => {
            eprintln!("frontend bench: the corpus folder is empty");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("frontend bench: {e} (set LAYERLAB_SHARED)");
            std::process::exit(1);
        }
    };
    let all: Vec<&str> = files.iter().map(|(_, t)| t.as_str()).collect();
    let all_bytes: usize = all.iter().map(|t| t.len()).sum();
    // parse-dockerfile stops at the first error (and requires FROM first): the files it
    // accepts form a second set, on which both parsers do all of their work.
    let accepted: Vec<&str> = all
        .iter()
        .copied()
        .filter(|t| parse_dockerfile::parse(t).is_ok())
        .collect();
    let accepted_bytes: usize = accepted.iter().map(|t| t.len()).sum();

    let mut tally = Tally::default();
    for t in &all {
        tally.add(&frontend_pass(t));
    }
    println!(
        "corpus: {} files, {all_bytes} bytes; parse-dockerfile accepts {} files ({accepted_bytes} bytes)",
        all.len(),
        accepted.len()
    );
    println!("one front-end pass: {tally:?}");
    println!("{rounds} rounds; medians of the wall time and of the thread's CPU time per round\n");
    println!(
        "| {:<50} | files | MB     | wall ms   | CPU ms    | MB/s (CPU) | MB/s (wall) | load avg (1 5 15) |",
        "step"
    );
    println!(
        "|{}|-------|--------|-----------|-----------|------------|-------------|-------------------|",
        "-".repeat(52)
    );

    let steps: [(&str, Step); 3] = [
        ("layerlab parse", &parse_only),
        ("layerlab parse + validate", &parse_validate),
        ("layerlab parse + validate + expand", &|t| {
            frontend_pass(t).expanded_words
        }),
    ];
    let pd = |t: &str| parse_dockerfile::parse(t).map_or(0, |d| d.instructions.len());
    // `--only STEP` times one step over all files (for a profiler: `perf record`).
    if let Some(only) = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
    {
        let step: Step = match only.as_str() {
            "parse" => steps[0].1,
            "validate" => steps[1].1,
            "expand" => steps[2].1,
            "parse-dockerfile" => &pd,
            other => {
                eprintln!("--only: {other}? (parse, validate, expand, parse-dockerfile)");
                std::process::exit(2);
            }
        };
        report(only, all_bytes, all.len(), &time_rounds(&all, rounds, step));
        return;
    }
    let mut all_parse = None;
    for (name, step) in steps {
        let r = time_rounds(&all, rounds, step);
        report(name, all_bytes, all.len(), &r);
        all_parse.get_or_insert(r);
    }
    let all_pd = time_rounds(&all, rounds, &pd);
    report(
        "parse-dockerfile 0.1.9 parse",
        all_bytes,
        all.len(),
        &all_pd,
    );
    let mut accepted_parse = None;
    for (name, step) in steps {
        let r = time_rounds(&accepted, rounds, step);
        report(
            &format!("{name} (accepted set)"),
            accepted_bytes,
            accepted.len(),
            &r,
        );
        accepted_parse.get_or_insert(r);
    }
    let accepted_pd = time_rounds(&accepted, rounds, &pd);
    report(
        "parse-dockerfile 0.1.9 parse (accepted set)",
        accepted_bytes,
        accepted.len(),
        &accepted_pd,
    );
    let ratio = |ours: &Option<Rounds>, theirs: &Rounds| {
        ours.as_ref().map_or(f64::NAN, |o| {
            median(&o.cpu).as_secs_f64() / median(&theirs.cpu).as_secs_f64()
        })
    };
    println!(
        "\nparse time, layerlab / parse-dockerfile (CPU medians): all files {:.1}x, accepted set {:.1}x (goal: at most 2x)",
        ratio(&all_parse, &all_pd),
        ratio(&accepted_parse, &accepted_pd)
    );
}
