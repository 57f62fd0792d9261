//! DL3057: `HEALTHCHECK` instruction missing.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3057",
    name: "healthcheck-missing",
    set: RuleSet::Hadolint,
    summary: "`HEALTHCHECK` instruction missing.",
    rationale: "Without a HEALTHCHECK, orchestrators only know whether the process runs, not whether it serves.",
    bad: "FROM nginx:1.27\n",
    good: "FROM nginx:1.27\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3057",
    default_severity: Severity::Info,
    off_by_default: true,
};

use super::model::{base_image, plain};

/// Off by default (hadolint severity `ignore`). A stage has a healthcheck when it or a
/// stage it is built FROM has one; every stage that is not used as a base must have one.
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    struct St {
        alias: Option<String>,
        parent: Option<usize>,
        has: bool,
        span: crate::span::Span,
        used: bool,
    }
    let mut stages: Vec<St> = Vec::new();
    for h in plain(cx) {
        match h.kind() {
            Keyword::From => {
                let b = base_image(h.inst);
                let parent = stages
                    .iter()
                    .position(|s| s.alias.as_deref() == Some(b.name));
                if let Some(p) = parent {
                    stages[p].used = true;
                }
                stages.push(St {
                    alias: b.alias.map(str::to_string),
                    parent,
                    has: false,
                    span: h.span(cx),
                    used: false,
                });
            }
            Keyword::Healthcheck => {
                if let Some(s) = stages.last_mut() {
                    s.has = true;
                }
            }
            _ => {}
        }
    }
    for i in 0..stages.len() {
        if stages[i].used {
            continue;
        }
        let mut j = Some(i);
        let mut has = false;
        while let Some(k) = j {
            if stages[k].has {
                has = true;
                break;
            }
            j = stages[k].parent;
        }
        if !has {
            out.push_summary(stages[i].span);
        }
    }
}
