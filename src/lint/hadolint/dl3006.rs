//! DL3006: Always tag the version of an image explicitly

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3006",
    name: "tag-image-version",
    set: RuleSet::Hadolint,
    summary: "Always tag the version of an image explicitly",
    rationale: "An untagged image means `latest`, which moves: the same Dockerfile builds different images over time.",
    bad: "FROM debian\n",
    good: "FROM debian:12.5\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3006",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::{base_image, plain};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let mut aliases: Vec<&str> = Vec::new();
    for h in plain(cx).filter(|h| h.kind() == Keyword::From) {
        let b = base_image(h.inst);
        let ok = b.name == "scratch"
            || b.digest.is_some()
            || b.tag.is_some()
            || b.name.starts_with('$')
            || aliases.contains(&b.name);
        if !ok {
            out.push_summary(h.span(cx));
        }
        if let Some(a) = b.alias {
            aliases.push(a);
        }
    }
}
