//! DL3059: Multiple consecutive `RUN` instructions. Consider consolidation.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3059",
    name: "consolidate-runs",
    set: RuleSet::Hadolint,
    summary: "Multiple consecutive `RUN` instructions. Consider consolidation.",
    rationale: "Each RUN is a layer: consecutive single-command RUNs add layers (and cache entries) where one would do.",
    bad: "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
    good: "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3059",
    default_severity: Severity::Info,
    off_by_default: false,
};

use super::model::plain;

/// Two consecutive RUNs (comments between them do not count) with the same flags, each a
/// single command: a RUN that chains commands is taken as a deliberate split.
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let mut previous: Option<(Vec<String>, usize)> = None;
    for h in plain(cx) {
        if h.kind() != Keyword::Run {
            previous = None;
            continue;
        }
        let flags: Vec<String> = h
            .inst
            .flags
            .iter()
            .map(|f| f.processed.to_string())
            .collect();
        let count = h.script(cx).map_or(0, |r| r.commands.len());
        if let Some((prev_flags, prev_count)) = &previous {
            if *prev_flags == flags && count <= 1 && *prev_count <= 1 {
                out.push_summary(h.span(cx));
            }
        }
        previous = Some((flags, count));
    }
}
