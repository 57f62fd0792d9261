//! Heredoc detection (BuildKit `parser.go`: `heredocsFromLine`, `ParseHeredoc`,
//! `ChompHeredocContent`).
//!
//! BuildKit splits the instruction line with its shell lexer (raw quotes, raw escapes, unset
//! variables kept) and tests every word against `^(\d*)<<(-?)\s*([^<]*)$`. The expander
//! (`crate::expand`) is a separate module; the parser only needs this small word splitter,
//! which keeps text raw, so it lives here (as BuildKit's parser package has its own helpers).

/// A heredoc word as found on the instruction line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeredocWord {
    pub name: String,
    pub expand: bool,
    pub chomp: bool,
    pub fd: Option<u32>,
}

/// How the mini lexer treats quotes and escapes.
#[derive(Clone, Copy)]
struct LexMode {
    raw_quotes: bool,
    raw_escapes: bool,
}

/// Splits `text` into shell words as BuildKit's `Lex.ProcessWords` does with an empty
/// environment and `SkipUnsetEnv` (so `$X` stays literal). `<<` absorbs an optional `-` and
/// the whitespace after it (`processPossibleHeredoc`). Errors are BuildKit's texts for an
/// unterminated quote.
fn shell_words(text: &str, mode: LexMode) -> Result<Vec<String>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            if in_word {
                words.push(std::mem::take(&mut word));
                in_word = false;
            }
            i += 1;
            continue;
        }
        in_word = true;
        match c {
            '\'' => {
                if mode.raw_quotes {
                    word.push('\'');
                }
                i += 1;
                loop {
                    let Some(&q) = chars.get(i) else {
                        return Err(
                            "unexpected end of statement while looking for matching single-quote"
                                .to_string(),
                        );
                    };
                    i += 1;
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
                if mode.raw_quotes {
                    word.push('\'');
                }
            }
            '"' => {
                if mode.raw_quotes {
                    word.push('"');
                }
                i += 1;
                loop {
                    let Some(&q) = chars.get(i) else {
                        return Err(
                            "unexpected end of statement while looking for matching double-quote"
                                .to_string(),
                        );
                    };
                    i += 1;
                    if q == '"' {
                        break;
                    }
                    if q == '\\' {
                        if let Some(&n) = chars.get(i) {
                            i += 1;
                            if mode.raw_escapes {
                                word.push('\\');
                                word.push(n);
                            } else if matches!(n, '"' | '$' | '\\' | '`') {
                                word.push(n);
                            } else {
                                word.push('\\');
                                word.push(n);
                            }
                            continue;
                        }
                    }
                    word.push(q);
                }
                if mode.raw_quotes {
                    word.push('"');
                }
            }
            '\\' => {
                i += 1;
                if let Some(&n) = chars.get(i) {
                    i += 1;
                    if mode.raw_escapes {
                        word.push('\\');
                    }
                    word.push(n);
                } else if mode.raw_escapes {
                    word.push('\\');
                }
            }
            '<' if chars.get(i + 1) == Some(&'<') => {
                word.push_str("<<");
                i += 2;
                if chars.get(i) == Some(&'-') {
                    word.push('-');
                    i += 1;
                }
                while let Some(&w) = chars.get(i) {
                    if w != ' ' && w != '\t' && w != '\r' {
                        break;
                    }
                    word.push(w);
                    i += 1;
                }
            }
            '$' if chars.get(i + 1) == Some(&'{') => {
                // An unset `${...}` is kept as written (SkipUnsetEnv).
                let mut depth = 0usize;
                while let Some(&w) = chars.get(i) {
                    word.push(w);
                    i += 1;
                    if w == '{' {
                        depth += 1;
                    } else if w == '}' {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                }
            }
            c => {
                word.push(c);
                i += 1;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// `ParseHeredoc`: whether `word` is a heredoc marker (`<<EOF`, `3<<-'EOF'`, `<< EOF`).
/// `Ok(None)`: not a heredoc; `Err`: a heredoc whose name cannot be lexed (unterminated quote).
pub fn parse_heredoc_word(word: &str) -> Result<Option<HeredocWord>, String> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let Some(after) = word[digits..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, after) = match after.strip_prefix('-') {
        Some(a) => (true, a),
        None => (false, after),
    };
    let rest = after.trim_start_matches(['\t', '\n', '\u{c}', '\r', ' ']);
    if rest.is_empty() || rest.contains('<') {
        return Ok(None);
    }
    let fd = if digits > 0 {
        Some(word[..digits].parse::<u32>().unwrap_or(0))
    } else {
        None
    };
    let words = shell_words(
        rest,
        LexMode {
            raw_quotes: false,
            raw_escapes: false,
        },
    )?;
    if words.len() != 1 {
        return Ok(None);
    }
    let raw = shell_words(
        rest,
        LexMode {
            raw_quotes: true,
            raw_escapes: false,
        },
    )?;
    if raw.len() != words.len() {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        ));
    }
    let count = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    let name = words.into_iter().next().unwrap_or_default();
    let expand = raw.first().is_some_and(|r| count(r) == count(&name));
    Ok(Some(HeredocWord {
        name,
        expand,
        chomp,
        fd,
    }))
}

/// `heredocsFromLine`: every heredoc marker on an instruction line, in order.
pub fn heredocs_from_line(line: &str) -> Result<Vec<HeredocWord>, String> {
    let words = shell_words(
        line,
        LexMode {
            raw_quotes: true,
            raw_escapes: true,
        },
    )
    .unwrap_or_default();
    let mut docs = Vec::new();
    for word in words {
        if let Some(doc) = parse_heredoc_word(&word)? {
            docs.push(doc);
        }
    }
    Ok(docs)
}

/// `ChompHeredocContent`: removes the leading tabs of every line (`<<-`).
pub fn chomp_heredoc_content(content: &str) -> String {
    content
        .split_inclusive('\n')
        .map(|l| l.trim_start_matches('\t'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for w in [
            "<<EOF",
            "<<'EOF'",
            "<<\"EOF\"",
            "<<-EOF",
            "<<-'EOF'",
            "<<EO\"F\"",
            "<< EOF",
            "<<- EOF",
        ] {
            assert_eq!(parse_heredoc_word(w).unwrap().unwrap().name, "EOF", "{w}");
        }
        for w in ["<<'EOF", "<<\"EOF", "<<EOF'", "<<EOF\""] {
            assert!(parse_heredoc_word(w).is_err(), "{w}");
        }
        for w in ["", "EOF", "<<", "<<-", "<EOF", "<<<EOF", "<<EOF sh"] {
            assert_eq!(parse_heredoc_word(w).unwrap(), None, "{w}");
        }
        let names = |l: &str| -> Vec<String> {
            heredocs_from_line(l)
                .unwrap()
                .into_iter()
                .map(|h| h.name)
                .collect()
        };
        assert_eq!(names("RUN <<- EOF"), ["EOF"]);
        assert_eq!(names("RUN << -EOF"), ["-EOF"]);
        assert_eq!(names("RUN 4<<EOF <<EOF2"), ["EOF", "EOF2"]);
        assert!(names("RUN '<<EOF'").is_empty());
        assert_eq!(
            chomp_heredoc_content("\thello\n\tworld\n"),
            "hello\nworld\n"
        );
    }
}
