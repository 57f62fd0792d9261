//! DL3030: Use the -y switch to avoid manual input `yum install -y <package>`

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

use super::model::with_onbuild;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3030",
    name: "yum-yes",
    set: RuleSet::Hadolint,
    summary: "Use the -y switch to avoid manual input `yum install -y <package>`",
    rationale: "Without `-y`, yum waits for a confirmation nobody can give in a build.",
    bad: "FROM centos:7\nRUN yum install httpd && yum clean all\n",
    good: "FROM centos:7\nRUN yum install -y httpd && yum clean all\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3030",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| {
            c.has_args("yum", &["install", "groupinstall", "localinstall"])
                && !c.has_any_flag(&["y", "assumeyes"])
        }) {
            out.push_summary(h.span(cx));
        }
    }
}
