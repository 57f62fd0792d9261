//! `.dockerignore`: reading the file (`moby/patternmatcher/ignorefile.ReadAll`), choosing
//! which file applies (BuildKit's `dockerui`), and explaining which line excluded a path.

use std::fmt;

use super::path::go_clean;
use super::patternmatcher::{MatchOutcome, PatternError, PatternMatcher};

/// The default ignore file at the root of the context.
pub const DEFAULT_IGNORE_FILE: &str = ".dockerignore";

/// Longest line `bufio.Scanner` accepts (`bufio.MaxScanTokenSize`); Go fails the read beyond.
pub const MAX_IGNORE_LINE_BYTES: usize = 64 * 1024;

/// One pattern as `ReadAll` produces it, with the 1-based line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreLine {
    /// The normalized pattern, `!` included for an exception (e.g. `!inverted/abs/path`).
    pub pattern: String,
    /// 1-based line number in the ignore file.
    pub line: usize,
}

/// Why an ignore file is refused (BuildKit fails the build with these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DockerignoreError {
    /// A line longer than [`MAX_IGNORE_LINE_BYTES`] (Go: `bufio.Scanner: token too long`).
    LineTooLong { line: usize },
    /// A pattern `patternmatcher.New` rejects (`!` alone, malformed glob).
    Pattern {
        line: usize,
        pattern: String,
        error: PatternError,
    },
}

impl fmt::Display for DockerignoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DockerignoreError::LineTooLong { line } => {
                write!(
                    f,
                    "error reading .dockerignore: line {line}: bufio.Scanner: token too long"
                )
            }
            DockerignoreError::Pattern {
                line,
                pattern,
                error,
            } => {
                write!(
                    f,
                    "invalid .dockerignore pattern {pattern:?} on line {line}: {error}"
                )
            }
        }
    }
}

impl std::error::Error for DockerignoreError {}

/// Go's `ignorefile.ReadAll`, keeping line numbers.
///
/// Lines split on `\n` (a trailing `\r` is dropped, as `bufio.ScanLines` does); a UTF-8 BOM
/// on the first line is removed; a line whose first character is `#` is a comment (checked
/// before trimming); lines are trimmed and empty ones skipped; `!` marks an exception and the
/// rest is trimmed again; the pattern is `filepath.Clean`ed and one leading `/` removed when
/// the pattern is longer than one character.
pub fn read_ignore_lines(text: &str) -> Result<Vec<IgnoreLine>, DockerignoreError> {
    let mut out = Vec::new();
    if text.is_empty() {
        return Ok(out);
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    for (index, raw) in body.split('\n').enumerate() {
        let line = index + 1;
        let mut raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.len() >= MAX_IGNORE_LINE_BYTES {
            return Err(DockerignoreError::LineTooLong { line });
        }
        if index == 0 {
            raw = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        }
        if raw.starts_with('#') {
            continue;
        }
        let mut pattern = raw.trim();
        if pattern.is_empty() {
            continue;
        }
        let invert = pattern.starts_with('!');
        if invert {
            pattern = pattern[1..].trim();
        }
        let mut cleaned = String::new();
        if !pattern.is_empty() {
            cleaned = go_clean(pattern);
            if cleaned.len() > 1 && cleaned.starts_with('/') {
                cleaned.remove(0);
            }
        }
        if invert {
            cleaned.insert(0, '!');
        }
        out.push(IgnoreLine {
            pattern: cleaned,
            line,
        });
    }
    Ok(out)
}

/// A parsed `.dockerignore`: the matcher plus where each pattern came from.
#[derive(Debug, Clone, Default)]
pub struct Dockerignore {
    /// Path of the ignore file inside the context (empty when built from a pattern list).
    source: String,
    lines: Vec<IgnoreLine>,
    matcher: PatternMatcher,
}

/// Why a path is excluded: the pattern text and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion<'a> {
    pub pattern: &'a str,
    pub line: usize,
}

impl Dockerignore {
    /// Parses the text of an ignore file found at `source` (a context path, for messages).
    pub fn parse(source: &str, text: &str) -> Result<Dockerignore, DockerignoreError> {
        let lines = read_ignore_lines(text)?;
        Self::from_lines(source, lines)
    }

    /// Parses raw bytes (invalid UTF-8 is replaced, as no valid pattern could contain it).
    pub fn parse_bytes(source: &str, bytes: &[u8]) -> Result<Dockerignore, DockerignoreError> {
        Self::parse(source, &String::from_utf8_lossy(bytes))
    }

    fn from_lines(source: &str, lines: Vec<IgnoreLine>) -> Result<Dockerignore, DockerignoreError> {
        // Validate line by line so the error names the offending line, then build the matcher
        // from the whole list (`New` drops nothing that ReadAll kept: patterns are non-empty).
        for line in &lines {
            if let Err(error) = PatternMatcher::new(std::slice::from_ref(&line.pattern)) {
                return Err(DockerignoreError::Pattern {
                    line: line.line,
                    pattern: line.pattern.clone(),
                    error,
                });
            }
        }
        let patterns: Vec<&str> = lines.iter().map(|l| l.pattern.as_str()).collect();
        let matcher =
            PatternMatcher::new(&patterns).map_err(|error| DockerignoreError::Pattern {
                line: 0,
                pattern: String::new(),
                error,
            })?;
        Ok(Dockerignore {
            source: source.to_string(),
            lines,
            matcher,
        })
    }

    /// The context path of the ignore file this came from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The patterns as read, with line numbers.
    pub fn lines(&self) -> &[IgnoreLine] {
        &self.lines
    }

    /// The underlying matcher.
    pub fn matcher(&self) -> &PatternMatcher {
        &self.matcher
    }

    /// Whether any line is an exception (BuildKit then skips its CopyIgnoredFile check).
    pub fn has_exceptions(&self) -> bool {
        self.matcher.exclusions()
    }

    /// Whether the context path is excluded (`MatchesOrParentMatches`).
    pub fn is_excluded(&self, path: &str) -> Result<bool, PatternError> {
        self.matcher.matches_or_parent_matches(path)
    }

    /// The raw outcome for a path, with the index of the deciding pattern.
    pub fn outcome(&self, path: &str) -> Result<MatchOutcome, PatternError> {
        self.matcher.outcome(path)
    }

    /// If the path is excluded, the pattern (as written after normalization) and line that
    /// excluded it — what the UI shows beside a greyed-out file.
    pub fn excluded_by(&self, path: &str) -> Result<Option<Exclusion<'_>>, PatternError> {
        let outcome = self.matcher.outcome(path)?;
        if !outcome.matched {
            return Ok(None);
        }
        Ok(outcome
            .decided_by
            .and_then(|i| self.lines.get(i))
            .map(|l| Exclusion {
                pattern: l.pattern.as_str(),
                line: l.line,
            }))
    }
}

/// The ignore files BuildKit looks for, in order of precedence, for a Dockerfile at
/// `dockerfile_path` (context-relative): `<Dockerfile>.dockerignore` beside the Dockerfile,
/// then `.dockerignore` at the context root. The first that exists applies (even if empty).
pub fn ignore_file_candidates(dockerfile_path: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(2);
    let trimmed = dockerfile_path
        .trim_start_matches("./")
        .trim_start_matches('/');
    if !trimmed.is_empty() {
        out.push(format!("{trimmed}.dockerignore"));
    }
    out.push(DEFAULT_IGNORE_FILE.to_string());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_all_matches_go_fixture() {
        let input = "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ";
        let got: Vec<String> = read_ignore_lines(input)
            .expect("reads")
            .into_iter()
            .map(|l| l.pattern)
            .collect();
        assert_eq!(
            got,
            [
                "test1",
                "test2",
                "a/file/here",
                "lastfile",
                "!inverted/abs/path",
                "!",
                "!"
            ]
        );
    }

    #[test]
    fn comments_bom_and_crlf() {
        let lines =
            read_ignore_lines("\u{feff}# c\r\n  # not a comment\r\ndocs/\r\n").expect("reads");
        assert_eq!(
            lines,
            [
                IgnoreLine {
                    pattern: "# not a comment".into(),
                    line: 2
                },
                IgnoreLine {
                    pattern: "docs".into(),
                    line: 3
                }
            ]
        );
    }

    #[test]
    fn explains_exclusions_with_lines() {
        let di = Dockerignore::parse(
            ".dockerignore",
            "# header\nba*\nDockerfile\n!bay\n.dockerignore\n",
        )
        .expect("ok");
        assert_eq!(
            di.excluded_by("bar").expect("ok"),
            Some(Exclusion {
                pattern: "ba*",
                line: 2
            })
        );
        assert_eq!(di.excluded_by("bay").expect("ok"), None);
        assert_eq!(di.excluded_by("foo").expect("ok"), None);
        assert_eq!(
            di.excluded_by(".dockerignore").expect("ok"),
            Some(Exclusion {
                pattern: ".dockerignore",
                line: 5
            })
        );
        assert!(di.has_exceptions());
    }

    #[test]
    fn lone_exclamation_is_refused_with_its_line() {
        let e = Dockerignore::parse(".dockerignore", "a\n!\n").expect_err("must fail");
        assert_eq!(
            e.to_string(),
            "invalid .dockerignore pattern \"!\" on line 2: illegal exclusion pattern: \"!\""
        );
    }

    #[test]
    fn dockerfile_specific_ignore_file_first() {
        assert_eq!(
            ignore_file_candidates("build/app.Dockerfile"),
            ["build/app.Dockerfile.dockerignore", ".dockerignore"]
        );
    }
}
