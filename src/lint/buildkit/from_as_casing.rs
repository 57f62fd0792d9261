//! FromAsCasing: the `AS` keyword should match the case of the `FROM` keyword.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "FromAsCasing",
    name: "from-as-casing",
    set: RuleSet::BuildKit,
    summary: "The 'as' keyword should match the case of the 'from' keyword",
    rationale: "Consistent casing makes the FROM line read as one instruction; `FROM x as y` mixes styles. (A mixed-case `From` is left to ConsistentInstructionCasing.)",
    bad: "FROM debian:latest as builder\n",
    good: "FROM debian:latest AS builder\n",
    url: "https://docs.docker.com/go/dockerfile/rule/from-as-casing/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for stage in &cx.typed.stages {
        let Some(as_word) = &stage.as_word else {
            continue;
        };
        let from = &stage.keyword;
        let from_upper = from.to_uppercase() == *from;
        let from_lower = from.to_lowercase() == *from;
        let mismatch = (from_upper && as_word.value.to_uppercase() != as_word.value)
            || (from_lower && as_word.value.to_lowercase() != as_word.value);
        if mismatch {
            out.push(
                cx.first_line_span(stage.span),
                format!(
                    "'{}' and '{}' keywords' casing do not match",
                    as_word.value, from
                ),
            );
        }
    }
}
