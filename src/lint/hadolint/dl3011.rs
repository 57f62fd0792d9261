//! DL3011: Valid UNIX ports range from 0 to 65535

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3011",
    name: "valid-port-range",
    set: RuleSet::Hadolint,
    summary: "Valid UNIX ports range from 0 to 65535",
    rationale: "A port above 65535 cannot exist; EXPOSE with one documents nothing and breaks tools that read the image config.",
    bad: "FROM alpine:3.20\nEXPOSE 80000\n",
    good: "FROM alpine:3.20\nEXPOSE 8000\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3011",
    default_severity: Severity::Error,
    off_by_default: false,
};

use super::model::plain;

fn out_of_range(part: &str) -> bool {
    !part.is_empty()
        && part.bytes().all(|b| b.is_ascii_digit())
        && part.parse::<u64>().map_or(true, |n| n > 65535)
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::Expose) {
        let bad = h.words().iter().any(|w| {
            let port = w.split('/').next().unwrap_or("");
            port.split('-').any(out_of_range)
        });
        if bad {
            out.push_summary(h.span(cx));
        }
    }
}
