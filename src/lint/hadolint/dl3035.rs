//! DL3035: Do not use `zypper dist-upgrade`.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

use super::model::with_onbuild;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3035",
    name: "no-zypper-dist-upgrade",
    set: RuleSet::Hadolint,
    summary: "Do not use `zypper dist-upgrade`.",
    rationale: "A distribution upgrade inside an image build changes the base under you; use a newer base image instead.",
    bad: "FROM opensuse/leap:15.5\nRUN zypper dist-upgrade -y\n",
    good: "FROM opensuse/leap:15.6\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3035",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| c.has_args("zypper", &["dist-upgrade", "dup"])) {
            out.push_summary(h.span(cx));
        }
    }
}
