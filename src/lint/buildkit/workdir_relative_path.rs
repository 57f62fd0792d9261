//! WorkdirRelativePath: the first WORKDIR of a stage should be absolute.

use crate::diagnostic::Severity;
use crate::instructions::Command;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

use super::dispatch::{dispatch, expand_or_raw};

pub const DOC: RuleDoc = RuleDoc {
    code: "WorkdirRelativePath",
    name: "workdir-relative-path",
    set: RuleSet::BuildKit,
    summary: "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes",
    rationale: "A relative WORKDIR resolves against the base image's working directory, which the Dockerfile does not control: a new base image version can move it.",
    bad: "FROM alpine\nWORKDIR app\n",
    good: "FROM alpine\nWORKDIR /app\n",
    url: "https://docs.docker.com/go/dockerfile/rule/workdir-relative-path/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// Dispatch-time, as BuildKit: only the first WORKDIR of the stage chain is checked (the
/// base image's own WorkingDir does not count, it may change).
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for d in dispatch(cx) {
        let Command::Workdir(w) = &d.command.value else {
            continue;
        };
        if d.before.workdir_set {
            continue;
        }
        let path = expand_or_raw(cx, &w.path.value, &d.before.env);
        if !path.starts_with('/') {
            out.push(
                cx.first_line_span(d.command.span),
                format!(
                    "Relative workdir {} can have unexpected results if the base image changes",
                    crate::gostr::go_quote(&path)
                ),
            );
        }
    }
}
