//! The error of a script that the shell would refuse to run.

use crate::span::Span;
use serde::Serialize;

/// A syntax error in a RUN script: `sh -c` would exit with status 2 before running anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShellError {
    /// What is wrong, in the parser's words (`syntax error at end of input`, `unterminated
    /// single quote`, ...).
    pub message: String,
    /// Where, as a byte range into the script (empty at the end for an unfinished script).
    pub span: Span,
}

impl std::fmt::Display for ShellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ShellError {}
