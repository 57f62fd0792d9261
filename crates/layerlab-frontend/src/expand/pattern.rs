//! Shell patterns of `${v#p}`, `${v%p}`, `${v/p/r}`: `*` any string, `?` any one character,
//! `\*` `\?` `\\` literal, `\}` `\/` the delimiter itself, everything else literal.
//!
//! BuildKit turns such a pattern into a Go regular expression (`convertShellPatternToRegex`:
//! `*` becomes `.*` or `.*?`, `?` becomes `.`) and runs Go's `regexp`. This module matches the
//! same patterns directly, with the same leftmost-first semantics Go's engines share, so the
//! results agree — including Go's `.` not matching a newline — without a regex crate in the
//! wasm bundle. The matcher is a Pike VM over the pattern's positions: time O(text × pattern),
//! memory O(pattern), no recursion.

use super::unicode_class::{is_digit, is_letter};

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    /// Exactly this character.
    Literal(char),
    /// Any one character except `\n` (`?`).
    AnyChar,
    /// Any run of characters without `\n` (`*`).
    Star,
}

/// A pattern that failed to compile: a `\` before a character it cannot escape. `escaped` is
/// U+FFFD when the pattern ends with the `\` (Go prints the end-of-input rune that way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadEscape {
    pub escaped: char,
}

/// A compiled shell pattern.
#[derive(Debug, Clone)]
pub(crate) struct ShellPattern {
    tokens: Vec<Token>,
    /// `*` prefers the longest run (`.*`) when true, the shortest (`.*?`) when false.
    greedy: bool,
}

impl ShellPattern {
    /// Compiles `pattern` like `convertShellPatternToRegex` (a leading U+FEFF is dropped, as
    /// Go's `text/scanner` does).
    pub(crate) fn compile(pattern: &str, greedy: bool) -> Result<Self, BadEscape> {
        let mut chars = pattern
            .strip_prefix('\u{feff}')
            .unwrap_or(pattern)
            .chars()
            .peekable();
        let mut tokens = Vec::new();
        while let Some(c) = chars.next() {
            match c {
                '*' => tokens.push(Token::Star),
                '?' => tokens.push(Token::AnyChar),
                '\\' => match chars.peek().copied() {
                    // `\}` and `\/` only protect the delimiter; the next round takes the
                    // character itself as a literal.
                    Some('}') | Some('/') => {}
                    Some(e @ ('*' | '?' | '\\')) => {
                        chars.next();
                        tokens.push(Token::Literal(e));
                    }
                    Some(e) => return Err(BadEscape { escaped: e }),
                    None => {
                        return Err(BadEscape {
                            escaped: '\u{fffd}',
                        })
                    }
                },
                c => tokens.push(Token::Literal(c)),
            }
        }
        Ok(Self { tokens, greedy })
    }

    /// The leftmost-first match in `text[from..]` (character indices), or only a match that
    /// starts at `from` when `anchored`.
    fn find_at(&self, text: &[char], from: usize, anchored: bool) -> Option<(usize, usize)> {
        let end_state = self.tokens.len();
        let mut current: Vec<(usize, usize)> = Vec::new();
        let mut next: Vec<(usize, usize)> = Vec::new();
        let mut current_seen = vec![false; end_state + 1];
        let mut next_seen = vec![false; end_state + 1];
        let mut found = None;
        let mut pos = from;
        loop {
            if current.is_empty() && (found.is_some() || (anchored && pos > from)) {
                break;
            }
            if found.is_none() && (!anchored || pos == from) {
                // A new attempt starting here has the lowest priority.
                self.add_thread(&mut current, &mut current_seen, 0, pos);
            }
            let c = text.get(pos).copied();
            for &(state, start) in &current {
                if state == end_state {
                    // Everything after this thread has lower priority: cut it off.
                    found = Some((start, pos));
                    break;
                }
                let Some(c) = c else { continue };
                let target = match self.tokens[state] {
                    Token::Literal(l) if l == c => state + 1,
                    Token::AnyChar if c != '\n' => state + 1,
                    Token::Star if c != '\n' => state,
                    _ => continue,
                };
                self.add_thread(&mut next, &mut next_seen, target, start);
            }
            if c.is_none() {
                break;
            }
            std::mem::swap(&mut current, &mut next);
            std::mem::swap(&mut current_seen, &mut next_seen);
            next.clear();
            next_seen.iter_mut().for_each(|s| *s = false);
            pos += 1;
        }
        found
    }

    /// Adds the thread for `state` and everything reachable from it without reading a
    /// character, in priority order, skipping states already on the list.
    fn add_thread(
        &self,
        list: &mut Vec<(usize, usize)>,
        seen: &mut [bool],
        state: usize,
        start: usize,
    ) {
        let end_state = self.tokens.len();
        let mut k = state;
        while k < end_state && self.tokens[k] == Token::Star && !seen[k] {
            seen[k] = true;
            k += 1;
        }
        let terminal = if seen[k] {
            None
        } else {
            seen[k] = true;
            Some(k)
        };
        if self.greedy {
            // `.*`: looping is preferred over going on.
            list.extend((state..k).map(|s| (s, start)));
            list.extend(terminal.map(|t| (t, start)));
        } else {
            // `.*?`: going on is preferred over looping.
            list.extend(terminal.map(|t| (t, start)));
            list.extend((state..k).rev().map(|s| (s, start)));
        }
    }
}

fn byte_offset(text: &str, char_index: usize) -> usize {
    text.char_indices()
        .nth(char_index)
        .map_or(text.len(), |(i, _)| i)
}

/// `${value#pattern}` / `${value##pattern}`: removes the shortest (longest when `greedy`)
/// prefix matching `pattern`; the value is unchanged when nothing matches.
pub(crate) fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, BadEscape> {
    let compiled = ShellPattern::compile(pattern, greedy)?;
    let text: Vec<char> = value.chars().collect();
    Ok(match compiled.find_at(&text, 0, true) {
        Some((_, end)) => value[byte_offset(value, end)..].to_string(),
        None => value.to_string(),
    })
}

/// `${value%pattern}` / `${value%%pattern}`: like BuildKit, reverses the pattern and the value
/// and trims a prefix. A bad escape is reported against the reversed pattern, as BuildKit
/// does.
pub(crate) fn trim_suffix(
    pattern: &str,
    value: &str,
    greedy: bool,
) -> Result<String, (String, BadEscape)> {
    let reversed_pattern = reverse_pattern(pattern);
    let reversed_value: String = value.chars().rev().collect();
    match trim_prefix(&reversed_pattern, &reversed_value, greedy) {
        Ok(trimmed) => Ok(trimmed.chars().rev().collect()),
        Err(e) => Err((reversed_pattern, e)),
    }
}

/// Reverses a pattern but keeps every `\x` escape pair in order (`a\*c` → `c\*a`).
pub fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = vec!['\0'; chars.len()];
    let Some(last) = chars.len().checked_sub(1) else {
        return String::new();
    };
    let mut i = 0;
    while i <= last {
        let out_index = last - i;
        if chars[i] == '\\' && i != last {
            out[out_index - 1] = '\\';
            out[out_index] = chars[i + 1];
            i += 2;
        } else {
            out[out_index] = chars[i];
            i += 1;
        }
    }
    out.into_iter().collect()
}

/// `${value/pattern/replacement}` (first match) and `${value//pattern/replacement}` (all
/// matches; like Go's `ReplaceAllString`, `$0`/`${0}` in the replacement stands for the
/// matched text, other `$name`s for nothing and `$$` for `$`).
pub(crate) fn replace(
    pattern: &str,
    value: &str,
    replacement: &str,
    all: bool,
    max_len: usize,
) -> Result<String, ReplaceError> {
    let compiled = ShellPattern::compile(pattern, true).map_err(ReplaceError::BadEscape)?;
    let text: Vec<char> = value.chars().collect();
    // Byte offset of every character index (plus the end).
    let mut offsets: Vec<usize> = value.char_indices().map(|(i, _)| i).collect();
    offsets.push(value.len());
    if !all {
        let out = match compiled.find_at(&text, 0, false) {
            Some((start, end)) => format!(
                "{}{}{}",
                &value[..offsets[start]],
                replacement,
                &value[offsets[end]..]
            ),
            None => value.to_string(),
        };
        return if out.len() > max_len {
            Err(ReplaceError::TooLong)
        } else {
            Ok(out)
        };
    }
    let mut out = String::new();
    let mut last_match_end = 0;
    let mut search = 0;
    while search <= text.len() {
        let Some((start, end)) = compiled.find_at(&text, search, false) else {
            break;
        };
        out.push_str(&value[offsets[last_match_end]..offsets[start]]);
        // No replacement for an empty match right after the previous match.
        if end > last_match_end || start == 0 {
            expand_template(&mut out, replacement, &value[offsets[start]..offsets[end]]);
        }
        if out.len() > max_len {
            return Err(ReplaceError::TooLong);
        }
        last_match_end = end;
        if search + 1 > end {
            search += 1;
        } else {
            search = end;
        }
    }
    out.push_str(&value[offsets[last_match_end]..]);
    if out.len() > max_len {
        return Err(ReplaceError::TooLong);
    }
    Ok(out)
}

/// Why [`replace`] failed.
#[derive(Debug)]
pub(crate) enum ReplaceError {
    /// The pattern has a bad escape.
    BadEscape(BadEscape),
    /// The result would be longer than the limit.
    TooLong,
}

/// Go's `Regexp.Expand` for a regexp whose only group is the whole match.
fn expand_template(out: &mut String, template: &str, whole: &str) {
    let mut rest = template;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        match template_name(rest) {
            Some((name, after)) => {
                if name == "0" {
                    out.push_str(whole);
                }
                rest = after;
            }
            None => out.push('$'),
        }
    }
    out.push_str(rest);
}

/// The `name` or `{name}` at the start of `s` and what follows it (Go's `extract`).
fn template_name(s: &str) -> Option<(&str, &str)> {
    let (body, brace) = match s.strip_prefix('{') {
        Some(b) => (b, true),
        None => (s, false),
    };
    let len: usize = body
        .chars()
        .take_while(|&c| is_letter(c) || is_digit(c) || c == '_')
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    let after = &body[len..];
    if brace {
        return after.strip_prefix('}').map(|a| (name, a));
    }
    Some((name, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_and_suffix() {
        assert_eq!(trim_prefix("*x*y", "xxyy", false).unwrap(), "y");
        assert_eq!(trim_prefix("*", "xxyy", false).unwrap(), "xxyy");
        assert_eq!(trim_prefix("*x", "xxyy", true).unwrap(), "yy");
        assert_eq!(trim_suffix("\\**", "xx**", true).unwrap(), "xx");
        assert_eq!(trim_suffix("x", "xxyy", false).unwrap(), "xxyy");
        assert_eq!(trim_prefix("a*", "ab\ncd", true).unwrap(), "\ncd");
    }

    #[test]
    fn replacements() {
        assert_eq!(
            replace("/?/", "/a/foo/b/c.txt", "/", true, usize::MAX).unwrap(),
            "/foo/c.txt"
        );
        assert_eq!(
            replace("", "xxyy", "ww", false, usize::MAX).unwrap(),
            "wwxxyy"
        );
        assert_eq!(replace("", "ab", "-", true, usize::MAX).unwrap(), "-a-b-");
        assert_eq!(
            replace("b", "abc", "[$0${0}$$]", true, usize::MAX).unwrap(),
            "a[bb$]c"
        );
        assert_eq!(replace("b", "abc", "$x", true, usize::MAX).unwrap(), "ac");
        // Past the limit: an error, not a huge string.
        assert!(matches!(
            replace("", "abcd", "xyz", true, 8),
            Err(ReplaceError::TooLong)
        ));
        assert_eq!(replace("", "ab", "-", true, 5).unwrap(), "-a-b-");
    }

    #[test]
    fn bad_escapes() {
        assert_eq!(ShellPattern::compile("\\x", true).unwrap_err().escaped, 'x');
        assert_eq!(
            ShellPattern::compile("\\", true).unwrap_err().escaped,
            '\u{fffd}'
        );
    }

    #[test]
    fn long_inputs_stay_fast() {
        let value = "a".repeat(20_000);
        let pattern = "*".repeat(200) + "b";
        assert_eq!(trim_prefix(&pattern, &value, true).unwrap(), value);
    }
}
