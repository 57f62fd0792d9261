//! DL3034: Non-interactive switch missing from `zypper` command: `zypper install -y`

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

use super::model::with_onbuild;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3034",
    name: "zypper-non-interactive",
    set: RuleSet::Hadolint,
    summary: "Non-interactive switch missing from `zypper` command: `zypper install -y`",
    rationale: "Without `-n`/`-y`, zypper asks for confirmation and the build hangs or fails.",
    bad: "FROM opensuse/leap:15.6\nRUN zypper install httpd\n",
    good: "FROM opensuse/leap:15.6\nRUN zypper install -y httpd\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3034",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| {
            c.has_args(
                "zypper",
                &[
                    "install",
                    "in",
                    "remove",
                    "rm",
                    "source-install",
                    "si",
                    "patch",
                ],
            ) && !c.has_any_flag(&["n", "non-interactive", "y", "no-confirm"])
        }) {
            out.push_summary(h.span(cx));
        }
    }
}
