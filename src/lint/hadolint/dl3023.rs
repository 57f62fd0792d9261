//! DL3023: `COPY --from` cannot reference its own `FROM` alias

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3023",
    name: "copy-from-not-self",
    set: RuleSet::Hadolint,
    summary: "`COPY --from` cannot reference its own `FROM` alias",
    rationale: "A stage cannot copy from itself: `COPY --from` with the current stage name fails the build.",
    bad: "FROM node:20 AS build\nCOPY --from=build /a /b\n",
    good: "FROM node:20 AS deps\nFROM node:20 AS build\nCOPY --from=deps /a /b\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3023",
    default_severity: Severity::Error,
    off_by_default: false,
};

use super::model::{base_image, plain};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let mut current: Option<&str> = None;
    for h in plain(cx) {
        match h.kind() {
            Keyword::From => current = base_image(h.inst).alias,
            Keyword::Copy => {
                if let (Some(from), Some(cur)) = (h.flag("from"), current) {
                    if from == cur {
                        out.push_summary(h.span(cx));
                    }
                }
            }
            _ => {}
        }
    }
}
