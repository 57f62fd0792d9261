//! DL3046: `useradd` without flag `-l` and high UID will result in excessively large Image.

use super::model::with_onbuild;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::lint::run_scripts::HCommand;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3046",
    name: "useradd-long-uid",
    set: RuleSet::Hadolint,
    summary: "`useradd` without flag `-l` and high UID will result in excessively large Image.",
    rationale: "useradd without `-l` writes a faillog/lastlog entry sized by the UID: a large UID makes a sparse file of gigabytes in the layer.",
    bad: "FROM debian:12\nRUN useradd -u 123456 app\n",
    good: "FROM debian:12\nRUN useradd -l -u 123456 app\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3046",
    default_severity: Severity::Warning,
    off_by_default: false,
};

fn uid(c: &HCommand) -> Option<String> {
    c.command
        .option_value("-u")
        .or_else(|| c.command.option_value("--uid"))
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| {
            c.name == "useradd"
                && !c.has_any_flag(&["l", "no-log-init"])
                && uid(c).is_some_and(|u| u.len() > 5)
        }) {
            out.push_summary(h.span(cx));
        }
    }
}
