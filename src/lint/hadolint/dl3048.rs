//! DL3048: Invalid label key. (hadolint severity `style`, shown as info)

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3048",
    name: "valid-label-key",
    set: RuleSet::Hadolint,
    summary: "Invalid label key.",
    rationale: "Label keys should be lower-case reverse-DNS (`org.opencontainers.image.title`); other keys clash or are reserved for Docker.",
    bad: "FROM alpine:3.20\nLABEL My_Label=1\n",
    good: "FROM alpine:3.20\nLABEL org.example.my-label=1\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3048",
    default_severity: Severity::Info,
    off_by_default: false,
};

use super::model::plain;

pub fn invalid_key(l: &str) -> bool {
    let first_ok = l.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    let last_ok = l
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let illegal = l
        .chars()
        .any(|c| !(c.is_ascii_digit() || c.is_ascii_lowercase() || c == '.' || c == '-'));
    let reserved = l.starts_with("com.docker.")
        || l.starts_with("io.docker.")
        || l.starts_with("org.dockerproject.");
    let consecutive = l.contains("..") || l.contains("--");
    !first_ok || !last_ok || illegal || reserved || consecutive
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::Label) {
        if super::label_pairs(h.inst)
            .iter()
            .any(|(k, _)| invalid_key(k))
        {
            out.push_summary(h.span(cx));
        }
    }
}
