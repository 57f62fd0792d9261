//! DL3040: `dnf clean all` missing after dnf command.

use super::model::with_onbuild;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::lint::run_scripts::{HCommand, ParsedRun};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3040",
    name: "dnf-clean",
    set: RuleSet::Hadolint,
    summary: "`dnf clean all` missing after dnf command.",
    rationale: "dnf keeps metadata and packages in its cache; `dnf clean all` in the same RUN keeps them out of the layer.",
    bad: "FROM fedora:40\nRUN dnf install -y httpd\n",
    good: "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3040",
    default_severity: Severity::Warning,
    off_by_default: false,
};

const INSTALLS: [&str; 10] = [
    "install",
    "in",
    "upgrade",
    "up",
    "upgrade-minimal",
    "up-min",
    "reinstall",
    "rei",
    "groupinstall",
    "localinstall",
];

/// The last install has no `<same tool> clean all` (or `rm -rf /var/cache/yum/*`) after it.
fn missing_cleanup(run: &ParsedRun) -> bool {
    let Some(i) = run.commands.iter().rposition(|c: &HCommand| {
        c.has_args("dnf", &INSTALLS) || c.has_args("microdnf", &INSTALLS)
    }) else {
        return false;
    };
    let tool = &run.commands[i].name;
    !run.commands[i + 1..].iter().any(|c| {
        (&c.name == tool && c.has_arg("clean") && c.has_arg("all"))
            || (c.name == "rm" && c.has_arg("/var/cache/yum/*"))
    })
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if super::has_cache_mount(h.inst, "/var/cache/libdnf5") {
            continue;
        }
        if missing_cleanup(run) {
            out.push_summary(h.span(cx));
        }
    }
}
