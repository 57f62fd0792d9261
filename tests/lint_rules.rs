//! Every rule's own documentation is checked: its bad example triggers it and its good
//! example does not. Plus the controls (directive, pragmas, overrides) and SARIF output.

use layerlab::context::Dockerignore;
use layerlab::diagnostic::{Diagnostic, Severity};
use layerlab::lint::{check, rule_docs, sarif::to_sarif, LintOptions};

fn lint(text: &str, options: &LintOptions) -> Vec<Diagnostic> {
    let parsed = layerlab::syntax::parse(text);
    let typed = layerlab::instructions::parse(&parsed.dockerfile);
    check(&parsed, &typed, options)
}

/// Options that switch every rule on (and give the configuration some rules need).
fn all_on(code: &str, bad: bool) -> LintOptions {
    let mut options = LintOptions::default();
    for d in rule_docs().iter().filter(|d| d.off_by_default) {
        options
            .severity_overrides
            .push((d.code.to_string(), Some(d.default_severity)));
    }
    options.hadolint.allowed_registries = vec!["docker.io".into()];
    if code == "CopyIgnoredFile" {
        let ignore = if bad { "*.md\n" } else { "*.md\n!README.md\n" };
        options.dockerignore = Some(Dockerignore::parse(".dockerignore", ignore).unwrap());
    }
    options
}

#[test]
fn every_rule_doc_example_behaves_as_documented() {
    let mut codes = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for doc in rule_docs() {
        assert!(codes.insert(doc.code), "duplicate code {}", doc.code);
        assert!(!doc.summary.is_empty() && !doc.rationale.is_empty() && !doc.name.is_empty());
        let fired = |text: &str, bad: bool| {
            lint(text, &all_on(doc.code, bad))
                .iter()
                .any(|d| d.code == doc.code)
        };
        if !fired(doc.bad, true) {
            failures.push(format!("{}: bad example does not trigger it", doc.code));
        }
        if fired(doc.good, false) {
            failures.push(format!("{}: good example triggers it", doc.code));
        }
    }
    println!(
        "{} rules, {} doc examples checked",
        rule_docs().len(),
        2 * rule_docs().len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ll001_apt_lists_removed_in_a_later_layer() {
    let found = lint(
        "FROM debian:12 AS base\nRUN apt-get update && apt-get install -y curl\nFROM base\nRUN rm -rf /var/lib/apt/lists/*\n",
        &LintOptions::default(),
    );
    let ll: Vec<_> = found.iter().filter(|d| d.code == "LL001").collect();
    assert_eq!(ll.len(), 1);
    assert!(ll[0].message.contains("line 2"), "{}", ll[0].message);
    let same_layer = lint(
        "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN rm -rf /var/lib/apt/lists/*\n",
        &LintOptions::default(),
    );
    assert!(!same_layer.iter().any(|d| d.code == "LL001"));
}

#[test]
fn controls_directive_pragmas_overrides() {
    let text =
        "# check=error=true\nFROM alpine:3.20 as build\n# hadolint ignore=DL3003\nRUN cd /tmp\n";
    let found = lint(text, &LintOptions::default());
    let as_casing = found.iter().find(|d| d.code == "FromAsCasing").unwrap();
    assert_eq!(
        as_casing.severity,
        Severity::Error,
        "check=error=true makes it an error"
    );
    assert!(
        !found.iter().any(|d| d.code == "DL3003"),
        "pragma ignores DL3003"
    );

    let mut options = LintOptions::default();
    options.build_args.push((
        "BUILDKIT_DOCKERFILE_CHECK".into(),
        "skip=FromAsCasing".into(),
    ));
    options
        .severity_overrides
        .push(("DL3006".into(), Some(Severity::Error)));
    let found = lint("FROM alpine as build\n", &options);
    assert!(
        !found.iter().any(|d| d.code == "FromAsCasing"),
        "build arg replaces directive"
    );
    assert_eq!(
        found.iter().find(|d| d.code == "DL3006").unwrap().severity,
        Severity::Error
    );

    let bad = lint("# check=bogus=1\nFROM alpine\n", &LintOptions::default());
    assert!(bad
        .iter()
        .any(|d| d.code == "check-directive" && d.severity == Severity::Error));
}

#[test]
fn sarif_has_rules_and_results() {
    let text = "FROM alpine as build\nRUN cd /tmp\n";
    let found = lint(text, &LintOptions::default());
    let log = to_sarif("Dockerfile", text, &found);
    assert_eq!(log["version"], "2.1.0");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), rule_docs().len());
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), found.len());
    let dl3003 = results.iter().find(|r| r["ruleId"] == "DL3003").unwrap();
    assert_eq!(
        dl3003["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
    let index = dl3003["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "DL3003");
}

#[test]
fn hostile_input_never_panics() {
    for text in [
        "",
        "FROM",
        "RUN",
        "FROM $\nRUN <<EOF\n",
        "FROM a AS\nCOPY --from= a\nEXPOSE :::/\nUSER :\nWORKDIR\nENV a\n",
        "RUN (((((\nRUN '\nRUN \"$(\nSHELL []\nHEALTHCHECK CMD\n",
        "\u{feff}FROM x:${a:-${b:-${c}}}\nARG =\nLABEL =x\n",
    ] {
        let _ = lint(text, &LintOptions::default());
    }
}
