//! The raw syntax tree: one [`Instruction`] per Dockerfile instruction, holding exactly what
//! BuildKit's `parser.Node` holds (keyword as written, `Flags`, the `Next` chain of argument
//! values, the `json` attribute, heredocs, `PrevComment`, `Original`, line numbers) plus byte
//! spans into the source for every piece.

use serde::Serialize;

use super::text::Text;
use crate::span::Span;

/// A parsed Dockerfile: the parser directives at its top, the escape token in force and the
/// instructions in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Dockerfile {
    /// Recognised parser directives (`syntax`, `escape`, `check`), names lower-cased.
    pub directives: Vec<Directive>,
    /// The escape token in force (`\` unless `# escape=` set it to `` ` ``).
    pub escape: char,
    pub instructions: Vec<Instruction>,
    /// BuildKit's root node lines: the first instruction's start line and the last
    /// instruction's end line (both 0 when there are no instructions).
    pub start_line: usize,
    pub end_line: usize,
}

/// A parser directive such as `# syntax=docker/dockerfile:1`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Directive {
    /// Lower-cased name: `syntax`, `escape` or `check`.
    pub name: String,
    pub value: String,
    /// The whole directive line (without its newline).
    pub span: Span,
    /// 1-based line.
    pub line: usize,
}

/// The instruction keywords BuildKit dispatches on (`command` package), plus `Unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    StopSignal,
    User,
    Volume,
    Workdir,
    /// Anything else: BuildKit's parser keeps it (with one empty argument node) and the
    /// instructions layer rejects it with `unknown instruction: X`.
    Unknown,
}

impl Keyword {
    /// Every known keyword, in BuildKit's `command.Commands` order.
    pub const ALL: [Keyword; 18] = [
        Keyword::Add,
        Keyword::Arg,
        Keyword::Cmd,
        Keyword::Copy,
        Keyword::Entrypoint,
        Keyword::Env,
        Keyword::Expose,
        Keyword::From,
        Keyword::Healthcheck,
        Keyword::Label,
        Keyword::Maintainer,
        Keyword::Onbuild,
        Keyword::Run,
        Keyword::Shell,
        Keyword::StopSignal,
        Keyword::User,
        Keyword::Volume,
        Keyword::Workdir,
    ];

    /// The keyword for `word`, compared case-insensitively after Unicode lower-casing, as
    /// BuildKit's `strings.ToLower` (`From` is `FROM`; `WOR\u{212A}DIR`, with a Kelvin sign,
    /// is `WORKDIR`). ASCII words, all real ones, are compared without allocating.
    pub fn from_word(word: &str) -> Keyword {
        if !word.is_ascii() {
            let lower = word.to_lowercase();
            return if lower.is_ascii() {
                Keyword::from_word(&lower)
            } else {
                Keyword::Unknown
            };
        }
        // The longest keyword has 11 letters; lower-case into a buffer and match bytes.
        let mut buf = [0u8; 11];
        let Some(lower) = buf.get_mut(..word.len()) else {
            return Keyword::Unknown;
        };
        lower.copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        match &*lower {
            b"add" => Keyword::Add,
            b"arg" => Keyword::Arg,
            b"cmd" => Keyword::Cmd,
            b"copy" => Keyword::Copy,
            b"entrypoint" => Keyword::Entrypoint,
            b"env" => Keyword::Env,
            b"expose" => Keyword::Expose,
            b"from" => Keyword::From,
            b"healthcheck" => Keyword::Healthcheck,
            b"label" => Keyword::Label,
            b"maintainer" => Keyword::Maintainer,
            b"onbuild" => Keyword::Onbuild,
            b"run" => Keyword::Run,
            b"shell" => Keyword::Shell,
            b"stopsignal" => Keyword::StopSignal,
            b"user" => Keyword::User,
            b"volume" => Keyword::Volume,
            b"workdir" => Keyword::Workdir,
            _ => Keyword::Unknown,
        }
    }

    /// The lower-case name BuildKit uses as dispatch key (`""` for `Unknown`).
    pub fn lowercase(self) -> &'static str {
        match self {
            Keyword::Add => "add",
            Keyword::Arg => "arg",
            Keyword::Cmd => "cmd",
            Keyword::Copy => "copy",
            Keyword::Entrypoint => "entrypoint",
            Keyword::Env => "env",
            Keyword::Expose => "expose",
            Keyword::From => "from",
            Keyword::Healthcheck => "healthcheck",
            Keyword::Label => "label",
            Keyword::Maintainer => "maintainer",
            Keyword::Onbuild => "onbuild",
            Keyword::Run => "run",
            Keyword::Shell => "shell",
            Keyword::StopSignal => "stopsignal",
            Keyword::User => "user",
            Keyword::Volume => "volume",
            Keyword::Workdir => "workdir",
            Keyword::Unknown => "",
        }
    }

    /// The canonical upper-case spelling (`""` for `Unknown`).
    pub fn uppercase(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::StopSignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "",
        }
    }

    /// RUN, COPY and ADD always produce a filesystem layer.
    pub fn creates_layer(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }

    /// Instructions whose line BuildKit scans for heredocs (`heredocDirectives`).
    pub fn accepts_heredocs(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }
}

/// A leading `--name[=value]` word of an instruction (BuildKit `Node.Flags`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    /// The name without the dashes (`chown` for `--chown=x`).
    pub name: Text,
    /// The value after the first `=`, quotes and `\` escapes processed as BuildKit's
    /// `extractBuilderFlags` does; `None` for a bare `--link`. Not variable-expanded.
    pub value: Option<Text>,
    /// The flag word as BuildKit stores it in `Node.Flags` (`--chown=a b` for `--chown="a b"`).
    pub processed: Text,
    /// The flag exactly as written in the source (over continuation lines, joined).
    pub raw: Text,
    pub span: Span,
}

/// One value of BuildKit's `Node.Next` chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Word {
    pub value: Text,
    /// Where the value comes from. For JSON elements the span covers the quoted string;
    /// synthetic values (`=`/`""` separators of ENV/LABEL, the empty node of an unknown
    /// instruction) have an empty or one-character span at their place.
    pub span: Span,
}

/// A heredoc attached to an instruction (`RUN <<EOF` … `EOF`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    /// The terminator word, quotes removed.
    pub name: String,
    /// False when any part of the name was quoted (`<<'EOF'`): the body is not expanded.
    pub expand: bool,
    /// `<<-`: leading tabs are stripped (by the consumer, see [`chomp_heredoc_content`]).
    ///
    /// [`chomp_heredoc_content`]: crate::syntax::chomp_heredoc_content
    pub chomp: bool,
    /// The leading file descriptor (`3<<EOF`), when written.
    pub fd: Option<u32>,
    /// The body lines with their line endings, exactly as in the source (not chomped).
    pub content: Text,
    /// The body and the terminator line.
    pub span: Span,
    /// Just the body.
    pub content_span: Span,
}

/// One instruction (a child of BuildKit's root node).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Instruction {
    /// The keyword as written (`From`, `run`, `FOO`).
    pub keyword: Text,
    pub kind: Keyword,
    /// The whole instruction: first line to last continuation line and heredoc bodies.
    pub span: Span,
    pub keyword_span: Span,
    /// 1-based lines as BuildKit's `StartLine`/`EndLine`.
    pub start_line: usize,
    pub end_line: usize,
    pub flags: Vec<Flag>,
    /// The values of BuildKit's `Next` chain (empty for ONBUILD: see `onbuild`).
    pub args: Vec<Word>,
    /// The argument text after the flags, as BuildKit passes it to the line parser
    /// (continuations joined, trimmed), with its span (start/end in the source).
    pub rest: Text,
    pub rest_span: Span,
    /// Exec (JSON array) form.
    pub json: bool,
    pub heredocs: Vec<Heredoc>,
    /// ONBUILD's trigger instruction.
    pub onbuild: Option<Box<Instruction>>,
    /// Comment lines collected since the previous instruction (BuildKit `PrevComment`).
    pub prev_comments: Vec<Text>,
    /// The logical line (continuations joined, comments dropped), BuildKit `Original`.
    pub original: Text,
    /// The line parser rejected this instruction (a `syntax` diagnostic was reported);
    /// `args` hold what could be recovered.
    pub syntax_error: bool,
}

impl Instruction {
    /// The argument values as plain strings.
    pub fn arg_values(&self) -> Vec<&str> {
        self.args.iter().map(|w| w.value.as_str()).collect()
    }

    /// The first flag called `name`.
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_from_words() {
        for k in Keyword::ALL {
            assert_eq!(Keyword::from_word(k.lowercase()), k);
            assert_eq!(Keyword::from_word(k.uppercase()), k);
        }
        assert_eq!(Keyword::from_word("From"), Keyword::From);
        assert_eq!(Keyword::from_word("WOR\u{212A}DIR"), Keyword::Workdir);
        assert_eq!(Keyword::from_word("healthchecks"), Keyword::Unknown);
        assert_eq!(Keyword::from_word(""), Keyword::Unknown);
        assert_eq!(Keyword::from_word("FRÖM"), Keyword::Unknown);
    }
}
