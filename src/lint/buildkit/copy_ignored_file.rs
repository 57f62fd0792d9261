//! CopyIgnoredFile: COPY/ADD of a file that `.dockerignore` excludes.

use crate::diagnostic::Severity;
use crate::instructions::Command;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

use super::dispatch::{dispatch, expand_or_raw};

pub const DOC: RuleDoc = RuleDoc {
    code: "CopyIgnoredFile",
    name: "copy-ignored-file",
    set: RuleSet::BuildKit,
    summary: "Attempting to Copy file that is excluded by .dockerignore",
    rationale: "Files excluded by .dockerignore are not sent to the builder: the COPY fails with `not found`, or silently copies less than intended when a pattern matches.",
    bad: "# .dockerignore: *.md\nFROM scratch\nCOPY README.md /\n",
    good: "# .dockerignore: *.md\n#               !README.md\nFROM scratch\nCOPY README.md /\n",
    url: "https://docs.docker.com/go/dockerfile/rule/copy-ignored-file/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// Go's `path.Clean`.
pub fn go_path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

fn is_remote(src: &str) -> bool {
    src.contains("://") || src.starts_with("git@")
}

/// Dispatch-time: local sources of COPY (without `--from`) and ADD, expanded and cleaned,
/// matched with `MatchesOrParentMatches`. Skipped when the ignore file has `!` exceptions;
/// the context root (`.`) only counts when a pattern is `*`, `**` or `**/*`.
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let Some(ignore) = &cx.options.dockerignore else {
        return;
    };
    if ignore.has_exceptions() {
        return;
    }
    let root_excluded = ignore
        .lines()
        .iter()
        .any(|l| matches!(l.pattern.as_str(), "*" | "**" | "**/*"));
    for d in dispatch(cx) {
        let (verb, sources) = match &d.command.value {
            Command::Copy(c) if c.from.is_none() => ("Copy", &c.sources_and_dest.source_paths),
            Command::Add(a) => ("Add", &a.sources_and_dest.source_paths),
            _ => continue,
        };
        for src in sources {
            let expanded = expand_or_raw(cx, &src.value, &d.before.env);
            if is_remote(&expanded) {
                continue;
            }
            let cleaned = go_path_clean(&expanded);
            let excluded = if cleaned == "." || cleaned == "/" {
                root_excluded
            } else {
                let relative = cleaned.trim_start_matches('/');
                ignore.is_excluded(relative).unwrap_or(false)
            };
            if excluded {
                out.push(
                    cx.first_line_span(d.command.span),
                    format!(
                        "Attempting to {verb} file {} that is excluded by .dockerignore",
                        crate::gostr::go_quote(&cleaned)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clean_like_go() {
        use super::go_path_clean as c;
        assert_eq!(c("./a/../b/"), "b");
        assert_eq!(c("/../x"), "/x");
        assert_eq!(c("."), ".");
        assert_eq!(c("../a"), "../a");
    }
}
