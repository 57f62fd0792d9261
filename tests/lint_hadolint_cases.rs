//! hadolint's own spec cases (`test/Hadolint/Rule/*Spec.hs`, 1103 extracted assertions) for
//! every DL rule layerlab implements, with per-rule counts.

mod common;

use std::collections::BTreeMap;

use layerlab::lint::{check, rule_docs, LabelType, LintOptions, RuleSet, RuleSets};
use serde_json::Value;

/// The spec helper's `?config`, read from its Haskell source text.
fn apply_config(config: &str, options: &mut LintOptions) {
    let quoted = |s: &str| -> Vec<String> {
        s.split('"')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, v)| v.to_string())
            .collect()
    };
    if let Some(rest) = config.split("allowedRegistries").nth(1) {
        let list = rest.split(']').next().unwrap_or("");
        options.hadolint.allowed_registries = quoted(list);
    }
    if let Some(rest) = config.split("labelSchema").nth(1) {
        let list = rest.split("])").next().unwrap_or("");
        for entry in list.split('(').skip(1) {
            let name = quoted(entry).into_iter().next().unwrap_or_default();
            let kind = match entry {
                e if e.contains("Url") => LabelType::Url,
                e if e.contains("Rfc3339") => LabelType::Rfc3339,
                e if e.contains("Spdx") => LabelType::Spdx,
                e if e.contains("GitHash") => LabelType::GitHash,
                e if e.contains("SemVer") => LabelType::SemVer,
                e if e.contains("Email") => LabelType::Email,
                _ => LabelType::RawText,
            };
            options.hadolint.label_schema.push((name, kind));
        }
    }
    options.hadolint.strict_labels = config.contains("strictLabels = True");
    if let Some(rest) = config.split("ignoreRules").nth(1) {
        for code in quoted(rest.split(']').next().unwrap_or("")) {
            options.severity_overrides.push((code, None));
        }
    }
}

/// The `onbuild` variant: every RUN instruction wrapped in ONBUILD.
fn wrap_runs_in_onbuild(text: &str) -> String {
    let parsed = layerlab::syntax::parse(text);
    let mut out = text.to_string();
    let mut starts: Vec<usize> = parsed
        .dockerfile
        .instructions
        .iter()
        .filter(|i| i.kind == layerlab::syntax::Keyword::Run)
        .map(|i| i.keyword_span.start)
        .collect();
    starts.sort_unstable_by(|a, b| b.cmp(a));
    for s in starts {
        out.insert_str(s, "ONBUILD ");
    }
    out
}

#[test]
fn hadolint_spec_cases_for_implemented_rules() {
    let Some(path) = common::shared("conformance/hadolint/cases.jsonl") else {
        return;
    };
    let implemented: Vec<&str> = rule_docs()
        .iter()
        .filter(|d| d.set == RuleSet::Hadolint)
        .map(|d| d.code)
        .collect();
    let text = std::fs::read_to_string(path).expect("cases.jsonl");
    let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for line in text.lines() {
        let case: Value = serde_json::from_str(line).expect("json");
        let rule = case["rule"].as_str().unwrap_or_default();
        if rule != "*" && !implemented.contains(&rule) {
            continue;
        }
        let mut dockerfile = format!("{}\n", case["dockerfile"].as_str().unwrap_or_default());
        if case["variant"] == "onbuild" {
            dockerfile = wrap_runs_in_onbuild(&dockerfile);
        }
        let mut options = LintOptions {
            rule_sets: RuleSets {
                buildkit: false,
                hadolint: true,
                layerlab: false,
            },
            ..LintOptions::default()
        };
        // hadolint's specs run every rule, including those off by default.
        for d in rule_docs()
            .iter()
            .filter(|d| d.off_by_default && d.set == RuleSet::Hadolint)
        {
            options
                .severity_overrides
                .push((d.code.to_string(), Some(d.default_severity)));
        }
        apply_config(case["config"].as_str().unwrap_or("def"), &mut options);
        let parsed = layerlab::syntax::parse(&dockerfile);
        let typed = layerlab::instructions::parse(&parsed.dockerfile);
        let found = check(&parsed, &typed, &options);
        let n = if rule == "*" {
            found.len()
        } else {
            found.iter().filter(|d| d.code == rule).count()
        };
        let ok = match (case["expect"].as_str(), case["count"].as_u64()) {
            (Some("fail"), None) => n >= 1,
            (Some("fail"), Some(c)) => n == c as usize,
            _ => n == 0,
        };
        let entry = counts.entry(rule.to_string()).or_default();
        if ok {
            entry.0 += 1;
        } else {
            entry.1 += 1;
            failures.push(format!(
                "{rule} {} {} ({}:{}): got {n}\n{dockerfile}",
                case["expect"], case["variant"], case["spec_file"], case["spec_line"]
            ));
        }
    }
    let (mut pass, mut fail) = (0, 0);
    for (rule, (p, f)) in &counts {
        println!("{rule}: {p} passed, {f} failed");
        pass += p;
        fail += f;
    }
    println!(
        "hadolint spec cases: {} rules, {pass} passed, {fail} failed",
        counts.len()
    );
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}
