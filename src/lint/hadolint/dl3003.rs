//! DL3003: Use WORKDIR to switch to a directory

use super::model::plain;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3003",
    name: "use-workdir",
    set: RuleSet::Hadolint,
    summary: "Use WORKDIR to switch to a directory",
    rationale: "`cd` in a RUN only lasts for that RUN; WORKDIR states the directory for every following instruction and is visible in the image config.",
    bad: "FROM debian:12\nRUN cd /app && make\n",
    good: "FROM debian:12\nWORKDIR /app\nRUN make\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3003",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| c.name == "cd") {
            out.push_summary(h.span(cx));
        }
    }
}
