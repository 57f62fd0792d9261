//! DL3019: Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3019",
    name: "apk-no-cache",
    set: RuleSet::Hadolint,
    summary: "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages",
    rationale: "`apk add` keeps the package index in /var/cache/apk; `--no-cache` fetches it to a temporary place so the layer stays small.",
    bad: "FROM alpine:3.20\nRUN apk update && apk add curl\n",
    good: "FROM alpine:3.20\nRUN apk add --no-cache curl\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3019",
    default_severity: Severity::Info,
    off_by_default: false,
};

use super::has_cache_mount;
use super::model::with_onbuild;

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in with_onbuild(cx) {
        let Some(run) = h.script(cx) else { continue };
        if has_cache_mount(h.inst, "/var/cache/apk") {
            continue;
        }
        if run.any(|c| c.has_args("apk", &["add"]) && !c.has_flag("no-cache")) {
            out.push_summary(h.span(cx));
        }
    }
}
