//! DL3067: Do not copy an entire filesystem from another stage

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3067",
    name: "no-copy-whole-filesystem",
    set: RuleSet::Hadolint,
    summary: "Do not copy an entire filesystem from another stage",
    rationale: "Copying `/` from another stage copies a whole OS (and its package database) over yours: huge layers and a broken image.",
    bad: "FROM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=build / /\n",
    good: "FROM golang:1.22 AS build\nFROM alpine:3.20\nCOPY --from=build /out/app /usr/local/bin/app\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3067",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::plain;

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::Copy) {
        if h.flag("from").is_none() {
            continue;
        }
        let words = h.words();
        if let Some((dest, sources)) = words.split_last() {
            if *dest == "/" && sources.contains(&"/") {
                out.push_summary(h.span(cx));
            }
        }
    }
}
