//! Lint and teach: BuildKit's build checks, hadolint's `DL` rules and layerlab's own `LL`
//! rules over one parse, as [`Diagnostic`]s with stable codes.
//!
//! ```
//! use layerlab::lint::{check, rule_docs, LintOptions};
//!
//! let parsed = layerlab::syntax::parse("FROM alpine as build\nRUN cd /tmp && make\n");
//! let typed = layerlab::instructions::parse(&parsed.dockerfile);
//! let found = check(&parsed, &typed, &LintOptions::default());
//! assert!(found.iter().any(|d| d.code == "FromAsCasing"));
//! assert!(found.iter().any(|d| d.code == "DL3006"));
//! assert!(rule_docs().iter().any(|r| r.code == "DL3008"));
//! ```
//!
//! # Rules
//! One file per rule (`buildkit/`, `hadolint/`, `layerlab/`), each with its [`RuleDoc`]
//! (code, name, summary, rationale, a bad and a good example, URL, default severity) next
//! to its check. [`rule_docs`] lists them for the UI and for SARIF.
//!
//! # Controls
//! * BuildKit's `# check=skip=A,B|all;error=true;experimental=C|all` directive, replaced by
//!   the `BUILDKIT_DOCKERFILE_CHECK` build arg; `# check=skip=A` right above an instruction
//!   skips A there. With `error=true` BuildKit check findings are errors (the build fails).
//! * hadolint's pragmas `# hadolint ignore=…` (next line), `# hadolint stage ignore=…`,
//!   `# hadolint global ignore=…` — they apply to any code.
//! * [`LintOptions::severity_overrides`] change a code's severity or turn it off (and turn
//!   on rules that are off by default).

pub mod buildkit;
mod check_directive;
mod context;
pub mod hadolint;
pub mod layerlab;
mod options;
mod pragma;
mod rule;
pub mod run_scripts;
pub mod sarif;
mod semantic;

pub use check_directive::{instruction_skips, parse_check_options, CheckConfig};
pub use context::{LintContext, Report};
pub use options::{HadolintConfig, LabelType, LintOptions, RuleSets};
pub use pragma::Pragmas;
pub use rule::{Rule, RuleDoc, RuleSet};
pub use semantic::{Semantics, StageFacts};

use crate::diagnostic::{Diagnostic, Severity};
use crate::expand::Lex;
use crate::instructions::Instructions;
use crate::span::Span;
use crate::syntax::Parsed;

/// Diagnostic code of an invalid `# check=` directive or `BUILDKIT_DOCKERFILE_CHECK` value.
pub const CHECK_DIRECTIVE: &str = "check-directive";

macro_rules! registry {
    ($($set:ident :: $rule:ident),* $(,)?) => {
        /// Every rule, in documentation order.
        pub static RULES: &[Rule] = &[
            $(Rule { doc: $set::$rule::DOC, check: $set::$rule::check }),*
        ];
        static DOCS: &[RuleDoc] = &[$($set::$rule::DOC),*];
    };
}

registry!(
    buildkit::stage_name_casing,
    buildkit::from_as_casing,
    buildkit::no_empty_continuation,
    buildkit::consistent_instruction_casing,
    buildkit::duplicate_stage_name,
    buildkit::reserved_stage_name,
    buildkit::json_args_recommended,
    buildkit::maintainer_deprecated,
    buildkit::undefined_arg_in_from,
    buildkit::workdir_relative_path,
    buildkit::undefined_var,
    buildkit::multiple_instructions_disallowed,
    buildkit::legacy_key_value_format,
    buildkit::redundant_target_platform,
    buildkit::secrets_used_in_arg_or_env,
    buildkit::invalid_default_arg_in_from,
    buildkit::from_platform_flag_const_disallowed,
    buildkit::copy_ignored_file,
    buildkit::invalid_definition_description,
    buildkit::expose_proto_casing,
    buildkit::expose_invalid_format,
    buildkit::invalid_base_image_platform,
    hadolint::dl1001,
    hadolint::dl3000,
    hadolint::dl3001,
    hadolint::dl3002,
    hadolint::dl3003,
    hadolint::dl3004,
    hadolint::dl3006,
    hadolint::dl3007,
    hadolint::dl3008,
    hadolint::dl3009,
    hadolint::dl3011,
    hadolint::dl3012,
    hadolint::dl3014,
    hadolint::dl3015,
    hadolint::dl3018,
    hadolint::dl3019,
    hadolint::dl3020,
    hadolint::dl3021,
    hadolint::dl3022,
    hadolint::dl3023,
    hadolint::dl3024,
    hadolint::dl3025,
    hadolint::dl3026,
    hadolint::dl3027,
    hadolint::dl3029,
    hadolint::dl3030,
    hadolint::dl3032,
    hadolint::dl3034,
    hadolint::dl3035,
    hadolint::dl3036,
    hadolint::dl3038,
    hadolint::dl3040,
    hadolint::dl3043,
    hadolint::dl3044,
    hadolint::dl3045,
    hadolint::dl3046,
    hadolint::dl3047,
    hadolint::dl3048,
    hadolint::dl3057,
    hadolint::dl3059,
    hadolint::dl3061,
    hadolint::dl3063,
    hadolint::dl3064,
    hadolint::dl3065,
    hadolint::dl3066,
    hadolint::dl3067,
    hadolint::dl4000,
    hadolint::dl4001,
    hadolint::dl4003,
    hadolint::dl4004,
    hadolint::dl4005,
    hadolint::dl4006,
    layerlab::ll001,
);

/// The documentation of every rule (for the UI, `--format sarif`, and `layerlab rules`).
pub fn rule_docs() -> &'static [RuleDoc] {
    DOCS
}

/// The doc of one code.
pub fn rule_doc(code: &str) -> Option<&'static RuleDoc> {
    DOCS.iter().find(|d| d.code == code)
}

/// Lints a parsed Dockerfile. Never panics on user input; findings are sorted by position.
pub fn check(parsed: &Parsed, typed: &Instructions, options: &LintOptions) -> Vec<Diagnostic> {
    let lex = Lex::new(parsed.dockerfile.escape);
    let mut out = Vec::new();
    let checks = match check_config(parsed, options) {
        Ok(c) => c,
        Err((message, span)) => {
            out.push(Diagnostic::error(CHECK_DIRECTIVE, message, span));
            CheckConfig::default()
        }
    };
    let semantics = Semantics::compute(typed, options, &lex);
    let cx = LintContext {
        parsed,
        typed,
        options,
        checks,
        semantics,
        lex,
        runs: std::cell::OnceCell::new(),
        dispatched: std::cell::OnceCell::new(),
    };
    let pragmas = Pragmas::read(&parsed.source);
    let located = InstructionLocator::new(&cx);
    let mut report = Report::default();
    for rule in RULES {
        let set_on = match rule.doc.set {
            RuleSet::BuildKit => options.rule_sets.buildkit,
            RuleSet::Hadolint => options.rule_sets.hadolint,
            RuleSet::Layerlab => options.rule_sets.layerlab,
        };
        if !set_on {
            continue;
        }
        let override_ = options.severity_override(rule.doc.code);
        if override_ == Some(None) {
            continue;
        }
        // BuildKit's experimental checks are switched on by the directive instead.
        if rule.doc.off_by_default && override_.is_none() && rule.doc.set != RuleSet::BuildKit {
            continue;
        }
        if rule.doc.set == RuleSet::BuildKit
            && !cx.checks.allows(rule.doc.code, rule.doc.off_by_default)
            && override_.is_none()
        {
            continue;
        }
        report.current = Some(rule.doc);
        (rule.check)(&cx, &mut report);
        for mut d in report.findings.drain(..) {
            let where_ = located.find(d.span.start);
            if let Some(w) = &where_ {
                if rule.doc.set == RuleSet::BuildKit
                    && (w.skips.contains("all") || w.skips.contains(rule.doc.code))
                {
                    continue;
                }
                if pragmas.ignores(rule.doc.code, w.line, w.stage_line, w.previous_stage_line) {
                    continue;
                }
            } else if pragmas.global_ignores.contains(rule.doc.code) {
                continue;
            }
            if let Some(Some(severity)) = override_ {
                d.severity = severity;
            }
            if rule.doc.set == RuleSet::BuildKit && cx.checks.error {
                d.severity = Severity::Error;
            }
            out.push(d);
        }
    }
    crate::sort::sort_by(&mut out, |a, b| {
        (a.span.start, &a.code, &a.message).cmp(&(b.span.start, &b.code, &b.message))
    });
    out
}

/// The check configuration: `BUILDKIT_DOCKERFILE_CHECK` replaces the `# check=` directive.
fn check_config(parsed: &Parsed, options: &LintOptions) -> Result<CheckConfig, (String, Span)> {
    if let Some(value) = options.build_arg("BUILDKIT_DOCKERFILE_CHECK") {
        return parse_check_options(value).map_err(|m| (m, Span::at(0)));
    }
    match parsed
        .dockerfile
        .directives
        .iter()
        .find(|d| d.name == "check")
    {
        Some(d) => parse_check_options(&d.value).map_err(|m| (m, d.span)),
        None => Ok(CheckConfig::default()),
    }
}

/// Where a finding is: its instruction's first line, the per-instruction `# check=skip`,
/// and the stage's FROM line (for hadolint's stage pragmas).
struct Where {
    line: usize,
    skips: std::collections::BTreeSet<String>,
    stage_line: Option<usize>,
    previous_stage_line: Option<usize>,
}

struct InstructionLocator<'a> {
    cx: &'a LintContext<'a>,
    /// Start line of each stage's FROM, in order.
    from_lines: Vec<usize>,
}

impl<'a> InstructionLocator<'a> {
    fn new(cx: &'a LintContext<'a>) -> Self {
        let from_lines = cx.typed.stages.iter().map(|s| s.start_line).collect();
        InstructionLocator { cx, from_lines }
    }

    fn find(&self, offset: usize) -> Option<Where> {
        let insts = self.cx.instructions();
        let i = insts.partition_point(|inst| inst.span.start <= offset);
        let inst = insts.get(i.checked_sub(1)?)?;
        if offset > inst.span.end {
            return None;
        }
        let stage_pos = self.from_lines.partition_point(|l| *l <= inst.start_line);
        let stage_line = stage_pos.checked_sub(1).map(|s| self.from_lines[s]);
        let previous_stage_line = stage_pos.checked_sub(2).map(|s| self.from_lines[s]);
        Some(Where {
            line: inst.start_line,
            skips: instruction_skips(&inst.prev_comments),
            stage_line,
            previous_stage_line,
        })
    }
}
