//! `splitCommand` and `extractBuilderFlags` (BuildKit `parser/split_command.go`): the keyword,
//! the leading `--flag` words and the rest of a logical line, with byte offsets.

/// Whitespace as Go's `unicode.IsSpace` (identical to Rust's `char::is_whitespace`).
#[inline(always)]
pub(crate) fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// `unicode.IsSpace(rune(b))` on a single byte, as BuildKit applies it byte by byte:
/// besides ASCII whitespace this also matches 0x85 and 0xA0.
#[inline(always)]
pub(crate) fn is_go_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xA0)
}

/// `[\t\v\f\r ]`, BuildKit's `reWhitespace`.
#[inline(always)]
pub(crate) fn is_re_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' ')
}

/// `strings.TrimSpace` as offsets: `(start, end)` of `s[from..to]` without surrounding
/// whitespace.
pub(crate) fn trim_space(s: &str, from: usize, to: usize) -> (usize, usize) {
    let slice = &s[from..to];
    let start = from + (slice.len() - slice.trim_start_matches(is_go_space).len());
    let end = from + slice.trim_end_matches(is_go_space).len();
    (start, end.max(start))
}

/// A flag word found by [`split_command`], with offsets into the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FlagToken {
    /// The word after quote/escape processing (BuildKit's `Node.Flags` element).
    pub processed: String,
    pub start: usize,
    pub end: usize,
}

/// The pieces of a logical line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SplitLine {
    pub cmd: (usize, usize),
    pub flags: Vec<FlagToken>,
    /// The argument text (`strings.TrimSpace`d).
    pub rest: (usize, usize),
}

/// BuildKit's `splitCommand` on `line[from..to]`.
pub(crate) fn split_command(line: &str, from: usize, to: usize) -> SplitLine {
    let (t_start, t_end) = trim_space(line, from, to);
    let bytes = line.as_bytes();
    let mut cmd_end = t_start;
    while cmd_end < t_end && !is_re_whitespace(bytes[cmd_end]) {
        cmd_end += 1;
    }
    if cmd_end == t_end {
        return SplitLine {
            cmd: (t_start, t_end),
            flags: Vec::new(),
            rest: (t_end, t_end),
        };
    }
    let mut args_start = cmd_end;
    while args_start < t_end && is_re_whitespace(bytes[args_start]) {
        args_start += 1;
    }
    let (rest_start, flags) = extract_builder_flags(line, args_start, t_end);
    let rest = trim_space(line, rest_start, t_end);
    SplitLine {
        cmd: (t_start, cmd_end),
        flags,
        rest,
    }
}

/// BuildKit's `extractBuilderFlags` on `line[from..to]`: returns where the rest starts and
/// the flag words. It works on bytes (a non-ASCII byte becomes the Latin-1 character of the
/// same value, as Go's `string(rune(line[pos]))` does) and always uses `\` as escape.
fn extract_builder_flags(line: &str, from: usize, to: usize) -> (usize, Vec<FlagToken>) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let bytes = &line.as_bytes()[..to];
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_start = from;
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = from;
    while pos <= to {
        let ch = if pos < to { bytes[pos] } else { 0 };
        if phase == Phase::Spaces {
            if pos == to {
                break;
            }
            if is_go_space_byte(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || pos + 1 == to || bytes[pos + 1] != b'-' {
                return (ceil_boundary(line, pos), words);
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if pos == to {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push(FlagToken {
                    processed: std::mem::take(&mut word),
                    start: word_start,
                    end: to,
                });
            }
            break;
        }
        if phase == Phase::Word {
            if is_go_space_byte(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (ceil_boundary(line, pos), words);
                }
                if blank_ok || !word.is_empty() {
                    words.push(FlagToken {
                        processed: std::mem::take(&mut word),
                        start: word_start,
                        end: ceil_boundary(line, pos),
                    });
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            let mut c = ch;
            if c == b'\\' {
                if pos + 1 == to {
                    pos += 1;
                    continue;
                }
                pos += 1;
                c = bytes[pos];
            }
            word.push(char::from(c));
            pos += 1;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        let mut c = ch;
        if c == b'\\' {
            if pos + 1 == to {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            c = bytes[pos];
        }
        word.push(char::from(c));
        pos += 1;
    }
    (to, words)
}

/// The first char boundary at or after `pos` (BuildKit may cut inside a UTF-8 sequence when
/// a continuation byte is 0x85 or 0xA0; we never produce a span inside a character).
pub(crate) fn ceil_boundary(s: &str, mut pos: usize) -> usize {
    while pos < s.len() && !s.is_char_boundary(pos) {
        pos += 1;
    }
    pos.min(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> (String, Vec<String>, String) {
        let r = split_command(s, 0, s.len());
        (
            s[r.cmd.0..r.cmd.1].to_string(),
            r.flags.into_iter().map(|f| f.processed).collect(),
            s[r.rest.0..r.rest.1].to_string(),
        )
    }

    #[test]
    fn flags_and_rest() {
        assert_eq!(
            split("COPY --user=me --doit=true foo /tmp/"),
            (
                "COPY".into(),
                vec!["--user=me".into(), "--doit=true".into()],
                "foo /tmp/".into()
            )
        );
        assert_eq!(
            split("COPY --doit=true -- foo /tmp/"),
            (
                "COPY".into(),
                vec!["--doit=true".into()],
                "foo /tmp/".into()
            )
        );
        assert_eq!(
            split("CMD --doit -- [ ]"),
            ("CMD".into(), vec!["--doit".into()], "[ ]".into())
        );
        assert_eq!(
            split("  RUN --chown=\"a b\"   x "),
            ("RUN".into(), vec!["--chown=a b".into()], "x".into())
        );
        assert_eq!(split("FROM"), ("FROM".into(), vec![], "".into()));
        assert_eq!(
            split("COPY --link"),
            ("COPY".into(), vec!["--link".into()], "".into())
        );
    }
}
