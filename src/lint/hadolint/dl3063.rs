//! DL3063: stage name should not be a reserved word

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3063",
    name: "reserved-stage-name",
    set: RuleSet::Hadolint,
    summary: "stage name should not be a reserved word",
    rationale: "`scratch` and `context` have a meaning in FROM and COPY --from; a stage with that name shadows it.",
    bad: "FROM alpine:3.20 AS scratch\n",
    good: "FROM alpine:3.20 AS base\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3063",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::{base_image, plain};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::From) {
        if let Some(a) = base_image(h.inst).alias {
            if a.eq_ignore_ascii_case("scratch") || a.eq_ignore_ascii_case("context") {
                out.push_summary(h.span(cx));
            }
        }
    }
}
