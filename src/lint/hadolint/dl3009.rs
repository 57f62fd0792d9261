//! DL3009: Delete the apt lists (/var/lib/apt/lists) after installing something

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3009",
    name: "apt-lists-cleanup",
    set: RuleSet::Hadolint,
    summary: "Delete the apt lists (/var/lib/apt/lists) after installing something",
    rationale: "apt-get update downloads package lists (tens of MB) into /var/lib/apt/lists; unless they are removed in the same RUN, they stay in the layer forever.",
    bad: "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
    good: "FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists/*\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3009",
    default_severity: Severity::Info,
    off_by_default: false,
};

use super::has_cache_mount;
use super::model::{base_image, with_onbuild};

/// hadolint's `forgotToCleanup`: an update without `rm -rf /var/lib/apt/lists/*` (any `rm`
/// with one of those arguments counts), unless the lists live in a cache/tmpfs mount.
fn forgot_cleanup(h: &super::model::HInst<'_>, run: &crate::lint::run_scripts::ParsedRun) -> bool {
    let lists_mounted = has_cache_mount(h.inst, "/var/lib/apt/lists")
        || (has_cache_mount(h.inst, "/var/lib/apt") && has_cache_mount(h.inst, "/var/cache/apt"));
    if lists_mounted {
        return false;
    }
    let update = run.any(|c| {
        ["apt-get", "apt", "aptitude"]
            .iter()
            .any(|m| c.has_args(m, &["update"]))
    });
    let cleanup = run.any(|c| c.has_args("rm", &["-rf", "/var/lib/apt/lists/*"]));
    update && !cleanup
}

/// Only stages that end up in the image count: the last one, and stages used as a base by
/// a later FROM.
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    // (FROM text identifying the stage, alias) per finding.
    let mut current: Option<(String, Option<String>)> = None;
    let mut from_images: Vec<String> = Vec::new();
    // (span, stage, inside ONBUILD): hadolint's onbuild variant has no stage bookkeeping
    // and always reports.
    type Pending = (crate::span::Span, Option<(String, Option<String>)>, bool);
    let mut pending: Vec<Pending> = Vec::new();
    for h in with_onbuild(cx) {
        match h.kind() {
            Keyword::From if !h.onbuild => {
                let b = base_image(h.inst);
                from_images.push(b.name.to_string());
                current = Some((h.inst.rest.to_string(), b.alias.map(str::to_string)));
            }
            Keyword::Run => {
                if let Some(run) = h.script(cx) {
                    if forgot_cleanup(&h, run) {
                        pending.push((h.span(cx), current.clone(), h.onbuild));
                    }
                }
            }
            _ => {}
        }
    }
    for (span, stage, onbuild) in pending {
        let last = stage.as_ref().map(|s| &s.0) == current.as_ref().map(|s| &s.0);
        let used = stage
            .as_ref()
            .and_then(|s| s.1.as_ref())
            .is_some_and(|alias| from_images.contains(alias));
        if onbuild || last || used {
            out.push_summary(span);
        }
    }
}
