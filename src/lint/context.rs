//! What every rule sees ([`LintContext`]) and where it reports ([`Report`]).

use crate::diagnostic::Diagnostic;
use crate::expand::Lex;
use crate::instructions::Instructions;
use crate::span::Span;
use crate::syntax::{Instruction, Parsed};

use super::check_directive::CheckConfig;
use super::options::LintOptions;
use super::rule::RuleDoc;
use super::run_scripts::{ParsedRun, RunScripts};
use super::semantic::Semantics;

/// The inputs of one lint run, shared by all rules.
pub struct LintContext<'a> {
    pub parsed: &'a Parsed,
    pub typed: &'a Instructions,
    pub options: &'a LintOptions,
    /// The BuildKit check configuration in force (directive or build arg).
    pub checks: CheckConfig,
    pub semantics: Semantics,
    /// A lexer with the Dockerfile's escape token.
    pub lex: Lex,
    /// RUN scripts, parsed on first use.
    pub(crate) runs: std::cell::OnceCell<RunScripts>,
    /// The BuildKit dispatcher walk, computed on first use.
    pub(crate) dispatched: std::cell::OnceCell<Vec<super::buildkit::dispatch::Dispatched<'a>>>,
}

impl<'a> LintContext<'a> {
    pub fn source(&self) -> &'a str {
        &self.parsed.source
    }

    pub fn instructions(&self) -> &'a [Instruction] {
        &self.parsed.dockerfile.instructions
    }

    /// The parsed script of the RUN at instruction `index` (or its ONBUILD trigger).
    pub fn run_script(&self, index: usize, onbuild: bool) -> Option<&ParsedRun> {
        self.runs
            .get_or_init(|| RunScripts::parse(self.instructions()))
            .get(index, onbuild)
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.parsed.line_index.line_of(offset)
    }

    /// A span covering the whole 1-based `line` (without its newline).
    pub fn line_span(&self, line: usize) -> Span {
        let start = self.parsed.line_index.line_start(line);
        let end = self.source()[start..]
            .find('\n')
            .map_or(self.source().len(), |i| start + i);
        Span::new(start, end)
    }

    /// The span of the first line of an instruction (where hadolint and BuildKit point).
    pub fn first_line_span(&self, inst_span: Span) -> Span {
        let line = self.line_of(inst_span.start);
        let whole = self.line_span(line);
        Span::new(
            inst_span.start,
            whole.end.min(inst_span.end).max(inst_span.start),
        )
    }
}

/// The findings of one rule run, collected for the runner to filter and grade.
#[derive(Default)]
pub struct Report {
    pub(crate) current: Option<RuleDoc>,
    pub(crate) findings: Vec<Diagnostic>,
}

impl Report {
    /// Reports a violation of the running rule at `span`.
    pub fn push(&mut self, span: Span, message: impl Into<String>) {
        if let Some(doc) = &self.current {
            self.findings.push(Diagnostic {
                severity: doc.default_severity,
                code: doc.code.to_string(),
                message: message.into(),
                span,
            });
        }
    }

    /// Reports with the rule's summary as message (hadolint's rules have one fixed message).
    pub fn push_summary(&mut self, span: Span) {
        if let Some(doc) = &self.current {
            let message = doc.summary;
            self.push(span, message);
        }
    }
}
