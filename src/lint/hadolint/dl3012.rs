//! DL3012: Multiple `HEALTHCHECK` instructions

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3012",
    name: "single-healthcheck",
    set: RuleSet::Hadolint,
    summary: "Multiple `HEALTHCHECK` instructions",
    rationale: "Only the last HEALTHCHECK of a stage is used; earlier ones are dead code.",
    bad: "FROM alpine:3.20\nHEALTHCHECK CMD /bin/a\nHEALTHCHECK CMD /bin/b\n",
    good: "FROM alpine:3.20\nHEALTHCHECK CMD /bin/b\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3012",
    default_severity: Severity::Error,
    off_by_default: false,
};

use super::model::report_repeated_in_stage;

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    report_repeated_in_stage(cx, out, Keyword::Healthcheck);
}
