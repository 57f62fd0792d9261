//! JSONArgsRecommended: exec form for CMD and ENTRYPOINT.

use crate::diagnostic::Severity;
use crate::instructions::Command;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

use super::dispatch::dispatch;

pub const DOC: RuleDoc = RuleDoc {
    code: "JSONArgsRecommended",
    name: "json-args-recommended",
    set: RuleSet::BuildKit,
    summary: "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals",
    rationale: "Shell form runs the program under `/bin/sh -c`, which becomes PID 1 and does not forward SIGTERM: `docker stop` waits 10 s and kills the container.",
    bad: "FROM alpine\nENTRYPOINT my-program start\n",
    good: "FROM alpine\nENTRYPOINT [\"my-program\", \"start\"]\n",
    url: "https://docs.docker.com/go/dockerfile/rule/json-args-recommended/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// Dispatch-time: shell-form CMD/ENTRYPOINT while no SHELL was set in the stage (or a
/// parent stage).
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for d in dispatch(cx) {
        let shell_form = match &d.command.value {
            Command::Cmd(c) => c.cmd.prepend_shell,
            Command::Entrypoint(e) => e.cmd.prepend_shell,
            _ => false,
        };
        if shell_form && !d.before.shell_set {
            out.push(
                cx.first_line_span(d.command.span),
                format!(
                    "JSON arguments recommended for {} to prevent unintended behavior related to OS signals",
                    d.command.keyword
                ),
            );
        }
    }
}
