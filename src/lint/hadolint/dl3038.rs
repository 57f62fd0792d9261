//! DL3038: Use the -y switch to avoid manual input `dnf install -y <package>`

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

use super::model::with_onbuild;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3038",
    name: "dnf-yes",
    set: RuleSet::Hadolint,
    summary: "Use the -y switch to avoid manual input `dnf install -y <package>`",
    rationale: "Without `-y`, dnf waits for a confirmation nobody can give in a build.",
    bad: "FROM fedora:40\nRUN dnf install httpd && dnf clean all\n",
    good: "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3038",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| {
            (c.has_args("dnf", &["install", "groupinstall", "localinstall"])
                || c.has_args("microdnf", &["install", "groupinstall", "localinstall"]))
                && !c.has_any_flag(&["y", "assumeyes"])
        }) {
            out.push_summary(h.span(cx));
        }
    }
}
