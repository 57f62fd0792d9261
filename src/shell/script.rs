//! The flat view of a parsed script: its simple commands in execution order, each with the
//! structure around it.

use super::word::Word;
use crate::span::Span;
use serde::Serialize;

/// A parsed RUN script.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Script {
    pub(crate) commands: Vec<SimpleCommand>,
}

impl Script {
    /// Every simple command, in the order the shell would start them: a command
    /// substitution's commands come before the command whose word contains it, a pipeline's
    /// stages left to right, the bodies of `if`/`for`/`while` once, where they are written.
    pub fn commands(&self) -> &[SimpleCommand] {
        &self.commands
    }

    /// The commands whose name (after quote removal, directory stripped) is `name`
    /// (`apt-get` finds `apt-get`, `/usr/bin/apt-get` and `"apt-get"`).
    pub fn commands_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a SimpleCommand> {
        self.commands
            .iter()
            .filter(move |command| command.program().as_deref() == Some(name))
    }

    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    pub fn len(&self) -> usize {
        self.commands.len()
    }
}

/// How a command is joined to its neighbour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    /// `&&`
    And,
    /// `||`
    Or,
    /// `;`
    Semicolon,
    /// A line break.
    Newline,
    /// `|`
    Pipe,
    /// `|&` (bash: stdout and stderr into the pipe).
    PipeAll,
    /// `&` (run in the background).
    Background,
}

impl Operator {
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::And => "&&",
            Operator::Or => "||",
            Operator::Semicolon => ";",
            Operator::Newline => "\\n",
            Operator::Pipe => "|",
            Operator::PipeAll => "|&",
            Operator::Background => "&",
        }
    }
}

/// A construct a command is nested in. [`SimpleCommand::context`] lists them outermost first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Construct {
    /// `( ... )`: changes (cd, variables) do not outlive it.
    Subshell,
    /// `{ ...; }`.
    BraceGroup,
    /// The condition list of `if` (`branch` 0) or of the `branch`-th `elif`. `clause`
    /// identifies the `if` statement (shared by its conditions and branches).
    IfCondition { clause: usize, branch: usize },
    /// The body run when condition `branch` of the `if` statement `clause` holds (`then` of
    /// `if` is 0, of the n-th `elif` n), or the `else` body (`is_else`, after every
    /// condition failed).
    IfBranch {
        clause: usize,
        branch: usize,
        is_else: bool,
    },
    /// The body of `for NAME in WORDS`.
    ForLoop {
        variable: String,
        values: Option<Vec<Word>>,
    },
    /// The body of `for ((;;))`.
    ArithmeticForLoop,
    /// The condition of a `while`/`until`.
    LoopCondition,
    /// The body of a `while`/`until`.
    LoopBody,
    /// A branch of `case WORD in`.
    CaseBranch { value: Word },
    /// The body of a function definition (runs only when called).
    FunctionBody { name: String },
    /// Inside `$( )` or backquotes in one of a command's words.
    CommandSubstitution,
    /// Inside `<( )` / `>( )`.
    ProcessSubstitution,
    /// A stage of a pipeline of `length` commands (0-based `position`). Only pipelines of two
    /// or more commands are recorded.
    Pipeline {
        position: usize,
        length: usize,
        /// `! cmd | cmd`: the status is inverted.
        negated: bool,
    },
    /// `coproc`.
    Coprocess,
}

/// A redirection attached to a command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Redirection {
    /// The file descriptor written before the operator (`2>`), when written.
    pub fd: Option<i32>,
    pub kind: RedirectionKind,
    /// The operator and its target.
    pub span: Span,
}

/// What a redirection does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RedirectionKind {
    /// `< file`
    Read { target: Word },
    /// `> file` (also `>|`)
    Write { target: Word },
    /// `>> file`
    Append { target: Word },
    /// `<> file`
    ReadWrite { target: Word },
    /// `>&N`, `2>&1`, `>&-`: `target` is the fd (or `-`).
    DuplicateOutput { target: String },
    /// `<&N`.
    DuplicateInput { target: String },
    /// `&> file` / `&>> file` (bash): stdout and stderr to a file.
    OutputAndError { target: Word, append: bool },
    /// `<<< word` (bash).
    HereString { word: Word },
    /// `<<DELIM ... DELIM`.
    Heredoc(Heredoc),
    /// `> >(cmd)` / `< <(cmd)`.
    ProcessSubstitution,
}

/// A here-document attached to a command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    /// The delimiter after quote removal.
    pub delimiter: String,
    /// The body as written, up to (not including) the delimiter line. With `<<-`, leading
    /// tabs are already removed from each line.
    pub body: String,
    /// False when the delimiter was quoted (`<<'EOF'`): the body is taken literally.
    pub expand: bool,
    /// `<<-`.
    pub strip_tabs: bool,
    /// The body, as a word whose parts can be expanded (quotes are ordinary characters in a
    /// heredoc; only `$`, `` ` `` and `\` are special). `None` when `expand` is false.
    pub parts: Option<Word>,
}

/// A `NAME=value` word before the command name (or a bare assignment command).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub name: String,
    /// The value word (its span covers the value only).
    pub value: Word,
    /// `NAME+=value` (bash).
    pub append: bool,
    /// The whole `NAME=value`.
    pub span: Span,
}

/// One simple command: optional assignments, words, redirections.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimpleCommand {
    /// The command name followed by its arguments, unexpanded. Empty for a command that is
    /// only assignments or redirections (`X=1`, `> file`).
    pub words: Vec<Word>,
    pub assignments: Vec<Assignment>,
    pub redirections: Vec<Redirection>,
    /// The operator before this command at its nesting level (`None` for the first command
    /// of a list).
    pub preceded_by: Option<Operator>,
    /// The operator after it (`None` for the last command of a list).
    pub followed_by: Option<Operator>,
    /// The constructs around it, outermost first.
    pub context: Vec<Construct>,
    /// One id per entry of `context`, unique per construct instance in the script: two
    /// commands are in the same subshell (the same `for` loop, the same pipeline stage...)
    /// when they share the id at that position.
    pub context_ids: Vec<usize>,
    /// From the first assignment/word/redirection to the last.
    pub span: Span,
}

impl SimpleCommand {
    /// The command's text in `script` (the text it was parsed from), redirections included,
    /// heredoc bodies not.
    pub fn source<'a>(&self, script: &'a str) -> &'a str {
        script.get(self.span.start..self.span.end).unwrap_or("")
    }

    /// The command name after quote removal (`"apt-get"` → `apt-get`), as written otherwise
    /// (`/usr/bin/apt-get`). `None` when there is no command word or it is expanded (`$CMD`).
    pub fn name(&self) -> Option<String> {
        self.words.first().and_then(Word::literal)
    }

    /// The command name without its directory (`/usr/bin/apt-get` → `apt-get`).
    pub fn program(&self) -> Option<String> {
        self.name()
            .map(|name| name.rsplit('/').next().unwrap_or_default().to_string())
    }

    /// The arguments (all words after the command name).
    pub fn args(&self) -> &[Word] {
        self.words.get(1..).unwrap_or_default()
    }

    /// The arguments after quote removal; `None` for an argument with an expansion.
    pub fn literal_args(&self) -> Vec<Option<String>> {
        self.args().iter().map(Word::literal).collect()
    }

    /// True when `flag` is given before any `--`: a long flag (`--yes`) matches `--yes` and
    /// `--yes=...`; a short flag (`-y`) matches `-y` and a cluster containing it (`-qy`).
    /// An argument with an expansion never matches.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flag_position(flag).is_some()
    }

    /// True when any of `flags` is given (see [`SimpleCommand::has_flag`]).
    pub fn has_any_flag(&self, flags: &[&str]) -> bool {
        flags.iter().any(|flag| self.has_flag(flag))
    }

    /// The argument (index into [`SimpleCommand::args`]) where `flag` is given.
    pub fn flag_position(&self, flag: &str) -> Option<usize> {
        let long = flag.starts_with("--");
        let short = !long && flag.len() == 2 && flag.starts_with('-');
        for (index, arg) in self.args().iter().enumerate() {
            let Some(text) = arg.literal() else { continue };
            if text == "--" {
                return None;
            }
            if text == flag {
                return Some(index);
            }
            if long {
                if let Some(rest) = text.strip_prefix(flag) {
                    if rest.starts_with('=') {
                        return Some(index);
                    }
                }
            } else if short && text.starts_with('-') && !text.starts_with("--") && text.len() > 2 {
                let letter = flag.chars().nth(1).unwrap_or('-');
                let cluster = &text[1..];
                if cluster.chars().all(|c| c.is_ascii_alphanumeric()) && cluster.contains(letter) {
                    return Some(index);
                }
            }
        }
        None
    }

    /// The value of an option: `--opt=value`, `--opt value`, `-o value` or `-ovalue`.
    /// Literal values only.
    pub fn option_value(&self, option: &str) -> Option<String> {
        let args = self.args();
        for (index, arg) in args.iter().enumerate() {
            let Some(text) = arg.literal() else { continue };
            if text == "--" {
                return None;
            }
            if text == option {
                return args.get(index + 1).and_then(Word::literal);
            }
            if option.starts_with("--") {
                if let Some(value) = text.strip_prefix(option).and_then(|r| r.strip_prefix('=')) {
                    return Some(value.to_string());
                }
            } else if option.len() == 2 && !text.starts_with("--") {
                if let Some(value) = text.strip_prefix(option) {
                    if !value.is_empty() {
                        return Some(value.to_string());
                    }
                }
            }
        }
        None
    }

    /// The first argument that is not a flag (after quote removal), e.g. the subcommand of
    /// `apt-get -y install` → `install`. Does not know which flags take values.
    pub fn first_operand(&self) -> Option<String> {
        self.args()
            .iter()
            .filter_map(Word::literal)
            .find(|text| !text.starts_with('-'))
    }

    /// Inside a pipeline of two or more commands.
    pub fn in_pipeline(&self) -> bool {
        self.context
            .iter()
            .any(|construct| matches!(construct, Construct::Pipeline { .. }))
    }

    /// Inside `( )` (or a command/process substitution, which also runs in a subshell).
    pub fn in_subshell(&self) -> bool {
        self.context.iter().any(|construct| {
            matches!(
                construct,
                Construct::Subshell
                    | Construct::CommandSubstitution
                    | Construct::ProcessSubstitution
                    | Construct::Coprocess
            )
        })
    }

    /// Runs conditionally or repeatedly: in an `if`, a loop, a `case`, a function, or after
    /// `||`.
    pub fn is_conditional(&self) -> bool {
        self.preceded_by == Some(Operator::Or)
            || self.context.iter().any(|construct| {
                matches!(
                    construct,
                    Construct::IfBranch { .. }
                        | Construct::ForLoop { .. }
                        | Construct::ArithmeticForLoop
                        | Construct::LoopBody
                        | Construct::LoopCondition
                        | Construct::CaseBranch { .. }
                        | Construct::FunctionBody { .. }
                )
            })
    }

    /// Inside a `for`/`while`/`until` body or condition.
    pub fn in_loop(&self) -> bool {
        self.context.iter().any(|construct| {
            matches!(
                construct,
                Construct::ForLoop { .. }
                    | Construct::ArithmeticForLoop
                    | Construct::LoopBody
                    | Construct::LoopCondition
            )
        })
    }

    /// Run in the background (`cmd &`).
    pub fn is_background(&self) -> bool {
        self.followed_by == Some(Operator::Background)
    }

    /// The heredocs attached to this command.
    pub fn heredocs(&self) -> impl Iterator<Item = &Heredoc> {
        self.redirections.iter().filter_map(|r| match &r.kind {
            RedirectionKind::Heredoc(heredoc) => Some(heredoc),
            _ => None,
        })
    }
}
