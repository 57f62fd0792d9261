//! The moby/patternmatcher conformance table (`conformance/patternmatcher/cases.tsv`): every
//! row is run through the API its Go test used, and the count of passing rows is printed.

mod common;

use layerlab::context::patternmatcher_fns::{matches, matches_or_parent_matches};
use layerlab::context::{read_ignore_lines, MatchInfo, MatchKind, PatternError, PatternMatcher};

#[derive(Debug, PartialEq)]
enum Expect {
    True,
    False,
    Error,
}

fn verdict(result: Result<bool, PatternError>) -> Expect {
    match result {
        Ok(true) => Expect::True,
        Ok(false) => Expect::False,
        Err(_) => Expect::Error,
    }
}

/// Go's test for `MatchesUsingParentResults`: walk the parents first, carrying the info.
fn using_parent_results(pm: &PatternMatcher, text: &str) -> Result<bool, PatternError> {
    let parent = match text.rfind('/') {
        Some(i) => layerlab::context::go_clean(&text[..=i]),
        None => ".".to_string(),
    };
    let mut info = MatchInfo::default();
    if parent != "." {
        let dirs: Vec<&str> = parent.split('/').collect();
        for i in 1..=dirs.len() {
            // Go ignores the error of the intermediate calls.
            if let Ok((_, next)) = pm.matches_using_parent_results(&dirs[..i].join("/"), &info) {
                info = next;
            }
        }
    }
    pm.matches_using_parent_results(text, &info).map(|(m, _)| m)
}

/// Go's test for the deprecated `MatchesUsingParentResult`.
fn using_parent_result(pm: &PatternMatcher, text: &str) -> Result<bool, PatternError> {
    let parent = match text.rfind('/') {
        Some(i) => layerlab::context::go_clean(&text[..=i]),
        None => ".".to_string(),
    };
    let mut parent_matched = false;
    if parent != "." {
        let dirs: Vec<&str> = parent.split('/').collect();
        for i in 1..=dirs.len() {
            parent_matched = pm
                .matches_using_parent_result(&dirs[..i].join("/"), parent_matched)
                .unwrap_or(false);
        }
    }
    pm.matches_using_parent_result(text, parent_matched)
}

#[test]
fn patternmatcher_conformance_table() {
    let Some(dir) = common::shared("conformance/patternmatcher") else {
        return;
    };
    let table = std::fs::read_to_string(dir.join("cases.tsv")).expect("cases.tsv readable");
    let mut rows = 0;
    let mut passed = 0;
    let mut failures = Vec::new();
    for line in table.lines().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 6, "malformed row: {line:?}");
        let patterns: Vec<String> =
            serde_json::from_str(cols[0]).expect("patterns_json is a JSON array");
        let path = cols[1];
        let expected = match cols[2] {
            "true" => Expect::True,
            "false" => Expect::False,
            "error" => Expect::Error,
            other => panic!("unknown expectation {other:?}"),
        };
        let api = cols[3];
        rows += 1;
        let mut got: Vec<(&str, Expect)> = Vec::new();
        if api.starts_with("Matches (deprecated package func)") {
            got.push(("Matches", verdict(matches(path, &patterns))));
        } else if api == "MatchesOrParentMatches" {
            // Malformed-pattern regression: New succeeds, every match reports the error.
            match PatternMatcher::new(&patterns) {
                Ok(pm) => {
                    got.push((
                        "MatchesOrParentMatches#1",
                        verdict(pm.matches_or_parent_matches(path)),
                    ));
                    got.push((
                        "MatchesOrParentMatches#2",
                        verdict(pm.matches_or_parent_matches(path)),
                    ));
                }
                // New must succeed for this row: report its error as a wrong verdict.
                Err(e) => {
                    failures.push(format!("{patterns:?}: New failed: {e}"));
                    continue;
                }
            }
        } else {
            match PatternMatcher::new(&patterns) {
                Ok(pm) => {
                    got.push((
                        "MatchesOrParentMatches",
                        verdict(pm.matches_or_parent_matches(path)),
                    ));
                    got.push((
                        "MatchesUsingParentResults",
                        verdict(using_parent_results(&pm, path)),
                    ));
                    got.push((
                        "MatchesUsingParentResultsNoContext",
                        verdict(
                            pm.matches_using_parent_results(path, &MatchInfo::default())
                                .map(|(m, _)| m),
                        ),
                    ));
                    if api.ends_with("/ MatchesUsingParentResult") {
                        got.push((
                            "MatchesUsingParentResult",
                            verdict(using_parent_result(&pm, path)),
                        ));
                    }
                    // The package function agrees (it only adds Clean and the "." guard).
                    if path != "/" && !path.ends_with('/') {
                        got.push((
                            "package MatchesOrParentMatches",
                            verdict(matches_or_parent_matches(path, &patterns)),
                        ));
                    }
                }
                Err(e) => got.push(("New", verdict(Err(e)))),
            }
        }
        let wrong: Vec<String> = got
            .iter()
            .filter(|(_, v)| *v != expected)
            .map(|(name, v)| format!("{name} -> {v:?}"))
            .collect();
        if wrong.is_empty() {
            passed += 1;
        } else {
            failures.push(format!(
                "{patterns:?} {path:?} expected {expected:?}: {}",
                wrong.join(", ")
            ));
        }
    }
    println!("patternmatcher conformance: {passed}/{rows} rows pass");
    assert_eq!(rows, 138, "the table has 138 rows");
    assert!(
        failures.is_empty(),
        "{} failing rows:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn ignorefile_read_all_fixture() {
    let Some(dir) = common::shared("conformance/patternmatcher") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("ignorefile_readall_case.json"))
        .expect("fixture readable");
    let fixture: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
    let input = fixture["input"].as_str().expect("input string");
    let expected: Vec<String> = fixture["expected_patterns"]
        .as_array()
        .expect("expected array")
        .iter()
        .map(|v| v.as_str().expect("string").to_string())
        .collect();
    let got: Vec<String> = read_ignore_lines(input)
        .expect("reads")
        .into_iter()
        .map(|l| l.pattern)
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn compile_cases_translate_like_go() {
    // compile_cases.tsv: the match type Go picks and the regexp it builds for `/`.
    let Some(dir) = common::shared("conformance/patternmatcher") else {
        return;
    };
    let table =
        std::fs::read_to_string(dir.join("compile_cases.tsv")).expect("compile_cases.tsv readable");
    let mut rows = 0;
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (pattern, match_type, regexp) = (cols[0], cols[1], cols.get(2).copied().unwrap_or(""));
        let pm = PatternMatcher::new(&[pattern]).expect("compile cases are valid patterns");
        let want = match match_type {
            "exactMatch" => MatchKind::Exact,
            "prefixMatch" => MatchKind::Prefix,
            "suffixMatch" => MatchKind::Suffix,
            "regexpMatch" => MatchKind::Regex(regexp.to_string()),
            other => panic!("unknown match type {other:?}"),
        };
        assert_eq!(
            pm.patterns()[0].match_kind(),
            Ok(want),
            "pattern {pattern:?}"
        );
        rows += 1;
    }
    println!("patternmatcher compile cases: {rows}/21 translate like Go");
    assert_eq!(rows, 21);
}
