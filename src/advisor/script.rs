//! The simple commands of a shell-form RUN, as words with their spans in the Dockerfile, so
//! a fix can insert `--no-install-recommends` right after the `install` the user wrote.
//!
//! This is deliberately a word splitter, not a shell: the checks only need to recognise
//! `apt-get install …`, `pip install …`, `apk add …` and `rm -rf …` in `&&`/`;` chains.
//! Quotes keep their content in one word (with the quotes), a line continuation (the
//! Dockerfile's escape character before a newline) is blank, and comment lines inside a
//! continuation are skipped, as BuildKit removes them. Anything that needs real shell
//! semantics is left to `crate::shell`; a RUN with heredocs is not split here.

use crate::span::Span;

/// A word of the script and where it is in the Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptWord {
    pub text: String,
    pub span: Span,
}

/// A simple command: its words and the operator that ends it (`&&`, `||`, `;`, `|`, `&`,
/// `(`, `)`, or empty at the end of the script).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimpleCommand {
    pub words: Vec<ScriptWord>,
    pub terminator: String,
}

impl SimpleCommand {
    /// The index of the program name: after `VAR=value` assignments and a leading `sudo`.
    fn program_index(&self) -> Option<usize> {
        let mut i = 0;
        while i < self.words.len() {
            let w = &self.words[i].text;
            let assignment = w
                .split_once('=')
                .is_some_and(|(name, _)| is_variable_name(name));
            if assignment || w == "sudo" {
                i += 1;
                continue;
            }
            return Some(i);
        }
        None
    }

    /// The program name (`apt-get`, `pip3`, …).
    pub fn program(&self) -> Option<&str> {
        self.program_index().map(|i| self.words[i].text.as_str())
    }

    /// The words after the program name.
    pub fn args(&self) -> &[ScriptWord] {
        match self.program_index() {
            Some(i) => &self.words[i + 1..],
            None => &[],
        }
    }

    /// The first argument that is not an option (`install` in `apt-get -y install x`).
    pub fn verb(&self) -> Option<&ScriptWord> {
        self.args().iter().find(|w| !w.text.starts_with('-'))
    }

    /// True when one argument is exactly `option`.
    pub fn has_arg(&self, option: &str) -> bool {
        self.args().iter().any(|w| w.text == option)
    }

    /// The span from the first to the last word.
    pub fn span(&self) -> Option<Span> {
        let first = self.words.first()?;
        let last = self.words.last()?;
        Some(first.span.cover(last.span))
    }

    /// The words as one line.
    pub fn text(&self) -> String {
        self.words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn is_variable_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

/// Splits `source[span]` (the command text of a shell-form RUN, after its flags) into simple
/// commands. `escape` is the Dockerfile's escape character.
pub fn split_commands(source: &str, span: Span, escape: char) -> Vec<SimpleCommand> {
    let Some(text) = source.get(span.start..span.end) else {
        return Vec::new();
    };
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut commands = Vec::new();
    let mut words: Vec<ScriptWord> = Vec::new();
    let mut i = 0;
    let mut at_line_start = false;
    let abs = |offset: usize| span.start + offset;
    let end_offset = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    while i < chars.len() {
        let (offset, c) = chars[i];
        // A comment line inside a continuation: BuildKit drops it.
        if at_line_start {
            let mut j = i;
            while j < chars.len() && matches!(chars[j].1, ' ' | '\t') {
                j += 1;
            }
            if chars.get(j).is_some_and(|c| c.1 == '#') {
                while j < chars.len() && chars[j].1 != '\n' {
                    j += 1;
                }
                i = j + 1;
                continue;
            }
            at_line_start = false;
        }
        if c == escape && chars.get(i + 1).is_some_and(|n| n.1 == '\n') {
            i += 2;
            at_line_start = true;
            continue;
        }
        if c == escape
            && chars.get(i + 1).is_some_and(|n| n.1 == '\r')
            && chars.get(i + 2).is_some_and(|n| n.1 == '\n')
        {
            i += 3;
            at_line_start = true;
            continue;
        }
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let operator = match (c, chars.get(i + 1).map(|n| n.1)) {
            ('&', Some('&')) => Some("&&"),
            ('|', Some('|')) => Some("||"),
            (';', _) => Some(";"),
            ('|', _) => Some("|"),
            ('&', _) => Some("&"),
            ('(', _) => Some("("),
            (')', _) => Some(")"),
            _ => None,
        };
        if let Some(op) = operator {
            commands.push(SimpleCommand {
                words: std::mem::take(&mut words),
                terminator: op.to_string(),
            });
            i += op.len();
            continue;
        }
        // A word: up to unquoted whitespace or an operator character.
        let start = offset;
        let mut word = String::new();
        let mut quote: Option<char> = None;
        while i < chars.len() {
            let c = chars[i].1;
            match quote {
                Some(q) => {
                    word.push(c);
                    if c == q {
                        quote = None;
                    }
                    i += 1;
                }
                None => {
                    if c.is_whitespace() || matches!(c, '&' | '|' | ';' | '(' | ')') {
                        break;
                    }
                    if c == escape && chars.get(i + 1).is_some_and(|n| n.1 == '\n') {
                        break;
                    }
                    if c == '"' || c == '\'' {
                        quote = Some(c);
                    }
                    if c == '\\' && i + 1 < chars.len() {
                        word.push(c);
                        word.push(chars[i + 1].1);
                        i += 2;
                        continue;
                    }
                    word.push(c);
                    i += 1;
                }
            }
        }
        words.push(ScriptWord {
            text: word,
            span: Span::new(abs(start), abs(end_offset(i))),
        });
    }
    if !words.is_empty() {
        commands.push(SimpleCommand {
            words,
            terminator: String::new(),
        });
    }
    commands.retain(|c| !c.words.is_empty());
    commands
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_their_spans_across_continuations_and_comments() {
        let src = "RUN apt-get update \\\n  # refresh\n  && apt-get install -y curl";
        let cmds = split_commands(src, Span::new(4, src.len()), '\\');
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].text(), "apt-get update");
        assert_eq!(cmds[0].terminator, "&&");
        assert_eq!(cmds[1].program(), Some("apt-get"));
        assert_eq!(cmds[1].verb().map(|w| w.text.as_str()), Some("install"));
        let curl = &cmds[1].words[3];
        assert_eq!(&src[curl.span.start..curl.span.end], "curl");
    }

    #[test]
    fn quotes_assignments_and_sudo() {
        let src = "DEBIAN_FRONTEND=noninteractive sudo apt-get install 'a b'; echo \"x && y\"";
        let cmds = split_commands(src, Span::new(0, src.len()), '\\');
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].program(), Some("apt-get"));
        assert_eq!(cmds[0].args()[1].text, "'a b'");
        assert_eq!(cmds[1].args()[0].text, "\"x && y\"");
    }
}
