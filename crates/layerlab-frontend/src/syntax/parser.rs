//! The line loop of BuildKit's `parser.Parse`, ported with error recovery and spans.

use std::sync::Arc;

use super::ast::{Directive, Dockerfile, Flag, Heredoc, Instruction, Keyword, Word};
use super::directives::DirectiveParser;
use super::heredoc::heredocs_from_line;
use super::line_parsers::{self as lp, Tok};
use super::logical::LogicalLine;
use super::split::{is_go_space, split_command};
use super::text::Text;
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// `bufio.MaxScanTokenSize - 1`: the longest line BuildKit's scanner accepts.
pub const MAX_LINE_LEN: usize = 65535;

/// How deep `ONBUILD ONBUILD …` is parsed (BuildKit rejects any nesting later anyway).
pub const MAX_ONBUILD_DEPTH: usize = 8;

/// Diagnostic code of every parse error.
pub const SYNTAX: &str = "syntax";
/// Diagnostic code of the empty-continuation-line warning (BuildKit check name).
pub const NO_EMPTY_CONTINUATION: &str = "NoEmptyContinuation";

/// One physical line: `start..end` with `end` after its `\n` (if any).
#[derive(Clone, Copy)]
struct RawLine {
    start: usize,
    end: usize,
}

/// `trimNewline`: the end of `text[start..end]` without trailing `\r`/`\n`.
fn content_end(text: &str, start: usize, end: usize) -> usize {
    let b = text.as_bytes();
    let mut e = end;
    while e > start && matches!(b[e - 1], b'\r' | b'\n') {
        e -= 1;
    }
    e
}

/// `trimLeadingWhitespace` as an offset.
fn skip_leading_space(text: &str, start: usize, end: usize) -> usize {
    let s = &text[start..end];
    start + (s.len() - s.trim_start_matches(is_go_space).len())
}

/// `trimContinuationCharacter` on `text[start..end]`: the new end and whether the line ends
/// the instruction (no continuation).
///
/// The regex is `([^E])E[ \t]*$|^E[ \t]*$`: the escape token followed only by blanks at the
/// end of the line, not itself escaped, is removed. The escape token is ASCII (`\` or `` ` ``),
/// so this works on bytes.
fn trim_continuation(text: &str, start: usize, end: usize, escape: char) -> (usize, bool) {
    let b = text.as_bytes();
    let esc = escape as u8;
    let mut e = end;
    while e > start && matches!(b[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    if e == start || b[e - 1] != esc {
        return (end, true);
    }
    let without = e - 1;
    if without == start || b[without - 1] != esc {
        return (without, false);
    }
    (end, true)
}

/// The physical lines of the text: `line_starts` as `start..end` ranges, `end` after the
/// `\n` (the empty tail after a final `\n` is not a line, as with `split_inclusive`).
struct Lines<'a> {
    starts: &'a [usize],
    len: usize,
    count: usize,
}

impl<'a> Lines<'a> {
    fn new(starts: &'a [usize], len: usize) -> Self {
        let count = match starts.last() {
            Some(&last) if last == len => starts.len() - 1,
            _ => starts.len(),
        };
        Lines { starts, len, count }
    }

    fn get(&self, i: usize) -> Option<RawLine> {
        if i >= self.count {
            return None;
        }
        Some(RawLine {
            start: self.starts[i],
            end: self.starts.get(i + 1).copied().unwrap_or(self.len),
        })
    }
}

struct Ctx<'a> {
    text: &'a str,
    escape: char,
    diagnostics: Vec<Diagnostic>,
    /// Scratch for the line parsers' values, reused by every instruction.
    toks: Vec<Tok>,
}

/// What [`parse_text`] returns: the tree, the diagnostics, the line starts (for the line
/// index) and the source buffer the tree's strings share.
pub(crate) type ParseResult = (Dockerfile, Vec<Diagnostic>, Vec<usize>, Text);

/// Parses `text` (already valid UTF-8; see `parse_bytes` for raw bytes).
pub(crate) fn parse_text(text: &str) -> ParseResult {
    // Where each physical line starts (BuildKit splits on `\n` only); also the line index.
    let starts = crate::span::line_starts(text);
    let lines = Lines::new(&starts, text.len());
    let source: Arc<str> = Arc::from(text);
    let mut logical = LogicalLine::new(Arc::clone(&source));

    let mut cx = Ctx {
        text,
        escape: '\\',
        diagnostics: Vec::new(),
        toks: Vec::new(),
    };
    let mut directive_parser = DirectiveParser::new("#");
    let mut dockerfile = Dockerfile {
        escape: '\\',
        // About one instruction in four lines in real files; bounded so that a huge input
        // does not reserve much before it has shown any instruction.
        instructions: Vec::with_capacity((lines.count / 4).min(1024) + 1),
        ..Dockerfile::default()
    };
    let mut comments: Vec<Text> = Vec::new();
    let mut line_no = 0usize;
    let mut idx = 0usize;

    while let Some(raw) = lines.get(idx) {
        idx += 1;
        check_line_length(&mut cx, raw);
        let mut start = raw.start;
        if line_no == 0 && text[start..].starts_with('\u{feff}') {
            start += '\u{feff}'.len_utf8();
        }
        let cend = content_end(text, start, raw.end);
        let lead = skip_leading_space(text, start, cend);
        let is_comment = text.as_bytes().get(lead) == Some(&b'#') && lead < cend;
        line_no += 1;

        let mut was_directive = false;
        match directive_parser.parse_line(&text[lead..cend]) {
            Ok(Some((name, value))) => {
                was_directive = true;
                if name == "escape" {
                    match value.as_str() {
                        "\\" | "`" => {
                            cx.escape = value.chars().next().unwrap_or('\\');
                            dockerfile.escape = cx.escape;
                        }
                        _ => cx.diagnostics.push(Diagnostic::error(
                            SYNTAX,
                            format!("invalid escape token '{value}' does not match ` or \\"),
                            Span::new(lead, cend),
                        )),
                    }
                }
                dockerfile.directives.push(Directive {
                    name,
                    value,
                    span: Span::new(lead, cend),
                    line: line_no,
                });
            }
            Ok(None) => {}
            Err(message) => {
                was_directive = true;
                cx.diagnostics
                    .push(Diagnostic::error(SYNTAX, message, Span::new(lead, cend)));
            }
        }
        if is_comment {
            if !was_directive {
                // BuildKit: strings.TrimSpace(string(bytesRead[1:])) on the raw line.
                let mut chars = text[start..raw.end].chars();
                chars.next();
                let after = chars.as_str();
                let comment = after.trim_start_matches(is_go_space);
                let from = raw.end - comment.len();
                let comment = comment.trim_end_matches(is_go_space);
                if comment.is_empty() {
                    comments.clear();
                } else {
                    comments.push(Text::shared(&source, from..from + comment.len()));
                }
            }
            continue;
        }

        let start_line = line_no;
        let (first_end, mut is_end) = trim_continuation(text, lead, cend, cx.escape);
        if is_end && first_end == lead {
            continue;
        }
        logical.reset();
        logical.push(lead, first_end);
        let mut inst_end = cend;
        let mut has_empty_continuation = false;
        while let Some(raw) = lines.get(idx).filter(|_| !is_end) {
            idx += 1;
            check_line_length(&mut cx, raw);
            let cend = content_end(text, raw.start, raw.end);
            if let Err(message) = directive_parser.parse_line(&text[raw.start..cend]) {
                cx.diagnostics.push(Diagnostic::error(
                    SYNTAX,
                    message,
                    Span::new(raw.start, cend),
                ));
            }
            line_no += 1;
            inst_end = cend;
            let lead = skip_leading_space(text, raw.start, cend);
            if lead < cend && text.as_bytes()[lead] == b'#' {
                continue;
            }
            if lead == cend {
                has_empty_continuation = true;
                continue;
            }
            let (end, end_of_line) = trim_continuation(text, raw.start, cend, cx.escape);
            is_end = end_of_line;
            logical.push(raw.start, end);
        }
        logical.finish();
        let mut span = Span::new(lead, inst_end);
        if has_empty_continuation {
            cx.diagnostics.push(Diagnostic::warning(
                NO_EMPTY_CONTINUATION,
                format!("Empty continuation line found in: {}", logical.text()),
                span,
            ));
        }

        let mut inst = new_instruction(&mut cx, &logical, 0, logical.text().len(), span, 0);
        inst.prev_comments = std::mem::take(&mut comments);

        if can_contain_heredoc(&inst) && has_double_less(logical.text()) {
            match heredocs_from_line(logical.text()) {
                Err(message) => {
                    inst.syntax_error = true;
                    cx.diagnostics
                        .push(Diagnostic::error(SYNTAX, message, span));
                }
                Ok(words) => {
                    for word in words {
                        let body_start = lines.get(idx).map_or(text.len(), |l| l.start);
                        let mut terminated = false;
                        let mut body_end = body_start;
                        let mut doc_end = body_start;
                        while let Some(raw) = lines.get(idx) {
                            idx += 1;
                            check_line_length(&mut cx, raw);
                            line_no += 1;
                            let cend = content_end(text, raw.start, raw.end);
                            let mut candidate = &text[raw.start..cend];
                            if word.chomp {
                                candidate = candidate.trim_start_matches('\t');
                            }
                            if candidate == word.name {
                                terminated = true;
                                doc_end = cend;
                                break;
                            }
                            body_end = raw.end;
                            doc_end = cend;
                        }
                        if !terminated {
                            inst.syntax_error = true;
                            cx.diagnostics.push(Diagnostic::error(
                                SYNTAX,
                                "unterminated heredoc",
                                Span::new(span.start, text.len()),
                            ));
                            doc_end = text.len();
                        }
                        span.end = span.end.max(doc_end);
                        inst.heredocs.push(Heredoc {
                            name: word.name,
                            expand: word.expand,
                            chomp: word.chomp,
                            fd: word.fd,
                            // The body lines are contiguous in the source.
                            content: Text::shared(&source, body_start..body_end),
                            span: Span::new(body_start.min(doc_end), doc_end),
                            content_span: Span::new(body_start, body_end.max(body_start)),
                        });
                        if !terminated {
                            break;
                        }
                    }
                }
            }
        }

        inst.span = span;
        set_lines(&mut inst, start_line, line_no);
        if dockerfile.instructions.is_empty() {
            dockerfile.start_line = start_line;
        }
        dockerfile.end_line = line_no;
        dockerfile.instructions.push(inst);
    }

    if dockerfile.instructions.is_empty() {
        cx.diagnostics.push(Diagnostic::error(
            SYNTAX,
            "file with no instructions",
            Span::at(text.len()),
        ));
    }
    let whole = Text::shared(&source, 0..text.len());
    (dockerfile, cx.diagnostics, starts, whole)
}

/// Whether `text` contains `<<` (a heredoc is possible).
fn has_double_less(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'<', b).any(|i| b.get(i + 1) == Some(&b'<'))
}

/// BuildKit's `AddChild` line numbers, also on ONBUILD triggers (nested ones included).
fn set_lines(inst: &mut Instruction, start: usize, end: usize) {
    inst.start_line = start;
    inst.end_line = end;
    if let Some(sub) = inst.onbuild.as_mut() {
        set_lines(sub, start, end);
    }
}

fn check_line_length(cx: &mut Ctx<'_>, raw: RawLine) {
    let cend = {
        let b = cx.text.as_bytes();
        if raw.end > raw.start && b[raw.end - 1] == b'\n' {
            raw.end - 1
        } else {
            raw.end
        }
    };
    if cend - raw.start > MAX_LINE_LEN {
        cx.diagnostics.push(Diagnostic::error(
            SYNTAX,
            format!("dockerfile line greater than max allowed size of {MAX_LINE_LEN}"),
            Span::new(raw.start, cend),
        ));
    }
}

/// `canContainHeredoc`: RUN/COPY/ADD (also as ONBUILD trigger), not in JSON form.
fn can_contain_heredoc(inst: &Instruction) -> bool {
    let target = match (&inst.kind, &inst.onbuild) {
        (Keyword::Onbuild, Some(sub)) => sub.as_ref(),
        _ => inst,
    };
    target.kind.accepts_heredocs() && !target.json
}

/// `newNodeFromLine` on `logical.text[from..to]`.
fn new_instruction(
    cx: &mut Ctx<'_>,
    logical: &LogicalLine,
    from: usize,
    to: usize,
    span: Span,
    depth: usize,
) -> Instruction {
    let text = logical.text();
    let split = split_command(text, from, to);
    let keyword = logical.text_of(split.cmd.0, split.cmd.1);
    let kind = Keyword::from_word(&keyword);
    let (rs, re) = split.rest;
    let escape = cx.escape;

    let flags = split
        .flags
        .into_iter()
        .map(|f| {
            let raw = logical.text_of(f.start, f.end);
            // The processed word is usually the word as written (no quotes or escapes).
            let processed = if f.processed == raw.as_str() {
                raw.clone()
            } else {
                Text::from(f.processed)
            };
            let body_start = if processed.starts_with("--") { 2 } else { 0 };
            let (name, value) = match processed[body_start..].find('=') {
                Some(eq) => (
                    processed.slice(body_start..body_start + eq),
                    Some(processed.slice(body_start + eq + 1..processed.len())),
                ),
                None => (processed.slice(body_start..processed.len()), None),
            };
            Flag {
                name,
                value,
                processed,
                raw,
                span: logical.span(f.start, f.end),
            }
        })
        .collect();

    let mut onbuild = None;
    // The values go to the file's scratch vector, then once into `args` at their exact size.
    let mut toks: Vec<Tok> = std::mem::take(&mut cx.toks);
    toks.clear();
    let out = &mut toks;
    let result: lp::LineResult = match kind {
        Keyword::Add | Keyword::Copy | Keyword::Volume => {
            lp::parse_maybe_json_to_list(text, rs, re, out)
        }
        Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell => {
            lp::parse_maybe_json(text, rs, re, out)
        }
        Keyword::Arg => {
            lp::parse_name_or_name_val(text, rs, re, escape, out);
            Ok(false)
        }
        Keyword::Env => lp::parse_name_val(text, rs, re, "ENV", escape, out),
        Keyword::Label => lp::parse_name_val(text, rs, re, "LABEL", escape, out),
        Keyword::Expose | Keyword::From => {
            lp::parse_strings_whitespace_delimited(text, rs, re, out);
            Ok(false)
        }
        Keyword::Maintainer | Keyword::User | Keyword::Workdir | Keyword::StopSignal => {
            lp::parse_string(rs, re, out);
            Ok(false)
        }
        Keyword::Healthcheck => lp::parse_health_config(text, rs, re, out),
        Keyword::Onbuild => {
            if rs < re && depth >= MAX_ONBUILD_DEPTH {
                // BuildKit recurses without limit (and its instructions layer rejects any
                // `ONBUILD ONBUILD`); we stop so that input cannot exhaust the stack.
                Err(format!(
                    "ONBUILD triggers nested more than {MAX_ONBUILD_DEPTH} levels deep"
                ))
            } else if rs < re {
                let sub = new_instruction(cx, logical, rs, re, logical.span(rs, re), depth + 1);
                let failed = sub.syntax_error;
                onbuild = Some(Box::new(sub));
                if failed {
                    Err(String::new())
                } else {
                    Ok(false)
                }
            } else {
                Ok(false)
            }
        }
        Keyword::Unknown => {
            out.push((None, rs, rs));
            Ok(false)
        }
    };
    let (json, syntax_error) = match result {
        Ok(json) => (json, false),
        Err(message) => {
            if !message.is_empty() {
                cx.diagnostics
                    .push(Diagnostic::error(SYNTAX, message, span));
            }
            toks.clear();
            (false, true)
        }
    };
    let mut args = Vec::with_capacity(toks.len());
    args.extend(toks.drain(..).map(|(value, s, e)| Word {
        value: match value {
            Some(decoded) => Text::from(decoded),
            None => logical.text_of(s, e),
        },
        span: logical.span(s, e),
    }));
    cx.toks = toks;
    Instruction {
        keyword,
        kind,
        span,
        keyword_span: logical.span(split.cmd.0, split.cmd.1),
        start_line: 0,
        end_line: 0,
        flags,
        args,
        rest: logical.text_of(rs, re),
        rest_span: logical.span(rs, re),
        json,
        heredocs: Vec::new(),
        onbuild,
        prev_comments: Vec::new(),
        original: logical.text_of(from, to),
        syntax_error,
    }
}
