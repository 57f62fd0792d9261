//! The one entry point the UI and the CLI call: Dockerfile text in, everything the playground
//! shows out. It runs the engine's stages in order and gathers their results in plain data
//! (serialisable, cheap to compare) so the UI only renders.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::context::Context;
use crate::simulate::{self, Build, BuildOptions, Catalogs};

use crate::diagnostic::{Diagnostic, Severity};
use crate::instructions;
use crate::lint::{self, LintOptions};
use crate::span::Span;
use crate::syntax::{self, Instruction, Keyword};

/// What an instruction does to the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// FROM: starts a build stage on a base image (its layers are the base's).
    NewStage,
    /// Changes the filesystem: commits a layer (RUN, COPY, ADD, WORKDIR other than `/`).
    Layer,
    /// Only changes the image config and history.
    Metadata,
    /// Not understood (unknown instruction): no effect.
    Invalid,
}

/// One instruction as the instruction list shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstructionRow {
    pub start_line: usize,
    pub end_line: usize,
    /// The keyword in upper case.
    pub keyword: String,
    /// The arguments as written, on one line, shortened for display.
    pub summary: String,
    pub effect: Effect,
    pub span: Span,
}

/// A diagnostic with its position resolved to 1-based lines and columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocatedDiagnostic {
    pub severity: Severity,
    pub code: String,
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub span: Span,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub instructions: Vec<InstructionRow>,
    pub diagnostics: Vec<LocatedDiagnostic>,
    /// The simulated build, when a build context was given ([`analyze_with_context`]).
    pub build: Option<SharedBuild>,
}

/// A simulated [`Build`], shared cheaply; two are equal when they are the same result.
#[derive(Clone, Debug)]
pub struct SharedBuild(pub Arc<Build>);

impl PartialEq for SharedBuild {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Serialize for SharedBuild {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SharedBuild {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Build::deserialize(deserializer).map(|b| SharedBuild(Arc::new(b)))
    }
}

impl Analysis {
    /// Layers the Dockerfile's instructions commit (RUN, COPY, ADD, WORKDIR other than `/`);
    /// with a simulated build, the layers the target image really gets from its own steps
    /// (empty layers dropped, skipped stages not counted).
    pub fn layer_count(&self) -> usize {
        if let Some(b) = &self.build {
            return b.0.layers.iter().filter(|l| !l.from_base).count();
        }
        self.instructions
            .iter()
            .filter(|r| r.effect == Effect::Layer)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

const SUMMARY_MAX_CHARS: usize = 120;

/// Analyses a Dockerfile.
pub fn analyze(text: &str) -> Analysis {
    let parsed = syntax::parse(text);
    let typed = instructions::parse(&parsed.dockerfile);
    analyze_parsed(parsed, &typed, &LintOptions::default())
}

/// Analyses a Dockerfile given as bytes (invalid UTF-8 is reported, not fatal).
pub fn analyze_bytes(bytes: &[u8]) -> Analysis {
    let parsed = syntax::parse_bytes(bytes);
    let typed = instructions::parse(&parsed.dockerfile);
    analyze_parsed(parsed, &typed, &LintOptions::default())
}

/// Analyses a Dockerfile and simulates its build with `context` (see [`crate::simulate`]).
/// `previous` is the last result, for cache states (CACHED or the reason of the rebuild).
/// Simulation diagnostics are added to the analysis's diagnostics.
pub fn analyze_with_context(
    bytes: &[u8],
    context: &Context,
    options: &BuildOptions,
    catalogs: &Catalogs,
    previous: Option<&Build>,
) -> Analysis {
    let parsed = syntax::parse_bytes(bytes);
    let typed = instructions::parse(&parsed.dockerfile);
    let build = simulate::build(&parsed, &typed, context, options, catalogs, previous);
    let text = parsed.source.clone();
    let index = parsed.line_index.clone();
    let lint_options = LintOptions {
        build_args: options.build_args.clone(),
        target: options.target.clone(),
        platform: options.platform.clone(),
        // A broken .dockerignore is reported by the simulation; the lint then goes without.
        dockerignore: context
            .dockerignore_for(options.dockerfile_path())
            .ok()
            .flatten(),
        ..LintOptions::default()
    };
    let mut analysis = analyze_parsed(parsed, &typed, &lint_options);
    // The lint already reports some findings the simulation also meets while expanding
    // (UndefinedVar): keep one of each (same code and message on overlapping spans).
    let mut extra: Vec<LocatedDiagnostic> = build
        .diagnostics
        .iter()
        .filter(|d| {
            !analysis.diagnostics.iter().any(|a| {
                a.code == d.code
                    && a.message == d.message
                    && a.span.start <= d.span.end
                    && d.span.start <= a.span.end
            })
        })
        .map(|d| locate(&text, &index, d))
        .collect();
    analysis.diagnostics.append(&mut extra);
    crate::sort::sort_by_key(&mut analysis.diagnostics, |d| {
        (d.span.start, std::cmp::Reverse(d.severity))
    });
    analysis.build = Some(SharedBuild(Arc::new(build)));
    analysis
}

/// Parse errors, instruction errors and every lint finding (BuildKit checks, hadolint rules,
/// layerlab's own), in source order.
fn analyze_parsed(
    parsed: syntax::Parsed,
    typed: &instructions::Instructions,
    lint_options: &LintOptions,
) -> Analysis {
    let text = parsed.source.as_str();
    let findings = lint::check(&parsed, typed, lint_options);
    let rows = parsed
        .dockerfile
        .instructions
        .iter()
        .map(|i| row(text, i))
        .collect();
    // The parser's NoEmptyContinuation warnings are the lint's too: report them once, from
    // the lint, where `# check=skip=` and severities apply.
    let mut diagnostics: Vec<LocatedDiagnostic> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.code != syntax::NO_EMPTY_CONTINUATION)
        .chain(&typed.diagnostics)
        // `typed.warnings` (DuplicateStageName) is left out: the lint reports it, once.
        .chain(&findings)
        .map(|d| locate(text, &parsed.line_index, d))
        .collect();
    crate::sort::sort_by_key(&mut diagnostics, |d| {
        (d.span.start, std::cmp::Reverse(d.severity))
    });
    Analysis {
        instructions: rows,
        diagnostics,
        build: None,
    }
}

fn locate(text: &str, index: &crate::span::LineIndex, d: &Diagnostic) -> LocatedDiagnostic {
    let (start, end) = d.located(text, index);
    LocatedDiagnostic {
        severity: d.severity,
        code: d.code.clone(),
        message: d.message.clone(),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        span: d.span,
    }
}

fn row(text: &str, instruction: &Instruction) -> InstructionRow {
    let args_text = text
        .get(instruction.keyword_span.end..instruction.span.end)
        .unwrap_or("");
    InstructionRow {
        start_line: instruction.start_line,
        end_line: instruction.end_line,
        keyword: instruction.keyword.to_ascii_uppercase(),
        summary: summarize(args_text),
        effect: effect(instruction),
        span: instruction.span,
    }
}

fn effect(instruction: &Instruction) -> Effect {
    match instruction.kind {
        Keyword::From => Effect::NewStage,
        Keyword::Run | Keyword::Copy | Keyword::Add => Effect::Layer,
        // BuildKit creates the working directory (mkdir -p) and commits it, except for `/`.
        Keyword::Workdir => {
            let dir = instruction
                .args
                .first()
                .map(|w| w.value.trim_end_matches('/'));
            if dir.is_some_and(|d| !d.is_empty()) {
                Effect::Layer
            } else {
                Effect::Metadata
            }
        }
        Keyword::Unknown => Effect::Invalid,
        _ => Effect::Metadata,
    }
}

/// Folds continuation lines and runs of white space into one line, and shortens it.
fn summarize(args: &str) -> String {
    let first_lines = args.split('\n').take(8).collect::<Vec<_>>().join(" ");
    let folded: String = first_lines
        .split_whitespace()
        .filter(|w| *w != "\\")
        .collect::<Vec<_>>()
        .join(" ");
    if folded.chars().count() > SUMMARY_MAX_CHARS {
        let cut: String = folded.chars().take(SUMMARY_MAX_CHARS - 1).collect();
        format!("{cut}…")
    } else {
        folded
    }
}
