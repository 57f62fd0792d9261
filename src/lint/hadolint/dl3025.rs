//! DL3025: Use arguments JSON notation for CMD and ENTRYPOINT arguments

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3025",
    name: "json-cmd-entrypoint",
    set: RuleSet::Hadolint,
    summary: "Use arguments JSON notation for CMD and ENTRYPOINT arguments",
    rationale: "Shell form wraps the command in `/bin/sh -c`, which becomes PID 1 and does not pass signals on: the container cannot stop gracefully.",
    bad: "FROM node:20\nCMD node server.js\n",
    good: "FROM node:20\nCMD [\"node\", \"server.js\"]\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3025",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::plain;

/// language-docker reads an escaped backslash right before a quote (`"a\\"`, `"\\\""`)
/// differently from JSON (the quote stays escaped), so such an array is not JSON to hadolint
/// and the instruction is shell form (checked against hadolint 2.15.1).
fn language_docker_json(inst: &crate::syntax::Instruction) -> bool {
    !inst.rest.contains("\\\\\"")
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx) {
        let shell_form = match h.kind() {
            Keyword::Cmd | Keyword::Entrypoint => !h.inst.json || !language_docker_json(h.inst),
            Keyword::Healthcheck => {
                h.inst
                    .args
                    .first()
                    .is_some_and(|w| w.value.eq_ignore_ascii_case("CMD"))
                    && !h.inst.json
                    && h.inst.args.len() > 1
            }
            _ => false,
        };
        if shell_form {
            out.push_summary(h.span(cx));
        }
    }
}
