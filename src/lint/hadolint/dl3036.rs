//! DL3036: `zypper clean` missing after zypper use.

use super::model::with_onbuild;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::lint::run_scripts::{HCommand, ParsedRun};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3036",
    name: "zypper-clean",
    set: RuleSet::Hadolint,
    summary: "`zypper clean` missing after zypper use.",
    rationale: "zypper keeps its package cache in /var/cache/zypp; clean it in the same RUN or it stays in the layer.",
    bad: "FROM opensuse/leap:15.6\nRUN zypper install -y httpd\n",
    good: "FROM opensuse/leap:15.6\nRUN zypper install -y httpd && zypper clean\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3036",
    default_severity: Severity::Warning,
    off_by_default: false,
};

fn missing_cleanup(run: &ParsedRun) -> bool {
    let install = run
        .commands
        .iter()
        .rposition(|c: &HCommand| c.has_args("zypper", &["install", "in"]));
    let clean = run
        .commands
        .iter()
        .rposition(|c| c.has_args("zypper", &["clean", "cc"]));
    match (install, clean) {
        (Some(i), Some(c)) => c < i,
        (Some(_), None) => true,
        _ => false,
    }
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if super::has_cache_mount(h.inst, "/var/cache/zypp") {
            continue;
        }
        if missing_cleanup(run) {
            out.push_summary(h.span(cx));
        }
    }
}
