//! DL3015: Avoid additional packages by specifying `--no-install-recommends`

use super::model::with_onbuild;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3015",
    name: "apt-no-install-recommends",
    set: RuleSet::Hadolint,
    summary: "Avoid additional packages by specifying `--no-install-recommends`",
    rationale:
        "Recommended packages are not needed to run your software and can double the image size.",
    bad: "FROM debian:12\nRUN apt-get install -y curl\n",
    good: "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3015",
    default_severity: Severity::Info,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| {
            c.has_args("apt-get", &["install"])
                && !c.has_flag("no-install-recommends")
                && !c.has_arg("APT::Install-Recommends=false")
        }) {
            out.push_summary(h.span(cx));
        }
    }
}
