//! Word expansion as `sh` does it at run time: tilde, parameters (`$X`, `${X:-d}`, `${#X}`),
//! field splitting of unquoted expansions, pathname expansion against the tree, quote
//! removal; brace expansion (`{a,b}`) only when the shell is bash. A command substitution,
//! arithmetic or an unusual `${…}` form makes the word unknown.

use super::exec::{Sim, Status};
use super::glob::{self, PatternChar};
use crate::shell::{ParameterOp, Quoting, Word, WordPart};

/// The fields a word expands to, or why they are not known.
pub(crate) enum Expansion {
    Fields(Vec<String>),
    Unknown(String),
}

/// A field under construction: characters with their glob activity, and whether a quoted
/// part made it exist even when empty.
#[derive(Default)]
struct Field {
    chars: Vec<PatternChar>,
    quoted: bool,
}

/// The field being built (there always is one; a new one is started when empty).
fn current(fields: &mut Vec<Field>) -> &mut Field {
    if fields.is_empty() {
        fields.push(Field::default());
    }
    let last = fields.len() - 1;
    &mut fields[last]
}

/// Most words one brace expansion may produce (`{a,b}{a,b}…` grows exponentially); beyond
/// it the word is left as written.
const MAX_BRACE_WORDS: usize = 1024;

/// Expands a word to its fields (splitting and globbing applied).
pub(crate) fn expand_word(sim: &Sim, word: &Word) -> Expansion {
    if sim.bash {
        let variants = brace_variants(&word.raw, 0);
        if variants.len() > 1 {
            let mut out = Vec::new();
            for variant in variants {
                let sub = Word::from_raw(&variant, word.span.start);
                match expand_fields(sim, &sub) {
                    Expansion::Fields(fields) => out.extend(fields),
                    unknown => return unknown,
                }
            }
            return Expansion::Fields(out);
        }
    }
    expand_fields(sim, word)
}

fn expand_fields(sim: &Sim, word: &Word) -> Expansion {
    let mut fields: Vec<Field> = vec![Field::default()];
    for part in &word.parts {
        match part {
            WordPart::Literal { text, quoting } => {
                let field = current(&mut fields);
                field
                    .chars
                    .extend(text.chars().map(|c| (c, *quoting == Quoting::Unquoted)));
                if *quoting != Quoting::Unquoted {
                    field.quoted = true;
                }
            }
            WordPart::Tilde { user } => {
                let home = match user {
                    None => sim
                        .var("HOME")
                        .cloned()
                        .flatten()
                        .unwrap_or_else(|| "/root".into()),
                    Some(u) if u == "root" => "/root".into(),
                    Some(u) => match passwd_field(sim, u, 5) {
                        Some(home) => home,
                        None => format!("~{u}"),
                    },
                };
                current(&mut fields)
                    .chars
                    .extend(home.chars().map(|c| (c, false)));
            }
            WordPart::Parameter { name, op, quoting } => {
                let value = match parameter_value(sim, name, op) {
                    Ok(value) => value,
                    Err(reason) => return Expansion::Unknown(reason),
                };
                if *quoting == Quoting::Unquoted {
                    // Field splitting on IFS whitespace.
                    let starts_with_space = value.starts_with(char::is_whitespace);
                    let ends_with_space = value.ends_with(char::is_whitespace);
                    let pieces: Vec<&str> = value.split_whitespace().collect();
                    for (i, piece) in pieces.iter().enumerate() {
                        if i > 0 || starts_with_space {
                            let last = current(&mut fields);
                            if !last.chars.is_empty() || last.quoted {
                                fields.push(Field::default());
                            }
                        }
                        current(&mut fields)
                            .chars
                            .extend(piece.chars().map(|c| (c, true)));
                    }
                    if ends_with_space && !pieces.is_empty() {
                        fields.push(Field::default());
                    }
                } else {
                    let field = current(&mut fields);
                    field.chars.extend(value.chars().map(|c| (c, false)));
                    field.quoted = true;
                }
            }
            WordPart::CommandSubstitution { script, .. } => {
                if script.trim() == "pwd" {
                    let field = current(&mut fields);
                    field.chars.extend(sim.cwd.chars().map(|c| (c, false)));
                    continue;
                }
                return Expansion::Unknown(format!(
                    "the output of `$({})` is not known",
                    super::exec::truncate(script.trim())
                ));
            }
            WordPart::Arithmetic { expression, .. } => {
                return Expansion::Unknown(format!(
                    "arithmetic `$(({expression}))` is not evaluated"
                ))
            }
        }
    }
    let mut out = Vec::new();
    for field in fields {
        if field.chars.is_empty() && !field.quoted {
            continue;
        }
        if glob::is_pattern(&field.chars) {
            let matches = glob::expand(sim.tree, &sim.cwd, &field.chars);
            if !matches.is_empty() {
                out.extend(matches);
                continue;
            }
        }
        out.push(field.chars.iter().map(|&(c, _)| c).collect());
    }
    Expansion::Fields(out)
}

/// Expands a word to one string without splitting or globbing (assignment values,
/// redirection targets). `None` when not known.
pub(crate) fn expand_word_single(sim: &Sim, word: &Word) -> Option<String> {
    let mut out = String::new();
    for part in &word.parts {
        match part {
            WordPart::Literal { text, .. } => out.push_str(text),
            WordPart::Tilde { user: None } => out.push_str(
                &sim.var("HOME")
                    .cloned()
                    .flatten()
                    .unwrap_or_else(|| "/root".into()),
            ),
            WordPart::Tilde { user: Some(u) } => out.push_str(&format!("~{u}")),
            WordPart::Parameter { name, op, .. } => {
                out.push_str(&parameter_value(sim, name, op).ok()?)
            }
            WordPart::CommandSubstitution { script, .. } if script.trim() == "pwd" => {
                out.push_str(&sim.cwd)
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The body of an expanding heredoc. `None` when a part is not known.
pub(crate) fn expand_heredoc(sim: &Sim, word: &Word) -> Option<String> {
    expand_word_single(sim, word)
}

fn parameter_value(sim: &Sim, name: &str, op: &ParameterOp) -> Result<String, String> {
    let current: Option<Option<String>> = match name {
        "?" => Some(Some(match sim.status {
            Status::Success => "0".into(),
            Status::Failure(_) => "1".into(),
            Status::Unknown => return Err("the exit status `$?` is not known".into()),
        })),
        "0" => Some(Some(
            sim.input
                .shell
                .first()
                .cloned()
                .unwrap_or_else(|| "/bin/sh".into()),
        )),
        "#" => Some(Some("0".into())),
        "@" | "*" => Some(Some(String::new())),
        "$" | "!" | "-" | "RANDOM" | "SECONDS" | "BASHPID" | "PPID" => {
            return Err(format!("`${name}` is not known before the build runs"))
        }
        "PWD" => Some(Some(sim.cwd.clone())),
        n if n.chars().all(|c| c.is_ascii_digit()) => None,
        _ => sim.var(name).cloned(),
    };
    let set = current.is_some();
    let value = match current {
        Some(Some(v)) => Some(v),
        Some(None) => return Err(format!("`${name}` was set from a value that is not known")),
        None => None,
    };
    let sub = |text: &str| -> Result<String, String> {
        let word = Word::from_raw(text, 0);
        expand_word_single(sim, &word).ok_or_else(|| format!("`{text}` is not known"))
    };
    match op {
        ParameterOp::Value => Ok(value.unwrap_or_default()),
        ParameterOp::Length => Ok(value.unwrap_or_default().chars().count().to_string()),
        ParameterOp::Default { word, if_null } | ParameterOp::Assign { word, if_null } => {
            let use_default = !set || (*if_null && value.as_deref() == Some(""));
            if use_default {
                sub(word)
            } else {
                Ok(value.unwrap_or_default())
            }
        }
        ParameterOp::Alternative { word, if_null } => {
            let use_alternative = set && !(*if_null && value.as_deref() == Some(""));
            if use_alternative {
                sub(word)
            } else {
                Ok(String::new())
            }
        }
        ParameterOp::Error { message, if_null } => {
            let fails = !set || (*if_null && value.as_deref() == Some(""));
            if fails {
                Err(format!("`${{{name}?}}` would fail: {message}"))
            } else {
                Ok(value.unwrap_or_default())
            }
        }
        ParameterOp::Other { raw } => Err(format!("`{raw}` is not evaluated")),
    }
}

/// A field of `/etc/passwd` for `user` (5 = home), when the tree has the file.
pub(crate) fn passwd_field(sim: &Sim, user: &str, index: usize) -> Option<String> {
    let bytes = sim
        .tree
        .lookup("/etc/passwd")
        .ok()?
        .content()?
        .bytes()?
        .to_vec();
    let text = String::from_utf8(bytes).ok()?;
    text.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.first() == Some(&user))
            .then(|| fields.get(index).map(|s| s.to_string()))
            .flatten()
    })
}

/// bash brace expansion of unquoted `{a,b}` groups (not sequences), left to right.
fn brace_variants(raw: &str, depth: usize) -> Vec<String> {
    if depth > 8 {
        return vec![raw.to_string()];
    }
    let chars: Vec<char> = raw.chars().collect();
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match (quote, c) {
            (None, '\\') => {
                i += 2;
                continue;
            }
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '$') if chars.get(i + 1) == Some(&'{') => {
                // Skip a parameter expansion.
                while i < chars.len() && chars[i] != '}' {
                    i += 1;
                }
            }
            (None, '{') => {
                // Find the matching close and top-level commas.
                let mut level = 0;
                let mut commas = Vec::new();
                let mut close = None;
                for (j, &d) in chars.iter().enumerate().skip(i) {
                    match d {
                        '{' => level += 1,
                        '}' => {
                            level -= 1;
                            if level == 0 {
                                close = Some(j);
                                break;
                            }
                        }
                        ',' if level == 1 => commas.push(j),
                        _ => {}
                    }
                }
                if let (Some(close), false) = (close, commas.is_empty()) {
                    let prefix: String = chars[..i].iter().collect();
                    let suffix: String = chars[close + 1..].iter().collect();
                    let mut bounds = vec![i];
                    bounds.extend(commas);
                    bounds.push(close);
                    let mut out = Vec::new();
                    for pair in bounds.windows(2) {
                        let alternative: String = chars
                            .get(pair[0] + 1..pair[1])
                            .unwrap_or_default()
                            .iter()
                            .collect();
                        out.extend(brace_variants(
                            &format!("{prefix}{alternative}{suffix}"),
                            depth + 1,
                        ));
                        if out.len() > MAX_BRACE_WORDS {
                            return vec![raw.to_string()];
                        }
                    }
                    return out;
                }
            }
            _ => {}
        }
        i += 1;
    }
    vec![raw.to_string()]
}
