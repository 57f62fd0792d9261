//! Splits a command line into words like a POSIX shell does for simple commands: white space
//! separates, `'…'` is literal, `"…"` keeps spaces (with `\"`, `\\`, `\$` escapes), a
//! backslash outside quotes escapes the next character. No expansion, pipes or redirects.

/// Why a line could not be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WordsError {
    UnterminatedQuote(char),
}

impl std::fmt::Display for WordsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WordsError::UnterminatedQuote(q) => {
                write!(f, "unexpected EOF while looking for matching `{q}'")
            }
        }
    }
}

/// The words of `line`.
pub fn split_words(line: &str) -> Result<Vec<String>, WordsError> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => current.push(c),
                        None => return Err(WordsError::UnterminatedQuote('\'')),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => current.push(c),
                            Some(c) => {
                                current.push('\\');
                                current.push(c);
                            }
                            None => return Err(WordsError::UnterminatedQuote('"')),
                        },
                        Some(c) => current.push(c),
                        None => return Err(WordsError::UnterminatedQuote('"')),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    current.push(c);
                }
            }
            c => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(
            split_words(r#"docker build -t 'my app' --build-arg "A=b c" x\ y ."#).unwrap(),
            [
                "docker",
                "build",
                "-t",
                "my app",
                "--build-arg",
                "A=b c",
                "x y",
                "."
            ]
        );
        assert_eq!(split_words("  ").unwrap(), Vec::<String>::new());
        assert_eq!(split_words("a ''").unwrap(), ["a", ""]);
        assert!(split_words("echo 'x").is_err());
    }
}
