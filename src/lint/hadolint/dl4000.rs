//! DL4000: MAINTAINER is deprecated

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL4000",
    name: "maintainer-deprecated",
    set: RuleSet::Hadolint,
    summary: "MAINTAINER is deprecated",
    rationale: "MAINTAINER fills a deprecated config field; the `org.opencontainers.image.authors` label is the standard.",
    bad: "FROM alpine:3.20\nMAINTAINER me@example.com\n",
    good: "FROM alpine:3.20\nLABEL org.opencontainers.image.authors=\"me@example.com\"\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL4000",
    default_severity: Severity::Error,
    off_by_default: false,
};

use super::model::plain;

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::Maintainer) {
        out.push_summary(h.span(cx));
    }
}
