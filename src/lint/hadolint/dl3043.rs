//! DL3043: `ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3043",
    name: "onbuild-trigger",
    set: RuleSet::Hadolint,
    summary: "`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.",
    rationale: "ONBUILD ONBUILD, ONBUILD FROM and ONBUILD MAINTAINER are not allowed triggers: the child build fails.",
    bad: "FROM alpine:3.20\nONBUILD FROM debian:12\n",
    good: "FROM alpine:3.20\nONBUILD RUN echo hi\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3043",
    default_severity: Severity::Error,
    off_by_default: false,
};

use super::model::plain;

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::Onbuild) {
        let trigger = h.inst.onbuild.as_deref().map(|t| t.kind).or_else(|| {
            h.inst
                .rest
                .split_whitespace()
                .next()
                .map(Keyword::from_word)
        });
        if matches!(
            trigger,
            Some(Keyword::Onbuild | Keyword::From | Keyword::Maintainer)
        ) {
            out.push_summary(h.span(cx));
        }
    }
}
