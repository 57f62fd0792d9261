//! DL3021: COPY with more than 2 arguments requires the last argument to end with /

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3021",
    name: "copy-multiple-to-dir",
    set: RuleSet::Hadolint,
    summary: "COPY with more than 2 arguments requires the last argument to end with /",
    rationale: "With several sources, COPY needs a directory destination; without the trailing `/` the intent is unclear and the build fails.",
    bad: "FROM alpine:3.20\nCOPY a.txt b.txt /dest\n",
    good: "FROM alpine:3.20\nCOPY a.txt b.txt /dest/\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3021",
    default_severity: Severity::Error,
    off_by_default: false,
};

use super::model::plain;

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::Copy && !h.inst.json) {
        let words = h.words();
        if words.len() > 2 && !words.last().is_some_and(|d| d.ends_with('/')) {
            out.push_summary(h.span(cx));
        }
    }
}
