//! DL4001: Either use Wget or Curl but not both

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL4001",
    name: "wget-or-curl",
    set: RuleSet::Hadolint,
    summary: "Either use Wget or Curl but not both",
    rationale:
        "Installing and using both wget and curl in one image doubles the tooling for the same job.",
    bad: "FROM debian:12\nRUN wget https://a/x\nRUN curl -fsSLO https://a/y\n",
    good: "FROM debian:12\nRUN curl -fsSLO https://a/x && curl -fsSLO https://a/y\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL4001",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::with_onbuild;

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let (mut seen_wget, mut seen_curl) = (false, false);
    for h in with_onbuild(cx) {
        if h.kind() == Keyword::From && !h.onbuild {
            seen_wget = false;
            seen_curl = false;
            continue;
        }
        let Some(run) = h.script(cx) else { continue };
        let wget = run.any(|c| c.name == "wget");
        let curl = run.any(|c| c.name == "curl");
        if (wget && (seen_curl || curl)) || (curl && (seen_wget || wget)) {
            out.push_summary(h.span(cx));
        }
        seen_wget |= wget;
        seen_curl |= curl;
    }
}
