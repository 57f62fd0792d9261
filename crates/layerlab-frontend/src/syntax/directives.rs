//! Parser directives (BuildKit `parser/directives.go`): `# syntax=`, `# escape=`, `# check=`
//! at the very top of the file, and `DetectSyntax`.

use std::collections::HashSet;

/// The directive names BuildKit recognises.
pub const DIRECTIVE_NAMES: [&str; 3] = ["syntax", "escape", "check"];

/// `^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` on the text after the comment prefix (and the
/// whitespace after it): `(name, value)`.
fn match_directive(line: &str) -> Option<(&str, &str)> {
    let is_re_space = |c: char| matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ');
    let first = line.chars().next()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let name_len = line
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let (name, after) = line.split_at(name_len);
    let after = after.trim_start_matches(is_re_space);
    let after = after.strip_prefix('=')?;
    let value = after
        .trim_start_matches(is_re_space)
        .trim_end_matches(is_re_space);
    if value.is_empty() || value.contains('\n') {
        return None;
    }
    Some((name, value))
}

/// BuildKit's `DirectiveParser`: fed line by line until the first line that is not a
/// recognised directive.
#[derive(Clone, Debug)]
pub(crate) struct DirectiveParser {
    prefix: &'static str,
    seen: HashSet<String>,
    pub done: bool,
}

impl DirectiveParser {
    pub fn new(prefix: &'static str) -> Self {
        DirectiveParser {
            prefix,
            seen: HashSet::new(),
            done: false,
        }
    }

    /// `ParseLine`: `Ok(Some((name, value)))` for a directive, `Err` for a repeated one.
    pub fn parse_line(&mut self, line: &str) -> Result<Option<(String, String)>, String> {
        if self.done {
            return Ok(None);
        }
        let Some(rest) = line.strip_prefix(self.prefix) else {
            self.done = true;
            return Ok(None);
        };
        let rest = rest.trim_start_matches(char::is_whitespace);
        let Some((name, value)) = match_directive(rest) else {
            self.done = true;
            return Ok(None);
        };
        let name = name.to_ascii_lowercase();
        if !DIRECTIVE_NAMES.contains(&name.as_str()) {
            self.done = true;
            return Ok(None);
        }
        if !self.seen.insert(name.clone()) {
            return Err(format!("only one {name} parser directive can be used"));
        }
        Ok(Some((name, value.to_string())))
    }
}

/// The result of [`detect_syntax`] / [`parse_directive`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetectedDirective {
    /// The value up to the first space (`docker/dockerfile:1`).
    pub reference: String,
    /// The whole value.
    pub cmdline: String,
    /// 1-based line of the directive (0 for the JSON form without shebang).
    pub line: usize,
}

/// BuildKit's `DetectSyntax`: `# syntax=`, then `// syntax=`, then a JSON object
/// `{"syntax": "..."}`; a leading `#!` line and a UTF-8 BOM are skipped.
pub fn detect_syntax(source: &str) -> Option<DetectedDirective> {
    find_directive("syntax", source, true)
}

/// BuildKit's `ParseDirective(key, …)` (only the `#` form).
pub fn parse_directive(key: &str, source: &str) -> Option<DetectedDirective> {
    find_directive(key, source, false)
}

fn find_directive(key: &str, source: &str, any_format: bool) -> Option<DetectedDirective> {
    let dt = source.strip_prefix('\u{feff}').unwrap_or(source);
    let (dt, line0) = match dt.split_once('\n') {
        Some((first, rest)) if first.starts_with("#!") => (rest, 1),
        None if dt.starts_with("#!") => ("", 1),
        _ => (dt, 0),
    };
    let prefixes: &[&'static str] = if any_format { &["#", "//"] } else { &["#"] };
    for prefix in prefixes {
        let mut parser = DirectiveParser::new(prefix);
        let mut found = None;
        for (i, line) in dt.lines().enumerate() {
            if parser.done {
                break;
            }
            match parser.parse_line(line) {
                Ok(Some((name, value))) => {
                    if name == key && found.is_none() {
                        found = Some((value, line0 + i + 1));
                    }
                }
                Ok(None) => {}
                Err(_) => break,
            }
        }
        if let Some((value, line)) = found {
            let reference = value.split(' ').next().unwrap_or("").to_string();
            return Some(DetectedDirective {
                reference,
                cmdline: value,
                line,
            });
        }
    }
    if any_format {
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(dt) {
            if let Some(serde_json::Value::String(v)) = map.get(key) {
                return Some(DetectedDirective {
                    reference: v.clone(),
                    cmdline: v.clone(),
                    line: line0,
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detect() {
        let d =
            detect_syntax("# syntax = dockerfile:experimental // opts\nFROM busybox\n").unwrap();
        assert_eq!(
            (d.reference.as_str(), d.cmdline.as_str(), d.line),
            (
                "dockerfile:experimental",
                "dockerfile:experimental // opts",
                1
            )
        );
        assert_eq!(detect_syntax("#!/bin/sh\n# syntax = x\n").unwrap().line, 2);
        assert!(detect_syntax("#!/bin/sh\n\n# syntax = x\n").is_none());
        assert_eq!(
            detect_syntax("{\"syntax\": \"foo\", \"bar\": [\"abc\"]}")
                .unwrap()
                .reference,
            "foo"
        );
        assert!(detect_syntax("{\"syntax\": \"foo\"}\n# syntax=bar").is_none());
        assert!(parse_directive("check", "//check=skip=all\n").is_none());
    }
}
