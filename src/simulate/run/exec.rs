//! The interpreter: walks the parsed commands as `sh -c` would run them and dispatches each
//! to the module that knows its effect.

use std::collections::BTreeSet;

use super::expand::{self, Expansion};
use super::{EffectKind, RunCommand, RunEffect, RunFailure, RunInput, RunReport};
use crate::fs::{Content, Meta, Tree};
use crate::shell::{self, Construct, Operator, RedirectionKind, SimpleCommand};
use crate::simulate::{Catalogs, Certainty};
use crate::span::Span;

/// How deep `sh -c "…"` inside a script is followed.
const MAX_NESTED_SHELLS: usize = 8;
/// Commands simulated at most per RUN (loops multiply them).
const MAX_COMMANDS: usize = 10_000;

/// The exit status of a simulated command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Success,
    Failure(String),
    /// Not known (an unsimulated command): assumed to succeed, as a working build's would.
    Unknown,
}

/// Bytes on a standard stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Stream {
    /// Nothing written.
    Empty,
    Known(Vec<u8>),
    /// Something, with a size estimate when there is one.
    Unknown(Option<u64>),
}

impl Stream {
    pub(crate) fn append(&mut self, other: Stream) {
        *self = match (std::mem::replace(self, Stream::Empty), other) {
            (Stream::Empty, x) | (x, Stream::Empty) => x,
            (Stream::Known(mut a), Stream::Known(b)) => {
                a.extend_from_slice(&b);
                Stream::Known(a)
            }
            (Stream::Known(a), Stream::Unknown(e)) | (Stream::Unknown(e), Stream::Known(a)) => {
                Stream::Unknown(e.map(|e| e + a.len() as u64))
            }
            (Stream::Unknown(a), Stream::Unknown(b)) => {
                Stream::Unknown(a.zip(b).map(|(a, b)| a + b))
            }
        }
    }
}

/// What a command did.
pub(crate) struct Outcome {
    pub status: Status,
    pub stdout: Stream,
}

impl Outcome {
    pub(crate) fn ok() -> Outcome {
        Outcome {
            status: Status::Success,
            stdout: Stream::Empty,
        }
    }

    pub(crate) fn output(bytes: Vec<u8>) -> Outcome {
        Outcome {
            status: Status::Success,
            stdout: Stream::Known(bytes),
        }
    }

    pub(crate) fn fail(message: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Failure(message.into()),
            stdout: Stream::Empty,
        }
    }

    pub(crate) fn unknown() -> Outcome {
        Outcome {
            status: Status::Unknown,
            stdout: Stream::Unknown(None),
        }
    }
}

/// One expanded command ready to run.
pub(crate) struct Call {
    pub argv: Vec<String>,
    /// True when an argument's value is not known (a `$(…)`), so the command's effect is not.
    pub unknown_args: Option<String>,
    /// Per element of `argv`: true when its value is not known (kept as written).
    pub unknown_argv: Vec<bool>,
    pub stdin: Stream,
    pub span: Option<Span>,
}

impl Call {
    pub(crate) fn program(&self) -> &str {
        self.argv
            .first()
            .map(|a| a.rsplit('/').next().unwrap_or(a))
            .unwrap_or("")
    }
}

/// The shell's state plus the data the simulation reads and writes.
pub(crate) struct Sim<'i, 't, 'c> {
    pub input: &'i RunInput<'i>,
    pub tree: &'t mut Tree,
    pub catalogs: &'c Catalogs,
    pub cwd: String,
    /// Variables; `None` is a variable whose value is not known (set from `$(…)`).
    pub vars: Vec<(String, Option<String>)>,
    pub errexit: bool,
    pub bash: bool,
    pub status: Status,
    pub effects: Vec<RunEffect>,
    pub notes: Vec<String>,
    pub failure: Option<RunFailure>,
    pub installed: BTreeSet<String>,
    pub uid: u32,
    pub gid: u32,
    pub executed: usize,
    pub nested_shells: usize,
    /// Package lists `apt-get update` added in this RUN or before (paths).
    pub stopped: bool,
    /// The command that ran last (where a failure of the whole RUN points).
    pub last_span: Option<Span>,
    /// Set by a `cd` to a directory that is not known (`cd $(mktemp -d)`): relative paths
    /// are then not known either.
    pub cwd_unknown: bool,
    /// `--mount` targets (cleaned): caches written there are not in the layer.
    pub mounts: Vec<String>,
    /// What is known about each `if` statement so far, by clause id.
    pub if_states: std::collections::HashMap<usize, IfState>,
}

/// The evaluation of one `if` statement.
#[derive(Clone, Debug, Default)]
pub(crate) struct IfState {
    /// The branch that ran.
    taken: Option<usize>,
    /// A condition's outcome was not known: no later branch is applied.
    unknown: bool,
    /// The last condition evaluated and its status.
    last: Option<(usize, Status)>,
}

impl Sim<'_, '_, '_> {
    /// True when `path` (absolute) is under one of the RUN's mounts.
    pub(crate) fn under_mount(&self, path: &str) -> bool {
        let path = crate::fs::path::clean(path);
        self.mounts
            .iter()
            .any(|m| path == *m || path.starts_with(&format!("{}/", m.trim_end_matches('/'))))
    }

    /// `$HOME` (for cache locations).
    pub(crate) fn home(&self) -> String {
        self.var("HOME")
            .cloned()
            .flatten()
            .unwrap_or_else(|| "/root".into())
    }

    pub(crate) fn var(&self, name: &str) -> Option<&Option<String>> {
        self.vars
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    pub(crate) fn set_var(&mut self, name: &str, value: Option<String>) {
        if let Some(slot) = self.vars.iter_mut().find(|(k, _)| k == name) {
            slot.1 = value;
        } else {
            self.vars.push((name.to_string(), value));
        }
    }

    /// An absolute path for `path` relative to the current directory.
    pub(crate) fn abs(&self, path: &str) -> String {
        if path.starts_with('/') {
            crate::fs::path::clean(path)
        } else {
            crate::fs::path::clean(&format!("{}/{}", self.cwd, path))
        }
    }

    /// Metadata of a new file/directory (umask 022, owned by USER, the RUN's mtime).
    pub(crate) fn meta(&self, mode: u32) -> Meta {
        Meta::new(mode, self.uid, self.gid, self.input.mtime)
    }

    pub(crate) fn effect(
        &mut self,
        call: &Call,
        kind: EffectKind,
        certainty: Certainty,
        description: impl Into<String>,
    ) -> &mut RunEffect {
        self.effects.push(RunEffect {
            description: description.into(),
            kind,
            certainty,
            bytes: None,
            removed_bytes: None,
            paths: Vec::new(),
            span_in_script: call.span,
        });
        let last = self.effects.len() - 1;
        &mut self.effects[last]
    }

    pub(crate) fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// Writes `stream` to the file `path` (created or truncated, or appended to).
    pub(crate) fn write_stream(
        &mut self,
        path: &str,
        stream: Stream,
        append: bool,
    ) -> Result<(Certainty, u64), String> {
        if path == "/dev/null" || path == "/dev/stdout" || path == "/dev/stderr" {
            return Ok((Certainty::Exact, 0));
        }
        let abs = self.abs(path);
        let resolved = self.tree.resolve(&abs, true).map_err(|e| e.to_string())?;
        let existing = self.tree.lookup(&resolved).ok().cloned();
        if existing.as_ref().is_some_and(|n| n.is_dir()) {
            return Err(format!("can't create {path}: Is a directory"));
        }
        let parent_missing = self
            .tree
            .lookup(&parent_of(&resolved))
            .map(|n| !n.is_dir())
            .unwrap_or(true);
        if parent_missing {
            if self.input.base_known {
                return Err(format!("can't create {path}: nonexistent directory"));
            }
            // The directory may be in the base image: create it (it is then in the layer too).
            self.tree
                .mkdir_p(&parent_of(&resolved), self.meta(0o755))
                .map_err(|e| e.to_string())?;
        }
        let meta = existing.as_ref().map_or(self.meta(0o644), |n| n.meta);
        let mut content = stream;
        let mut certainty = Certainty::Exact;
        if append {
            let before = match existing.as_ref().and_then(|n| n.content()) {
                Some(Content::Known(bytes)) => Stream::Known(bytes.to_vec()),
                Some(Content::Unknown { estimated_size, .. }) => Stream::Unknown(*estimated_size),
                None if existing.is_none() && !self.input.base_known => {
                    // Appending to a file the base image may have: its bytes are unknown.
                    Stream::Unknown(None)
                }
                None => Stream::Empty,
            };
            let mut joined = before;
            joined.append(content);
            content = joined;
        }
        let (node_content, size) = match content {
            Stream::Empty => (Content::known(Vec::new()), 0),
            Stream::Known(bytes) => {
                let len = bytes.len() as u64;
                (Content::known(bytes), len)
            }
            Stream::Unknown(estimate) => {
                certainty = Certainty::Unknown;
                (
                    Content::Unknown {
                        estimated_size: estimate,
                        origin: std::sync::Arc::from(format!("RUN output to {resolved}")),
                    },
                    estimate.unwrap_or(0),
                )
            }
        };
        self.tree
            .write_file(&resolved, node_content, meta)
            .map_err(|e| e.to_string())?;
        Ok((certainty, size))
    }
}

pub(crate) fn parent_of(path: &str) -> String {
    match path.rsplit_once('/') {
        Some(("", _)) | None => "/".to_string(),
        Some((parent, _)) => parent.to_string(),
    }
}

/// Entry point of [`super::simulate_run`].
pub(crate) fn run(
    input: &RunInput,
    mount_targets: &[String],
    tree: &mut Tree,
    catalogs: &Catalogs,
) -> RunReport {
    let before = tree.clone();
    let mut report = run_shell(input, mount_targets, tree, catalogs);
    // What was written under a mount stays out of the layer.
    for target in mount_targets {
        let target = crate::fs::path::clean(target);
        if target == "/" {
            continue;
        }
        match before.lookup_nofollow(&target) {
            Ok(node) => {
                let _ = tree.insert(&target, node.clone());
            }
            Err(_) => {
                let _ = tree.remove(&target);
            }
        }
        report.notes.push(format!(
            "changes under the mount {target} are not part of the layer"
        ));
    }
    report
}

fn run_shell(
    input: &RunInput,
    mount_targets: &[String],
    tree: &mut Tree,
    catalogs: &Catalogs,
) -> RunReport {
    let mut vars: Vec<(String, Option<String>)> = input
        .env
        .iter()
        .map(|(k, v)| (k.clone(), Some(v.clone())))
        .collect();
    let owner = crate::simulate::owner::resolve(&input.user, tree, input.base_known);
    let (uid, gid) = match &owner {
        Ok(owner) => (owner.uid, owner.gid),
        Err(_) => (0, 0),
    };
    let home = if input.user.is_empty() || input.user == "root" || input.user == "0" {
        "/root".to_string()
    } else {
        passwd_home(tree, &input.user).unwrap_or_else(|| "/".to_string())
    };
    if !vars.iter().any(|(k, _)| k == "HOME") {
        vars.push(("HOME".into(), Some(home)));
    }
    let shell_program = input
        .shell
        .first()
        .map(|s| s.rsplit('/').next().unwrap_or(s).to_string())
        .unwrap_or_else(|| "sh".into());
    let shell_flags: Vec<&str> = input.shell.iter().skip(1).map(String::as_str).collect();
    let errexit = shell_flags
        .iter()
        .any(|f| f.starts_with('-') && !f.starts_with("--") && f.contains('e'));
    let mut sim = Sim {
        input,
        tree,
        catalogs,
        cwd: crate::fs::path::clean(&input.workdir),
        vars,
        errexit,
        bash: shell_program == "bash",
        status: Status::Success,
        effects: Vec::new(),
        notes: Vec::new(),
        failure: None,
        installed: input.installed_packages.clone(),
        uid,
        gid,
        executed: 0,
        nested_shells: 0,
        stopped: false,
        last_span: None,
        cwd_unknown: false,
        if_states: std::collections::HashMap::new(),
        mounts: mount_targets
            .iter()
            .map(|t| crate::fs::path::clean(t))
            .collect(),
    };
    if let Err(error) = &owner {
        sim.note(format!("USER {}: {}", input.user, error.0));
    }
    let mut script_out = None;
    match &input.command {
        RunCommand::Shell(script) => {
            let shell_ok = matches!(
                shell_program.as_str(),
                "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh"
            );
            if !shell_ok {
                sim.effects.push(RunEffect {
                    description: format!(
                        "the script runs in {} (SHELL), which layerlab does not simulate",
                        input.shell.join(" ")
                    ),
                    kind: EffectKind::Unknown,
                    certainty: Certainty::Unknown,
                    bytes: None,
                    removed_bytes: None,
                    paths: Vec::new(),
                    span_in_script: None,
                });
            } else {
                script_out = run_script(&mut sim, script, None);
            }
        }
        RunCommand::Exec(argv) => {
            let call = Call {
                argv: argv.clone(),
                unknown_args: None,
                unknown_argv: Vec::new(),
                stdin: Stream::Empty,
                span: None,
            };
            let outcome = dispatch(&mut sim, call);
            sim.status = outcome.status;
        }
    }
    if sim.failure.is_none() {
        if let Status::Failure(message) = &sim.status {
            sim.failure = Some(RunFailure {
                message: message.clone(),
                span_in_script: sim.last_span,
            });
        }
    }
    let certainty = sim
        .effects
        .iter()
        .fold(Certainty::Exact, |acc, e| acc.combine(e.certainty));
    let installed = sim
        .installed
        .difference(&input.installed_packages)
        .cloned()
        .collect();
    RunReport {
        effects: sim.effects,
        certainty,
        notes: sim.notes,
        failure: sim.failure,
        installed_packages: installed,
        script: script_out,
    }
}

/// Parses and runs a script (the RUN's, or an `sh -c` argument). `span` is where a nested
/// script sits in the outer one (its commands are reported there).
fn run_script(sim: &mut Sim, script: &str, span: Option<Span>) -> Option<shell::Script> {
    let text = script;
    // A heredoc script with a shebang runs with that interpreter.
    if let Some(first) = text.strip_prefix("#!") {
        let line = first.lines().next().unwrap_or("");
        let interpreter = line.split_whitespace().next().unwrap_or("");
        let name = interpreter.rsplit('/').next().unwrap_or("");
        let name = if name == "env" {
            line.split_whitespace().nth(1).unwrap_or("")
        } else {
            name
        };
        if !matches!(name, "sh" | "bash" | "dash" | "ash") {
            sim.effects.push(RunEffect {
                description: format!(
                    "script run by {name}: not simulated, its changes are unknown"
                ),
                kind: EffectKind::Unknown,
                certainty: Certainty::Unknown,
                bytes: None,
                removed_bytes: None,
                paths: Vec::new(),
                span_in_script: span,
            });
            sim.status = Status::Unknown;
            return None;
        }
    }
    match shell::parse_script(text) {
        Ok(parsed) => {
            let commands: Vec<SimpleCommand> = parsed
                .commands()
                .iter()
                .map(|c| {
                    let mut c = c.clone();
                    if let Some(outer) = span {
                        c.span = outer;
                        for word in &mut c.words {
                            word.span = outer;
                        }
                    }
                    c
                })
                .collect();
            run_commands(sim, &commands, 0);
            Some(parsed)
        }
        Err(error) => {
            let at = span.unwrap_or(error.span);
            sim.failure = Some(RunFailure {
                message: format!("/bin/sh: {}", error.message),
                span_in_script: Some(at),
            });
            sim.status = Status::Failure(error.message);
            sim.stopped = true;
            None
        }
    }
}

/// Is the construct one whose commands may run zero or several times?
fn conditional_kind(construct: &Construct) -> Option<&'static str> {
    match construct {
        Construct::LoopCondition | Construct::LoopBody => Some("a while/until loop"),
        Construct::ArithmeticForLoop => Some("a for (( )) loop"),
        Construct::CaseBranch { .. } => Some("a case branch"),
        Construct::FunctionBody { .. } => Some("a function body"),
        Construct::Coprocess => Some("a coprocess"),
        _ => None,
    }
}

/// Runs `commands` whose constructs before `level` are already handled by the caller.
fn run_commands(sim: &mut Sim, commands: &[SimpleCommand], level: usize) {
    let mut index = 0;
    let mut pipe_stdout = Stream::Empty;
    while index < commands.len() && !sim.stopped {
        let command = &commands[index];
        // The first construct from `level` on that needs special handling.
        let special = command
            .context
            .iter()
            .enumerate()
            .skip(level)
            .find(|(_, c)| {
                matches!(
                    c,
                    Construct::Subshell
                        | Construct::CommandSubstitution
                        | Construct::ProcessSubstitution
                        | Construct::ForLoop { .. }
                        | Construct::IfCondition { .. }
                        | Construct::IfBranch { .. }
                ) || conditional_kind(c).is_some()
            });
        if let Some((position, construct)) = special {
            let id = command.context_ids.get(position).copied();
            let end = commands[index..]
                .iter()
                .position(|c| c.context_ids.get(position).copied() != id)
                .map_or(commands.len(), |n| index + n);
            let group = &commands[index..end];
            run_group(sim, construct, position, group);
            index = end;
            continue;
        }
        // An and-or list: skip what the previous status rules out.
        let skip = match command.preceded_by {
            Some(Operator::And) => matches!(sim.status, Status::Failure(_)),
            Some(Operator::Or) => sim.status == Status::Success,
            _ => false,
        };
        let conditional =
            command.preceded_by == Some(Operator::Or) && sim.status == Status::Unknown;
        if skip {
            index += 1;
            continue;
        }
        let stdin = if command.preceded_by == Some(Operator::Pipe)
            || command.preceded_by == Some(Operator::PipeAll)
        {
            std::mem::replace(&mut pipe_stdout, Stream::Empty)
        } else {
            Stream::Empty
        };
        let outcome = if conditional && !is_harmless(command) {
            let call = Call {
                argv: Vec::new(),
                unknown_args: None,
                unknown_argv: Vec::new(),
                stdin: Stream::Empty,
                span: Some(command.span),
            };
            let text = describe(command);
            sim.effect(
                &call,
                EffectKind::Unknown,
                Certainty::Unknown,
                format!("{text}: runs only if the command before `||` fails, which is not known"),
            );
            Outcome::unknown()
        } else {
            run_simple(sim, command, stdin)
        };
        let in_pipe = matches!(
            command.followed_by,
            Some(Operator::Pipe) | Some(Operator::PipeAll)
        );
        if in_pipe {
            pipe_stdout = outcome.stdout;
        }
        sim.status = outcome.status;
        // `set -e` (and the end of an && chain) stops the script at a failure.
        if let Status::Failure(message) = &sim.status {
            let ends_chain = !matches!(
                command.followed_by,
                Some(Operator::And)
                    | Some(Operator::Or)
                    | Some(Operator::Pipe)
                    | Some(Operator::PipeAll)
            );
            let in_condition = command
                .context
                .iter()
                .any(|c| matches!(c, Construct::IfCondition { .. } | Construct::LoopCondition));
            let checked = !in_pipe && !in_condition;
            if sim.errexit && ends_chain && checked && command.preceded_by != Some(Operator::Or) {
                sim.failure = Some(RunFailure {
                    message: message.clone(),
                    span_in_script: Some(command.span),
                });
                sim.stopped = true;
            }
        }
        index += 1;
    }
}

/// Commands whose conditional execution does not matter (`|| true`, `|| :`, `|| exit 1`).
fn is_harmless(command: &SimpleCommand) -> bool {
    matches!(
        command.program().as_deref(),
        Some("true" | ":" | "exit" | "echo" | "printf" | "false" | "return")
    ) && command.redirections.is_empty()
}

fn describe(command: &SimpleCommand) -> String {
    let text: Vec<String> = command.words.iter().map(|w| w.raw.clone()).collect();
    let mut text = text.join(" ");
    if text.chars().count() > 80 {
        text = text.chars().take(77).collect::<String>() + "...";
    }
    text
}

/// Runs a group of commands sharing a subshell, a loop or a conditional construct.
fn run_group(sim: &mut Sim, construct: &Construct, position: usize, group: &[SimpleCommand]) {
    match construct {
        Construct::Subshell | Construct::CommandSubstitution | Construct::ProcessSubstitution => {
            let saved = (
                sim.cwd.clone(),
                sim.vars.clone(),
                sim.errexit,
                sim.cwd_unknown,
            );
            run_commands(sim, group, position + 1);
            let status = sim.status.clone();
            (sim.cwd, sim.vars, sim.errexit, sim.cwd_unknown) = saved;
            sim.status = status;
        }
        Construct::IfCondition { clause, branch } => {
            let state = sim.if_states.entry(*clause).or_default().clone();
            if state.taken.is_some() || state.unknown {
                // An earlier branch ran, or which one did is not known: not evaluated.
                return;
            }
            run_commands(sim, group, position + 1);
            let status = sim.status.clone();
            // The `if` itself succeeds when no branch runs.
            sim.status = if status == Status::Unknown {
                Status::Unknown
            } else {
                Status::Success
            };
            sim.if_states.entry(*clause).or_default().last = Some((*branch, status));
        }
        Construct::IfBranch {
            clause,
            branch,
            is_else,
        } => {
            let state = sim.if_states.get(clause).cloned().unwrap_or_default();
            if state.taken.is_some() {
                return;
            }
            let decision = if state.unknown {
                None
            } else if *is_else {
                match &state.last {
                    Some((_, Status::Failure(_))) => Some(true),
                    Some((_, Status::Success)) => Some(false),
                    _ => None,
                }
            } else {
                match &state.last {
                    Some((b, Status::Success)) if b == branch => Some(true),
                    Some((b, Status::Failure(_))) if b == branch => Some(false),
                    _ => None,
                }
            };
            match decision {
                Some(true) => {
                    sim.if_states.entry(*clause).or_default().taken = Some(*branch);
                    run_commands(sim, group, position + 1);
                }
                Some(false) => {}
                None => {
                    sim.if_states.entry(*clause).or_default().unknown = true;
                    report_unapplied(sim, group, "an if/else branch whose condition is not known");
                }
            }
        }
        Construct::ForLoop { variable, values } => {
            let words: Vec<_> = match values {
                Some(values) => values.clone(),
                None => Vec::new(),
            };
            let mut items = Vec::new();
            let mut unknown = values.is_none();
            for word in &words {
                match expand::expand_word(sim, word) {
                    Expansion::Fields(fields) => items.extend(fields),
                    Expansion::Unknown(_) => unknown = true,
                }
            }
            if unknown {
                report_unapplied(sim, group, "a for loop over values that are not known");
                return;
            }
            for item in items {
                if sim.stopped {
                    break;
                }
                sim.set_var(variable, Some(item));
                run_commands(sim, group, position + 1);
            }
        }
        other => {
            let what = conditional_kind(other).unwrap_or("a conditional construct");
            report_unapplied(sim, group, what);
        }
    }
}

fn report_unapplied(sim: &mut Sim, group: &[SimpleCommand], what: &str) {
    for command in group {
        if is_harmless(command) || command.words.is_empty() && command.redirections.is_empty() {
            continue;
        }
        let call = Call {
            argv: Vec::new(),
            unknown_args: None,
            unknown_argv: Vec::new(),
            stdin: Stream::Empty,
            span: Some(command.span),
        };
        let text = describe(command);
        sim.effect(
            &call,
            EffectKind::Unknown,
            Certainty::Unknown,
            format!(
                "{text}: inside {what}, not simulated (whether and how often it runs is not known)"
            ),
        );
    }
    sim.status = Status::Unknown;
}

/// Expands and runs one simple command with its assignments and redirections.
fn run_simple(sim: &mut Sim, command: &SimpleCommand, stdin: Stream) -> Outcome {
    sim.executed += 1;
    sim.last_span = Some(command.span);
    if sim.executed > MAX_COMMANDS {
        if sim.executed == MAX_COMMANDS + 1 {
            sim.note(format!("simulation stopped after {MAX_COMMANDS} commands"));
        }
        sim.stopped = true;
        return Outcome::unknown();
    }
    // Assignments: alone they set shell variables; before a command, only its environment.
    let mut assigned = Vec::new();
    for assignment in &command.assignments {
        let value = expand::expand_word_single(sim, &assignment.value);
        assigned.push((assignment.name.clone(), value));
    }
    if command.words.is_empty() {
        for (name, value) in assigned {
            sim.set_var(&name, value);
        }
        // `> file` alone truncates/creates the file.
        let mut outcome = Outcome::ok();
        apply_redirections(sim, command, &mut outcome, &Stream::Empty);
        return outcome;
    }
    let saved_vars = if assigned.is_empty() {
        None
    } else {
        let saved = sim.vars.clone();
        for (name, value) in assigned {
            sim.set_var(&name, value);
        }
        Some(saved)
    };
    let mut argv = Vec::new();
    let mut unknown_argv = Vec::new();
    let mut unknown_args = None;
    for word in &command.words {
        match expand::expand_word(sim, word) {
            Expansion::Fields(fields) => {
                unknown_argv.extend(fields.iter().map(|_| false));
                argv.extend(fields);
            }
            Expansion::Unknown(reason) => {
                unknown_args.get_or_insert(reason);
                argv.push(word.raw.clone());
                unknown_argv.push(true);
            }
        }
    }
    // stdin from a heredoc, here-string or `< file`.
    let mut input = stdin;
    for redirection in &command.redirections {
        match &redirection.kind {
            RedirectionKind::Heredoc(heredoc) if redirection.fd.is_none_or(|fd| fd == 0) => {
                input = if heredoc.expand {
                    match heredoc
                        .parts
                        .as_ref()
                        .map(|w| expand::expand_heredoc(sim, w))
                    {
                        Some(Some(text)) => Stream::Known(text.into_bytes()),
                        Some(None) => Stream::Unknown(Some(heredoc.body.len() as u64)),
                        None => Stream::Known(heredoc.body.clone().into_bytes()),
                    }
                } else {
                    Stream::Known(heredoc.body.clone().into_bytes())
                };
            }
            RedirectionKind::HereString { word } => {
                input = match expand::expand_word_single(sim, word) {
                    Some(text) => Stream::Known(format!("{text}\n").into_bytes()),
                    None => Stream::Unknown(None),
                };
            }
            RedirectionKind::Read { target } if redirection.fd.is_none_or(|fd| fd == 0) => {
                input = match expand::expand_word_single(sim, target) {
                    Some(path) => files::read_stream(sim, &path),
                    None => Stream::Unknown(None),
                };
            }
            _ => {}
        }
    }
    let call = Call {
        argv,
        unknown_args,
        unknown_argv,
        stdin: input,
        span: Some(command.span),
    };
    let stdin_copy = call.stdin.clone();
    let mut outcome = dispatch(sim, call);
    apply_redirections(sim, command, &mut outcome, &stdin_copy);
    if let Some(saved) = saved_vars {
        // `export`/`cd` results survive; the prefix assignments do not.
        let exported: Vec<_> = sim.vars.clone();
        sim.vars = saved;
        for (k, v) in exported {
            if !command.assignments.iter().any(|a| a.name == k) {
                sim.set_var(&k, v);
            }
        }
    }
    outcome
}

/// Applies `>`, `>>`, `&>` to the command's stdout.
fn apply_redirections(
    sim: &mut Sim,
    command: &SimpleCommand,
    outcome: &mut Outcome,
    _stdin: &Stream,
) {
    for redirection in &command.redirections {
        let (target, append, stdout) = match &redirection.kind {
            RedirectionKind::Write { target } | RedirectionKind::ReadWrite { target } => {
                (target, false, redirection.fd.is_none_or(|fd| fd == 1))
            }
            RedirectionKind::Append { target } => {
                (target, true, redirection.fd.is_none_or(|fd| fd == 1))
            }
            RedirectionKind::OutputAndError { target, append } => (target, *append, true),
            _ => continue,
        };
        let call = Call {
            argv: Vec::new(),
            unknown_args: None,
            unknown_argv: Vec::new(),
            stdin: Stream::Empty,
            span: Some(redirection.span),
        };
        let Some(path) = expand::expand_word_single(sim, target) else {
            sim.effect(
                &call,
                EffectKind::Unknown,
                Certainty::Unknown,
                format!("output to {}: the file name is not known", target.raw),
            );
            continue;
        };
        if sim.cwd_unknown && !path.starts_with('/') {
            sim.effect(
                &call,
                EffectKind::Unknown,
                Certainty::Unknown,
                format!("output to {path}: the working directory is not known"),
            );
            continue;
        }
        if path == "/dev/null" || path == "/dev/stdout" || path == "/dev/stderr" {
            if stdout {
                outcome.stdout = Stream::Empty;
            }
            continue;
        }
        // Only stdout goes to the file for `>`; `2>` writes the (unknown) stderr.
        let data = if stdout {
            std::mem::replace(&mut outcome.stdout, Stream::Empty)
        } else if matches!(outcome.status, Status::Success) {
            Stream::Empty
        } else {
            Stream::Unknown(None)
        };
        match sim.write_stream(&path, data, append) {
            Ok((certainty, size)) => {
                let abs = sim.abs(&path);
                let verb = if append { "append to" } else { "write" };
                let effect =
                    sim.effect(&call, EffectKind::Write, certainty, format!("{verb} {abs}"));
                effect.bytes = Some(size);
                effect.paths.push(abs);
                if certainty != Certainty::Exact {
                    effect.bytes = None;
                }
            }
            Err(message) => {
                outcome.status = Status::Failure(format!("/bin/sh: {message}"));
            }
        }
    }
}

/// Runs one expanded command.
pub(crate) fn dispatch(sim: &mut Sim, mut call: Call) -> Outcome {
    // Wrappers that run their arguments as a command.
    loop {
        match call.program() {
            "sudo" | "nohup" | "time" | "exec" | "command" | "builtin" | "nice" | "stdbuf"
            | "eatmydata" | "gosu" | "su-exec" => {
                let skip_values: &[&str] = match call.program() {
                    "sudo" => &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"],
                    "nice" => &["-n"],
                    _ => &[],
                };
                let is_su = matches!(call.program(), "gosu" | "su-exec");
                let mut rest: Vec<String> = call.argv.iter().skip(1).cloned().collect();
                if call.program() == "command"
                    && rest.first().is_some_and(|a| a == "-v" || a == "-V")
                {
                    return Outcome::unknown();
                }
                if is_su && !rest.is_empty() {
                    rest.remove(0);
                }
                while let Some(first) = rest.first() {
                    if first == "--" {
                        rest.remove(0);
                        break;
                    }
                    if !first.starts_with('-') {
                        break;
                    }
                    let takes_value = skip_values.contains(&first.as_str());
                    rest.remove(0);
                    if takes_value && !rest.is_empty() {
                        rest.remove(0);
                    }
                }
                if rest.is_empty() {
                    return Outcome::ok();
                }
                let dropped = call.argv.len() - rest.len();
                call.unknown_argv = call.unknown_argv.iter().skip(dropped).copied().collect();
                call.argv = rest;
            }
            "env" => {
                let mut rest: Vec<String> = call.argv.iter().skip(1).cloned().collect();
                let mut assignments = Vec::new();
                while let Some(first) = rest.first() {
                    if first.starts_with('-') {
                        rest.remove(0);
                    } else if let Some((k, v)) = first.split_once('=') {
                        assignments.push((k.to_string(), v.to_string()));
                        rest.remove(0);
                    } else {
                        break;
                    }
                }
                if rest.is_empty() {
                    return Outcome::unknown();
                }
                let saved = sim.vars.clone();
                for (k, v) in assignments {
                    sim.set_var(&k, Some(v));
                }
                let dropped = call.argv.len() - rest.len();
                call.unknown_argv = call.unknown_argv.iter().skip(dropped).copied().collect();
                call.argv = rest;
                let outcome = dispatch(sim, call);
                sim.vars = saved;
                return outcome;
            }
            _ => break,
        }
    }
    if let Some(reason) = call.unknown_args.clone() {
        if matches!(call.program(), "echo" | "printf") {
            // Output whose bytes are not known (a redirection records the unknown file).
            return Outcome {
                status: Status::Success,
                stdout: Stream::Unknown(None),
            };
        }
        if call.program() == "cd" {
            sim.cwd_unknown = true;
        }
        if !matches!(
            call.program(),
            "true" | ":" | "test" | "[" | "export" | "set"
        ) {
            let text = call.argv.join(" ");
            sim.effect(
                &call,
                EffectKind::Unknown,
                Certainty::Unknown,
                format!("{}: {reason}", truncate(&text)),
            );
            return Outcome::unknown();
        }
    }
    let program = call.program().to_string();
    if sim.cwd_unknown && writes_relative(&program, &call.argv) {
        let text = truncate(&call.argv.join(" "));
        sim.effect(
            &call,
            EffectKind::Unknown,
            Certainty::Unknown,
            format!("{text}: relative paths in a working directory that is not known"),
        );
        return Outcome::unknown();
    }
    match program.as_str() {
        "" => Outcome::ok(),
        "true" | ":" => Outcome::ok(),
        "false" => Outcome::fail("false"),
        "exit" => {
            let code = call
                .argv
                .get(1)
                .and_then(|c| c.parse::<i32>().ok())
                .unwrap_or(0);
            sim.stopped = true;
            if code == 0 {
                Outcome::ok()
            } else {
                Outcome::fail(format!("exit {code}"))
            }
        }
        "cd" => builtin_cd(sim, &call),
        "export" | "readonly" | "local" | "declare" | "typeset" => {
            for (index, arg) in call.argv.iter().enumerate().skip(1) {
                if let Some((k, v)) = arg.split_once('=') {
                    let known = !call.unknown_argv.get(index).copied().unwrap_or(false);
                    sim.set_var(k, known.then(|| v.to_string()));
                }
            }
            Outcome::ok()
        }
        "unset" => {
            for arg in call.argv.iter().skip(1).filter(|a| !a.starts_with('-')) {
                sim.vars.retain(|(k, _)| k != arg);
            }
            Outcome::ok()
        }
        "set" => {
            let mut args = call.argv.iter().skip(1).peekable();
            while let Some(arg) = args.next() {
                if arg == "-o" || arg == "+o" {
                    let _ = args.next();
                } else if let Some(flags) = arg.strip_prefix('-') {
                    if flags.contains('e') {
                        sim.errexit = true;
                    }
                } else if let Some(flags) = arg.strip_prefix('+') {
                    if flags.contains('e') {
                        sim.errexit = false;
                    }
                }
            }
            Outcome::ok()
        }
        "sh" | "bash" | "dash" | "ash" => nested_shell(sim, &call),
        "echo" | "printf" | "cat" | "tee" | "mkdir" | "touch" | "rm" | "rmdir" | "cp" | "mv"
        | "ln" | "chmod" | "chown" | "chgrp" | "install" => files::run(sim, &call),
        "tar" => archive::run(sim, &call),
        "useradd" | "adduser" | "groupadd" | "addgroup" => users::run(sim, &call),
        "apt-get" | "apt" | "apk" | "pip" | "pip3" | "npm" | "yarn" | "curl" | "wget" | "dpkg" => {
            packages::run(sim, &call)
        }
        "test" | "[" | "[[" => test_command(sim, &call),
        "pwd" => Outcome::output(format!("{}\n", sim.cwd).into_bytes()),
        "sleep" | "ls" | "which" | "id" | "whoami" | "uname" | "env" | "printenv" | "grep"
        | "head" | "tail" | "wc" | "sort" | "uniq" | "cut" | "tr" | "sed" | "awk" | "find"
        | "stat" | "du" | "df" | "date" | "sha256sum" | "md5sum" | "hostname" | "nproc"
        | "getent" | "type" | "hash" | "dpkg-query" | "apt-cache" | "lsb_release" => {
            // Read-only commands: no filesystem change, output not computed (sed -i and
            // find -delete/-exec change files: those are not read-only).
            let writes = match program.as_str() {
                "sed" => call
                    .argv
                    .iter()
                    .skip(1)
                    .any(|a| a.starts_with("-i") || a == "--in-place"),
                "find" => call
                    .argv
                    .iter()
                    .any(|a| a == "-delete" || a == "-exec" || a == "-execdir"),
                _ => false,
            };
            if writes {
                unknown_command(sim, &call)
            } else {
                let effect = sim.effect(
                    &call,
                    EffectKind::None,
                    Certainty::Exact,
                    format!("{program}: no file change"),
                );
                effect.bytes = Some(0);
                Outcome {
                    status: Status::Unknown,
                    stdout: Stream::Unknown(None),
                }
            }
        }
        _ => unknown_command(sim, &call),
    }
}

/// A file-changing command with a relative path operand.
fn writes_relative(program: &str, argv: &[String]) -> bool {
    matches!(
        program,
        "mkdir"
            | "touch"
            | "rm"
            | "rmdir"
            | "cp"
            | "mv"
            | "ln"
            | "chmod"
            | "chown"
            | "chgrp"
            | "install"
            | "tee"
            | "tar"
            | "curl"
            | "wget"
    ) && argv
        .iter()
        .skip(1)
        .any(|a| !a.starts_with('-') && !a.starts_with('/') && !a.contains("://"))
}

pub(crate) fn truncate(text: &str) -> String {
    if text.chars().count() > 80 {
        text.chars().take(77).collect::<String>() + "..."
    } else {
        text.to_string()
    }
}

pub(crate) fn unknown_command(sim: &mut Sim, call: &Call) -> Outcome {
    let text = truncate(&call.argv.join(" "));
    let program = call.program().to_string();
    sim.effect(
        call,
        EffectKind::Unknown,
        Certainty::Unknown,
        format!("{text}: `{program}` is not simulated; its file changes are unknown"),
    );
    Outcome::unknown()
}

fn builtin_cd(sim: &mut Sim, call: &Call) -> Outcome {
    let target = match call.argv.get(1).map(String::as_str) {
        None | Some("~") => sim
            .var("HOME")
            .cloned()
            .flatten()
            .unwrap_or_else(|| "/root".into()),
        Some("-") => return Outcome::ok(),
        Some(dir) => dir.to_string(),
    };
    let abs = sim.abs(&target);
    match sim.tree.lookup(&abs) {
        Ok(node) if node.is_dir() => {}
        Ok(_) => return Outcome::fail(format!("cd: can't cd to {target}: Not a directory")),
        Err(_) if sim.input.base_known => {
            return Outcome::fail(format!(
                "cd: can't cd to {target}: No such file or directory"
            ))
        }
        Err(_) => {}
    }
    if !target.starts_with('/') && sim.cwd_unknown {
        return Outcome::unknown();
    }
    sim.cwd_unknown = false;
    sim.cwd = sim.tree.resolve(&abs, true).unwrap_or(abs);
    sim.set_var("PWD", Some(sim.cwd.clone()));
    let effect = sim.effect(
        call,
        EffectKind::None,
        Certainty::Exact,
        format!("cd {}", sim.cwd),
    );
    effect.bytes = Some(0);
    Outcome::ok()
}

fn nested_shell(sim: &mut Sim, call: &Call) -> Outcome {
    let mut args = call.argv.iter().skip(1);
    let mut script = None;
    let mut errexit = false;
    while let Some(arg) = args.next() {
        if arg == "-c" || (arg.starts_with('-') && !arg.starts_with("--") && arg.contains('c')) {
            errexit |= arg.contains('e');
            script = args.next().cloned();
            break;
        }
        if arg == "-o" {
            let _ = args.next();
            continue;
        }
        if arg.starts_with('-') {
            errexit |= arg.contains('e') && !arg.starts_with("--");
            continue;
        }
        // `sh script.sh`: a script file.
        return unknown_command(sim, call);
    }
    let Some(script) = script else {
        // `sh` reading its script from stdin (`curl … | sh`).
        return unknown_command(sim, call);
    };
    if sim.nested_shells >= MAX_NESTED_SHELLS {
        return unknown_command(sim, call);
    }
    sim.nested_shells += 1;
    let saved = (sim.cwd.clone(), sim.vars.clone(), sim.errexit, sim.stopped);
    sim.errexit = errexit;
    let _ = run_script(sim, &script, call.span);
    let status = sim.status.clone();
    let failure_here = sim.stopped && !saved.3;
    (sim.cwd, sim.vars, sim.errexit, sim.stopped) = saved;
    if failure_here {
        // The inner shell stopped (exit/set -e); the outer one continues with its status.
        sim.failure = None;
    }
    sim.nested_shells -= 1;
    Outcome {
        status,
        stdout: Stream::Unknown(None),
    }
}

/// `test`/`[`: file tests against the tree when the answer is certain.
fn test_command(sim: &mut Sim, call: &Call) -> Outcome {
    let mut args: Vec<&str> = call.argv.iter().skip(1).map(String::as_str).collect();
    if matches!(call.program(), "[" | "[[") {
        args.pop();
    }
    let negate = args.first() == Some(&"!");
    if negate {
        args.remove(0);
    }
    let result = match args.as_slice() {
        [op @ ("-e" | "-f" | "-d" | "-L" | "-h" | "-s"), path] => {
            let abs = sim.abs(path);
            let node = if matches!(*op, "-L" | "-h") {
                sim.tree.lookup_nofollow(&abs).ok()
            } else {
                sim.tree.lookup(&abs).ok()
            };
            match node {
                None if !sim.input.base_known => None,
                None => Some(false),
                Some(node) => Some(match *op {
                    "-e" => true,
                    "-f" => node.content().is_some(),
                    "-d" => node.is_dir(),
                    "-s" => node.content().and_then(|c| c.size()).is_some_and(|s| s > 0),
                    _ => matches!(node.kind, crate::fs::NodeKind::Symlink(_)),
                }),
            }
        }
        [op @ ("-z" | "-n"), value] => Some((*op == "-z") == value.is_empty()),
        [a, "=" | "==", b] => Some(a == b),
        [a, "!=", b] => Some(a != b),
        _ => None,
    };
    match result {
        Some(value) if value != negate => Outcome::ok(),
        Some(_) => Outcome::fail("test is false"),
        None => Outcome {
            status: Status::Unknown,
            stdout: Stream::Empty,
        },
    }
}

/// The home directory of `user` in the tree's `/etc/passwd`.
fn passwd_home(tree: &Tree, user: &str) -> Option<String> {
    let name = user.split(':').next().unwrap_or(user);
    let bytes = tree
        .lookup("/etc/passwd")
        .ok()?
        .content()?
        .bytes()?
        .to_vec();
    let text = String::from_utf8(bytes).ok()?;
    text.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() >= 6 && (fields[0] == name || fields[2] == name))
            .then(|| fields[5].to_string())
    })
}

use super::{archive, files, packages, users};
