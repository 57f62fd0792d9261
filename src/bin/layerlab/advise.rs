//! `layerlab advise CONTEXT [-f Dockerfile] [--target T] [--build-arg K=V]… [--format text|json]`:
//! the best-practice advisor on the simulated build, with its numbers and fixes.

use std::io::Write;
use std::process::ExitCode;

use layerlab::advisor::{self, format_bytes, Advice};
use layerlab::simulate::Catalogs;
use layerlab::span::LineIndex;

use crate::args::{format_arg, Args, CliError};

pub fn run(argv: &[String]) -> Result<ExitCode, CliError> {
    let args = Args::parse(
        argv,
        &["f", "file", "target", "build-arg", "platform", "format"],
        &[],
    )?;
    let format = format_arg(&args, &["text", "json"])?;
    let (build, diagnostics, parsed) = crate::build::load_parsed(&args)?;
    let advice = advisor::advise(&build, &parsed, &Catalogs::bundled());
    let mut out = std::io::stdout().lock();
    if format == "json" {
        let json = serde_json::to_string_pretty(&advice)
            .map_err(|e| CliError::Io(format!("cannot write JSON: {e}")))?;
        let _ = writeln!(out, "{json}");
    } else {
        if advice.is_empty() {
            let _ = writeln!(
                out,
                "No advice: this build already follows the best practices layerlab checks."
            );
        }
        for a in &advice {
            print_advice(a, &parsed.line_index, &parsed.source, &mut out);
        }
        if !diagnostics.is_empty() {
            let _ = writeln!(out, "\n{diagnostics}");
        }
    }
    Ok(if build.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_advice(a: &Advice, index: &LineIndex, source: &str, out: &mut dyn Write) {
    let lines: Vec<String> = a.lines.iter().map(usize::to_string).collect();
    let _ = writeln!(
        out,
        "{}. [{}] {} (line {})",
        a.number,
        a.id,
        a.title,
        lines.join(", ")
    );
    let _ = writeln!(out, "   {}", a.detail);
    if let Some(saving) = a.saving_bytes {
        let _ = writeln!(
            out,
            "   saves {} ({})",
            format_bytes(saving),
            a.certainty.label()
        );
    }
    if let Some(fix) = &a.fix {
        let _ = writeln!(out, "   fix: {}", fix.description);
        for edit in &fix.edits {
            let start = index.line_col(source, edit.span.start);
            let end = index.line_col(source, edit.span.end);
            let what = if edit.new_text.is_empty() {
                format!("lines {}-{}: removed", start.line, end.line)
            } else if edit.span.is_empty() {
                format!("line {}, column {}: insert", start.line, start.column)
            } else {
                format!("lines {}-{} become", start.line, end.line)
            };
            let _ = writeln!(out, "   {what}");
            for line in edit.new_text.lines() {
                let _ = writeln!(out, "   | {line}");
            }
        }
    }
    let _ = writeln!(out);
}
