//! DL3014: Use the `-y` switch to avoid manual input `apt-get -y install <package>`

use super::model::with_onbuild;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3014",
    name: "apt-get-yes",
    set: RuleSet::Hadolint,
    summary: "Use the `-y` switch to avoid manual input `apt-get -y install <package>`",
    rationale: "Without `-y`, apt-get asks for confirmation; in a build there is no one to answer and the step fails (or depends on the default).",
    bad: "FROM debian:12\nRUN apt-get install curl\n",
    good: "FROM debian:12\nRUN apt-get install -y curl\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3014",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// `-y`, `--yes`, `--assume-yes`, or quiet level 2 (`-qq`, `-q -q`, `-q=2`), which implies it.
fn assumes_yes(c: &crate::lint::run_scripts::HCommand) -> bool {
    if c.has_any_flag(&["y", "yes", "assume-yes"]) {
        return true;
    }
    let quiet = c
        .flags
        .iter()
        .filter(|(f, _)| f == "q" || f == "quiet")
        .count();
    quiet >= 2 || c.args.iter().any(|a| a == "-q=2" || a == "--quiet=2")
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| c.has_args("apt-get", &["install"]) && !assumes_yes(c)) {
            out.push_summary(h.span(cx));
        }
    }
}
