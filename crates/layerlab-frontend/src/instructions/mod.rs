//! Typed, validated instructions: BuildKit's `frontend/dockerfile/instructions` package.
//!
//! [`parse`] turns a [`Dockerfile`] from [`crate::syntax`] into build [`Stage`]s (each FROM
//! and the commands after it) plus the global ARGs before the first FROM, checking every
//! instruction as BuildKit's `ParseInstruction` does (argument counts, flags, heredoc
//! destinations, ONBUILD triggers, stage names, HEALTHCHECK durations …) with BuildKit's
//! exact error texts.
//!
//! Unlike BuildKit, which stops at the first error, parsing recovers: an invalid instruction
//! becomes a [`Diagnostic`] (code `syntax`) and is skipped, and the rest is still analysed.
//! Instructions the syntax layer already rejected (`syntax_error`) are skipped silently
//! (their diagnostic is in `Parsed::diagnostics`). Nothing is variable-expanded: flag values
//! and arguments are kept as written, with spans, for `crate::expand`.

mod bflags;
mod commands;
mod duration;
mod mount;
mod parse;
mod suggest;

pub use bflags::{parse_flag_words, parse_flags, FlagError, FlagKind, FlagValue, ParsedFlags};
pub use commands::*;
pub use duration::parse_go_duration;
pub use mount::{parse_device, parse_mount, split_csv, Device, MountField, MountSpec};
pub use parse::{parse_instruction, InstructionError, Parsed as ParsedInstruction};
pub use suggest::{levenshtein, search as suggest_search};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::syntax::{Dockerfile, Keyword, Word};

/// A build stage: a FROM and the commands up to the next FROM (BuildKit `Stage`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// The stage name, lower-cased (`FROM x AS Build` is `build`).
    pub name: Option<String>,
    /// The name as written.
    pub name_word: Option<Word>,
    /// The `AS` keyword as written (for the FromAsCasing check).
    pub as_word: Option<Word>,
    /// The base image expression as written (not expanded).
    pub base: Word,
    /// `--platform` as written.
    pub platform: Option<FlagValue>,
    /// The FROM line, trimmed (BuildKit `SourceCode`).
    pub source_code: String,
    /// Description from a `# name description` comment above FROM.
    pub comment: String,
    pub commands: Vec<Located<Command>>,
    /// Index of the FROM in `Dockerfile::instructions`.
    pub index: usize,
    pub span: Span,
    pub start_line: usize,
    pub end_line: usize,
    /// The FROM keyword as written.
    pub keyword: crate::syntax::Text,
}

/// The typed Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Instructions {
    pub stages: Vec<Stage>,
    /// ARGs before the first FROM (BuildKit `metaArgs`).
    pub meta_args: Vec<Located<ArgCommand>>,
    /// Errors (code `syntax`), in source order.
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
    /// Parse-time build-check warnings that need only the stages: `DuplicateStageName`.
    #[serde(skip)]
    pub warnings: Vec<Diagnostic>,
}

/// Parses Dockerfile text and types it: the syntax result (with its diagnostics and line
/// index) and the typed instructions.
pub fn parse_text(text: &str) -> (crate::syntax::Parsed, Instructions) {
    let parsed = crate::syntax::parse(text);
    let typed = parse(&parsed.dockerfile);
    (parsed, typed)
}

/// Converts every instruction and groups them into stages (BuildKit `instructions.Parse`,
/// with recovery).
pub fn parse(dockerfile: &Dockerfile) -> Instructions {
    let mut out = Instructions::default();
    for (index, inst) in dockerfile.instructions.iter().enumerate() {
        if inst.syntax_error {
            continue;
        }
        let parsed = match parse_instruction(inst) {
            Ok(p) => p,
            Err(e) => {
                out.diagnostics
                    .push(Diagnostic::error(crate::syntax::SYNTAX, e.message, e.span));
                continue;
            }
        };
        match parsed {
            ParsedInstruction::Stage(mut stage) => {
                stage.index = index;
                // Room for the instructions up to the next FROM: the commands are large, and
                // growing the vector would move them again and again.
                let rest = dockerfile.instructions.get(index + 1..).unwrap_or_default();
                let commands = rest.iter().take_while(|i| i.kind != Keyword::From).count();
                stage.commands.reserve_exact(commands);
                out.stages.push(stage);
            }
            ParsedInstruction::Command(command) => {
                fn located<T>(
                    value: T,
                    index: usize,
                    inst: &crate::syntax::Instruction,
                ) -> Located<T> {
                    Located {
                        value,
                        index,
                        span: inst.span,
                        start_line: inst.start_line,
                        end_line: inst.end_line,
                        keyword: inst.keyword.clone(),
                    }
                }
                match (out.stages.last_mut(), command) {
                    (None, Command::Arg(arg)) => out.meta_args.push(located(arg, index, inst)),
                    (None, _) => out.diagnostics.push(Diagnostic::error(
                        crate::syntax::SYNTAX,
                        "no build stage in current context",
                        inst.span,
                    )),
                    (Some(stage), command) => stage.commands.push(located(command, index, inst)),
                }
            }
        }
    }
    if out.stages.is_empty() && !dockerfile.instructions.is_empty() {
        let end = dockerfile.instructions.last().map_or(0, |i| i.span.end);
        out.diagnostics.push(Diagnostic::error(
            crate::syntax::SYNTAX,
            "dockerfile contains no stages to build",
            Span::at(end),
        ));
    }
    for (i, stage) in out.stages.iter().enumerate() {
        let (Some(name), Some(word)) = (&stage.name, &stage.name_word) else {
            continue;
        };
        if out.stages[..i]
            .iter()
            .any(|s| s.name.as_ref() == Some(name))
        {
            out.warnings.push(Diagnostic::warning(
                "DuplicateStageName",
                format!(
                    "Duplicate stage name {}, stage names should be unique",
                    crate::gostr::go_quote(name)
                ),
                word.span,
            ));
        }
    }
    out
}
