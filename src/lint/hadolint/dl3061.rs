//! DL3061: Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3061",
    name: "from-first",
    set: RuleSet::Hadolint,
    summary: "Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.",
    rationale: "Only ARG (and comments) may come before the first FROM; anything else is an error for the builder.",
    bad: "LABEL a=b\nFROM alpine:3.20\n",
    good: "ARG VERSION=3.20\nFROM alpine:${VERSION}\nLABEL a=b\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3061",
    default_severity: Severity::Error,
    off_by_default: false,
};

use super::model::plain;

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx) {
        match h.kind() {
            Keyword::From => return,
            Keyword::Arg => {}
            _ => out.push_summary(h.span(cx)),
        }
    }
}
