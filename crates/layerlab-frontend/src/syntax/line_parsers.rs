//! BuildKit's per-instruction line parsers (`parser/line_parsers.go`): each turns the argument
//! text of one instruction into the values of its `Next` chain. Offsets are into the logical
//! line; every function takes the text and the `from..to` range of the argument text.

use super::json_array::{parse_json_array, JsonError};
use super::split::{is_go_space, is_go_space_byte, is_re_whitespace};
use crate::gostr::go_quote;

/// A value of the `Next` chain with its logical `start..end` (empty range: synthetic). The
/// value is `Some` when it differs from the text of its range (decoded JSON strings); `None`
/// means the value *is* the logical line's `start..end`, which the caller shares instead of
/// copying.
pub(crate) type Tok = (Option<String>, usize, usize);

/// A line parser's result: whether the values are the exec (JSON) form, or BuildKit's
/// error message. The values themselves are appended to the `out` vector each parser takes
/// (one vector is reused for every instruction of a file).
pub(crate) type LineResult = Result<bool, String>;

pub(crate) const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// `parseWords`: words separated by whitespace, quotes and escapes kept in the word.
/// Appends `(None, start, end)` to `words`: since quotes and escapes stay, every word is
/// exactly its range of the text (BuildKit builds it char by char; the result is the same).
pub(crate) fn parse_words(text: &str, from: usize, to: usize, escape: char, words: &mut Vec<Tok>) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let rest = &text[..to];
    let mut phase = Phase::Spaces;
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut word_start = from;
    // The end of the word so far; `word_end > word_start` when it is not empty.
    let mut word_end = from;
    let mut pos = from;
    let push = |words: &mut Vec<Tok>, start: usize, end: usize| {
        words.push((None, start, end.max(start)));
    };
    let bytes = rest.as_bytes();
    loop {
        let (ch, width) = match bytes.get(pos) {
            Some(&b) if b.is_ascii() => (char::from(b), 1),
            _ => match rest.get(pos..).and_then(|r| r.chars().next()) {
                Some(c) => (c, c.len_utf8()),
                None => ('\0', 0),
            },
        };
        let at_end = pos >= to;
        if phase == Phase::Spaces {
            if at_end {
                break;
            }
            if is_go_space(ch) {
                pos += width;
                continue;
            }
            phase = Phase::Word;
            word_start = pos;
            word_end = pos;
        }
        if at_end {
            if blank_ok || word_end > word_start {
                push(words, word_start, word_end);
            }
            break;
        }
        if phase == Phase::Word {
            if is_go_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || word_end > word_start {
                    push(words, word_start, word_end);
                }
                blank_ok = false;
                pos += width;
                continue;
            }
            if ch == '\'' || ch == '"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if ch == escape {
                if pos + width == to {
                    pos += width;
                    continue;
                }
                pos += width;
                let next = rest[pos..].chars().next().unwrap_or('\0');
                pos += next.len_utf8();
                word_end = pos;
                continue;
            }
            pos += width;
            word_end = pos;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
        }
        if ch == escape && quote != '\'' {
            if pos + width == to {
                phase = Phase::Word;
                pos += width;
                continue;
            }
            pos += width;
            let next = rest[pos..].chars().next().unwrap_or('\0');
            pos += next.len_utf8();
            word_end = pos;
            continue;
        }
        pos += width;
        word_end = pos;
    }
}

/// `reWhitespace.Split(rest, -1)` on `text[from..to]` (the caller guarantees it is
/// non-empty and trimmed, so no piece is empty except in degenerate input).
fn split_re_whitespace(text: &str, from: usize, to: usize, out: &mut Vec<Tok>) {
    let b = text.as_bytes();
    let mut start = from;
    let mut i = from;
    while i < to {
        if is_re_whitespace(b[i]) {
            out.push((None, start, i));
            while i < to && is_re_whitespace(b[i]) {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    out.push((None, start, to));
}

/// `parseNameVal` for ENV and LABEL (`key` is `ENV` or `LABEL`).
pub(crate) fn parse_name_val(
    text: &str,
    from: usize,
    to: usize,
    key: &str,
    escape: char,
    out: &mut Vec<Tok>,
) -> LineResult {
    let first_index = out.len();
    parse_words(text, from, to, escape, out);
    let Some(&(_, first_start, first_end)) = out.get(first_index) else {
        return Ok(false);
    };
    if !text[first_start..first_end].contains('=') {
        // Old format: KEY name value.
        out.truncate(first_index);
        let b = text.as_bytes();
        let mut i = from;
        while i < to && !is_re_whitespace(b[i]) {
            i += 1;
        }
        if i == to {
            return Err(format!("{key} must have two arguments"));
        }
        let mut j = i;
        while j < to && is_re_whitespace(b[j]) {
            j += 1;
        }
        out.extend([(None, from, i), (None, j, to), (None, to, to)]);
        return Ok(false);
    }
    // Each word `name=value` becomes the triple name, value, `=`, in place of the word.
    let words = out.len() - first_index;
    for k in 0..words {
        let (_, start, end) = out[first_index + k];
        let word = &text[start..end];
        let Some(eq) = word.find('=') else {
            out.truncate(first_index);
            return Err(format!(
                "Syntax error - can't find = in {}. Must be of the form: name=value",
                go_quote(word)
            ));
        };
        let eq_abs = start + eq;
        out.push((None, start, eq_abs));
        out.push((None, eq_abs + 1, end));
        // The `=` separator node: its own character.
        out.push((None, eq_abs, eq_abs + 1));
    }
    out.drain(first_index..first_index + words);
    Ok(false)
}

/// `parseNameOrNameVal` for ARG: one value per word.
pub(crate) fn parse_name_or_name_val(
    text: &str,
    from: usize,
    to: usize,
    escape: char,
    out: &mut Vec<Tok>,
) {
    parse_words(text, from, to, escape, out);
}

/// `parseStringsWhitespaceDelimited` for FROM and EXPOSE.
pub(crate) fn parse_strings_whitespace_delimited(
    text: &str,
    from: usize,
    to: usize,
    out: &mut Vec<Tok>,
) {
    if from < to {
        split_re_whitespace(text, from, to, out);
    }
}

/// `parseString` for MAINTAINER, USER, WORKDIR, STOPSIGNAL: the whole rest.
pub(crate) fn parse_string(from: usize, to: usize, out: &mut Vec<Tok>) {
    if from < to {
        out.push((None, from, to));
    }
}

/// `parseJSON`: `Ok(false)` when the text is not a JSON array (fall back), `Ok(true)` when
/// its elements were appended.
fn parse_json(text: &str, from: usize, to: usize, out: &mut Vec<Tok>) -> Result<bool, String> {
    let slice = &text[from..to];
    let start = from + (slice.len() - slice.trim_start_matches(is_go_space).len());
    if !text[start..to].starts_with('[') {
        return Ok(false);
    }
    match parse_json_array(text, start, to) {
        Ok(elements) => {
            out.extend(
                elements
                    .into_iter()
                    .map(|(value, start, end)| (Some(value), start, end)),
            );
            Ok(true)
        }
        Err(JsonError::NotJson) => Ok(false),
        Err(JsonError::NotStringArray) => Err(NOT_STRING_ARRAY.to_string()),
    }
}

/// `parseMaybeJSON` for RUN, CMD, ENTRYPOINT, SHELL: a JSON array, or one value.
pub(crate) fn parse_maybe_json(
    text: &str,
    from: usize,
    to: usize,
    out: &mut Vec<Tok>,
) -> LineResult {
    if from >= to {
        return Ok(false);
    }
    if parse_json(text, from, to, out)? {
        return Ok(true);
    }
    out.push((None, from, to));
    Ok(false)
}

/// `parseMaybeJSONToList` for ADD, COPY, VOLUME: a JSON array, or whitespace-split words.
pub(crate) fn parse_maybe_json_to_list(
    text: &str,
    from: usize,
    to: usize,
    out: &mut Vec<Tok>,
) -> LineResult {
    if parse_json(text, from, to, out)? {
        return Ok(true);
    }
    parse_strings_whitespace_delimited(text, from, to, out);
    Ok(false)
}

/// `parseHealthConfig`: the type word (`CMD`, `NONE`, …) then `parseMaybeJSON` of the rest.
pub(crate) fn parse_health_config(
    text: &str,
    from: usize,
    to: usize,
    out: &mut Vec<Tok>,
) -> LineResult {
    let b = text.as_bytes();
    let mut sep = from;
    while sep < to && !is_go_space_byte(b[sep]) {
        sep += 1;
    }
    let mut next = sep;
    while next < to && is_go_space_byte(b[next]) {
        next += 1;
    }
    if sep == from {
        return Ok(false);
    }
    // Byte-wise scanning may stop inside a character (0x85/0xA0 continuation bytes); keep
    // both cuts on character boundaries.
    let sep = super::split::ceil_boundary(text, sep);
    let next = super::split::ceil_boundary(text, next).max(sep);
    let first = out.len();
    out.push((None, from, sep));
    let json = parse_maybe_json(text, next, to, out);
    if json.is_err() {
        out.truncate(first);
    }
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals<'a>(text: &'a str, toks: &'a [Tok]) -> Vec<&'a str> {
        toks.iter()
            .map(|t| t.0.as_deref().unwrap_or(&text[t.1..t.2]))
            .collect()
    }

    fn name_val(s: &str, key: &str) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        parse_name_val(s, 0, s.len(), key, '\\', &mut out)?;
        Ok(vals(s, &out).into_iter().map(str::to_string).collect())
    }

    #[test]
    fn words_keep_quotes() {
        let s = "foo bar 'abc xyz' föo\\ x";
        let mut w = Vec::new();
        parse_words(s, 0, s.len(), '\\', &mut w);
        assert_eq!(vals(s, &w), ["foo", "bar", "'abc xyz'", "föo\\ x"]);
        assert!(w.iter().all(|t| t.0.is_none()));
    }

    #[test]
    fn name_val_forms() {
        assert_eq!(name_val("foo bar", "LABEL").unwrap(), ["foo", "bar", ""]);
        assert_eq!(
            name_val("foo=bar thing=star", "LABEL").unwrap(),
            ["foo", "bar", "=", "thing", "star", "="]
        );
        assert_eq!(
            name_val("foo", "ENV"),
            Err("ENV must have two arguments".to_string())
        );
        assert!(name_val("a=b c", "ENV").is_err());
    }
}
