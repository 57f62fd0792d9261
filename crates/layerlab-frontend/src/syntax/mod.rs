//! The Dockerfile parser: BuildKit's `frontend/dockerfile/parser` package, ported.
//!
//! [`parse`] turns Dockerfile text into a [`Dockerfile`]: parser directives, the escape
//! token, and one [`Instruction`] per instruction with exactly the values BuildKit's
//! `parser.Node` holds (keyword as written, flags, the `Next` chain, the `json` attribute,
//! heredocs, preceding comments, line numbers). [`Dockerfile::dump`] prints BuildKit's
//! `Node.Dump()` format byte for byte, which is how the conformance tests compare us with
//! BuildKit's own testfiles.
//!
//! # Why a hand-written parser
//! * **Recovery.** BuildKit (and the `parse-dockerfile` crate) stop at the first error. An
//!   editor needs every problem at once, so each error here becomes a [`Diagnostic`] (code
//!   `syntax`) and parsing carries on with the next line; the instruction that failed is kept
//!   with `syntax_error: true`.
//! * **Exact spans.** Every keyword, flag, argument and heredoc carries a byte [`Span`] into
//!   the source, across continuation lines (see `logical.rs`), for underlines and quick fixes.
//! * **BuildKit-identical output.** The quirks matter for "what would docker build do": the
//!   byte-wise flag scanner, `parseWords` keeping quotes, the old/new ENV forms, JSON
//!   fallback rules, heredoc detection through the shell lexer, the continuation regex.
//!   `parse-dockerfile` models a cleaner language (and requires FROM first), so its AST does
//!   not reproduce BuildKit's.
//! * **wasm and hostile input.** No panics on user input, no recursion that input can
//!   deepen, linear time: lines over 65535 bytes, invalid UTF-8, binary garbage and 10 MB
//!   inputs give diagnostics, not crashes.
//!
//! # Where we differ from BuildKit, on purpose
//! * Errors do not stop parsing (see above); BuildKit reports only the first.
//! * Invalid UTF-8 is decoded lossily (U+FFFD) with an error diagnostic; BuildKit keeps the
//!   raw bytes (its dump would print them as `\xNN`).
//! * `ONBUILD ONBUILD …` is parsed at most [`MAX_ONBUILD_DEPTH`] levels deep (BuildKit
//!   recurses without bound; its instructions layer rejects any nesting anyway).
//! * `strconv.Quote`'s notion of a printable character is approximated without Unicode
//!   tables (unassigned code points count as printable) in [`crate::gostr::go_quote`].
//!
//! Kept on purpose although odd: `extractBuilderFlags` scans bytes, so a non-ASCII byte in
//! a flag word becomes the Latin-1 character of that value (`--chown=é` is stored as
//! `--chown=Ã©`, as in BuildKit's `Node.Flags`) and the bytes 0x85/0xA0 separate words;
//! [`Flag::raw`] keeps the flag as written.
//!
//! # Layout (one concept per file)
//! `ast` (types), `parser` (the line loop of `parser.Parse`), `logical` (joined lines with a
//! map back to the source), `split` (`splitCommand`/`extractBuilderFlags`), `line_parsers`
//! (per-instruction argument parsers, `strconv.Quote`), `json_array` (`parseJSON`),
//! `heredoc` (heredoc detection and chomping), `directives` (`# syntax=` etc.,
//! `DetectSyntax`), `dump` (`Node.Dump`), `text` ([`Text`], the strings of the tree: ranges
//! of a shared buffer, so a parse allocates little more than its vectors).
//!
//! Spans index [`Parsed::source`]: the input itself for [`parse`], the lossily decoded text
//! for [`parse_bytes`].

mod ast;
mod directives;
mod dump;
mod heredoc;
mod json_array;
mod line_parsers;
mod logical;
mod parser;
mod split;
mod text;

pub use ast::{Directive, Dockerfile, Flag, Heredoc, Instruction, Keyword, Word};
pub use directives::{detect_syntax, parse_directive, DetectedDirective, DIRECTIVE_NAMES};
pub use heredoc::{chomp_heredoc_content, heredocs_from_line, parse_heredoc_word, HeredocWord};
pub use parser::{MAX_LINE_LEN, MAX_ONBUILD_DEPTH, NO_EMPTY_CONTINUATION, SYNTAX};
pub use text::Text;

use crate::diagnostic::Diagnostic;
use crate::span::{LineIndex, Span};

/// The result of parsing: the tree, every problem found, and a line index for the source.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub dockerfile: Dockerfile,
    /// Errors (code `syntax`) and warnings (`NoEmptyContinuation`), in source order of
    /// discovery.
    pub diagnostics: Vec<Diagnostic>,
    pub line_index: LineIndex,
    /// The text all spans index (equal to the input of [`parse`]); the tree's strings are
    /// ranges of it.
    pub source: Text,
}

impl Parsed {
    /// True when no diagnostic is an error.
    pub fn is_ok(&self) -> bool {
        !self
            .diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error)
    }

    /// The error diagnostics.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Error)
    }
}

/// Parses Dockerfile text. Never fails: problems are diagnostics.
pub fn parse(text: &str) -> Parsed {
    let (dockerfile, diagnostics, line_starts, source) = parser::parse_text(text);
    Parsed {
        dockerfile,
        diagnostics,
        line_index: LineIndex::from_line_starts(line_starts, text.len()),
        source,
    }
}

/// Parses raw bytes: invalid UTF-8 is reported (one error per invalid sequence, up to 20,
/// then one summary) and replaced by U+FFFD, and parsing continues on the decoded text.
pub fn parse_bytes(bytes: &[u8]) -> Parsed {
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(_) => {
            let mut invalid = Vec::new();
            let mut decoded = String::with_capacity(bytes.len());
            for chunk in bytes.utf8_chunks() {
                decoded.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    let at = decoded.len();
                    decoded.push('\u{FFFD}');
                    invalid.push((Span::new(at, decoded.len()), chunk.invalid().to_vec()));
                }
            }
            let mut parsed = parse(&decoded);
            let mut extra = Vec::new();
            for (span, raw) in invalid.iter().take(20) {
                let hex: Vec<String> = raw.iter().map(|b| format!("{b:#04x}")).collect();
                extra.push(Diagnostic::error(
                    SYNTAX,
                    format!(
                        "invalid UTF-8 (bytes {}) replaced by U+FFFD; BuildKit would read these bytes as they are",
                        hex.join(" ")
                    ),
                    *span,
                ));
            }
            if invalid.len() > 20 {
                extra.push(Diagnostic::error(
                    SYNTAX,
                    format!("{} more invalid UTF-8 sequences", invalid.len() - 20),
                    invalid[20].0,
                ));
            }
            extra.append(&mut parsed.diagnostics);
            parsed.diagnostics = extra;
            parsed
        }
    }
}
