//! `parseJSON` (BuildKit `line_parsers.go`): a JSON array of strings, decoded exactly as Go's
//! `json.Unmarshal` into `[]any` would accept it, with the byte range of every element.
//!
//! Iterative (no recursion), so deeply nested input cannot overflow the stack; Go's decoder
//! rejects nesting deeper than 10000 and so do we.

/// Why the text is not a usable JSON string array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JsonError {
    /// Not valid JSON, or not an array: BuildKit falls back to the shell/whitespace form.
    NotJson,
    /// Valid JSON array with a non-string element: a hard error in BuildKit.
    NotStringArray,
}

/// One decoded element and its `start..end` offsets (the quotes included).
pub(crate) type JsonElement = (String, usize, usize);

const MAX_DEPTH: usize = 10000;

/// Parses `text[from..to]` (the caller has trimmed leading whitespace; trailing JSON
/// whitespace is allowed).
pub(crate) fn parse_json_array(
    text: &str,
    from: usize,
    to: usize,
) -> Result<Vec<JsonElement>, JsonError> {
    let b = &text.as_bytes()[..to];
    let mut p = Parser { b, pos: from };
    p.ws();
    if !p.eat(b'[') {
        return Err(JsonError::NotJson);
    }
    let mut out = Vec::new();
    let mut all_strings = true;
    p.ws();
    if !p.eat(b']') {
        loop {
            p.ws();
            let start = p.pos;
            if p.peek() == Some(b'"') {
                let s = p.string().ok_or(JsonError::NotJson)?;
                out.push((s, start, p.pos));
            } else {
                p.value(1).ok_or(JsonError::NotJson)?;
                all_strings = false;
            }
            p.ws();
            if p.eat(b',') {
                continue;
            }
            if p.eat(b']') {
                break;
            }
            return Err(JsonError::NotJson);
        }
    }
    p.ws();
    if p.pos != to {
        return Err(JsonError::NotJson);
    }
    if !all_strings {
        return Err(JsonError::NotStringArray);
    }
    Ok(out)
}

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if self.b.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }

    fn number(&mut self) -> Option<()> {
        self.eat(b'-');
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return None,
        }
        if self.eat(b'.') {
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return None;
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return None;
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        Some(())
    }

    fn hex4(&mut self) -> Option<u32> {
        let s = self.b.get(self.pos..self.pos + 4)?;
        let s = std::str::from_utf8(s).ok()?;
        let v = u32::from_str_radix(s, 16).ok()?;
        if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 4;
        Some(v)
    }

    /// A JSON string starting at `"`, decoded as Go does (invalid surrogates become U+FFFD).
    fn string(&mut self) -> Option<String> {
        if !self.eat(b'"') {
            return None;
        }
        let mut out: Vec<u8> = Vec::new();
        loop {
            let c = self.peek()?;
            match c {
                b'"' => {
                    self.pos += 1;
                    return Some(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' => {
                    self.pos += 1;
                    let e = self.peek()?;
                    self.pos += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            if (0xD800..0xDC00).contains(&hi) {
                                // A high surrogate: Go pairs it with a following \uDC00-\uDFFF.
                                let save = self.pos;
                                let lo = if self.b.get(self.pos..self.pos + 2) == Some(b"\\u") {
                                    self.pos += 2;
                                    self.hex4()
                                } else {
                                    None
                                };
                                match lo {
                                    Some(lo) if (0xDC00..0xE000).contains(&lo) => {
                                        let v = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                        char::from_u32(v).unwrap_or('\u{FFFD}')
                                    }
                                    _ => {
                                        self.pos = save;
                                        '\u{FFFD}'
                                    }
                                }
                            } else {
                                char::from_u32(hi).unwrap_or('\u{FFFD}')
                            }
                        }
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                0x00..=0x1f => return None,
                _ => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// Skips any JSON value; `depth` is the nesting level of the enclosing array.
    fn value(&mut self, depth: usize) -> Option<()> {
        // Explicit stack of open containers: true = object, false = array.
        let mut stack: Vec<bool> = Vec::new();
        loop {
            self.ws();
            // Parse one value start.
            match self.peek()? {
                b'{' => {
                    self.pos += 1;
                    stack.push(true);
                    if depth + stack.len() > MAX_DEPTH {
                        return None;
                    }
                    self.ws();
                    if self.eat(b'}') {
                        stack.pop();
                    } else {
                        self.ws();
                        self.string()?;
                        self.ws();
                        if !self.eat(b':') {
                            return None;
                        }
                        continue;
                    }
                }
                b'[' => {
                    self.pos += 1;
                    stack.push(false);
                    if depth + stack.len() > MAX_DEPTH {
                        return None;
                    }
                    self.ws();
                    if self.eat(b']') {
                        stack.pop();
                    } else {
                        continue;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => self.number()?,
            }
            // After a complete value: close containers or move to the next element.
            loop {
                let Some(&is_object) = stack.last() else {
                    return Some(());
                };
                self.ws();
                if self.eat(b',') {
                    if is_object {
                        self.ws();
                        self.string()?;
                        self.ws();
                        if !self.eat(b':') {
                            return None;
                        }
                    }
                    break;
                }
                let close = if is_object { b'}' } else { b']' };
                if self.eat(close) {
                    stack.pop();
                    continue;
                }
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Vec<String>, JsonError> {
        parse_json_array(s, 0, s.len()).map(|v| v.into_iter().map(|e| e.0).collect())
    }

    #[test]
    fn strings_and_errors() {
        assert_eq!(parse("[]"), Ok(vec![]));
        assert_eq!(parse("[ \"a\", \"b\" ]"), Ok(vec!["a".into(), "b".into()]));
        assert_eq!(
            parse("[\"\\u0000\\ud83d\\ude00\"]"),
            Ok(vec!["\u{0}😀".into()])
        );
        assert_eq!(
            parse("[\"a\",{\"c\": [1, {}]},\"b\"]"),
            Err(JsonError::NotStringArray)
        );
        assert_eq!(parse("[\"a\",42]"), Err(JsonError::NotStringArray));
        assert_eq!(parse("['a']"), Err(JsonError::NotJson));
        assert_eq!(parse("[\"a\""), Err(JsonError::NotJson));
        assert_eq!(parse("[\"a\"] x"), Err(JsonError::NotJson));
        assert_eq!(parse("[1,]"), Err(JsonError::NotJson));
        let deep = "[".repeat(20000) + &"]".repeat(20000);
        assert_eq!(parse(&deep), Err(JsonError::NotJson));
    }
}
