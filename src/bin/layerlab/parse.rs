//! `layerlab parse [--dump] FILE`: the instructions, or BuildKit's AST dump.

use std::process::ExitCode;

use layerlab::analysis::{analyze_bytes, Effect};
use layerlab::syntax;

use crate::args::{Args, CliError};
use crate::input::read_file;
use crate::lint::print_text;

pub fn run(argv: &[String]) -> Result<ExitCode, CliError> {
    let args = Args::parse(argv, &[], &["dump"])?;
    let path = args.one_positional("FILE")?;
    let bytes = read_file(path)?;
    if args.switch("dump") {
        let parsed = syntax::parse_bytes(&bytes);
        let errors: Vec<_> = parsed.errors().collect();
        if !errors.is_empty() {
            for d in errors {
                let at = parsed.line_index.line_col(&parsed.source, d.span.start);
                eprintln!("{path}:{}:{}: error: {}", at.line, at.column, d.message);
            }
            return Ok(ExitCode::from(1));
        }
        println!("{}", parsed.dockerfile.dump());
        return Ok(ExitCode::SUCCESS);
    }
    let analysis = analyze_bytes(&bytes);
    for row in &analysis.instructions {
        let effect = match row.effect {
            Effect::NewStage => "new stage",
            Effect::Layer => "layer",
            Effect::Metadata => "metadata",
            Effect::Invalid => "invalid",
        };
        println!(
            "{:>4}  {:<10} {:<11} {}",
            row.start_line, row.keyword, effect, row.summary
        );
    }
    print_text(path, &analysis, &mut std::io::stderr());
    Ok(if analysis.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
