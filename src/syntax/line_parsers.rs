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

/// What a line parser produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub toks: Vec<Tok>,
    pub json: bool,
}

/// A line parser's error, with BuildKit's message.
pub(crate) type LineResult = Result<Parsed, String>;

pub(crate) const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// `parseWords`: words separated by whitespace, quotes and escapes kept in the word.
/// Returns `(None, start, end)`: since quotes and escapes stay, every word is exactly its
/// range of the text (BuildKit builds it char by char; the result is the same).
pub(crate) fn parse_words(text: &str, from: usize, to: usize, escape: char) -> Vec<Tok> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let rest = &text[..to];
    let mut words = Vec::new();
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
    loop {
        let (ch, width) = match rest[pos..].chars().next() {
            Some(c) => (c, c.len_utf8()),
            None => ('\0', 0),
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
                push(&mut words, word_start, word_end);
            }
            break;
        }
        if phase == Phase::Word {
            if is_go_space(ch) {
                phase = Phase::Spaces;
                if blank_ok || word_end > word_start {
                    push(&mut words, word_start, word_end);
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
    words
}

/// `reWhitespace.Split(rest, -1)` on `text[from..to]` (the caller guarantees it is
/// non-empty and trimmed, so no piece is empty except in degenerate input).
fn split_re_whitespace(text: &str, from: usize, to: usize) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut out = Vec::new();
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
    out
}

/// `parseNameVal` for ENV and LABEL (`key` is `ENV` or `LABEL`).
pub(crate) fn parse_name_val(
    text: &str,
    from: usize,
    to: usize,
    key: &str,
    escape: char,
) -> LineResult {
    let words = parse_words(text, from, to, escape);
    let Some(first) = words.first() else {
        return Ok(Parsed::default());
    };
    if !text[first.1..first.2].contains('=') {
        // Old format: KEY name value.
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
        return Ok(Parsed {
            toks: vec![(None, from, i), (None, j, to), (None, to, to)],
            json: false,
        });
    }
    let mut toks = Vec::new();
    for (_, start, end) in words {
        let word = &text[start..end];
        let Some(eq) = word.find('=') else {
            return Err(format!(
                "Syntax error - can't find = in {}. Must be of the form: name=value",
                go_quote(&word)
            ));
        };
        let eq_abs = start + eq;
        toks.push((None, start, eq_abs));
        toks.push((None, eq_abs + 1, end));
        // The `=` separator node: its own character.
        toks.push((None, eq_abs, eq_abs + 1));
    }
    Ok(Parsed { toks, json: false })
}

/// `parseNameOrNameVal` for ARG: one value per word.
pub(crate) fn parse_name_or_name_val(text: &str, from: usize, to: usize, escape: char) -> Parsed {
    Parsed {
        toks: parse_words(text, from, to, escape),
        json: false,
    }
}

/// `parseStringsWhitespaceDelimited` for FROM and EXPOSE.
pub(crate) fn parse_strings_whitespace_delimited(text: &str, from: usize, to: usize) -> Parsed {
    if from >= to {
        return Parsed::default();
    }
    Parsed {
        toks: split_re_whitespace(text, from, to),
        json: false,
    }
}

/// `parseString` for MAINTAINER, USER, WORKDIR, STOPSIGNAL: the whole rest.
pub(crate) fn parse_string(from: usize, to: usize) -> Parsed {
    if from >= to {
        return Parsed::default();
    }
    Parsed {
        toks: vec![(None, from, to)],
        json: false,
    }
}

/// `parseJSON`: `Ok(None)` when the text is not a JSON array (fall back).
fn parse_json(text: &str, from: usize, to: usize) -> Result<Option<Parsed>, String> {
    let slice = &text[from..to];
    let start = from + (slice.len() - slice.trim_start_matches(is_go_space).len());
    if !text[start..to].starts_with('[') {
        return Ok(None);
    }
    match parse_json_array(text, start, to) {
        Ok(elements) => Ok(Some(Parsed {
            toks: elements
                .into_iter()
                .map(|(value, start, end)| (Some(value), start, end))
                .collect(),
            json: true,
        })),
        Err(JsonError::NotJson) => Ok(None),
        Err(JsonError::NotStringArray) => Err(NOT_STRING_ARRAY.to_string()),
    }
}

/// `parseMaybeJSON` for RUN, CMD, ENTRYPOINT, SHELL: a JSON array, or one value.
pub(crate) fn parse_maybe_json(text: &str, from: usize, to: usize) -> LineResult {
    if from >= to {
        return Ok(Parsed::default());
    }
    if let Some(p) = parse_json(text, from, to)? {
        return Ok(p);
    }
    Ok(Parsed {
        toks: vec![(None, from, to)],
        json: false,
    })
}

/// `parseMaybeJSONToList` for ADD, COPY, VOLUME: a JSON array, or whitespace-split words.
pub(crate) fn parse_maybe_json_to_list(text: &str, from: usize, to: usize) -> LineResult {
    if let Some(p) = parse_json(text, from, to)? {
        return Ok(p);
    }
    Ok(parse_strings_whitespace_delimited(text, from, to))
}

/// `parseHealthConfig`: the type word (`CMD`, `NONE`, …) then `parseMaybeJSON` of the rest.
pub(crate) fn parse_health_config(text: &str, from: usize, to: usize) -> LineResult {
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
        return Ok(Parsed::default());
    }
    // Byte-wise scanning may stop inside a character (0x85/0xA0 continuation bytes); keep
    // both cuts on character boundaries.
    let sep = super::split::ceil_boundary(text, sep);
    let next = super::split::ceil_boundary(text, next).max(sep);
    let cmd = parse_maybe_json(text, next, to)?;
    let mut toks = vec![(None, from, sep)];
    toks.extend(cmd.toks);
    Ok(Parsed {
        toks,
        json: cmd.json,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals<'a>(text: &'a str, p: &'a Parsed) -> Vec<&'a str> {
        p.toks
            .iter()
            .map(|t| t.0.as_deref().unwrap_or(&text[t.1..t.2]))
            .collect()
    }

    #[test]
    fn words_keep_quotes() {
        let s = "foo bar 'abc xyz' föo\\ x";
        let w = parse_words(s, 0, s.len(), '\\');
        let v: Vec<_> = w.iter().map(|t| &s[t.1..t.2]).collect();
        assert_eq!(v, ["foo", "bar", "'abc xyz'", "föo\\ x"]);
        assert!(w.iter().all(|t| t.0.is_none()));
    }

    #[test]
    fn name_val_forms() {
        let s = "foo bar";
        assert_eq!(
            vals(s, &parse_name_val(s, 0, s.len(), "LABEL", '\\').unwrap()),
            ["foo", "bar", ""]
        );
        let s = "foo=bar thing=star";
        assert_eq!(
            vals(s, &parse_name_val(s, 0, s.len(), "LABEL", '\\').unwrap()),
            ["foo", "bar", "=", "thing", "star", "="]
        );
        let s = "foo";
        assert_eq!(
            parse_name_val(s, 0, s.len(), "ENV", '\\'),
            Err("ENV must have two arguments".to_string())
        );
    }
}
