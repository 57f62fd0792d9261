//! NoEmptyContinuation: empty continuation lines will become errors in a future release.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::NO_EMPTY_CONTINUATION;

pub const DOC: RuleDoc = RuleDoc {
    code: "NoEmptyContinuation",
    name: "no-empty-continuation",
    set: RuleSet::BuildKit,
    summary: "Empty continuation lines will become errors in a future release",
    rationale: "An empty line inside a `\\`-continued instruction is silently skipped today; it usually hides a forgotten line and is planned to become a syntax error.",
    bad: "FROM alpine\nEXPOSE \\\n\n80\n",
    good: "FROM alpine\nEXPOSE \\\n# port\n80\n",
    url: "https://docs.docker.com/go/dockerfile/rule/no-empty-continuation/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// The parser finds these; BuildKit reports them on the instruction's last line.
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for d in &cx.parsed.diagnostics {
        if d.code != NO_EMPTY_CONTINUATION {
            continue;
        }
        let last = cx.line_of(d.span.end.saturating_sub(1).max(d.span.start));
        out.push(cx.line_span(last), "Empty continuation line");
    }
}
