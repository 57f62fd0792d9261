//! DL4003: Multiple `CMD` instructions found. If you list more than one `CMD` then only the last `CMD` will take effect

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL4003",
    name: "multiple-cmd",
    set: RuleSet::Hadolint,
    summary: "Multiple `CMD` instructions found. If you list more than one `CMD` then only the last `CMD` will take effect",
    rationale: "Only the last CMD of a stage takes effect; the others mislead readers.",
    bad: "FROM debian:12\nCMD [\"a\"]\nCMD [\"b\"]\n",
    good: "FROM debian:12\nCMD [\"b\"]\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL4003",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::report_repeated_in_stage;

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    report_repeated_in_stage(cx, out, Keyword::Cmd);
}
