//! RedundantTargetPlatform: `FROM --platform=$TARGETPLATFORM` is the default.

use crate::diagnostic::Severity;
use crate::expand::Env;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "RedundantTargetPlatform",
    name: "redundant-target-platform",
    set: RuleSet::BuildKit,
    summary: "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior",
    rationale: "Every stage is built for the target platform unless told otherwise; the flag adds noise and suggests a cross-build that is not there.",
    bad: "FROM --platform=$TARGETPLATFORM alpine AS builder\n",
    good: "FROM alpine AS builder\n",
    url: "https://docs.docker.com/go/dockerfile/rule/redundant-target-platform/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// The value expands to exactly `$TARGETPLATFORM` and uses no other variable.
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    const SENTINEL: &str = "\u{1}targetplatform\u{1}";
    let mut env = Env::new();
    env.set("TARGETPLATFORM", SENTINEL);
    for stage in &cx.typed.stages {
        let Some(platform) = &stage.platform else {
            continue;
        };
        let Ok(e) = cx.lex.process_word(&platform.value, &env) else {
            continue;
        };
        if e.value == SENTINEL && e.unmatched.is_empty() {
            out.push(
                cx.first_line_span(stage.span),
                format!(
                    "Setting platform to predefined {} in FROM is redundant as this is the default behavior",
                    platform.value
                ),
            );
        }
    }
}
