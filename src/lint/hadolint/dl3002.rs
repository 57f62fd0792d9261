//! DL3002: Last USER should not be root

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3002",
    name: "last-user-not-root",
    set: RuleSet::Hadolint,
    summary: "Last USER should not be root",
    rationale: "Processes running as root inside the container are root on the host kernel: a container escape or a writable mount becomes a host compromise. End each stage as an unprivileged user.",
    bad: "FROM debian:12\nUSER root\nRUN apt-get update\n",
    good: "FROM debian:12\nUSER root\nRUN apt-get update\nUSER app\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3002",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::{drop_quotes, plain};

fn is_root(user: &str) -> bool {
    let u = drop_quotes(user);
    let name = u.split(':').next().unwrap_or("");
    name == "root" || name == "0"
}

/// Per stage, the last USER instruction must not be root.
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let mut last_user: Option<(crate::span::Span, bool)> = None;
    let flush = |last: &mut Option<(crate::span::Span, bool)>, out: &mut Report| {
        if let Some((span, true)) = last.take() {
            out.push_summary(span);
        }
    };
    for h in plain(cx) {
        match h.kind() {
            Keyword::From => flush(&mut last_user, out),
            Keyword::User => {
                let root = h.inst.args.first().is_some_and(|w| is_root(&w.value));
                last_user = Some((h.span(cx), root));
            }
            _ => {}
        }
    }
    flush(&mut last_user, out);
}
