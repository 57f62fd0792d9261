//! MaintainerDeprecated: use a label instead of MAINTAINER.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "MaintainerDeprecated",
    name: "maintainer-deprecated",
    set: RuleSet::BuildKit,
    summary: "The MAINTAINER instruction is deprecated, use a label instead to define an image author",
    rationale: "MAINTAINER writes a deprecated image-config field that tools no longer read; the OCI label `org.opencontainers.image.authors` is the standard place.",
    bad: "FROM alpine\nMAINTAINER moby@example.com\n",
    good: "FROM alpine\nLABEL org.opencontainers.image.authors=\"moby@example.com\"\n",
    url: "https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for inst in cx.instructions() {
        if inst.kind == Keyword::Maintainer && !inst.syntax_error {
            out.push(
                cx.first_line_span(inst.span),
                "Maintainer instruction is deprecated in favor of using label",
            );
        }
    }
}
