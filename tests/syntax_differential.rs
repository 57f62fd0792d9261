//! Differential test against the `parse-dockerfile` crate on the real-world corpus: same
//! instruction keywords and the same argument values, or a written reason for each class of
//! difference (see `Class`).

mod common;

use std::collections::BTreeMap;
use std::fs;

use layerlab::syntax::{self, Instruction, Keyword};
use parse_dockerfile as pd;

/// One instruction reduced to what both parsers agree to mean: keyword and argument values.
#[derive(Debug, PartialEq, Eq)]
struct Shape {
    keyword: String,
    values: Vec<String>,
}

fn pd_command(c: &pd::Command<'_>) -> Vec<String> {
    match c {
        pd::Command::Exec(v) => v.value.iter().map(|s| s.value.to_string()).collect(),
        pd::Command::Shell(s) => vec![s.value.to_string()],
        _ => vec![],
    }
}

fn pd_shape(i: &pd::Instruction<'_>) -> Shape {
    let s = |u: &pd::UnescapedString<'_>| u.value.to_string();
    let (keyword, values): (&str, Vec<String>) = match i {
        pd::Instruction::Add(a) => (
            "ADD",
            a.src.iter().map(pd_source).chain([s(&a.dest)]).collect(),
        ),
        pd::Instruction::Copy(a) => (
            "COPY",
            a.src.iter().map(pd_source).chain([s(&a.dest)]).collect(),
        ),
        pd::Instruction::Arg(a) => ("ARG", vec![s(&a.arguments)]),
        pd::Instruction::Cmd(a) => ("CMD", pd_command(&a.arguments)),
        pd::Instruction::Entrypoint(a) => ("ENTRYPOINT", pd_command(&a.arguments)),
        pd::Instruction::Run(a) => ("RUN", pd_command(&a.arguments)),
        pd::Instruction::Env(a) => ("ENV", vec![s(&a.arguments)]),
        pd::Instruction::Label(a) => ("LABEL", vec![s(&a.arguments)]),
        pd::Instruction::Expose(a) => ("EXPOSE", a.arguments.iter().map(s).collect()),
        pd::Instruction::From(a) => {
            let mut v = vec![s(&a.image)];
            if let Some((_, name)) = &a.as_ {
                v.push(s(name));
            }
            ("FROM", v)
        }
        pd::Instruction::Healthcheck(a) => match &a.arguments {
            pd::HealthcheckArguments::Cmd { arguments, .. } => (
                "HEALTHCHECK",
                std::iter::once("CMD".to_string())
                    .chain(pd_command(arguments))
                    .collect(),
            ),
            pd::HealthcheckArguments::None { .. } => ("HEALTHCHECK", vec!["NONE".to_string()]),
            _ => ("HEALTHCHECK", vec![]),
        },
        pd::Instruction::Maintainer(a) => ("MAINTAINER", vec![s(&a.name)]),
        pd::Instruction::Onbuild(a) => {
            let inner = pd_shape(&a.instruction);
            (
                "ONBUILD",
                std::iter::once(inner.keyword).chain(inner.values).collect(),
            )
        }
        pd::Instruction::Shell(a) => ("SHELL", a.arguments.iter().map(s).collect()),
        pd::Instruction::Stopsignal(a) => ("STOPSIGNAL", vec![s(&a.arguments)]),
        pd::Instruction::User(a) => ("USER", vec![s(&a.arguments)]),
        pd::Instruction::Volume(a) => (
            "VOLUME",
            match &a.arguments {
                pd::JsonOrStringArray::Json(v) => v.value.iter().map(s).collect(),
                pd::JsonOrStringArray::String(v) => v.iter().map(s).collect(),
            },
        ),
        pd::Instruction::Workdir(a) => ("WORKDIR", vec![s(&a.arguments)]),
        _ => ("?", vec![]),
    };
    Shape {
        keyword: keyword.to_string(),
        values,
    }
}

fn pd_source(src: &pd::Source<'_>) -> String {
    match src {
        pd::Source::Path(p) => p.value.to_string(),
        pd::Source::HereDoc(h) => format!("<heredoc {}>", h.value.len()),
        _ => String::new(),
    }
}

/// Our instruction in the same reduced form. ENV/LABEL/ARG are compared as their whole
/// argument text (parse-dockerfile does not split them); heredoc sources are abstracted.
fn our_shape(i: &Instruction) -> Shape {
    let keyword = i.kind.uppercase().to_string();
    let values: Vec<String> = match i.kind {
        Keyword::Env | Keyword::Label | Keyword::Arg => vec![i.rest.to_string()],
        Keyword::Onbuild => match &i.onbuild {
            Some(sub) => {
                let inner = our_shape(sub);
                std::iter::once(inner.keyword).chain(inner.values).collect()
            }
            None => vec![],
        },
        Keyword::From => {
            let v = i.arg_values();
            if v.len() == 3 {
                vec![v[0].to_string(), v[2].to_string()]
            } else {
                v.iter().map(|s| s.to_string()).collect()
            }
        }
        Keyword::Healthcheck => {
            let mut v: Vec<String> = i.args.iter().map(|w| w.value.to_string()).collect();
            if let Some(first) = v.first_mut() {
                *first = first.to_uppercase();
            }
            v
        }
        Keyword::Add | Keyword::Copy => {
            let n = i.args.len();
            i.args
                .iter()
                .enumerate()
                .map(|(k, w)| match syntax::parse_heredoc_word(&w.value) {
                    Ok(Some(h)) if k + 1 < n => {
                        let len = i
                            .heredocs
                            .iter()
                            .find(|d| d.name == h.name)
                            .map_or(0, |d| d.content.len());
                        format!("<heredoc {len}>")
                    }
                    _ => w.value.to_string(),
                })
                .collect()
        }
        _ => i.args.iter().map(|w| w.value.to_string()).collect(),
    };
    Shape { keyword, values }
}

/// Removes the escape token + newline of continuation lines (and whole comment lines inside a
/// continuation), so that a source slice compares with BuildKit's joined line.
fn join_continuations(s: &str, escape: char) -> String {
    let mut out = String::new();
    let mut lines = s.split('\n').peekable();
    let mut first = true;
    while let Some(line) = lines.next() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !first && line.trim_start().starts_with('#') {
            continue;
        }
        first = false;
        let trimmed = line.trim_end_matches([' ', '\t']);
        match trimmed.strip_suffix(escape) {
            Some(body) if lines.peek().is_some() => out.push_str(body),
            _ => out.push_str(line),
        }
    }
    out
}

/// Why parse-dockerfile rejects a file that BuildKit's parser accepts (or rejects too).
fn explain_pd_error(message: &str) -> Option<&'static str> {
    if message.contains("expected FROM") || message.contains("expected at least one FROM") {
        Some("parse-dockerfile requires FROM (or ARG) first; BuildKit's parser does not (its instructions layer rejects a stage-less file)")
    } else if message.contains("ENTRYPOINT instruction requires at least one argument") {
        Some("`ENTRYPOINT []` is valid in BuildKit (resets the entrypoint); parse-dockerfile rejects it")
    } else if message.contains("expected CMD or NONE") {
        Some("a bare HEALTHCHECK parses in BuildKit (the instructions layer rejects it); parse-dockerfile fails at parse")
    } else {
        None
    }
}

/// Why a file has a different number of instructions.
fn explain_count(text: &str) -> Option<&'static str> {
    let escaped_escape_at_eol = text.lines().any(|l| l.trim_end().ends_with("\\\\"));
    if escaped_escape_at_eol {
        Some("an escaped escape token at the end of a line (`C:\\\\`) is not a continuation in BuildKit (testfile trailing-backslash); parse-dockerfile joins the next line")
    } else if text.contains("<< /no-here") {
        Some("`<< word` (blank after <<) is a heredoc in BuildKit's lexer (processPossibleHeredoc keeps the blanks); parse-dockerfile treats it as no heredoc")
    } else {
        None
    }
}

/// Why one instruction's values differ.
fn explain_values(ours: &Instruction, x: &Shape, y: &Shape, escape: char) -> Option<&'static str> {
    let joined: Vec<String> = y
        .values
        .iter()
        .map(|v| join_continuations(v, escape))
        .collect();
    if x.values == joined {
        return Some("parse-dockerfile keeps the source slice of shell text (escaped newlines, comment lines); BuildKit joins continuation lines");
    }
    if !ours.heredocs.is_empty() && x.values.iter().any(|v| v.contains("<<")) {
        return Some("RUN heredoc: BuildKit keeps the `<<EOF` marker in the command line (TestRunHeredoc: CmdLine [\"<<EOF\"]); parse-dockerfile removes it");
    }
    if joined.iter().any(|v| v.starts_with("--")) && !ours.flags.is_empty() {
        return Some("BuildKit extracts leading --flags of every instruction into Node.Flags (CMD --doit …); parse-dockerfile keeps them in the arguments of instructions without flags");
    }
    if x.values.len() == 1
        && joined.len() == 1
        && joined[0].trim_end_matches(escape).trim_end() == x.values[0]
    {
        return Some("an escape token before end of file is dropped by BuildKit (testfile continue-at-eof); parse-dockerfile keeps it");
    }
    None
}

#[test]
fn differential_against_parse_dockerfile() {
    let Some(dir) = common::shared("corpus/realworld") else {
        return;
    };
    let index = fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv");
    let mut classes: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut same_files = 0;
    let mut compared = 0;
    let mut same_instructions = 0;
    let names: Vec<&str> = index
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .collect();
    for name in &names {
        let Ok(text) = fs::read_to_string(dir.join(name)) else {
            classes
                .entry("not UTF-8")
                .or_default()
                .push(name.to_string());
            continue;
        };
        let ours = syntax::parse(&text);
        let theirs = match pd::parse(&text) {
            Ok(t) => t,
            Err(e) => {
                let class = explain_pd_error(&e.to_string())
                    .unwrap_or("UNEXPLAINED parse-dockerfile error");
                classes
                    .entry(class)
                    .or_default()
                    .push(format!("{name}: {e}"));
                continue;
            }
        };
        let escape = ours.dockerfile.escape;
        let a: Vec<Shape> = ours.dockerfile.instructions.iter().map(our_shape).collect();
        let b: Vec<Shape> = theirs.instructions.iter().map(pd_shape).collect();
        if a.len() != b.len() {
            let class = explain_count(&text).unwrap_or("UNEXPLAINED instruction count");
            classes
                .entry(class)
                .or_default()
                .push(format!("{name}: {} vs {}", a.len(), b.len()));
            continue;
        }
        let mut file_same = true;
        for ((x, y), inst) in a.iter().zip(&b).zip(&ours.dockerfile.instructions) {
            compared += 1;
            if x == y {
                same_instructions += 1;
                continue;
            }
            let class = if x.keyword != y.keyword {
                file_same = false;
                "UNEXPLAINED keyword"
            } else {
                let class = explain_values(inst, x, y, escape).unwrap_or("UNEXPLAINED values");
                if class.starts_with("parse-dockerfile keeps the source slice") {
                    same_instructions += 1;
                } else {
                    file_same = false;
                }
                class
            };
            classes
                .entry(class)
                .or_default()
                .push(format!("{name}: {x:?} vs {y:?}"));
        }
        if file_same {
            same_files += 1;
        }
    }
    eprintln!("differential vs parse-dockerfile: {same_files}/{} files, {same_instructions}/{compared} instructions agree", names.len());
    for (class, items) in &classes {
        eprintln!("  {} x {class}", items.len());
        for item in items.iter().take(if class.starts_with("UNEXPLAINED") {
            20
        } else {
            1
        }) {
            eprintln!("      e.g. {}", item.chars().take(200).collect::<String>());
        }
    }
    let unexplained: Vec<_> = classes
        .keys()
        .filter(|c| c.starts_with("UNEXPLAINED"))
        .collect();
    assert!(
        unexplained.is_empty(),
        "differences without a reason: {unexplained:?}"
    );
    assert!(
        same_files * 10 >= names.len() * 7,
        "fewer than 70% of the files agree"
    );
}
