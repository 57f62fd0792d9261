//! DL3020: Use COPY instead of ADD for files and folders

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3020",
    name: "copy-not-add",
    set: RuleSet::Hadolint,
    summary: "Use COPY instead of ADD for files and folders",
    rationale: "ADD also downloads URLs and unpacks archives; for plain files COPY says what happens and nothing more.",
    bad: "FROM alpine:3.20\nADD app.py /app/\n",
    good: "FROM alpine:3.20\nCOPY app.py /app/\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3020",
    default_severity: Severity::Error,
    off_by_default: false,
};

use super::model::{drop_quotes, plain};

/// hadolint's `archiveFileFormatExtensions`.
pub const ARCHIVE_EXTENSIONS: [&str; 16] = [
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz", ".zst",
];

pub fn is_archive(src: &str) -> bool {
    let s = drop_quotes(src);
    ARCHIVE_EXTENSIONS.iter().any(|e| s.ends_with(e))
}

pub fn is_url(src: &str) -> bool {
    let s = drop_quotes(src);
    s.starts_with("https://") || s.starts_with("http://")
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for h in plain(cx).filter(|h| h.kind() == Keyword::Add) {
        let words = h.words();
        let Some((_, sources)) = words.split_last() else {
            continue;
        };
        if !sources.iter().all(|s| is_archive(s) || is_url(s)) {
            out.push_summary(h.span(cx));
        }
    }
}
