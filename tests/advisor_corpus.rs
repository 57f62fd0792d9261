//! The advisor on the real-world corpus (319 Dockerfiles from public repositories): it never
//! panics, every advice points at lines of the file, and every one-click fix yields a
//! Dockerfile that still parses and simulates without new errors.

mod common;

use layerlab::advisor::{advise, apply_fix};
use layerlab::context::Context;
use layerlab::simulate::{build, BuildOptions, Catalogs};

#[test]
fn advice_on_the_realworld_corpus_is_sound() {
    let Some(dir) = common::shared("corpus/realworld") else {
        return;
    };
    let catalogs = Catalogs::bundled();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n != "INDEX.tsv"))
        .collect();
    entries.sort();
    let (mut files, mut advised, mut fixes) = (0, 0, 0);
    let mut by_id: std::collections::BTreeMap<&str, usize> = Default::default();
    for path in entries {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        files += 1;
        let parsed = layerlab::syntax::parse(&text);
        let ins = layerlab::instructions::parse(&parsed.dockerfile);
        let ctx = Context::new();
        let opts = BuildOptions::default();
        let b = build(&parsed, &ins, &ctx, &opts, &catalogs, None);
        let advice = advise(&b, &parsed, &catalogs);
        if !advice.is_empty() {
            advised += 1;
        }
        let line_count = parsed.line_index.line_count();
        for a in &advice {
            if std::env::var_os("ADVISOR_CORPUS_PRINT").is_some() {
                eprintln!("{}: [{}] {}", path.display(), a.id, a.title);
            }
            *by_id.entry(a.id).or_default() += 1;
            assert!(
                a.lines.iter().all(|&l| l >= 1 && l <= line_count),
                "{}: {a:?}",
                path.display()
            );
            let Some(fix) = &a.fix else { continue };
            fixes += 1;
            let fixed = apply_fix(&text, fix)
                .unwrap_or_else(|| panic!("{}: {} fix does not apply", path.display(), a.id));
            let reparsed = layerlab::syntax::parse(&fixed);
            assert!(
                reparsed.is_ok(),
                "{}: the {} fix breaks the Dockerfile: {:?}\n{fixed}",
                path.display(),
                a.id,
                reparsed.diagnostics
            );
            let ins2 = layerlab::instructions::parse(&reparsed.dockerfile);
            let errors_before = ins.diagnostics.len();
            assert!(
                ins2.diagnostics.len() <= errors_before,
                "{}: the {} fix adds instruction errors: {:?}\n{fixed}",
                path.display(),
                a.id,
                ins2.diagnostics
            );
        }
    }
    eprintln!("{files} Dockerfiles, {advised} with advice, {fixes} fixes checked: {by_id:?}");
    assert!(files > 300);
    assert!(advised > 0);
    for id in [
        "merge-runs",
        "clean-in-same-layer",
        "multi-stage",
        "package-cache",
    ] {
        assert!(by_id.contains_key(id), "no {id} advice on the corpus");
    }
}
