//! Shell words: the text as written, and the pieces the shell expands it from.
//!
//! A word such as `"$HOME"/bin/'x y'` is made of pieces: a quoted parameter expansion, an
//! unquoted literal `/bin/` and a single-quoted literal `x y`. [`Word::literal`] gives the word
//! after quote removal when it contains no expansion at all (the common case for command
//! names and flags); [`Word::parts`] lets a consumer expand it with its own environment.

use crate::span::Span;
use brush_parser::word::{Parameter, ParameterExpr, ParameterTestType, WordPiece};
use serde::Serialize;

/// One word of a command line (the command name, an argument, a redirection target, an
/// assignment value).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Word {
    /// The word exactly as written, quotes and `$` included.
    pub raw: String,
    /// Its byte range in the script.
    pub span: Span,
    /// The pieces, in order.
    pub parts: Vec<WordPart>,
}

/// How a piece of a word was quoted, which decides field splitting and pathname expansion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quoting {
    /// Bare text: globbing and (for expansions) field splitting apply.
    Unquoted,
    /// `'...'`, `$'...'` or a backslash escape: taken literally.
    Single,
    /// `"..."`: expansions happen, but no splitting or globbing.
    Double,
}

/// A piece of a [`Word`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WordPart {
    /// Text after quote removal (escapes resolved).
    Literal { text: String, quoting: Quoting },
    /// `$NAME`, `${NAME}`, `${NAME:-default}`, `$1`, `$?`, ...
    Parameter {
        /// The variable name (`HOME`), a positional index (`1`) or a special (`?`, `@`, `#`).
        name: String,
        /// What the braces ask for besides the plain value.
        op: ParameterOp,
        quoting: Quoting,
    },
    /// `$(...)` or `` `...` ``: the inner script as written.
    CommandSubstitution { script: String, quoting: Quoting },
    /// `$((...))`.
    Arithmetic {
        expression: String,
        quoting: Quoting,
    },
    /// `~` or `~user` at the start of the word.
    Tilde { user: Option<String> },
}

/// The operator of a braced parameter expansion. Values are the raw words as written (they
/// may themselves contain expansions).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ParameterOp {
    /// `$X` / `${X}`.
    Value,
    /// `${X-word}` (`if_null: false`) or `${X:-word}` (`if_null: true`).
    Default { word: String, if_null: bool },
    /// `${X=word}` / `${X:=word}`.
    Assign { word: String, if_null: bool },
    /// `${X+word}` / `${X:+word}`.
    Alternative { word: String, if_null: bool },
    /// `${X?msg}` / `${X:?msg}`.
    Error { message: String, if_null: bool },
    /// `${#X}`.
    Length,
    /// Anything else (`${X%pat}`, `${X/a/b}`, `${!X}`, `${X^^}`, ...): `raw` is the whole
    /// expansion as written.
    Other { raw: String },
}

impl Word {
    /// Builds a word from its raw text and its byte offset in the script, splitting it into
    /// pieces. A word brush cannot split (it accepted it as a token, so this is rare) is kept
    /// as one unquoted literal of its raw text.
    pub(crate) fn from_raw(raw: &str, start: usize) -> Word {
        let options = super::parser_options();
        let parts = match brush_parser::word::parse(raw, &options) {
            Ok(pieces) => {
                let mut parts = Vec::new();
                for piece in &pieces {
                    lower_piece(
                        &piece.piece,
                        raw,
                        piece.start_index,
                        piece.end_index,
                        Quoting::Unquoted,
                        &mut parts,
                    );
                }
                merge_literals(parts)
            }
            Err(_) => vec![WordPart::Literal {
                text: raw.to_string(),
                quoting: Quoting::Unquoted,
            }],
        };
        Word {
            raw: raw.to_string(),
            span: Span::new(start, start + raw.len()),
            parts,
        }
    }

    /// The body of an expanding here-document as a word: only `$`, `` ` `` and `\` are
    /// special, everything else (quotes included) is literal text that is not globbed.
    pub(crate) fn heredoc(body: &str, start: usize) -> Word {
        let options = super::parser_options();
        let parts = match brush_parser::word::parse_heredoc(body, &options) {
            Ok(pieces) => {
                let mut parts = Vec::new();
                for piece in &pieces {
                    lower_piece(
                        &piece.piece,
                        body,
                        piece.start_index,
                        piece.end_index,
                        Quoting::Double,
                        &mut parts,
                    );
                }
                merge_literals(parts)
            }
            Err(_) => vec![WordPart::Literal {
                text: body.to_string(),
                quoting: Quoting::Double,
            }],
        };
        Word {
            raw: body.to_string(),
            span: Span::new(start, start + body.len()),
            parts,
        }
    }

    /// The word after quote removal, when it has no expansion (`"-y"` → `-y`,
    /// `'a b'` → `a b`, `\$x` → `$x`). `None` when any part would be expanded by the shell.
    /// Unquoted glob characters are kept as they are: see [`Word::has_glob`].
    pub fn literal(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                WordPart::Literal { text, .. } => out.push_str(text),
                _ => return None,
            }
        }
        Some(out)
    }

    /// True when the word is fixed text (no parameter, command, arithmetic or tilde expansion).
    pub fn is_literal(&self) -> bool {
        self.parts
            .iter()
            .all(|part| matches!(part, WordPart::Literal { .. }))
    }

    /// True when an unquoted `*`, `?` or `[` makes the shell treat the word as a pathname
    /// pattern.
    pub fn has_glob(&self) -> bool {
        self.parts.iter().any(|part| match part {
            WordPart::Literal {
                text,
                quoting: Quoting::Unquoted,
            } => text.contains(['*', '?', '[']),
            _ => false,
        })
    }

    /// True when the word contains a `$(...)` or backquoted command substitution.
    pub fn has_command_substitution(&self) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, WordPart::CommandSubstitution { .. }))
    }

    /// The names of the variables the word reads (`$A${B:-x}` → `A`, `B`).
    pub fn parameters(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            WordPart::Parameter { name, .. } => Some(name.as_str()),
            _ => None,
        })
    }
}

/// Joins adjacent literal parts of the same quoting, so `a\ b` is one literal.
fn merge_literals(parts: Vec<WordPart>) -> Vec<WordPart> {
    let mut out: Vec<WordPart> = Vec::with_capacity(parts.len());
    for part in parts {
        if let (
            Some(WordPart::Literal {
                text: previous,
                quoting: previous_quoting,
            }),
            WordPart::Literal { text, quoting },
        ) = (out.last_mut(), &part)
        {
            if previous_quoting == quoting {
                previous.push_str(text);
                continue;
            }
        }
        out.push(part);
    }
    out
}

/// Converts one brush piece (positions are byte offsets into `raw`) to our parts.
fn lower_piece(
    piece: &WordPiece,
    raw: &str,
    start: usize,
    end: usize,
    quoting: Quoting,
    out: &mut Vec<WordPart>,
) {
    let source = raw.get(start..end).unwrap_or_default();
    match piece {
        WordPiece::Text(text) => out.push(WordPart::Literal {
            text: text.clone(),
            quoting,
        }),
        WordPiece::SingleQuotedText(text) => out.push(WordPart::Literal {
            text: text.clone(),
            quoting: Quoting::Single,
        }),
        WordPiece::AnsiCQuotedText(text) => out.push(WordPart::Literal {
            text: ansi_c_unescape(text),
            quoting: Quoting::Single,
        }),
        WordPiece::DoubleQuotedSequence(inner) | WordPiece::GettextDoubleQuotedSequence(inner) => {
            // An empty "" still contributes an (empty) quoted literal: `""` is an empty word.
            if inner.is_empty() {
                out.push(WordPart::Literal {
                    text: String::new(),
                    quoting: Quoting::Double,
                });
            }
            for piece in inner {
                lower_piece(
                    &piece.piece,
                    raw,
                    piece.start_index,
                    piece.end_index,
                    Quoting::Double,
                    out,
                );
            }
        }
        WordPiece::EscapeSequence(escape) => {
            // `\x` → `x`; a backslash-newline is a line continuation and disappears.
            let text: String = escape.chars().skip(1).collect();
            if text != "\n" {
                out.push(WordPart::Literal {
                    text,
                    quoting: if quoting == Quoting::Unquoted {
                        Quoting::Single
                    } else {
                        quoting
                    },
                });
            }
        }
        WordPiece::TildeExpansion(expr) => out.push(match expr {
            brush_parser::word::TildeExpr::Home => WordPart::Tilde { user: None },
            brush_parser::word::TildeExpr::UserHome(user) => WordPart::Tilde {
                user: Some(user.clone()),
            },
            // `~+`, `~-`, `~N`: bash directory-stack forms; dash leaves them literal.
            _ => WordPart::Literal {
                text: source.to_string(),
                quoting: Quoting::Unquoted,
            },
        }),
        WordPiece::ParameterExpansion(expr) => out.push(lower_parameter(expr, source, quoting)),
        WordPiece::CommandSubstitution(script) => out.push(WordPart::CommandSubstitution {
            script: script.clone(),
            quoting,
        }),
        WordPiece::BackquotedCommandSubstitution(script) => {
            out.push(WordPart::CommandSubstitution {
                script: script.clone(),
                quoting,
            })
        }
        WordPiece::ArithmeticExpression(expr) => out.push(WordPart::Arithmetic {
            expression: expr.value.clone(),
            quoting,
        }),
    }
}

fn parameter_name(parameter: &Parameter) -> String {
    match parameter {
        Parameter::Positional(n) => n.to_string(),
        Parameter::Special(special) => special.to_string(),
        Parameter::Named(name) => name.clone(),
        Parameter::NamedWithIndex { name, .. } | Parameter::NamedWithAllIndices { name, .. } => {
            name.clone()
        }
    }
}

fn lower_parameter(expr: &ParameterExpr, source: &str, quoting: Quoting) -> WordPart {
    let if_null = |test: &ParameterTestType| matches!(test, ParameterTestType::UnsetOrNull);
    let (parameter, op) = match expr {
        ParameterExpr::Parameter {
            parameter,
            indirect: false,
        } => (parameter, ParameterOp::Value),
        ParameterExpr::UseDefaultValues {
            parameter,
            indirect: false,
            test_type,
            default_value,
        } => (
            parameter,
            ParameterOp::Default {
                word: default_value.clone().unwrap_or_default(),
                if_null: if_null(test_type),
            },
        ),
        ParameterExpr::AssignDefaultValues {
            parameter,
            indirect: false,
            test_type,
            default_value,
        } => (
            parameter,
            ParameterOp::Assign {
                word: default_value.clone().unwrap_or_default(),
                if_null: if_null(test_type),
            },
        ),
        ParameterExpr::UseAlternativeValue {
            parameter,
            indirect: false,
            test_type,
            alternative_value,
        } => (
            parameter,
            ParameterOp::Alternative {
                word: alternative_value.clone().unwrap_or_default(),
                if_null: if_null(test_type),
            },
        ),
        ParameterExpr::IndicateErrorIfNullOrUnset {
            parameter,
            indirect: false,
            test_type,
            error_message,
        } => (
            parameter,
            ParameterOp::Error {
                message: error_message.clone().unwrap_or_default(),
                if_null: if_null(test_type),
            },
        ),
        ParameterExpr::ParameterLength {
            parameter,
            indirect: false,
        } => (parameter, ParameterOp::Length),
        other => {
            return WordPart::Parameter {
                name: other_parameter_name(other),
                op: ParameterOp::Other {
                    raw: source.to_string(),
                },
                quoting,
            }
        }
    };
    // Array subscripts are bash-only; keep them visible as `Other` so nobody expands them
    // as plain scalars.
    let op = match parameter {
        Parameter::NamedWithIndex { .. } | Parameter::NamedWithAllIndices { .. } => {
            ParameterOp::Other {
                raw: source.to_string(),
            }
        }
        _ => op,
    };
    WordPart::Parameter {
        name: parameter_name(parameter),
        op,
        quoting,
    }
}

/// The variable an unusual expansion reads, recovered from its text (`${X%.*}` → `X`,
/// `${!X}` → `X`).
fn other_parameter_name(expr: &ParameterExpr) -> String {
    let text = format!("{expr:?}");
    // The Debug form starts with `Variant { parameter: Named("X")`: take the first quoted
    // string, which is the name for every variant that names a variable.
    text.split('"').nth(1).unwrap_or_default().to_string()
}

/// Resolves the escapes of a `$'...'` string (bash ANSI-C quoting).
pub(crate) fn ansi_c_unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('e') | Some('E') => out.push('\u{1b}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('\\') => out.push('\\'),
            Some('\'') => out.push('\''),
            Some('"') => out.push('"'),
            Some('?') => out.push('?'),
            Some('x') => {
                let mut value = 0u32;
                let mut digits = 0;
                while digits < 2 {
                    match chars.peek().and_then(|d| d.to_digit(16)) {
                        Some(d) => {
                            value = value * 16 + d;
                            digits += 1;
                            chars.next();
                        }
                        None => break,
                    }
                }
                if digits == 0 {
                    out.push_str("\\x");
                } else if let Some(ch) = char::from_u32(value) {
                    out.push(ch);
                }
            }
            Some(d @ '0'..='7') => {
                let mut value = d.to_digit(8).unwrap_or(0);
                let mut digits = 1;
                while digits < 3 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            digits += 1;
                            chars.next();
                        }
                        None => break,
                    }
                }
                if let Some(ch) = char::from_u32(value) {
                    out.push(ch);
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}
