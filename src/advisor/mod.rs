//! The best-practice advisor: the tutorial's best practices (minimal base images, fewer
//! layers, no unnecessary files, multi-stage builds, build-cache order) checked on *this*
//! build, with numbers from the simulation and the real package and base-image catalogs.
//!
//! [`advise`] reads the simulated [`Build`] (stages, steps, layers and their changes), the
//! parsed Dockerfile (spans for the fixes) and the [`Catalogs`] (base-image sizes, Debian
//! `Installed-Size`s), and returns numbered [`Advice`]: what to change, the lines concerned,
//! the bytes before and after with their [`Certainty`], and — only where the rewrite keeps
//! the build's meaning — a [`Fix`] the page applies in one click ([`apply_fix`]).
//!
//! One file per kind of advice, each documented with an [`AdviceDoc`] (what, why, bad →
//! good) next to its check:
//! [`minimal_base`], [`merge_runs`], [`clean_apt_lists`], [`no_install_recommends`],
//! [`package_cache`], [`wasted_space`], [`multi_stage`], [`cache_order`].
//!
//! Numbers: base-image sizes are the registry's (compressed) sizes from the catalog, package
//! sizes are Debian's `Installed-Size` resolved with their dependencies against the packages
//! the base image is estimated to have, apt lists are the measured size of `apt-get update`'s
//! files; everything that is not byte-exact says so in its `certainty` and `detail`.

pub mod cache_order;
pub mod clean_apt_lists;
pub mod merge_runs;
pub mod minimal_base;
pub mod multi_stage;
pub mod no_install_recommends;
pub mod package_cache;
pub mod script;
pub mod stage;
pub mod wasted_space;

use serde::{Deserialize, Serialize};

use crate::simulate::{Build, Catalogs, Certainty};
use crate::span::Span;
use crate::syntax::Parsed;

pub use stage::StageFacts;

/// One piece of advice about this build.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Advice {
    /// 1-based position in the list [`advise`] returns (most valuable kinds first).
    pub number: usize,
    /// The kind: `minimal-base`, `merge-runs`, `clean-in-same-layer`, `no-install-recommends`,
    /// `package-cache`, `wasted-space`, `multi-stage`, `cache-order`.
    pub id: &'static str,
    /// One line, with the headline number (`python:3.12-slim instead of ubuntu:22.04 …`).
    pub title: String,
    /// Plain text: the reasoning, every number and where it comes from.
    pub detail: String,
    /// 1-based lines concerned, ascending.
    pub lines: Vec<usize>,
    /// The main span (what the editor underlines).
    pub span: Span,
    /// Bytes of what the advice is about, now (`None` when unknown).
    pub estimated_before_bytes: Option<u64>,
    /// The same bytes after following the advice.
    pub estimated_after_bytes: Option<u64>,
    /// `before - after` (for `cache-order`: bytes no longer rebuilt on a code change).
    pub saving_bytes: Option<u64>,
    /// How sure the numbers are.
    pub certainty: Certainty,
    /// A rewrite of the Dockerfile, only where it keeps the build's meaning.
    pub fix: Option<Fix>,
}

/// A one-click rewrite.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fix {
    pub description: String,
    /// Non-overlapping edits of the original text, in source order.
    pub edits: Vec<TextEdit>,
}

/// Replace `span` of the Dockerfile text with `new_text`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct TextEdit {
    pub span: Span,
    pub new_text: String,
}

/// The documentation of one kind of advice (rendered by the page's explanation panel).
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub struct AdviceDoc {
    pub id: &'static str,
    pub title: &'static str,
    /// What the advisor checks.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    pub bad: &'static str,
    pub good: &'static str,
}

/// Every kind of advice, in the order [`advise`] lists them.
pub const DOCS: [AdviceDoc; 8] = [
    minimal_base::DOC,
    multi_stage::DOC,
    cache_order::DOC,
    merge_runs::DOC,
    clean_apt_lists::DOC,
    no_install_recommends::DOC,
    package_cache::DOC,
    wasted_space::DOC,
];

/// The advice for `build` (simulated from `parsed`), numbered from 1.
///
/// Only the target stage (the final image) is examined: what other stages leave behind does
/// not ship. A Dockerfile with syntax errors or without a stage gets no advice.
pub fn advise(build: &Build, parsed: &Parsed, catalogs: &Catalogs) -> Vec<Advice> {
    if !parsed.is_ok() {
        return Vec::new();
    }
    let Some(facts) = StageFacts::collect(build, parsed, catalogs) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    out.extend(minimal_base::check(&facts, catalogs));
    out.extend(multi_stage::check(&facts, catalogs));
    out.extend(cache_order::check(&facts));
    out.extend(merge_runs::check(&facts));
    out.extend(clean_apt_lists::check(&facts));
    out.extend(no_install_recommends::check(&facts));
    out.extend(package_cache::check(&facts));
    out.extend(wasted_space::check(&facts));
    for (i, advice) in out.iter_mut().enumerate() {
        advice.number = i + 1;
    }
    out
}

/// The text with `fix` applied, or `None` when its edits overlap or fall outside the text
/// (a fix computed for another version of the text).
pub fn apply_fix(source: &str, fix: &Fix) -> Option<String> {
    let mut edits: Vec<&TextEdit> = fix.edits.iter().collect();
    crate::sort::sort_by_key(&mut edits, |e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for edit in edits {
        if edit.span.start < at || edit.span.end < edit.span.start {
            return None;
        }
        out.push_str(source.get(at..edit.span.start)?);
        out.push_str(&edit.new_text);
        at = edit.span.end;
    }
    out.push_str(source.get(at..)?);
    Some(out)
}

/// Human-readable bytes as the page prints them (`45.1 MB`, `812 kB`, `14 B`; SI units as
/// `docker images` uses).
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    if value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A new advice with the common fields filled in (numbered later by [`advise`]).
pub(crate) fn new_advice(id: &'static str, title: String, detail: String, span: Span) -> Advice {
    Advice {
        number: 0,
        id,
        title,
        detail,
        lines: Vec::new(),
        span,
        estimated_before_bytes: None,
        estimated_after_bytes: None,
        saving_bytes: None,
        certainty: Certainty::Estimated,
        fix: None,
    }
}

/// Sets before/after/saving from two byte counts.
pub(crate) fn with_sizes(mut advice: Advice, before: Option<u64>, after: Option<u64>) -> Advice {
    advice.estimated_before_bytes = before;
    advice.estimated_after_bytes = after;
    advice.saving_bytes = match (before, after) {
        (Some(b), Some(a)) => Some(b.saturating_sub(a)),
        _ => None,
    };
    advice
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_documented_once() {
        let mut ids: Vec<&str> = DOCS.iter().map(|d| d.id).collect();
        crate::sort::sort(&mut ids);
        ids.dedup();
        assert_eq!(ids.len(), DOCS.len());
        for doc in DOCS {
            assert!(!doc.what.is_empty() && !doc.why.is_empty());
            assert!(crate::syntax::parse(doc.bad).is_ok(), "{}", doc.id);
            assert!(crate::syntax::parse(doc.good).is_ok(), "{}", doc.id);
        }
    }

    #[test]
    fn bytes_are_printed_like_docker() {
        assert_eq!(format_bytes(14), "14 B");
        assert_eq!(format_bytes(45_123_000), "45.1 MB");
        assert_eq!(format_bytes(812_400), "812 kB");
    }

    #[test]
    fn fixes_apply_in_source_order_and_reject_overlaps() {
        let fix = Fix {
            description: String::new(),
            edits: vec![
                TextEdit {
                    span: Span::new(4, 5),
                    new_text: "E".into(),
                },
                TextEdit {
                    span: Span::new(0, 1),
                    new_text: "A".into(),
                },
            ],
        };
        assert_eq!(apply_fix("abcdef", &fix).as_deref(), Some("AbcdEf"));
        let overlapping = Fix {
            description: String::new(),
            edits: vec![
                TextEdit {
                    span: Span::new(0, 3),
                    new_text: String::new(),
                },
                TextEdit {
                    span: Span::new(2, 4),
                    new_text: String::new(),
                },
            ],
        };
        assert_eq!(apply_fix("abcdef", &overlapping), None);
    }
}
