//! DL3029: Do not use --platform flag with FROM

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3029",
    name: "no-from-platform",
    set: RuleSet::Hadolint,
    summary: "Do not use --platform flag with FROM",
    rationale: "A constant `--platform` pins the stage to one architecture and defeats multi-platform builds; use the predefined platform ARGs when a stage must run on the build host.",
    bad: "FROM --platform=linux/amd64 debian:12\n",
    good: "FROM --platform=$BUILDPLATFORM debian:12\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3029",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::{base_image, plain};

/// A `--platform` that is not a variable.
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::From) {
        if let Some(p) = base_image(h.inst).platform {
            if !p.is_empty() && !p.starts_with('$') {
                out.push_summary(h.span(cx));
            }
        }
    }
}
