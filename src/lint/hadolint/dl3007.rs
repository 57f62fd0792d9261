//! DL3007: Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3007",
    name: "no-latest-tag",
    set: RuleSet::Hadolint,
    summary: "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag",
    rationale: "`latest` is whatever was pushed last: builds stop being reproducible and break when the image changes.",
    bad: "FROM debian:latest\n",
    good: "FROM debian:12.5\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3007",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::{base_image, plain};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::From) {
        let b = base_image(h.inst);
        if b.tag == Some("latest") && b.digest.is_none() {
            out.push_summary(h.span(cx));
        }
    }
}
