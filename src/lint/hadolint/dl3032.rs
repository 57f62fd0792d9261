//! DL3032: `yum clean all` missing after yum command.

use super::model::with_onbuild;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::lint::run_scripts::{HCommand, ParsedRun};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3032",
    name: "yum-clean",
    set: RuleSet::Hadolint,
    summary: "`yum clean all` missing after yum command.",
    rationale: "yum keeps downloaded packages and metadata in /var/cache/yum; clean it in the same RUN or it stays in the layer.",
    bad: "FROM centos:7\nRUN yum install -y httpd\n",
    good: "FROM centos:7\nRUN yum install -y httpd && yum clean all\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3032",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// An install with no `yum clean all` (or `rm -rf /var/cache/yum/*`) after it.
fn missing_cleanup(run: &ParsedRun) -> bool {
    let install = run
        .commands
        .iter()
        .rposition(|c: &HCommand| c.has_args("yum", &["install", "groupinstall", "localinstall"]));
    let clean = run.commands.iter().rposition(|c| {
        (c.has_args("yum", &["clean"]) && c.has_arg("all"))
            || (c.name == "rm" && c.has_arg("/var/cache/yum/*"))
    });
    match (install, clean) {
        (Some(i), Some(c)) => c < i,
        (Some(_), None) => true,
        _ => false,
    }
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if super::has_cache_mount(h.inst, "/var/cache/yum") {
            continue;
        }
        if missing_cleanup(run) {
            out.push_summary(h.span(cx));
        }
    }
}
