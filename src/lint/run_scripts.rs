//! The RUN instructions' shell scripts, parsed once per lint run with the shared shell
//! parser ([`crate::shell`]) and seen the way hadolint sees them: a flat list of commands,
//! each with its name and arguments after quote removal and its flags split out
//! (`--foo=bar` → `foo`, `-abc` → `a`, `b`, `c`), as `Hadolint.Shell` builds them.
//!
//! A parsed script depends only on its text, so scripts parsed by recent lint runs on the
//! thread are reused ([`ScriptCache`]): the playground re-lints the whole Dockerfile at every
//! typing pause, and in a long Dockerfile every RUN but the edited one is unchanged.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::shell::{parse_script, Construct, Script, SimpleCommand, WordPart};
use crate::syntax::{Instruction, Keyword};

/// One command as hadolint's rules see it.
#[derive(Clone, Debug)]
pub struct HCommand {
    /// The command word as written after quote removal (`/usr/bin/apt-get` stays so, as
    /// ShellCheck's `getCommandName` keeps it).
    pub name: String,
    /// The arguments after quote removal (`oversimplify`: an expansion is kept as `${NAME}`).
    pub args: Vec<String>,
    /// (flag, index of the argument it came from).
    pub flags: Vec<(String, usize)>,
    /// The parsed command (spans, operators, context).
    pub command: SimpleCommand,
}

impl HCommand {
    fn new(command: &SimpleCommand) -> Option<HCommand> {
        let name = command.words.first().map(oversimplify)?;
        let args: Vec<String> = command.args().iter().map(oversimplify).collect();
        let mut flags = Vec::new();
        for (i, arg) in args.iter().enumerate() {
            if arg == "--" || arg == "-" {
                continue;
            }
            if let Some(long) = arg.strip_prefix("--") {
                flags.push((long.split('=').next().unwrap_or("").to_string(), i));
            } else if let Some(short) = arg.strip_prefix('-') {
                flags.extend(short.chars().map(|c| (c.to_string(), i)));
            }
        }
        Some(HCommand {
            name,
            args,
            flags,
            command: command.clone(),
        })
    }

    /// `cmdHasArgs`: named `name` with one of `args` among its arguments.
    pub fn has_args(&self, name: &str, args: &[&str]) -> bool {
        self.name == name && self.args.iter().any(|a| args.contains(&a.as_str()))
    }

    /// `cmdHasPrefixArg`.
    pub fn has_prefix_arg(&self, name: &str, prefix: &str) -> bool {
        self.name == name && self.args.iter().any(|a| a.starts_with(prefix))
    }

    pub fn has_arg(&self, arg: &str) -> bool {
        self.args.iter().any(|a| a == arg)
    }

    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|(f, _)| f == flag)
    }

    pub fn has_any_flag(&self, flags: &[&str]) -> bool {
        self.flags.iter().any(|(f, _)| flags.contains(&f.as_str()))
    }

    /// `getArgsNoFlags`: the arguments that are not flags.
    pub fn args_no_flags(&self) -> Vec<&str> {
        self.args
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.flags.iter().any(|(_, fi)| fi == i))
            .map(|(_, a)| a.as_str())
            .collect()
    }

    /// `dropFlagArg`: removes the argument right after each of `flags` (its value).
    pub fn drop_flag_arg(&self, flags: &[&str]) -> HCommand {
        let drop: Vec<usize> = self
            .flags
            .iter()
            .filter(|(f, _)| flags.contains(&f.as_str()))
            .map(|(_, i)| i + 1)
            .collect();
        let mut out = self.clone();
        let keep: Vec<usize> = (0..self.args.len()).filter(|i| !drop.contains(i)).collect();
        out.args = keep.iter().map(|&i| self.args[i].clone()).collect();
        out.flags = self
            .flags
            .iter()
            .filter_map(|(f, i)| keep.iter().position(|k| k == i).map(|p| (f.clone(), p)))
            .collect();
        out
    }
}

/// ShellCheck's `oversimplify` of a word: literal text, expansions as `${NAME}`/`$(...)`.
fn oversimplify(word: &crate::shell::Word) -> String {
    let mut out = String::new();
    for part in &word.parts {
        match part {
            WordPart::Literal { text, .. } => out.push_str(text),
            WordPart::Parameter { name, .. } => {
                out.push_str("${");
                out.push_str(name);
                out.push('}');
            }
            WordPart::CommandSubstitution { script, .. } => {
                out.push_str("$(");
                out.push_str(script);
                out.push(')');
            }
            WordPart::Arithmetic { expression, .. } => {
                out.push_str("$((");
                out.push_str(expression);
                out.push_str("))");
            }
            WordPart::Tilde { user } => {
                out.push('~');
                out.push_str(user.as_deref().unwrap_or(""));
            }
        }
    }
    out
}

/// A RUN's script as hadolint sees it.
#[derive(Clone, Debug, Default)]
pub struct ParsedRun {
    /// The script text (shell form; exec form joined with spaces; a bare `<<EOF` heredoc's
    /// body, or the line followed by its heredoc bodies and terminators).
    pub text: String,
    /// `None` when the shell parser rejects the script (hadolint then sees no commands).
    pub script: Option<Script>,
    pub commands: Vec<HCommand>,
}

impl ParsedRun {
    /// Parses the script of a RUN instruction.
    pub fn of(inst: &Instruction) -> ParsedRun {
        ParsedRun::parse(script_text(inst))
    }

    /// Parses a script text.
    fn parse(text: String) -> ParsedRun {
        let script = parse_script(&text).ok();
        let commands = script
            .as_ref()
            .map(|s| {
                s.commands()
                    .iter()
                    // ShellCheck parses `[ … ]` as a condition, not a command.
                    .filter(|c| c.name().as_deref() != Some("["))
                    .filter_map(HCommand::new)
                    .collect()
            })
            .unwrap_or_default();
        ParsedRun {
            text,
            script,
            commands,
        }
    }

    /// Any command in a pipeline of two or more (`hasPipes`).
    pub fn has_pipes(&self) -> bool {
        self.commands.iter().any(|c| {
            c.command
                .context
                .iter()
                .any(|k| matches!(k, Construct::Pipeline { .. }))
        })
    }

    pub fn any(&self, f: impl Fn(&HCommand) -> bool) -> bool {
        self.commands.iter().any(f)
    }
}

/// The text hadolint parses for a RUN: shell form as written, exec form joined with spaces, a
/// bare `<<EOF` heredoc's body, or the line followed by its heredoc bodies and terminators.
fn script_text(inst: &Instruction) -> String {
    let mut text = if inst.json {
        inst.args
            .iter()
            .map(|w| w.value.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        inst.rest.to_string()
    };
    if !inst.json && !inst.heredocs.is_empty() {
        if text.trim_start().starts_with("<<") && inst.heredocs.len() == 1 {
            // `RUN <<EOF`: the heredoc is the script.
            text = inst.heredocs[0].content.to_string();
        } else {
            // `RUN cmd <<EOF`: the shell reads the bodies after the line.
            for h in &inst.heredocs {
                text.push('\n');
                text.push_str(&h.content);
                if !h.content.ends_with('\n') && !h.content.is_empty() {
                    text.push('\n');
                }
                text.push_str(&h.name);
            }
        }
    }
    text
}

/// Parsed scripts of every RUN (top level and ONBUILD RUN), by instruction index.
#[derive(Default)]
pub struct RunScripts {
    plain: Vec<Option<Rc<ParsedRun>>>,
    onbuild: Vec<Option<Rc<ParsedRun>>>,
}

impl RunScripts {
    /// Parses the scripts, reusing those of the previous lint run on this thread.
    pub fn parse(instructions: &[Instruction]) -> RunScripts {
        SCRIPT_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            cache.next_generation();
            let plain = instructions
                .iter()
                .map(|i| (i.kind == Keyword::Run).then(|| cache.get(script_text(i))))
                .collect();
            let onbuild = instructions
                .iter()
                .map(|i| {
                    i.onbuild
                        .as_deref()
                        .filter(|t| t.kind == Keyword::Run)
                        .map(|t| cache.get(script_text(t)))
                })
                .collect();
            RunScripts { plain, onbuild }
        })
    }

    /// The script of instruction `index` (or of its ONBUILD trigger).
    pub fn get(&self, index: usize, onbuild: bool) -> Option<&ParsedRun> {
        let list = if onbuild { &self.onbuild } else { &self.plain };
        list.get(index).and_then(Option::as_deref)
    }
}

thread_local! {
    static SCRIPT_CACHE: RefCell<ScriptCache> = RefCell::default();
}

/// Lint runs a parsed script stays cached after its last use: the playground lints the text
/// and, in between, other Dockerfiles (the advisor's variants, the terminal's builds).
const KEEP_RUNS: u64 = 8;
/// Scripts kept at most; past this, those not used by the last [`KEEP_RUNS`] runs are dropped.
const MAX_SCRIPTS: usize = 20_000;

/// Parsed scripts by text, with the lint run that last used each.
#[derive(Default)]
struct ScriptCache {
    scripts: HashMap<String, (Rc<ParsedRun>, u64)>,
    run: u64,
}

impl ScriptCache {
    /// Starts a lint run, dropping old entries when the cache is full.
    fn next_generation(&mut self) {
        self.run += 1;
        if self.scripts.len() > MAX_SCRIPTS {
            let run = self.run;
            self.scripts.retain(|_, (_, used)| *used + KEEP_RUNS > run);
            if self.scripts.len() > MAX_SCRIPTS {
                self.scripts.clear();
            }
        }
    }

    fn get(&mut self, text: String) -> Rc<ParsedRun> {
        let run = self.run;
        if let Some((hit, used)) = self.scripts.get_mut(&text) {
            *used = run;
            return hit.clone();
        }
        let parsed = Rc::new(ParsedRun::parse(text.clone()));
        self.scripts.insert(text, (parsed.clone(), run));
        parsed
    }
}

#[cfg(test)]
mod cache_tests {
    use super::*;
    use crate::syntax;

    fn scripts(text: &str) -> RunScripts {
        RunScripts::parse(&syntax::parse(text).dockerfile.instructions)
    }

    #[test]
    fn unchanged_scripts_are_reused_and_edited_ones_reparsed() {
        let first = scripts("FROM a\nRUN apt-get update\nRUN echo hi | tee x\n");
        let second = scripts("FROM a\nRUN apt-get update\n\nRUN echo ho | tee x\n");
        let (Some(a1), Some(a2)) = (first.plain[1].as_ref(), second.plain[1].as_ref()) else {
            panic!("RUN scripts missing");
        };
        assert!(Rc::ptr_eq(a1, a2), "the unchanged RUN is parsed once");
        let edited = second.get(2, false).map(|r| r.commands[0].args.clone());
        assert_eq!(edited, Some(vec!["ho".to_string()]));
        assert!(second.get(2, false).is_some_and(ParsedRun::has_pipes));
        // Another Dockerfile linted in between does not evict them.
        let _other = scripts("FROM b\nRUN make\n");
        let third = scripts("FROM a\nRUN apt-get update\n");
        let Some(a3) = third.plain[1].as_ref() else {
            panic!("RUN script missing");
        };
        assert!(Rc::ptr_eq(a1, a3));
        assert_eq!(a3.commands[0].name, "apt-get");
    }
}
