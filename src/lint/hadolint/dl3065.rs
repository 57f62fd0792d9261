//! DL3065: Setting `FROM --platform` to predefined `$TARGETPLATFORM` in is redundant as this is the default behavior

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3065",
    name: "redundant-target-platform",
    set: RuleSet::Hadolint,
    summary: "Setting `FROM --platform` to predefined `$TARGETPLATFORM` in is redundant as this is the default behavior",
    rationale: "Stages are built for the target platform by default; `--platform=$TARGETPLATFORM` only adds noise.",
    bad: "FROM --platform=$TARGETPLATFORM alpine:3.20\n",
    good: "FROM alpine:3.20\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3065",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::{base_image, plain};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::From) {
        if matches!(
            base_image(h.inst).platform,
            Some("$TARGETPLATFORM" | "${TARGETPLATFORM}")
        ) {
            out.push_summary(h.span(cx));
        }
    }
}
