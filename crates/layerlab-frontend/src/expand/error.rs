//! Expansion errors, with the exact texts of BuildKit's `shell/lex.go`.

use crate::gostr::go_quote;

use std::fmt;

/// Why a word could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpandErrorKind {
    /// `${` without its `}` (`syntax error: missing '}'`).
    MissingBrace,
    /// `${}`, `${:…}`, `${{…}` (`syntax error: bad substitution`).
    BadSubstitution,
    /// An operator the lexer does not know, as written after the name (`=`, `:=`, `:#` …).
    UnsupportedModifier(String),
    /// `${NAME?word}` / `${NAME:?word}` failed: `<NAME>: <message>`.
    Required { name: String, message: String },
    /// A `'` that is never closed.
    UnterminatedSingleQuote,
    /// A `"` that is never closed.
    UnterminatedDoubleQuote,
    /// A nested word ended before its stop character (`}` or `/`).
    UnexpectedEnd(char),
    /// `${NAME/pattern` without the `/` that ends the pattern.
    MissingSlash,
    /// A `\` in a pattern that escapes something other than `*`, `?`, `\`, `}` or `/`.
    InvalidPattern { pattern: String, escaped: char },
    /// `${…}` nested deeper than [`crate::expand::MAX_NESTING`] levels. BuildKit has no such
    /// limit (Go stacks grow); a browser tab's stack does not, so the playground refuses
    /// instead of crashing.
    TooDeep,
    /// A `${NAME//pattern/replacement}` whose result would be longer than
    /// [`crate::expand::MAX_EXPANSION_BYTES`] (nested replace-alls multiply lengths).
    TooLong { name: String },
}

impl fmt::Display for ExpandErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingBrace => f.write_str("syntax error: missing '}'"),
            Self::BadSubstitution => f.write_str("syntax error: bad substitution"),
            Self::UnsupportedModifier(m) => write!(f, "unsupported modifier ({m}) in substitution"),
            Self::Required { name, message } => write!(f, "{name}: {message}"),
            Self::UnterminatedSingleQuote => {
                f.write_str("unexpected end of statement while looking for matching single-quote")
            }
            Self::UnterminatedDoubleQuote => {
                f.write_str("unexpected end of statement while looking for matching double-quote")
            }
            Self::UnexpectedEnd(c) => {
                write!(
                    f,
                    "unexpected end of statement while looking for matching {c}"
                )
            }
            Self::MissingSlash => f.write_str("syntax error: missing '/' in ${}"),
            Self::InvalidPattern { pattern, escaped } => write!(
                f,
                "invalid pattern ({pattern}) in substitution: invalid escape '\\{escaped}'"
            ),
            Self::TooDeep => write!(
                f,
                "variable substitutions nested more than {} levels deep",
                super::MAX_NESTING
            ),
            Self::TooLong { name } => write!(
                f,
                "the replacement in ${{{name}/…}} would make a word longer than {} bytes",
                super::MAX_EXPANSION_BYTES
            ),
        }
    }
}

/// An expansion failure: `failed to process "<input>": <kind>` (the input quoted like Go's
/// `%q`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandError {
    /// The word that was being expanded, as given.
    pub input: String,
    /// What went wrong.
    pub kind: ExpandErrorKind,
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "failed to process {}: {}",
            go_quote(&self.input),
            self.kind
        )
    }
}

impl std::error::Error for ExpandError {}
