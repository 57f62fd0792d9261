//! DL3001: For some bash commands it makes no sense running them in a Docker container like `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`

use super::model::with_onbuild;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3001",
    name: "pointless-commands",
    set: RuleSet::Hadolint,
    summary: "For some bash commands it makes no sense running them in a Docker container like `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`",
    rationale: "ssh, vim, service, ps, top, kill, mount … make no sense while building an image: there is no session, no init system, no running service.",
    bad: "FROM debian:12\nRUN service nginx start\n",
    good: "FROM debian:12\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3001",
    default_severity: Severity::Info,
    off_by_default: false,
};

const INVALID: [&str; 10] = [
    "free", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim", "ifconfig",
];

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| INVALID.contains(&c.name.as_str())) {
            out.push_summary(h.span(cx));
        }
    }
}
