//! The one diagnostic type shared by the parser, the expander, the build checks, the
//! hadolint-style rules and the simulator, so the editor, the problems list and the CLI
//! treat every finding alike.

use serde::{Deserialize, Serialize};

use crate::span::{LineCol, LineIndex, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A finding at a place in the Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable code: `syntax` (parse errors), BuildKit check names (`StageNameCasing`),
    /// hadolint codes (`DL3008`), or advisor ids.
    pub code: String,
    pub message: String,
    pub span: Span,
}

impl Diagnostic {
    pub fn error(code: impl Into<String>, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code: code.into(),
            message: message.into(),
            span,
        }
    }

    pub fn warning(code: impl Into<String>, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            code: code.into(),
            message: message.into(),
            span,
        }
    }

    /// Start and end positions for display.
    pub fn located(&self, text: &str, index: &LineIndex) -> (LineCol, LineCol) {
        (
            index.line_col(text, self.span.start),
            index.line_col(text, self.span.end),
        )
    }
}
