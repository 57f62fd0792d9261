//! DL3027: Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead

use super::model::with_onbuild;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3027",
    name: "no-apt",
    set: RuleSet::Hadolint,
    summary: "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead",
    rationale: "`apt` is for interactive use and warns that its CLI is not stable; scripts should use apt-get and apt-cache.",
    bad: "FROM ubuntu:24.04\nRUN apt install -y curl\n",
    good: "FROM ubuntu:24.04\nRUN apt-get install -y curl\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3027",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| c.name == "apt") {
            out.push_summary(h.span(cx));
        }
    }
}
