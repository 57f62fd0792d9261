//! DL3018: Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3018",
    name: "apk-pin-versions",
    set: RuleSet::Hadolint,
    summary:
        "Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`",
    rationale:
        "Unpinned `apk add` installs whatever the repository has today: rebuilds silently change.",
    bad: "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
    good: "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r2\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3018",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::with_onbuild;

fn version_fixed(p: &str) -> bool {
    p.contains('=') || p.contains('~') || p.contains('<') || p.contains('>') || p.ends_with(".apk")
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        let unpinned = run.any(|c| {
            c.has_args("apk", &["add"])
                && !c
                    .drop_flag_arg(&["t", "virtual", "repository", "X"])
                    .args_no_flags()
                    .iter()
                    .filter(|a| **a != "add")
                    .all(|p| version_fixed(p))
        });
        if unpinned {
            out.push_summary(h.span(cx));
        }
    }
}
