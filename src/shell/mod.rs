//! The shell language of RUN commands, parsed as `/bin/sh -c` (and bash) would read it.
//!
//! [`parse_script`] turns the text of a shell-form RUN (or a heredoc script) into a
//! [`Script`]: the simple commands in the order the shell starts them, each with its words
//! (as written, and after quote removal when literal), `NAME=value` assignments,
//! redirections (heredocs with their bodies), the operators around it (`&&`, `||`, `;`,
//! newline, `|`, `&`) and the constructs it is nested in (pipeline, subshell, `if`, loops,
//! `case`, functions, command substitutions). Every word, command and redirection carries a
//! byte [`crate::span::Span`] into the script text.
//!
//! The grammar is brush-parser's (a maintained POSIX + bash parser); this module is the
//! small stable API over it, so lints and the RUN simulator never see brush's types.
//! The parse accepts bash syntax (`[[ ]]`, `$'...'`, `<<<`, arrays): Docker's default shell
//! is `/bin/sh`, where some of these are errors at run time, which is a lint's concern.
//!
//! ```
//! use layerlab::shell::{parse_script, Operator};
//!
//! let script = parse_script("apt-get update && apt-get install -qy curl\n").unwrap();
//! let install = &script.commands()[1];
//! assert_eq!(install.name().as_deref(), Some("apt-get"));
//! assert!(install.has_flag("-y"));
//! assert_eq!(install.preceded_by, Some(Operator::And));
//! assert_eq!(&"apt-get update && apt-get install -qy curl\n"[install.span.start..install.span.end],
//!            "apt-get install -qy curl");
//! ```

mod error;
mod lower;
mod script;
mod word;

pub use error::ShellError;
pub use script::{
    Assignment, Construct, Heredoc, Operator, Redirection, RedirectionKind, Script, SimpleCommand,
};
pub use word::{ParameterOp, Quoting, Word, WordPart};

use crate::span::Span;

/// The grammar options: bash syntax, no extended globs (off by default in bash, absent in
/// sh), tilde expansion at word starts as every shell does.
pub(crate) fn parser_options() -> brush_parser::ParserOptions {
    brush_parser::ParserOptions {
        enable_extended_globbing: false,
        ..brush_parser::ParserOptions::default()
    }
}

/// brush's parse, for this module's nested uses.
pub(crate) fn parse_program(
    script: &str,
) -> Result<brush_parser::ast::Program, brush_parser::ParseError> {
    let options = parser_options();
    let mut parser = brush_parser::Parser::new(std::io::Cursor::new(script.as_bytes()), &options);
    parser.parse_program()
}

/// Parses a shell script (the text after `RUN`, or a heredoc body).
///
/// An empty or comment-only script is an empty [`Script`]. A syntax error (unbalanced
/// quote, `if` without `fi`, stray `)`, ...) is a [`ShellError`] with its position.
pub fn parse_script(script: &str) -> Result<Script, ShellError> {
    let program = parse_program(script).map_err(|error| to_shell_error(script, &error))?;
    let mut lowerer = lower::Lowerer::new(script, 0, 0);
    lowerer.program(&program);
    Ok(Script {
        commands: lowerer.commands,
    })
}

fn to_shell_error(script: &str, error: &brush_parser::ParseError) -> ShellError {
    let at_char = |index: usize| {
        script
            .char_indices()
            .nth(index)
            .map_or(script.len(), |(byte, _)| byte)
    };
    let (message, offset) = match error {
        brush_parser::ParseError::ParsingNear(position) => {
            let offset = at_char(position.index);
            let near: String = script[offset..]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .chars()
                .take(20)
                .collect();
            let message = if near.is_empty() {
                "syntax error".to_string()
            } else {
                format!("syntax error near `{near}`")
            };
            (message, offset)
        }
        brush_parser::ParseError::ParsingAtEndOfInput => (
            "syntax error: unexpected end of script".to_string(),
            script.len(),
        ),
        brush_parser::ParseError::Tokenizing { inner, position } => (
            inner.to_string(),
            position.as_ref().map_or(script.len(), |p| at_char(p.index)),
        ),
    };
    let end = script[offset..]
        .chars()
        .next()
        .map_or(offset, |c| offset + c.len_utf8());
    ShellError {
        message,
        span: Span::new(offset, end),
    }
}
