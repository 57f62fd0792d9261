//! ReservedStageName: `scratch` and `context` are not stage names.

use crate::diagnostic::Severity;
use crate::gostr::go_quote;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "ReservedStageName",
    name: "reserved-stage-name",
    set: RuleSet::BuildKit,
    summary: "Reserved words should not be used as stage names",
    rationale: "`scratch` is the empty image and `context` the build context; a stage with either name shadows them in `FROM` and `COPY --from`.",
    bad: "FROM alpine AS scratch\nFROM scratch\n",
    good: "FROM alpine AS base\nFROM scratch\n",
    url: "https://docs.docker.com/go/dockerfile/rule/reserved-stage-name/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for stage in &cx.typed.stages {
        if let Some(name @ ("scratch" | "context")) = stage.name.as_deref() {
            out.push(
                cx.first_line_span(stage.span),
                format!(
                    "Stage name should not use the same name as reserved stage {}",
                    go_quote(name)
                ),
            );
        }
    }
}
