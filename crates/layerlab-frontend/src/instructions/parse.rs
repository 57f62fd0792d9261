//! `ParseInstruction` (BuildKit `instructions/parse.go`): one syntax node to a typed
//! instruction, with BuildKit's checks in BuildKit's order and its exact error texts.

use std::borrow::Cow;

use super::bflags::{parse_flags, FlagKind, FlagValue, ParsedFlags};
use super::commands::*;
use super::duration::parse_go_duration;
use super::mount::{parse_device, parse_mount};
use super::suggest;
use super::Stage;
use crate::gostr::go_quote;
use crate::span::Span;
use crate::syntax::{chomp_heredoc_content, parse_heredoc_word, Instruction, Keyword, Text, Word};

/// An instruction BuildKit rejects, with the span to underline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstructionError {
    pub message: String,
    pub span: Span,
    /// BuildKit's `node.StartLine`.
    pub line: usize,
}

impl InstructionError {
    /// The text of BuildKit's `parseError`: `dockerfile parse error on line N: message`.
    pub fn buildkit_message(&self) -> String {
        format!(
            "dockerfile parse error on line {}: {}",
            self.line, self.message
        )
    }
}

/// What one instruction becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    /// FROM: a new stage (with no commands yet).
    Stage(Stage),
    Command(Command),
}

const FROM_FLAGS: &[(&str, FlagKind)] = &[("platform", FlagKind::String)];
const COPY_FLAGS: &[(&str, FlagKind)] = &[
    ("exclude", FlagKind::Strings),
    ("parents", FlagKind::Bool),
    ("chown", FlagKind::String),
    ("from", FlagKind::String),
    ("chmod", FlagKind::String),
    ("link", FlagKind::Bool),
];
const ADD_FLAGS: &[(&str, FlagKind)] = &[
    ("exclude", FlagKind::Strings),
    ("chown", FlagKind::String),
    ("chmod", FlagKind::String),
    ("link", FlagKind::Bool),
    ("keep-git-dir", FlagKind::Bool),
    ("checksum", FlagKind::String),
    ("unpack", FlagKind::Bool),
];
const RUN_FLAGS: &[(&str, FlagKind)] = &[
    ("mount", FlagKind::Strings),
    ("network", FlagKind::String),
    ("security", FlagKind::String),
    ("device", FlagKind::Strings),
];
const HEALTHCHECK_FLAGS: &[(&str, FlagKind)] = &[
    ("interval", FlagKind::String),
    ("timeout", FlagKind::String),
    ("start-period", FlagKind::String),
    ("start-interval", FlagKind::String),
    ("retries", FlagKind::String),
];
const NO_FLAGS: &[(&str, FlagKind)] = &[];

/// BuildKit's instruction names, for the `did you mean` suggestion.
const INSTRUCTION_NAMES: [&str; 18] = [
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// The arguments BuildKit's `nodeArgs` collects (for ONBUILD: the trigger keyword and its
/// arguments). Borrowed from the instruction except under ONBUILD.
fn node_args(inst: &Instruction) -> Cow<'_, [Word]> {
    match &inst.onbuild {
        Some(sub) => {
            let mut out = vec![Word {
                value: sub.keyword.clone(),
                span: sub.keyword_span,
            }];
            out.extend_from_slice(&node_args(sub));
            Cow::Owned(out)
        }
        None => Cow::Borrowed(&inst.args),
    }
}

/// Converts one syntax node (BuildKit `ParseInstruction`).
pub fn parse_instruction(inst: &Instruction) -> Result<Parsed, InstructionError> {
    let fail = |message: String| InstructionError {
        message,
        span: inst.span,
        line: inst.start_line,
    };
    let flag_fail = |e: super::bflags::FlagError| InstructionError {
        message: e.message,
        span: e.span,
        line: inst.start_line,
    };
    let flags = |defined: &[(&str, FlagKind)]| -> Result<ParsedFlags, InstructionError> {
        parse_flags(&inst.flags, defined).map_err(flag_fail)
    };
    let node_args = node_args(inst);
    let args: &[Word] = &node_args;
    let exactly_one = |name: &str| -> Result<Word, InstructionError> {
        match args {
            [one] => Ok(one.clone()),
            _ => Err(fail(format!("{name} requires exactly one argument"))),
        }
    };
    let at_least_one = |name: &str| -> Result<(), InstructionError> {
        if args.is_empty() {
            Err(fail(format!("{name} requires at least one argument")))
        } else {
            Ok(())
        }
    };

    let command = match inst.kind {
        Keyword::Env => {
            flags(NO_FLAGS)?;
            Command::Env(EnvCommand {
                pairs: parse_kvps(args, "ENV").map_err(fail)?,
            })
        }
        Keyword::Maintainer => {
            let maintainer = exactly_one("MAINTAINER")?;
            flags(NO_FLAGS)?;
            Command::Maintainer(MaintainerCommand { maintainer })
        }
        Keyword::Label => {
            flags(NO_FLAGS)?;
            Command::Label(LabelCommand {
                pairs: parse_kvps(args, "LABEL").map_err(fail)?,
            })
        }
        Keyword::Add => {
            if args.len() < 2 {
                return Err(fail(no_destination("ADD")));
            }
            let f = flags(ADD_FLAGS)?;
            let sources_and_dest = sources_and_dest(inst, args, "ADD").map_err(fail)?;
            Command::Add(AddCommand {
                sources_and_dest,
                chown: f.get("chown").cloned(),
                chmod: f.get("chmod").cloned(),
                link: f.is_true("link"),
                keep_git_dir: f.get("keep-git-dir").cloned(),
                checksum: f.get("checksum").cloned(),
                exclude: f.all("exclude"),
                unpack: f.get("unpack").map(|v| v.value == "true"),
            })
        }
        Keyword::Copy => {
            if args.len() < 2 {
                return Err(fail(no_destination("COPY")));
            }
            let f = flags(COPY_FLAGS)?;
            let sources_and_dest = sources_and_dest(inst, args, "COPY").map_err(fail)?;
            Command::Copy(CopyCommand {
                sources_and_dest,
                from: f.get("from").cloned(),
                chown: f.get("chown").cloned(),
                chmod: f.get("chmod").cloned(),
                link: f.is_true("link"),
                parents: f.is_true("parents"),
                exclude: f.all("exclude"),
            })
        }
        Keyword::From => return parse_from(inst, args).map(Parsed::Stage),
        Keyword::Onbuild => {
            at_least_one("ONBUILD")?;
            flags(NO_FLAGS)?;
            let trigger = args[0].value.trim().to_uppercase();
            match trigger.as_str() {
                "ONBUILD" => {
                    return Err(fail(
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string(),
                    ))
                }
                "MAINTAINER" | "FROM" => {
                    return Err(fail(format!(
                        "{trigger} isn't allowed as an ONBUILD trigger"
                    )))
                }
                _ => {}
            }
            let mut expression = strip_onbuild_prefix(&inst.original).to_string();
            for h in &inst.heredocs {
                expression.push('\n');
                expression.push_str(&h.content);
                expression.push_str(&h.name);
            }
            Command::Onbuild(OnbuildCommand {
                expression,
                trigger,
            })
        }
        Keyword::Workdir => {
            let path = exactly_one("WORKDIR")?;
            flags(NO_FLAGS)?;
            Command::Workdir(WorkdirCommand { path })
        }
        Keyword::Run => {
            let f = flags(RUN_FLAGS)?;
            let mut mounts = Vec::new();
            for m in f.all("mount") {
                mounts.push(parse_mount(m).map_err(fail)?);
            }
            let network = f.get("network").cloned();
            if let Some(n) = &network {
                if !matches!(n.value.as_str(), "default" | "none" | "host") {
                    return Err(fail(format!(
                        "unsupported network mode {}",
                        go_quote(&n.value)
                    )));
                }
            }
            let security = f.get("security").cloned();
            if let Some(s) = &security {
                if !matches!(s.value.as_str(), "sandbox" | "insecure") {
                    return Err(fail(format!(
                        "unsupported security mode {}",
                        go_quote(&s.value)
                    )));
                }
            }
            let mut devices = Vec::new();
            for d in f.all("device") {
                devices.push(parse_device(d).map_err(fail)?);
            }
            Command::Run(RunCommand {
                cmd: command_line(inst, args, false),
                files: inline_files(&inst.heredocs),
                mounts,
                network,
                security,
                devices,
                flags_used: f.used(),
            })
        }
        Keyword::Cmd => {
            flags(NO_FLAGS)?;
            Command::Cmd(CmdCommand {
                cmd: command_line(inst, args, false),
                files: inline_files(&inst.heredocs),
            })
        }
        Keyword::Entrypoint => {
            flags(NO_FLAGS)?;
            Command::Entrypoint(EntrypointCommand {
                cmd: command_line(inst, args, true),
                files: inline_files(&inst.heredocs),
            })
        }
        Keyword::Healthcheck => {
            at_least_one("HEALTHCHECK")?;
            Command::Healthcheck(HealthcheckCommand {
                health: parse_healthcheck(inst, args).map_err(fail)?,
            })
        }
        Keyword::Expose => {
            at_least_one("EXPOSE")?;
            flags(NO_FLAGS)?;
            let mut ports = args.to_vec();
            crate::sort::sort_by(&mut ports, |a, b| a.value.cmp(&b.value));
            Command::Expose(ExposeCommand { ports })
        }
        Keyword::User => {
            let user = exactly_one("USER")?;
            flags(NO_FLAGS)?;
            Command::User(UserCommand { user })
        }
        Keyword::Volume => {
            at_least_one("VOLUME")?;
            flags(NO_FLAGS)?;
            let mut volumes = Vec::new();
            for v in args {
                let trimmed = v.value.trim_matches(char::is_whitespace);
                if trimmed.is_empty() {
                    return Err(fail(
                        "VOLUME specified can not be an empty string".to_string(),
                    ));
                }
                let value = if trimmed.len() == v.value.len() {
                    v.value.clone()
                } else {
                    Text::from(trimmed)
                };
                volumes.push(Word {
                    value,
                    span: v.span,
                });
            }
            Command::Volume(VolumeCommand { volumes })
        }
        Keyword::StopSignal => {
            // BuildKit does not parse STOPSIGNAL's flags (they are ignored).
            Command::StopSignal(StopSignalCommand {
                signal: exactly_one("STOPSIGNAL")?,
            })
        }
        Keyword::Arg => {
            // BuildKit does not parse ARG's flags (they are ignored).
            at_least_one("ARG")?;
            let mut pairs = Vec::new();
            for a in args {
                let (key, value) = match a.value.split_once('=') {
                    Some((k, _)) => {
                        if k.is_empty() {
                            return Err(fail("ARG names can not be blank".to_string()));
                        }
                        let eq = a.span.start + k.len();
                        let key = Word {
                            value: a.value.slice(0..k.len()),
                            span: Span::new(a.span.start, eq.min(a.span.end)),
                        };
                        let value = Word {
                            value: a.value.slice(k.len() + 1..a.value.len()),
                            span: Span::new((eq + 1).min(a.span.end), a.span.end),
                        };
                        (key, Some(value))
                    }
                    None => (a.clone(), None),
                };
                let comment = get_comment(&inst.prev_comments, &key.value);
                pairs.push(ArgPair {
                    key,
                    value,
                    comment,
                });
            }
            Command::Arg(ArgCommand { args: pairs })
        }
        Keyword::Shell => {
            flags(NO_FLAGS)?;
            let shell = handle_json_args(args, inst.json);
            if shell.is_empty() {
                return Err(fail("SHELL requires at least one argument".to_string()));
            }
            if !inst.json {
                return Err(fail(
                    "SHELL requires the arguments to be in JSON form".to_string(),
                ));
            }
            Command::Shell(ShellCommand { shell })
        }
        Keyword::Unknown => {
            return Err(InstructionError {
                message: suggest::wrap(
                    format!("unknown instruction: {}", inst.keyword),
                    &inst.keyword,
                    &INSTRUCTION_NAMES,
                    false,
                ),
                span: inst.keyword_span,
                line: inst.start_line,
            })
        }
    };
    Ok(Parsed::Command(command))
}

fn no_destination(name: &str) -> String {
    format!("{name} requires at least two arguments, but only one was provided. Destination could not be determined")
}

/// `(?i)^\s*ONBUILD\s*` removed.
fn strip_onbuild_prefix(original: &str) -> &str {
    let is_re_space = |c: char| matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ');
    let s = original.trim_start_matches(is_re_space);
    match s.get(..7) {
        Some(k) if k.eq_ignore_ascii_case("onbuild") => s[7..].trim_start_matches(is_re_space),
        _ => original,
    }
}

/// `parseKvps`: ENV/LABEL nodes come in triples `key, value, separator`.
fn parse_kvps(args: &[Word], name: &str) -> Result<Vec<KeyValuePair>, String> {
    if args.is_empty() {
        return Err(format!("{name} requires at least one argument"));
    }
    if !args.len().is_multiple_of(3) {
        return Err(format!("Bad input to {name}, too many arguments"));
    }
    let mut out = Vec::with_capacity(args.len() / 3);
    for triple in args.chunks(3) {
        if triple[0].value.is_empty() {
            return Err(format!("{name} names can not be blank"));
        }
        out.push(KeyValuePair {
            key: triple[0].clone(),
            value: triple[1].clone(),
            legacy: triple[2].value.is_empty(),
        });
    }
    Ok(out)
}

/// `handleJSONArgs`: exec form keeps the elements, shell form is one joined string.
fn handle_json_args(args: &[Word], json: bool) -> Vec<Word> {
    if args.is_empty() || json {
        return args.to_vec();
    }
    let span = args
        .iter()
        .skip(1)
        .fold(args[0].span, |acc, w| acc.cover(w.span));
    if let [one] = args {
        return vec![one.clone()];
    }
    vec![Word {
        value: Text::from(
            args.iter()
                .map(|w| w.value.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        span,
    }]
}

fn command_line(inst: &Instruction, args: &[Word], _empty_as_nil: bool) -> CommandLine {
    CommandLine {
        args: handle_json_args(args, inst.json),
        prepend_shell: !inst.json,
    }
}

/// `parseSourcesAndDest`.
fn sources_and_dest(
    inst: &Instruction,
    args: &[Word],
    name: &str,
) -> Result<SourcesAndDest, String> {
    let (dest, srcs) = match args.split_last() {
        Some((d, s)) => (d.clone(), s),
        None => return Err(no_destination(name)),
    };
    if matches!(parse_heredoc_word(&dest.value), Ok(Some(_))) {
        return Err(format!("{name} cannot accept a heredoc as a destination"));
    }
    let mut source_paths = Vec::new();
    let mut source_contents = Vec::new();
    for src in srcs {
        match parse_heredoc_word(&src.value) {
            Ok(Some(doc)) => {
                let content = inst
                    .heredocs
                    .iter()
                    .rev()
                    .find(|h| h.name == doc.name)
                    .map_or("", |h| h.content.as_str());
                let data = if doc.chomp {
                    chomp_heredoc_content(content)
                } else {
                    content.to_string()
                };
                source_contents.push(SourceContent {
                    path: doc.name,
                    data,
                    expand: doc.expand,
                    span: src.span,
                });
            }
            _ => source_paths.push(src.clone()),
        }
    }
    Ok(SourcesAndDest {
        dest,
        source_paths,
        source_contents,
    })
}

/// `parseFrom` and `parseBuildStageName`.
fn parse_from(inst: &Instruction, args: &[Word]) -> Result<Stage, InstructionError> {
    let fail = |message: String| InstructionError {
        message,
        span: inst.span,
        line: inst.start_line,
    };
    let (name, name_word, as_word) = match args {
        [_, as_kw, name] if as_kw.value.eq_ignore_ascii_case("as") => {
            let lower = name.value.to_lowercase();
            if !valid_stage_name(&lower) {
                return Err(fail(format!(
                    "invalid name for build stage: {}, name can't start with a number or contain symbols",
                    go_quote(&name.value)
                )));
            }
            (Some(lower), Some(name.clone()), Some(as_kw.clone()))
        }
        [_] => (None, None, None),
        _ => {
            return Err(fail(
                "FROM requires either one or three arguments".to_string(),
            ))
        }
    };
    let f = parse_flags(&inst.flags, FROM_FLAGS).map_err(|e| InstructionError {
        message: e.message,
        span: e.span,
        line: inst.start_line,
    })?;
    let comment = name
        .as_deref()
        .map(|n| get_comment(&inst.prev_comments, n))
        .unwrap_or_default();
    Ok(Stage {
        name,
        name_word,
        as_word,
        base: args[0].clone(),
        platform: f.get("platform").cloned(),
        source_code: inst.original.trim_matches(char::is_whitespace).to_string(),
        comment,
        commands: Vec::new(),
        index: 0,
        span: inst.span,
        start_line: inst.start_line,
        end_line: inst.end_line,
        keyword: inst.keyword.clone(),
    })
}

/// `^[a-z][a-z0-9-_.]*$`
fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// `getComment`: the text after `name ` in the first comment line that starts with it.
fn get_comment(comments: &[Text], name: &str) -> String {
    if name.is_empty() {
        return String::new();
    }
    comments
        .iter()
        .find_map(|c| c.strip_prefix(name).and_then(|r| r.strip_prefix(' ')))
        .unwrap_or_default()
        .to_string()
}

/// `parseHealthcheck`.
fn parse_healthcheck(inst: &Instruction, args: &[Word]) -> Result<HealthConfig, String> {
    let typ = args[0].value.to_uppercase();
    let rest = &args[1..];
    let mut health = HealthConfig {
        test: Vec::new(),
        interval_ns: 0,
        timeout_ns: 0,
        start_period_ns: 0,
        start_interval_ns: 0,
        retries: 0,
    };
    if typ == "NONE" {
        if !rest.is_empty() {
            return Err("HEALTHCHECK NONE takes no arguments".to_string());
        }
        health.test = vec![typ];
        return Ok(health);
    }
    let f = parse_flags(&inst.flags, HEALTHCHECK_FLAGS).map_err(|e| e.message)?;
    if typ != "CMD" {
        return Err(format!(
            "Unknown type {} in HEALTHCHECK (try CMD)",
            go_quote(&typ)
        ));
    }
    let cmd = handle_json_args(rest, inst.json);
    if cmd.is_empty() {
        return Err("Missing command after HEALTHCHECK CMD".to_string());
    }
    let kind = if inst.json { "CMD" } else { "CMD-SHELL" };
    health.test = std::iter::once(kind.to_string())
        .chain(cmd.into_iter().map(|w| w.value.to_string()))
        .collect();
    let interval = |name: &str| -> Result<i64, String> {
        let Some(v) = f.get(name) else { return Ok(0) };
        opt_interval(name, v)
    };
    health.interval_ns = interval("interval")?;
    health.timeout_ns = interval("timeout")?;
    health.start_period_ns = interval("start-period")?;
    health.start_interval_ns = interval("start-interval")?;
    if let Some(r) = f.get("retries").filter(|r| !r.value.is_empty()) {
        let n = parse_go_int32(&r.value)?;
        if n < 0 {
            return Err(format!("--retries cannot be negative ({n})"));
        }
        health.retries = n;
    }
    Ok(health)
}

/// `parseOptInterval`: empty is 0, 0 is allowed, anything else must be at least 1ms.
fn opt_interval(name: &str, v: &FlagValue) -> Result<i64, String> {
    if v.value.is_empty() {
        return Ok(0);
    }
    let d = parse_go_duration(&v.value)?;
    if d == 0 {
        return Ok(0);
    }
    if d < 1_000_000 {
        return Err(format!(
            "Interval {} cannot be less than 1ms",
            go_quote(name)
        ));
    }
    Ok(d)
}

/// `strconv.ParseInt(s, 10, 32)` with Go's error texts.
fn parse_go_int32(s: &str) -> Result<i32, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.ParseInt: parsing {}: invalid syntax",
            go_quote(s)
        ));
    }
    s.parse::<i32>().map_err(|_| {
        format!(
            "strconv.ParseInt: parsing {}: value out of range",
            go_quote(s)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onbuild_prefix() {
        assert_eq!(strip_onbuild_prefix("ONBUILD RUN x"), "RUN x");
        assert_eq!(strip_onbuild_prefix("onbuild\tRUN x"), "RUN x");
        assert!(valid_stage_name("build-1.x_y"));
        assert!(!valid_stage_name("1x"));
        assert_eq!(
            parse_go_int32("x").unwrap_err(),
            "strconv.ParseInt: parsing \"x\": invalid syntax"
        );
    }
}
