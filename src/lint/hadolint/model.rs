//! The instruction view hadolint's rules work on. hadolint lints the raw instruction list
//! (language-docker's AST) in order, without requiring a FROM first, and some rules also
//! see the instruction inside `ONBUILD` (`rule <> onbuild rule`). This module flattens the
//! syntax tree into that view, with hadolint's word helpers (quote dropping, image parts).

use crate::lint::context::{LintContext, Report};
use crate::lint::run_scripts::ParsedRun;
use crate::span::Span;
use crate::syntax::{Instruction, Keyword};

/// One instruction as a hadolint rule sees it.
#[derive(Clone, Copy)]
pub struct HInst<'a> {
    /// The instruction (for `ONBUILD X`, the trigger `X`).
    pub inst: &'a Instruction,
    /// The top-level instruction, where findings are reported.
    pub outer: &'a Instruction,
    /// Inside `ONBUILD`.
    pub onbuild: bool,
    /// Index of the top-level instruction in `Dockerfile::instructions`.
    pub index: usize,
}

impl<'a> HInst<'a> {
    pub fn kind(&self) -> Keyword {
        self.inst.kind
    }

    /// The first line of the top-level instruction (hadolint reports the start line).
    pub fn span(&self, cx: &LintContext<'_>) -> Span {
        cx.first_line_span(self.outer.span)
    }

    /// The parsed shell script, for a RUN.
    pub fn script<'c>(&self, cx: &'c LintContext<'_>) -> Option<&'c ParsedRun> {
        if self.inst.kind != Keyword::Run {
            return None;
        }
        cx.run_script(self.index, self.onbuild)
    }

    /// The argument words, each with surrounding quotes dropped.
    pub fn words(&self) -> Vec<&'a str> {
        self.inst
            .args
            .iter()
            .map(|w| drop_quotes(&w.value))
            .collect()
    }

    /// The value of flag `--name`, quotes dropped.
    pub fn flag(&self, name: &str) -> Option<&'a str> {
        self.inst
            .flag(name)
            .map(|f| drop_quotes(f.value.as_deref().unwrap_or("")))
    }
}

/// Top-level instructions (no ONBUILD triggers), in order. Instructions BuildKit rejects
/// are kept with what could be recovered: hadolint's parser is more lenient (a nested JSON
/// array is a shell-form CMD to it).
pub fn plain<'a>(cx: &LintContext<'a>) -> impl Iterator<Item = HInst<'a>> + 'a {
    cx.instructions()
        .iter()
        .enumerate()
        .map(|(index, i)| HInst {
            inst: i,
            outer: i,
            onbuild: false,
            index,
        })
}

/// Top-level instructions and, right after each ONBUILD, its trigger.
pub fn with_onbuild<'a>(cx: &LintContext<'a>) -> impl Iterator<Item = HInst<'a>> + 'a {
    cx.instructions().iter().enumerate().flat_map(|(index, i)| {
        let trigger = i.onbuild.as_deref().map(|t| HInst {
            inst: t,
            outer: i,
            onbuild: true,
            index,
        });
        std::iter::once(HInst {
            inst: i,
            outer: i,
            onbuild: false,
            index,
        })
        .chain(trigger)
    })
}

/// hadolint's `dropQuotes`: one pair of surrounding `"` or `'` removed.
pub fn drop_quotes(s: &str) -> &str {
    let t = s.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return &t[1..t.len() - 1];
        }
    }
    t
}

/// A FROM line as language-docker reads it.
#[derive(Clone, Debug, Default)]
pub struct BaseImage<'a> {
    /// The registry, when the first path component looks like a host (`.`, `:` or
    /// `localhost`).
    pub registry: Option<&'a str>,
    /// The image name without registry, tag or digest.
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
    /// `AS name` as written.
    pub alias: Option<&'a str>,
    pub platform: Option<&'a str>,
}

/// Splits a FROM instruction's image (`registry/name:tag@digest AS alias`).
pub fn base_image(inst: &Instruction) -> BaseImage<'_> {
    let words: Vec<&str> = inst.args.iter().map(|w| w.value.as_str()).collect();
    let image = words.first().copied().unwrap_or("");
    let alias = match words.as_slice() {
        [_, kw, name, ..] if kw.eq_ignore_ascii_case("as") => Some(*name),
        _ => None,
    };
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    let (registry, path) = match rest.split_once('/') {
        Some((first, p)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            (Some(first), p)
        }
        _ => (None, rest),
    };
    let last_slash = path.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match path[last_slash..].find(':') {
        Some(i) => (&path[..last_slash + i], Some(&path[last_slash + i + 1..])),
        None => (path, None),
    };
    BaseImage {
        registry,
        name,
        tag,
        digest,
        alias,
        platform: inst
            .flag("platform")
            .map(|f| drop_quotes(f.value.as_deref().unwrap_or(""))),
    }
}

/// Reports every `keyword` instruction after the first one of the same stage (only the last
/// takes effect): DL3012 (HEALTHCHECK), DL4003 (CMD), DL4004 (ENTRYPOINT).
pub fn report_repeated_in_stage(cx: &LintContext<'_>, out: &mut Report, keyword: Keyword) {
    let mut seen = false;
    for h in plain(cx) {
        match h.kind() {
            Keyword::From => seen = false,
            k if k == keyword => {
                if seen {
                    out.push_summary(h.span(cx));
                }
                seen = true;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_parts() {
        let p = crate::syntax::parse("FROM localhost:5000/a/b:1.0@sha256:x AS Build\n");
        let b = base_image(&p.dockerfile.instructions[0]);
        assert_eq!(b.registry, Some("localhost:5000"));
        assert_eq!(
            (b.name, b.tag, b.digest),
            ("a/b", Some("1.0"), Some("sha256:x"))
        );
        assert_eq!(b.alias, Some("Build"));
        assert_eq!(drop_quotes("'a b'"), "a b");
    }
}
