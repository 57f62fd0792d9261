//! The RUN instructions' shell scripts, parsed once per lint run with the shared shell
//! parser ([`crate::shell`]) and seen the way hadolint sees them: a flat list of commands,
//! each with its name and arguments after quote removal and its flags split out
//! (`--foo=bar` → `foo`, `-abc` → `a`, `b`, `c`), as `Hadolint.Shell` builds them.

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

/// Parsed scripts of every RUN (top level and ONBUILD RUN), by instruction index.
#[derive(Default)]
pub struct RunScripts {
    plain: Vec<Option<ParsedRun>>,
    onbuild: Vec<Option<ParsedRun>>,
}

impl RunScripts {
    pub fn parse(instructions: &[Instruction]) -> RunScripts {
        let plain = instructions
            .iter()
            .map(|i| (i.kind == Keyword::Run).then(|| ParsedRun::of(i)))
            .collect();
        let onbuild = instructions
            .iter()
            .map(|i| {
                i.onbuild
                    .as_deref()
                    .filter(|t| t.kind == Keyword::Run)
                    .map(ParsedRun::of)
            })
            .collect();
        RunScripts { plain, onbuild }
    }

    /// The script of instruction `index` (or of its ONBUILD trigger).
    pub fn get(&self, index: usize, onbuild: bool) -> Option<&ParsedRun> {
        let list = if onbuild { &self.onbuild } else { &self.plain };
        list.get(index).and_then(Option::as_ref)
    }
}
