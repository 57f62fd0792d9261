//! layerlab's layers against a real builder's: every case under `tests/oracle/cases` was
//! built by buildah 1.28 (`tests/oracle/generate.sh`, via `oracle-build`: uncompressed layers,
//! timestamps 0) and each layer's tar listing stored in `tests/oracle/golden/<case>.txt`.
//! layerlab simulates the same Dockerfile and context, writes its layer tars, and the listings
//! (path, type, permission bits, owner, size, link target) must be equal.
//!
//! Known BuildKit/buildah differences (see tests/oracle/README.md), where layerlab follows
//! BuildKit: WORKDIR commits its own layer in BuildKit (buildah creates the directory in the
//! next layer), so layerlab's WORKDIR layers are left out and a directory entry the next
//! buildah layer carries for it is accepted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod oracle_support;

use layerlab::context::Context;
use layerlab::simulate::{build, BuildOptions, Catalogs};
use oracle_support::{golden_layers, tar_listing, WhiteoutMode};

/// Cases whose Dockerfile has RUN: they pass once `simulate::run` simulates busybox's
/// `mkdir`, `echo >`, `ln -s`, `rm` and `chmod` (the RUN developer's part).
const DEPENDS_ON_RUN: &[&str] = &[];
/// RUN cases (compared since `simulate::run` landed): buildah also puts its container
/// mount points in every RUN layer (`dev/ proc/ run/ sys/ etc/hostname etc/hosts
/// etc/resolv.conf`), which BuildKit does not; those entries are left out of the comparison.
const RUN_CASES: &[&str] = &["run-mkdir", "run-rm"];
const BUILDAH_RUN_ARTEFACTS: &[&str] = &[
    "dev",
    "proc",
    "run",
    "sys",
    "etc/hostname",
    "etc/hosts",
    "etc/resolv.conf",
];

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle")
}

fn golden(name: &str) -> Vec<Vec<String>> {
    golden_layers(&oracle_dir().join("golden").join(format!("{name}.txt")))
}

/// The case's layer listings and the WORKDIR directories (tar paths) whose layers were left out.
fn simulate_case(name: &str) -> Result<(Vec<Vec<String>>, Vec<String>), String> {
    let dir = oracle_dir().join("cases").join(name);
    let ctx = Context::from_dir(&dir).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(dir.join("Dockerfile")).map_err(|e| e.to_string())?;
    let parsed = layerlab::syntax::parse(&text);
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    let b = build(
        &parsed,
        &ins,
        &ctx,
        &BuildOptions::default(),
        &Catalogs::bundled(),
        None,
    );
    if b.has_errors() {
        return Err(format!("{:?}", b.diagnostics));
    }
    let workdirs: Vec<String> = b
        .steps
        .iter()
        .filter(|s| s.instruction == "WORKDIR")
        .filter_map(|s| s.text.strip_prefix("WORKDIR /").map(str::to_string))
        .collect();
    let mut out = Vec::new();
    for (i, report) in b.layers.iter().enumerate() {
        if report.from_base {
            continue;
        }
        let step = report.step.map(|s| &b.steps[s]);
        if step.is_some_and(|s| s.instruction == "WORKDIR") {
            continue;
        }
        let layer = &b.image_layers()[i];
        let tar = layer
            .tar()
            .ok_or_else(|| format!("layer {} not known: {:?}", i + 1, layer.missing_reason()))?;
        out.push(tar_listing(&tar, WhiteoutMode::AsWritten));
    }
    Ok((out, workdirs))
}

#[test]
fn layers_match_the_buildah_goldens() {
    let mut names: Vec<String> = std::fs::read_dir(oracle_dir().join("golden"))
        .expect("golden dir")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".txt")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 25, "{} goldens", names.len());
    let mut failures = BTreeMap::new();
    let mut passed = 0;
    for name in &names {
        if DEPENDS_ON_RUN.contains(&name.as_str()) {
            eprintln!("{name}: depends on the RUN simulation, not compared yet");
            continue;
        }
        let mut want = golden(name);
        if RUN_CASES.contains(&name.as_str()) {
            for layer in &mut want {
                layer.retain(|l| {
                    let path = l.split(' ').next().unwrap_or("");
                    !BUILDAH_RUN_ARTEFACTS.contains(&path)
                });
                if !layer.iter().any(|l| l.starts_with("etc/")) {
                    layer.retain(|l| !l.starts_with("etc d "));
                }
            }
        }
        match simulate_case(name) {
            Ok((mut got, workdirs)) => {
                // The WORKDIR directory buildah puts in the next layer (no layer of its own).
                for (g, w) in got.iter_mut().zip(&want) {
                    for line in w {
                        let path = line.split(' ').next().unwrap_or("");
                        if line.contains(" d ")
                            && workdirs.iter().any(|d| d == path)
                            && !g.contains(line)
                        {
                            g.insert(0, line.clone());
                        }
                    }
                    g.sort();
                }
                let mut want_sorted = want.clone();
                for w in &mut want_sorted {
                    w.sort();
                }
                if got == want_sorted {
                    passed += 1;
                } else {
                    failures.insert(name.clone(), format!("want {want_sorted:#?}\ngot {got:#?}"));
                }
            }
            Err(e) => {
                failures.insert(name.clone(), e);
            }
        }
    }
    eprintln!("oracle: {passed} cases equal, {} different", failures.len());
    for (n, f) in &failures {
        eprintln!("--- {n}\n{f}");
    }
    assert!(failures.is_empty(), "{} cases differ", failures.len());
}
