//! DL4004: Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` then only the last `ENTRYPOINT` will take effect

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL4004",
    name: "multiple-entrypoint",
    set: RuleSet::Hadolint,
    summary: "Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` then only the last `ENTRYPOINT` will take effect",
    rationale: "Only the last ENTRYPOINT of a stage takes effect; the others mislead readers.",
    bad: "FROM debian:12\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n",
    good: "FROM debian:12\nENTRYPOINT [\"b\"]\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL4004",
    default_severity: Severity::Error,
    off_by_default: false,
};

use super::model::report_repeated_in_stage;

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    report_repeated_in_stage(cx, out, Keyword::Entrypoint);
}
