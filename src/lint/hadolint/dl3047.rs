//! DL3047: Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).

use super::model::with_onbuild;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3047",
    name: "wget-progress",
    set: RuleSet::Hadolint,
    summary: "Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`).",
    rationale: "wget's default progress bar writes thousands of lines into the build log; use `--progress=dot:giga` or `-q`/`-nv`.",
    bad: "FROM debian:12\nRUN wget https://example.com/f.tgz\n",
    good: "FROM debian:12\nRUN wget -nv https://example.com/f.tgz\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3047",
    default_severity: Severity::Info,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if run.any(|c| {
            c.name == "wget"
                && !c.has_flag("progress")
                && !c.has_any_flag(&[
                    "q",
                    "quiet",
                    "o",
                    "output-file",
                    "a",
                    "append-output",
                    "no-verbose",
                ])
                && !c.has_arg("-nv")
        }) {
            out.push_summary(h.span(cx));
        }
    }
}
