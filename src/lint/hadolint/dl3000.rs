//! DL3000: Use absolute WORKDIR

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3000",
    name: "absolute-workdir",
    set: RuleSet::Hadolint,
    summary: "Use absolute WORKDIR",
    rationale: "A relative WORKDIR depends on the previous working directory, which may come from a base image you do not control.",
    bad: "FROM debian:12\nWORKDIR app\n",
    good: "FROM debian:12\nWORKDIR /app\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3000",
    default_severity: Severity::Error,
    off_by_default: false,
};

use super::model::{drop_quotes, plain};

/// Absolute: starts with `/`, a variable, or a Windows drive (`C:\`, `C:/`).
pub fn is_absolute(path: &str) -> bool {
    let p = drop_quotes(path);
    let b = p.as_bytes();
    p.starts_with('/')
        || p.starts_with('$')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::Workdir) {
        if let Some(w) = h.inst.args.first() {
            if !is_absolute(&w.value) {
                out.push_summary(h.span(cx));
            }
        }
    }
}
