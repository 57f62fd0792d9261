//! `layerlab lint FILE`: parse errors and every lint finding (BuildKit checks, hadolint
//! rules, layerlab rules) with position, severity and code.
//!
//! Options: `--format text|json|sarif`, `--rules buildkit,hadolint,layerlab` (default all),
//! `--build-arg NAME=VALUE` (repeatable; `BUILDKIT_DOCKERFILE_CHECK` replaces the
//! `# check=` directive), `--target STAGE` (check only what that target builds, as
//! `docker build` does; default: every stage, as `docker build --check`), `--platform P`,
//! `--dockerignore FILE`, `--severity CODE=error|warning|info|off` (repeatable),
//! `--trusted-registry R` (hadolint DL3026, repeatable).
//!
//! Exit codes: 0 no error-level finding, 1 at least one (a parse error, an error-severity
//! rule, or any BuildKit check under `check=error=true`), 2 usage or I/O error.

use std::io::Write;
use std::process::ExitCode;

use layerlab::context::Dockerignore;
use layerlab::diagnostic::{Diagnostic, Severity};
use layerlab::lint::{check, rule_doc, sarif::to_sarif, LintOptions, RuleSets};
use layerlab::span::LineIndex;
use layerlab::syntax::NO_EMPTY_CONTINUATION;

use crate::args::{format_arg, Args, CliError, UsageError};
use crate::input::read_file;

pub fn run(argv: &[String]) -> Result<ExitCode, CliError> {
    let args = Args::parse(
        argv,
        &[
            "format",
            "rules",
            "build-arg",
            "target",
            "platform",
            "dockerignore",
            "severity",
            "trusted-registry",
        ],
        &[],
    )?;
    let format = format_arg(&args, &["text", "json", "sarif"])?;
    let path = args.one_positional("FILE")?;
    let options = options_from(&args)?;
    let parsed = layerlab::syntax::parse_bytes(&read_file(path)?);
    let typed = layerlab::instructions::parse(&parsed.dockerfile);
    let mut diagnostics: Vec<Diagnostic> = parsed
        .diagnostics
        .iter()
        .chain(&typed.diagnostics)
        // BuildKit's NoEmptyContinuation and DuplicateStageName are lint rules here.
        .filter(|d| d.code != NO_EMPTY_CONTINUATION)
        .cloned()
        .collect();
    diagnostics.extend(check(&parsed, &typed, &options));
    diagnostics.sort_by_key(|d| (d.span.start, std::cmp::Reverse(d.severity)));
    let text = parsed.source.as_str();
    let mut out = std::io::stdout().lock();
    let written = match format {
        "json" => {
            let rows: Vec<serde_json::Value> = diagnostics
                .iter()
                .map(|d| json_row(text, &parsed.line_index, d))
                .collect();
            serde_json::to_string_pretty(&rows)
                .map_err(|e| CliError::Io(format!("cannot write JSON: {e}")))
                .map(|s| writeln!(out, "{s}"))?
        }
        "sarif" => {
            let log = to_sarif(path, text, &diagnostics);
            serde_json::to_string_pretty(&log)
                .map_err(|e| CliError::Io(format!("cannot write SARIF: {e}")))
                .map(|s| writeln!(out, "{s}"))?
        }
        _ => print_findings(path, text, &parsed.line_index, &diagnostics, &mut out),
    };
    written.map_err(|e| CliError::Io(format!("cannot write output: {e}")))?;
    Ok(
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    )
}

fn options_from(args: &Args) -> Result<LintOptions, CliError> {
    let mut options = LintOptions::default();
    if let Some(rules) = args.value("rules") {
        let mut sets = RuleSets {
            buildkit: false,
            hadolint: false,
            layerlab: false,
        };
        for r in rules.split(',').map(str::trim) {
            match r {
                "buildkit" => sets.buildkit = true,
                "hadolint" => sets.hadolint = true,
                "layerlab" => sets.layerlab = true,
                "all" => {
                    sets = RuleSets::default();
                }
                other => {
                    return Err(UsageError(format!(
                        "unknown rule set `{other}` (expected buildkit, hadolint, layerlab or all)"
                    ))
                    .into())
                }
            }
        }
        options.rule_sets = sets;
    }
    for (name, value) in &args.values {
        match name.as_str() {
            "build-arg" => {
                let (k, v) = value.split_once('=').ok_or_else(|| {
                    UsageError(format!("`--build-arg {value}`: expected NAME=VALUE"))
                })?;
                options.build_args.push((k.to_string(), v.to_string()));
            }
            "severity" => {
                let (code, level) = value.split_once('=').ok_or_else(|| {
                    UsageError(format!("`--severity {value}`: expected CODE=LEVEL"))
                })?;
                if rule_doc(code).is_none() {
                    return Err(
                        UsageError(format!("`--severity`: unknown rule code `{code}`")).into(),
                    );
                }
                let level = match level {
                    "error" => Some(Severity::Error),
                    "warning" => Some(Severity::Warning),
                    "info" => Some(Severity::Info),
                    "off" => None,
                    other => {
                        return Err(UsageError(format!(
                            "`--severity`: unknown level `{other}` (error, warning, info or off)"
                        ))
                        .into())
                    }
                };
                options.severity_overrides.push((code.to_string(), level));
            }
            "trusted-registry" => options.hadolint.allowed_registries.push(value.clone()),
            _ => {}
        }
    }
    if let Some(t) = args.value("target") {
        options.target = Some(t.to_string());
        options.all_stages = false;
    }
    options.platform = args.value("platform").map(str::to_string);
    if let Some(path) = args.value("dockerignore") {
        let bytes = read_file(path)?;
        let ignore = Dockerignore::parse_bytes(path, &bytes)
            .map_err(|e| CliError::Io(format!("{path}: {e}")))?;
        options.dockerignore = Some(ignore);
    }
    Ok(options)
}

fn json_row(text: &str, index: &LineIndex, d: &Diagnostic) -> serde_json::Value {
    let (start, end) = d.located(text, index);
    let doc = rule_doc(&d.code);
    serde_json::json!({
        "code": d.code,
        "severity": d.severity.as_str(),
        "message": d.message,
        "line": start.line,
        "column": start.column,
        "end_line": end.line,
        "end_column": end.column,
        "rule_set": doc.map(|r| r.set.as_str()),
        "url": doc.map(|r| r.url).filter(|u| !u.is_empty()),
    })
}

/// An analysis' diagnostics as text (used by `layerlab parse`).
pub fn print_text(path: &str, analysis: &layerlab::analysis::Analysis, out: &mut dyn Write) {
    for d in &analysis.diagnostics {
        let _ = writeln!(
            out,
            "{path}:{}:{}: {}[{}]: {}",
            d.line,
            d.column,
            d.severity.as_str(),
            d.code,
            d.message
        );
    }
}

/// `FILE:LINE:COL: severity[code]: message`, the format editors and CI logs understand.
fn print_findings(
    path: &str,
    text: &str,
    index: &LineIndex,
    diagnostics: &[Diagnostic],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for d in diagnostics {
        let (start, _) = d.located(text, index);
        writeln!(
            out,
            "{path}:{}:{}: {}[{}]: {}",
            start.line,
            start.column,
            d.severity.as_str(),
            d.code,
            d.message
        )?;
    }
    Ok(())
}
