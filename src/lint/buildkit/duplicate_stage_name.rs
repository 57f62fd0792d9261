//! DuplicateStageName: stage names should be unique.

use crate::diagnostic::Severity;
use crate::gostr::go_quote;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DuplicateStageName",
    name: "duplicate-stage-name",
    set: RuleSet::BuildKit,
    summary: "Stage names should be unique",
    rationale: "`COPY --from=name` and `--target name` pick one of the stages with that name; a duplicate makes which one ambiguous to readers.",
    bad: "FROM debian:latest AS builder\nRUN apt-get update; apt-get install -y curl\n\nFROM golang:latest AS builder\n",
    good: "FROM debian:latest AS deb-builder\nRUN apt-get update; apt-get install -y curl\n\nFROM golang:latest AS go-builder\n",
    url: "https://docs.docker.com/go/dockerfile/rule/duplicate-stage-name/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let mut seen = std::collections::BTreeSet::new();
    for stage in &cx.typed.stages {
        let Some(name) = &stage.name else { continue };
        if !seen.insert(name.clone()) {
            out.push(
                cx.first_line_span(stage.span),
                format!(
                    "Duplicate stage name {}, stage names should be unique",
                    go_quote(name)
                ),
            );
        }
    }
}
