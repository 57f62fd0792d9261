//! Typed instructions (BuildKit `instructions/commands.go`). Every string keeps the span of
//! the source text it came from; nothing is variable-expanded here (`crate::expand` does
//! that later, as BuildKit's dispatcher does).

use serde::Serialize;

use super::bflags::FlagValue;
use super::mount::{Device, MountSpec};
use crate::span::Span;
use crate::syntax::{Heredoc, Text, Word};

/// `KeyValuePair` of ENV and LABEL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyValuePair {
    pub key: Word,
    pub value: Word,
    /// Legacy form `ENV key value` (BuildKit `NoDelim`, the LegacyKeyValueFormat check).
    pub legacy: bool,
}

/// `KeyValuePairOptional` of ARG.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArgPair {
    pub key: Word,
    /// The default (`ARG a=b`), quotes still in place (the expander removes them).
    pub value: Option<Word>,
    /// The description from a preceding `# key description` comment (`getComment`).
    pub comment: String,
}

/// A heredoc used as a COPY/ADD source (BuildKit `SourceContent`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceContent {
    /// The heredoc name, used as the file name.
    pub path: String,
    /// The body, tab-chomped when written `<<-`.
    pub data: String,
    pub expand: bool,
    /// The heredoc word on the instruction line.
    pub span: Span,
}

/// `SourcesAndDest` of COPY and ADD.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourcesAndDest {
    pub dest: Word,
    pub source_paths: Vec<Word>,
    pub source_contents: Vec<SourceContent>,
}

/// A RUN/CMD/ENTRYPOINT command line (BuildKit `ShellDependantCmdLine`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommandLine {
    /// Exec form: the JSON elements. Shell form: one element, the whole command text.
    pub args: Vec<Word>,
    /// Shell form (run through the stage's SHELL).
    pub prepend_shell: bool,
}

/// A heredoc of RUN/CMD/ENTRYPOINT (BuildKit `ShellInlineFile`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShellInlineFile {
    pub name: String,
    /// The body as written (RUN chomps it when executing if `chomp`).
    pub data: String,
    pub chomp: bool,
}

/// HEALTHCHECK's configuration, durations in nanoseconds (0 = not set, Docker's default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HealthConfig {
    /// `["NONE"]`, `["CMD", args…]` (exec form) or `["CMD-SHELL", command]`.
    pub test: Vec<String>,
    pub interval_ns: i64,
    pub timeout_ns: i64,
    pub start_period_ns: i64,
    pub start_interval_ns: i64,
    pub retries: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EnvCommand {
    pub pairs: Vec<KeyValuePair>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LabelCommand {
    pub pairs: Vec<KeyValuePair>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MaintainerCommand {
    pub maintainer: Word,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CopyCommand {
    pub sources_and_dest: SourcesAndDest,
    pub from: Option<FlagValue>,
    pub chown: Option<FlagValue>,
    pub chmod: Option<FlagValue>,
    pub link: bool,
    pub parents: bool,
    pub exclude: Vec<FlagValue>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AddCommand {
    pub sources_and_dest: SourcesAndDest,
    pub chown: Option<FlagValue>,
    pub chmod: Option<FlagValue>,
    pub link: bool,
    /// `--keep-git-dir` when given (`value` is `true` or `false`).
    pub keep_git_dir: Option<FlagValue>,
    pub checksum: Option<FlagValue>,
    pub exclude: Vec<FlagValue>,
    /// `--unpack` when given (`None`: BuildKit's default, unpack local archives only).
    pub unpack: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OnbuildCommand {
    /// The trigger text as BuildKit stores it (`ONBUILD ` removed, heredocs appended).
    pub expression: String,
    /// The trigger's keyword, upper-cased.
    pub trigger: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkdirCommand {
    pub path: Word,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunCommand {
    pub cmd: CommandLine,
    pub files: Vec<ShellInlineFile>,
    pub mounts: Vec<MountSpec>,
    pub network: Option<FlagValue>,
    pub security: Option<FlagValue>,
    pub devices: Vec<Device>,
    /// Names of the flags given (`FlagsUsed`).
    pub flags_used: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CmdCommand {
    pub cmd: CommandLine,
    pub files: Vec<ShellInlineFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntrypointCommand {
    pub cmd: CommandLine,
    pub files: Vec<ShellInlineFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HealthcheckCommand {
    pub health: HealthConfig,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExposeCommand {
    /// Sorted by text, as BuildKit sorts them.
    pub ports: Vec<Word>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UserCommand {
    pub user: Word,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VolumeCommand {
    /// Each trimmed of surrounding whitespace.
    pub volumes: Vec<Word>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StopSignalCommand {
    pub signal: Word,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArgCommand {
    pub args: Vec<ArgPair>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShellCommand {
    pub shell: Vec<Word>,
}

/// Every instruction except FROM (which starts a [`Stage`](super::Stage)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Command {
    Env(EnvCommand),
    Maintainer(MaintainerCommand),
    Label(LabelCommand),
    Add(AddCommand),
    Copy(CopyCommand),
    Onbuild(OnbuildCommand),
    Workdir(WorkdirCommand),
    Run(RunCommand),
    Cmd(CmdCommand),
    Healthcheck(HealthcheckCommand),
    Entrypoint(EntrypointCommand),
    Expose(ExposeCommand),
    User(UserCommand),
    Volume(VolumeCommand),
    StopSignal(StopSignalCommand),
    Arg(ArgCommand),
    Shell(ShellCommand),
}

impl Command {
    /// The instruction name, upper-case.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Env(_) => "ENV",
            Command::Maintainer(_) => "MAINTAINER",
            Command::Label(_) => "LABEL",
            Command::Add(_) => "ADD",
            Command::Copy(_) => "COPY",
            Command::Onbuild(_) => "ONBUILD",
            Command::Workdir(_) => "WORKDIR",
            Command::Run(_) => "RUN",
            Command::Cmd(_) => "CMD",
            Command::Healthcheck(_) => "HEALTHCHECK",
            Command::Entrypoint(_) => "ENTRYPOINT",
            Command::Expose(_) => "EXPOSE",
            Command::User(_) => "USER",
            Command::Volume(_) => "VOLUME",
            Command::StopSignal(_) => "STOPSIGNAL",
            Command::Arg(_) => "ARG",
            Command::Shell(_) => "SHELL",
        }
    }

    /// Whether the instruction adds a filesystem layer: RUN, COPY, ADD always; WORKDIR
    /// unless its path is `/` (BuildKit creates the directory with a file operation).
    pub fn creates_layer(&self) -> bool {
        match self {
            Command::Run(_) | Command::Copy(_) | Command::Add(_) => true,
            Command::Workdir(w) => w.path.value != "/",
            _ => false,
        }
    }
}

/// An item with the place of its instruction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Located<T> {
    pub value: T,
    /// Index into `Dockerfile::instructions`.
    pub index: usize,
    pub span: Span,
    pub start_line: usize,
    pub end_line: usize,
    /// The keyword as written.
    pub keyword: Text,
}

/// A heredoc of the node, for commands that need the raw attachment.
pub(crate) fn inline_files(heredocs: &[Heredoc]) -> Vec<ShellInlineFile> {
    heredocs
        .iter()
        .map(|h| ShellInlineFile {
            name: h.name.clone(),
            data: h.content.to_string(),
            chomp: h.chomp,
        })
        .collect()
}
