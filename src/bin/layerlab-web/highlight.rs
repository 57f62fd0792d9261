//! Dockerfile highlighting from the parser's spans: every keyword, flag, stage name, heredoc
//! and directive is coloured where `layerlab::syntax` says it is, so the colours always agree
//! with what the engine understood (an unknown keyword is coloured as one). Inside arguments
//! a small lexical pass marks quoted strings and `$VAR` references.
//!
//! Tokens are byte ranges into the text, sorted and never overlapping.

use layerlab::syntax::{self, Keyword};

/// What a highlighted range is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Keyword,
    UnknownKeyword,
    Flag,
    Comment,
    Directive,
    /// A heredoc body.
    Heredoc,
    /// A heredoc terminator line.
    HeredocEnd,
    String,
    Variable,
    /// The base image of FROM.
    Image,
    /// A stage name (`AS build`).
    StageName,
}

impl TokenKind {
    /// The CSS class of the range (`t-kw`, …).
    pub fn class(self) -> &'static str {
        match self {
            TokenKind::Keyword => "t-kw",
            TokenKind::UnknownKeyword => "t-bad",
            TokenKind::Flag => "t-flag",
            TokenKind::Comment => "t-comment",
            TokenKind::Directive => "t-directive",
            TokenKind::Heredoc => "t-heredoc",
            TokenKind::HeredocEnd => "t-kw",
            TokenKind::String => "t-str",
            TokenKind::Variable => "t-var",
            TokenKind::Image => "t-image",
            TokenKind::StageName => "t-stage",
        }
    }
}

/// A highlighted byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
}

/// Tokens of `text`, sorted by start, non-overlapping, on char boundaries.
#[cfg(test)]
pub fn tokens(text: &str) -> Vec<Token> {
    tokens_of(&syntax::parse(text))
}

/// Tokens of an already parsed text.
pub fn tokens_of(parsed: &syntax::Parsed) -> Vec<Token> {
    let text = parsed.source.as_str();
    let mut out: Vec<Token> = Vec::new();
    let mut heredoc_bodies: Vec<(usize, usize)> = Vec::new();
    let push = |out: &mut Vec<Token>, start: usize, end: usize, kind| {
        if start < end && end <= text.len() {
            out.push(Token { start, end, kind });
        }
    };
    for d in &parsed.dockerfile.directives {
        push(&mut out, d.span.start, d.span.end, TokenKind::Directive);
    }
    for inst in &parsed.dockerfile.instructions {
        let mut current = inst;
        // ONBUILD carries its trigger as a nested instruction with its own spans.
        loop {
            let kind = if current.kind == Keyword::Unknown {
                TokenKind::UnknownKeyword
            } else {
                TokenKind::Keyword
            };
            push(
                &mut out,
                current.keyword_span.start,
                current.keyword_span.end,
                kind,
            );
            for flag in &current.flags {
                push(&mut out, flag.span.start, flag.span.end, TokenKind::Flag);
            }
            for h in &current.heredocs {
                push(
                    &mut out,
                    h.content_span.start,
                    h.content_span.end,
                    TokenKind::Heredoc,
                );
                push(
                    &mut out,
                    h.content_span.end,
                    h.span.end,
                    TokenKind::HeredocEnd,
                );
                heredoc_bodies.push((h.span.start, h.span.end));
            }
            if current.kind == Keyword::From {
                for (i, word) in current.args.iter().enumerate() {
                    let kind = match i {
                        0 => TokenKind::Image,
                        1 => TokenKind::Keyword,
                        _ => TokenKind::StageName,
                    };
                    push(&mut out, word.span.start, word.span.end, kind);
                }
            } else if current.json {
                for word in &current.args {
                    push(&mut out, word.span.start, word.span.end, TokenKind::String);
                }
            } else if current.kind != Keyword::Unknown {
                lex_arguments(
                    text,
                    current.rest_span.start,
                    current.rest_span.end,
                    &mut out,
                );
            }
            match &current.onbuild {
                Some(trigger) => current = trigger,
                None => break,
            }
        }
    }
    comments(
        text,
        &parsed.dockerfile.directives,
        &heredoc_bodies,
        &mut out,
    );
    layerlab::sort::sort_by_key(&mut out, |t| (t.start, std::cmp::Reverse(t.end)));
    let mut clean: Vec<Token> = Vec::with_capacity(out.len());
    for t in out {
        if clean.last().is_some_and(|prev| t.start < prev.end) {
            continue;
        }
        if text.is_char_boundary(t.start) && text.is_char_boundary(t.end) {
            clean.push(t);
        }
    }
    clean
}

/// Quoted strings and `$NAME` / `${…}` inside an argument range, skipping continuation
/// comment lines (they are found by [`comments`]).
fn lex_arguments(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let Some(args) = text.get(start..end.min(text.len())) else {
        return;
    };
    let bytes = args.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => {
                // A comment line inside a continuation: leave it to the comment pass.
                let rest = &args[i + 1..];
                let trimmed = rest.trim_start_matches([' ', '\t']);
                if trimmed.starts_with('#') {
                    let skip = rest.find('\n').unwrap_or(rest.len());
                    i += 1 + skip;
                } else {
                    i += 1;
                }
            }
            quote @ (b'"' | b'\'') => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != quote && bytes[j] != b'\n' {
                    if quote == b'"' && bytes[j] == b'\\' {
                        j += 1;
                    }
                    j += 1;
                }
                let close = (j + 1).min(bytes.len());
                out.push(Token {
                    start: start + i,
                    end: start + close,
                    kind: TokenKind::String,
                });
                i = close;
            }
            b'$' => {
                let len = variable_len(&bytes[i..]);
                if len > 1 {
                    out.push(Token {
                        start: start + i,
                        end: start + i + len,
                        kind: TokenKind::Variable,
                    });
                }
                i += len.max(1);
            }
            _ => i += 1,
        }
    }
}

/// Length of a variable reference at the start of `bytes` (`$` included), 1 when none.
fn variable_len(bytes: &[u8]) -> usize {
    match bytes.get(1) {
        Some(b'{') => bytes
            .iter()
            .position(|&b| b == b'}' || b == b'\n')
            .map_or(1, |p| if bytes[p] == b'}' { p + 1 } else { 1 }),
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
            1 + bytes[1..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count()
        }
        _ => 1,
    }
}

/// Lines whose first non-blank character is `#`, outside heredoc bodies and directives.
fn comments(
    text: &str,
    directives: &[syntax::Directive],
    heredocs: &[(usize, usize)],
    out: &mut Vec<Token>,
) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start_matches([' ', '\t']).len();
        let start = offset + indent;
        if body[indent..].starts_with('#')
            && !heredocs.iter().any(|&(s, e)| start >= s && start < e)
            && !directives
                .iter()
                .any(|d| start >= d.span.start && start < d.span.end)
        {
            out.push(Token {
                start,
                end: offset + body.len(),
                kind: TokenKind::Comment,
            });
        }
        offset += line.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str) -> Vec<(&str, TokenKind)> {
        tokens(text)
            .into_iter()
            .map(|t| (&text[t.start..t.end], t.kind))
            .collect()
    }

    #[test]
    fn keywords_flags_images_and_stage_names() {
        let got = spans("# syntax=docker/dockerfile:1\nFROM --platform=$X golang:1.22 AS build\nCOPY --from=build /a \"/b c\"\n");
        assert_eq!(
            got,
            [
                ("# syntax=docker/dockerfile:1", TokenKind::Directive),
                ("FROM", TokenKind::Keyword),
                ("--platform=$X", TokenKind::Flag),
                ("golang:1.22", TokenKind::Image),
                ("AS", TokenKind::Keyword),
                ("build", TokenKind::StageName),
                ("COPY", TokenKind::Keyword),
                ("--from=build", TokenKind::Flag),
                ("\"/b c\"", TokenKind::String),
            ]
        );
    }

    #[test]
    fn comments_variables_heredocs_and_unknown_keywords() {
        let text = "FROM a\n# note\nRUN echo $HOME ${X:-y} \\\n  # inside\n  && true\nRUN <<EOF\n# not a comment\nEOF\nFROMM x\n";
        let got = spans(text);
        assert!(got.contains(&("# note", TokenKind::Comment)));
        assert!(got.contains(&("# inside", TokenKind::Comment)));
        assert!(got.contains(&("$HOME", TokenKind::Variable)));
        assert!(got.contains(&("${X:-y}", TokenKind::Variable)));
        assert!(got.contains(&("# not a comment\n", TokenKind::Heredoc)));
        assert!(got.contains(&("FROMM", TokenKind::UnknownKeyword)));
        assert!(!got
            .iter()
            .any(|(s, k)| *k == TokenKind::Comment && s.contains("not a")));
    }

    #[test]
    fn tokens_are_sorted_disjoint_and_on_char_boundaries() {
        let text =
            "FROM é\nRUN \"ünï ${é\nLABEL a=\"<img src=x onerror=alert(1)>\"\n\u{0}\u{FFFF}$";
        let toks = tokens(text);
        for pair in toks.windows(2) {
            assert!(pair[0].end <= pair[1].start);
        }
        for t in &toks {
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        }
    }
}
