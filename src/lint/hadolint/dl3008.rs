//! DL3008: Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`

use super::model::with_onbuild;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3008",
    name: "apt-get-pin-versions",
    set: RuleSet::Hadolint,
    summary: "Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`",
    rationale: "Unpinned `apt-get install` installs whatever the mirror has today: rebuilds silently change, and cached layers hide the drift.",
    bad: "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
    good: "FROM debian:12\nRUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u5\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3008",
    default_severity: Severity::Warning,
    off_by_default: false,
};

fn version_fixed(package: &str) -> bool {
    package.contains('=') || package.contains('/') || package.ends_with(".deb")
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| {
            c.has_args("apt-get", &["install"])
                && !c
                    .drop_flag_arg(&["t", "target-release"])
                    .args_no_flags()
                    .iter()
                    .filter(|a| **a != "install")
                    .all(|p| version_fixed(p))
        }) {
            out.push_summary(h.span(cx));
        }
    }
}
