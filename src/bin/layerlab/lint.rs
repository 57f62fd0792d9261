//! `layerlab lint FILE [--format text|json]`: every diagnostic with its position.

use std::io::Write;
use std::process::ExitCode;

use layerlab::analysis::{analyze_bytes, Analysis};

use crate::args::{format_arg, Args, CliError};
use crate::input::read_file;

pub fn run(argv: &[String]) -> Result<ExitCode, CliError> {
    let args = Args::parse(argv, &["format"], &[])?;
    let format = format_arg(&args, &["text", "json"])?;
    let path = args.one_positional("FILE")?;
    let analysis = analyze_bytes(&read_file(path)?);
    let mut out = std::io::stdout().lock();
    match format {
        "json" => {
            let json = serde_json::to_string_pretty(&analysis.diagnostics)
                .map_err(|e| CliError::Io(format!("cannot write JSON: {e}")))?;
            let _ = writeln!(out, "{json}");
        }
        _ => print_text(path, &analysis, &mut out),
    }
    Ok(if analysis.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `FILE:LINE:COL: severity[code]: message`, the format editors and CI logs understand.
pub fn print_text(path: &str, analysis: &Analysis, out: &mut dyn Write) {
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
