//! BuildKit's `instructions/bflag.go`: the flags each instruction accepts and how their
//! words (`--name=value`) are validated.

use super::suggest;
use crate::span::Span;
use crate::syntax::Flag;

/// How a flag takes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagKind {
    /// `--link`, `--link=true|false` (case-insensitive).
    Bool,
    /// `--from=x`: a value is required; may appear once.
    String,
    /// `--mount=…`: a value is required; may repeat.
    Strings,
}

/// A flag value as written (not variable-expanded), with the span of the whole flag word.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FlagValue {
    pub value: String,
    pub span: Span,
}

/// The parsed flags of one instruction.
#[derive(Clone, Debug, Default)]
pub struct ParsedFlags {
    values: Vec<(String, FlagValue)>,
}

impl ParsedFlags {
    /// The value of a string flag, or of a bool flag (`"true"`/`"false"`) when given.
    pub fn get(&self, name: &str) -> Option<&FlagValue> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Every value of a repeatable flag, in order.
    pub fn all(&self, name: &str) -> Vec<FlagValue> {
        self.values
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A bool flag: `true` only when given as true.
    pub fn is_true(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| v.value == "true")
    }

    /// Names of the flags that were given, in order, without repeats (`FlagsUsed`).
    pub fn used(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (n, _) in &self.values {
            if !out.contains(n) {
                out.push(n.clone());
            }
        }
        out
    }
}

/// A flag error with BuildKit's message and the span of the offending flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagError {
    pub message: String,
    pub span: Span,
}

/// `BFlags.Parse` on the processed flag words of a node against `defined`.
pub fn parse_flags(flags: &[Flag], defined: &[(&str, FlagKind)]) -> Result<ParsedFlags, FlagError> {
    let words: Vec<(&str, Span)> = flags
        .iter()
        .map(|f| (f.processed.as_str(), f.span))
        .collect();
    parse_flag_words(&words, defined)
}

/// `BFlags.Parse` on raw words (`--name[=value]`).
pub fn parse_flag_words(
    words: &[(&str, Span)],
    defined: &[(&str, FlagKind)],
) -> Result<ParsedFlags, FlagError> {
    let mut out = ParsedFlags::default();
    for &(word, span) in words {
        if word == "--" {
            return Ok(out);
        }
        let err = |message: String| FlagError { message, span };
        if !word.starts_with("--") {
            return Err(err(format!("arg should start with -- : {word}")));
        }
        let (flag_name, value, has_value) = match word.split_once('=') {
            Some((n, v)) => (n, v, true),
            None => (word, "", false),
        };
        let name = &flag_name[2..];
        let Some(&(_, kind)) = defined.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = defined.iter().map(|(n, _)| *n).collect();
            return Err(err(suggest::wrap(
                format!("unknown flag: {flag_name}"),
                name,
                &names,
                true,
            )));
        };
        if kind != FlagKind::Strings && out.get(name).is_some() {
            return Err(err(format!("duplicate flag specified: {flag_name}")));
        }
        let stored = match kind {
            FlagKind::Bool => {
                if has_value && value.is_empty() {
                    return Err(err(format!("missing a value on flag: {flag_name}")));
                }
                match value.to_lowercase().as_str() {
                    "true" | "" => "true".to_string(),
                    "false" => "false".to_string(),
                    _ => {
                        return Err(err(format!(
                            "expecting boolean value for flag {flag_name}, not: {value}"
                        )))
                    }
                }
            }
            FlagKind::String | FlagKind::Strings => {
                if !has_value {
                    return Err(err(format!("missing a value on flag: {flag_name}")));
                }
                value.to_string()
            }
        };
        out.values.push((
            name.to_string(),
            FlagValue {
                value: stored,
                span,
            },
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFINED: &[(&str, FlagKind)] = &[("str1", FlagKind::String), ("bool1", FlagKind::Bool)];

    fn run(words: &[&str]) -> Result<String, String> {
        let w: Vec<(&str, Span)> = words.iter().map(|w| (*w, Span::default())).collect();
        parse_flag_words(&w, DEFINED)
            .map(|f| {
                f.used()
                    .iter()
                    .map(|n| format!("{n}={}", f.get(n).map_or("", |v| v.value.as_str())))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .map_err(|e| e.message)
    }

    #[test]
    fn bflags_like_buildkit() {
        assert_eq!(
            run(&["--str1"]),
            Err("missing a value on flag: --str1".into())
        );
        assert_eq!(run(&["--str1="]), Ok("str1=".into()));
        assert_eq!(
            run(&["--bool1=false1"]),
            Err("expecting boolean value for flag --bool1, not: false1".into())
        );
        assert_eq!(
            run(&["--bool2"]),
            Err("unknown flag: --bool2 (did you mean bool1?)".into())
        );
        assert_eq!(
            run(&["--str1=a", "--str1=b"]),
            Err("duplicate flag specified: --str1".into())
        );
        assert_eq!(run(&["--", "--bogus"]), Ok("".into()));
    }
}
