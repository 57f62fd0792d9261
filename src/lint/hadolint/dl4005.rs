//! DL4005: Use SHELL to change the default shell

use super::model::with_onbuild;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL4005",
    name: "use-shell-instruction",
    set: RuleSet::Hadolint,
    summary: "Use SHELL to change the default shell",
    rationale: "Relinking /bin/sh changes the shell for every later RUN behind the reader's back; SHELL says it in the Dockerfile.",
    bad: "FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n",
    good: "FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL4005",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| c.name == "ln" && c.has_arg("/bin/sh")) {
            out.push_summary(h.span(cx));
        }
    }
}
