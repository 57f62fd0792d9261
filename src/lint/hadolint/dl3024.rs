//! DL3024: FROM aliases (stage names) must be unique

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3024",
    name: "unique-stage-alias",
    set: RuleSet::Hadolint,
    summary: "FROM aliases (stage names) must be unique",
    rationale: "Two stages with the same name make `COPY --from` and `--target` ambiguous.",
    bad: "FROM node:20 AS build\nFROM golang:1.22 AS build\n",
    good: "FROM node:20 AS web\nFROM golang:1.22 AS server\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3024",
    default_severity: Severity::Error,
    off_by_default: false,
};

use super::model::{base_image, plain};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let mut aliases: Vec<&str> = Vec::new();
    for h in plain(cx).filter(|h| h.kind() == Keyword::From) {
        if let Some(a) = base_image(h.inst).alias {
            if aliases.contains(&a) {
                out.push_summary(h.span(cx));
            }
            aliases.push(a);
        }
    }
}
