//! StageNameCasing: stage names should be lowercase.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "StageNameCasing",
    name: "stage-name-casing",
    set: RuleSet::BuildKit,
    summary: "Stage names should be lowercase",
    rationale: "Stage names are case-insensitive (BuildKit lower-cases them), so `Build` and `build` are the same stage; mixed case suggests a difference that does not exist.",
    bad: "FROM alpine AS BuilderBase\n",
    good: "FROM alpine AS builder-base\n",
    url: "https://docs.docker.com/go/dockerfile/rule/stage-name-casing/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for stage in &cx.typed.stages {
        if let Some(word) = &stage.name_word {
            if word.value.to_lowercase() != word.value {
                out.push(
                    cx.first_line_span(stage.span),
                    format!("Stage name '{}' should be lowercase", word.value),
                );
            }
        }
    }
}
