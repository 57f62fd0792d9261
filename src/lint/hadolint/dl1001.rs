//! DL1001: Please refrain from using inline ignore pragmas  `# hadolint ignore=DLxxxx`.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL1001",
    name: "no-inline-ignore",
    set: RuleSet::Hadolint,
    summary: "Please refrain from using inline ignore pragmas  `# hadolint ignore=DLxxxx`.",
    rationale: "Inline ignore pragmas hide findings where reviewers do not look; a project-wide configuration makes exceptions visible. (Off by default, as in hadolint.)",
    bad: "FROM alpine:3.20\n# hadolint ignore=DL3018\nRUN apk add curl\n",
    good: "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL1001",
    default_severity: Severity::Info,
    off_by_default: true,
};

use crate::lint::pragma::Pragmas;

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for line in Pragmas::read(cx.source()).ignore_pragma_lines {
        out.push_summary(cx.line_span(line));
    }
}
