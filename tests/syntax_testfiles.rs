//! BuildKit's parser testfiles: every positive case dumps byte-identically, every negative
//! case fails, and the line numbers of `testfile-line` match.

mod common;

use std::fs;

use layerlab::diagnostic::Severity;
use layerlab::syntax::{parse, parse_bytes};

#[test]
fn positive_testfiles_dump_identically() {
    let Some(dir) = common::shared("conformance/buildkit/frontend/dockerfile/parser/testfiles")
    else {
        return;
    };
    let mut entries: Vec<_> = fs::read_dir(&dir)
        .expect("testfiles dir")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    let mut total = 0;
    let mut failures = Vec::new();
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let input = fs::read(entry.path().join("Dockerfile")).expect("Dockerfile");
        let expected = fs::read_to_string(entry.path().join("result")).expect("result");
        total += 1;
        let parsed = parse_bytes(&input);
        let errors: Vec<_> = parsed.errors().map(|d| d.message.clone()).collect();
        let got = parsed.dockerfile.dump() + "\n";
        if got != expected || !errors.is_empty() {
            failures.push(format!(
                "{name}: errors {errors:?}\n--- expected\n{expected}--- got\n{got}"
            ));
        }
    }
    eprintln!(
        "parser testfiles: {}/{} dump identically",
        total - failures.len(),
        total
    );
    assert_eq!(total, 33, "expected 33 testfiles");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn negative_testfiles_fail() {
    let Some(dir) =
        common::shared("conformance/buildkit/frontend/dockerfile/parser/testfiles-negative")
    else {
        return;
    };
    let expected = [
        ("empty_dockerfile", "file with no instructions"),
        ("only_comments", "file with no instructions"),
        ("env_no_value", "ENV must have two arguments"),
        (
            "shykes-nested-json",
            "when using JSON array syntax, arrays must be comprised of strings only",
        ),
    ];
    let mut ok = 0;
    for (name, message) in expected {
        let input = fs::read(dir.join(name).join("Dockerfile")).expect("Dockerfile");
        let parsed = parse_bytes(&input);
        let errors: Vec<_> = parsed.errors().map(|d| d.message.as_str()).collect();
        assert!(errors.contains(&message), "{name}: {errors:?}");
        ok += 1;
    }
    eprintln!("parser testfiles-negative: {ok}/4 fail with BuildKit's message");
}

#[test]
fn line_numbers_of_testfile_line() {
    let Some(path) =
        common::shared("conformance/buildkit/frontend/dockerfile/parser/testfile-line/Dockerfile")
    else {
        return;
    };
    let text = fs::read_to_string(path).expect("Dockerfile");
    let parsed = parse(&text);
    assert!(parsed.is_ok(), "{:?}", parsed.diagnostics);
    let df = &parsed.dockerfile;
    assert_eq!((df.start_line, df.end_line), (5, 31));
    let lines: Vec<_> = df
        .instructions
        .iter()
        .map(|i| (i.start_line, i.end_line))
        .collect();
    assert_eq!(lines, [(5, 5), (11, 12), (17, 31)]);
    // Spans agree with the line numbers.
    for inst in &df.instructions {
        assert_eq!(parsed.line_index.line_of(inst.span.start), inst.start_line);
        assert_eq!(parsed.line_index.line_of(inst.span.end), inst.end_line);
    }
    assert!(parsed
        .diagnostics
        .iter()
        .all(|d| d.severity != Severity::Error));
    eprintln!("testfile-line: 3/3 instructions with BuildKit's line numbers");
}
