//! DL3004: Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root

use super::model::with_onbuild;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3004",
    name: "no-sudo",
    set: RuleSet::Hadolint,
    summary: "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root",
    rationale: "sudo in a build is either useless (already root) or a TTY/PAM surprise; switch users with USER or use gosu at run time.",
    bad: "FROM debian:12\nRUN sudo apt-get update\n",
    good: "FROM debian:12\nRUN apt-get update\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3004",
    default_severity: Severity::Error,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| c.name == "sudo") {
            out.push_summary(h.span(cx));
        }
    }
}
