//! DL3066: Non-numeric user-id may not be resolvable by host system

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3066",
    name: "numeric-user",
    set: RuleSet::Hadolint,
    summary: "Non-numeric user-id may not be resolvable by host system",
    rationale: "A user name is resolved through the image's /etc/passwd; Kubernetes `runAsNonRoot` and host tools need a numeric UID to verify it.",
    bad: "FROM node:20\nUSER node\n",
    good: "FROM node:20\nUSER 1000:1000\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3066",
    default_severity: Severity::Info,
    off_by_default: false,
};

use super::model::{drop_quotes, plain};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::User) {
        let Some(w) = h.inst.args.first() else {
            continue;
        };
        let user = drop_quotes(&w.value);
        let uid = user.split(':').next().unwrap_or("");
        if !uid.contains('$') && !uid.chars().all(|c| c.is_ascii_digit()) {
            out.push_summary(h.span(cx));
        }
    }
}
