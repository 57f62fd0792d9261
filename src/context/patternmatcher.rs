//! A faithful port of `github.com/moby/patternmatcher`: the `.dockerignore` matcher used by
//! the Docker CLI and BuildKit.
//!
//! Each pattern is trimmed and cleaned (`filepath.Clean`), a leading `!` marks an exception,
//! and the syntax is checked with `filepath.Match(p, ".")`. Matching a slash-separated path
//! walks the patterns in order: an inclusion is consulted only while the path is not yet
//! matched, an exception only while it is; the last applicable pattern wins. A pattern matches
//! a path when it matches the path itself or (in `MatchesOrParentMatches`) any parent prefix.
//!
//! Patterns compile lazily, on first use, exactly like Go: `exact`, `prefix` (trailing `**`),
//! `suffix` (leading `**`) fast paths, otherwise a Go regexp (see [`super::go_regex`]). A
//! pattern whose regexp does not compile passes [`PatternMatcher::new`] but makes every
//! match fail with [`PatternError::BadPattern`], as in Go.

use std::fmt;
use std::sync::OnceLock;

use super::glob::{self, BadPattern};
use super::go_regex::GoRegex;
use super::path::{go_clean, go_dir};

/// Errors of the matcher, with Go's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    /// `filepath.ErrBadPattern`: "syntax error in pattern".
    BadPattern,
    /// A pattern that is only `!`: `illegal exclusion pattern: "!"`.
    IllegalExclusion,
    /// `MatchesUsingParentResults` got a `MatchInfo` for a different pattern list.
    WrongParentInfo,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PatternError::BadPattern => write!(f, "{BadPattern}"),
            PatternError::IllegalExclusion => f.write_str("illegal exclusion pattern: \"!\""),
            PatternError::WrongParentInfo => f.write_str("wrong number of values in parentMatched"),
        }
    }
}

impl std::error::Error for PatternError {}

impl From<BadPattern> for PatternError {
    fn from(_: BadPattern) -> Self {
        PatternError::BadPattern
    }
}

/// How a pattern is matched once compiled (Go's `matchType`).
#[derive(Debug, Clone)]
enum Compiled {
    Exact,
    /// Trailing `**`: a plain prefix test on the pattern without its last two bytes.
    Prefix,
    /// Leading `**`: a suffix test on the pattern without its first two bytes.
    Suffix,
    Regex {
        regex: GoRegex,
        source: String,
    },
}

/// Which strategy a compiled pattern uses (Go's `matchType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchKind {
    /// No wildcard: string equality.
    Exact,
    /// Only a trailing `**`: prefix test.
    Prefix,
    /// A leading `**`: suffix test (`**/foo` also matches `foo`).
    Suffix,
    /// Anything else: the anchored Go regexp it was translated to (e.g. `^[^/]*\.go$`).
    Regex(String),
}

/// One cleaned pattern of a [`PatternMatcher`].
#[derive(Debug)]
pub struct Pattern {
    cleaned: String,
    exclusion: bool,
    /// Number of `/`-separated elements (used by the deprecated `Matches`).
    dirs: usize,
    compiled: OnceLock<Result<Compiled, PatternError>>,
}

impl Clone for Pattern {
    fn clone(&self) -> Self {
        let compiled = OnceLock::new();
        if let Some(done) = self.compiled.get() {
            let _ = compiled.set(done.clone());
        }
        Pattern {
            cleaned: self.cleaned.clone(),
            exclusion: self.exclusion,
            dirs: self.dirs,
            compiled,
        }
    }
}

impl Pattern {
    /// The cleaned pattern text, without the `!` of an exception (Go's `String()`).
    pub fn text(&self) -> &str {
        &self.cleaned
    }

    /// Whether this is an exception (`!pattern`) that re-includes paths.
    pub fn is_exclusion(&self) -> bool {
        self.exclusion
    }

    /// Matches this pattern alone against a path (Go's unexported `Pattern.match`).
    pub fn matches(&self, path: &str) -> Result<bool, PatternError> {
        let compiled = self.compiled.get_or_init(|| compile(&self.cleaned));
        let compiled = compiled.as_ref().map_err(Clone::clone)?;
        Ok(match compiled {
            Compiled::Exact => path == self.cleaned,
            Compiled::Prefix => path.starts_with(&self.cleaned[..self.cleaned.len() - 2]),
            Compiled::Suffix => {
                let suffix = &self.cleaned[2..];
                path.ends_with(suffix) || suffix.strip_prefix('/').is_some_and(|rest| path == rest)
            }
            Compiled::Regex { regex, .. } => regex.is_match(path),
        })
    }

    /// How the pattern compiles (compiling it now if needed); the error Go would report
    /// at match time for a regexp that does not compile.
    pub fn match_kind(&self) -> Result<MatchKind, PatternError> {
        let compiled = self.compiled.get_or_init(|| compile(&self.cleaned));
        Ok(match compiled.as_ref().map_err(Clone::clone)? {
            Compiled::Exact => MatchKind::Exact,
            Compiled::Prefix => MatchKind::Prefix,
            Compiled::Suffix => MatchKind::Suffix,
            Compiled::Regex { source, .. } => MatchKind::Regex(source.clone()),
        })
    }
}

/// Go's `Pattern.compile` with `/` as separator: picks the fast path or builds the regexp.
fn compile(pattern: &str) -> Result<Compiled, PatternError> {
    #[derive(PartialEq)]
    enum Kind {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut regex = String::from("^");
    let mut kind = Kind::Exact;
    let mut pos = 0;
    let mut iteration = 0;
    while pos < chars.len() {
        let ch = chars[pos];
        pos += 1;
        match ch {
            '*' if chars.get(pos) == Some(&'*') => {
                pos += 1;
                // Treat `**/` as `**`: eat the slash.
                if chars.get(pos) == Some(&'/') {
                    pos += 1;
                }
                if pos == chars.len() {
                    // `**` at the end, like .gitignore: accept everything below.
                    if kind == Kind::Exact {
                        kind = Kind::Prefix;
                    } else {
                        regex.push_str(".*");
                        kind = Kind::Regex;
                    }
                } else {
                    // Any number of directories, even zero.
                    regex.push_str("(.*/)?");
                    kind = Kind::Regex;
                }
                if iteration == 0 {
                    kind = Kind::Suffix;
                }
            }
            '*' => {
                regex.push_str("[^/]*");
                kind = Kind::Regex;
            }
            '?' => {
                regex.push_str("[^/]");
                kind = Kind::Regex;
            }
            '.' | '+' | '(' | ')' | '|' | '{' | '}' | '$' => {
                regex.push('\\');
                regex.push(ch);
            }
            '\\' => {
                // Escape the next character; a trailing `\` stays (escaped) as is.
                if let Some(&next) = chars.get(pos) {
                    pos += 1;
                    regex.push('\\');
                    regex.push(next);
                    kind = Kind::Regex;
                } else {
                    regex.push('\\');
                }
            }
            '[' | ']' => {
                regex.push(ch);
                kind = Kind::Regex;
            }
            _ => regex.push(ch),
        }
        iteration += 1;
    }
    Ok(match kind {
        Kind::Exact => Compiled::Exact,
        Kind::Prefix => Compiled::Prefix,
        Kind::Suffix => Compiled::Suffix,
        Kind::Regex => {
            regex.push('$');
            let compiled = GoRegex::compile(&regex).map_err(|_| PatternError::BadPattern)?;
            Compiled::Regex {
                regex: compiled,
                source: regex,
            }
        }
    })
}

/// Per-pattern results for a directory, passed down to its children
/// (Go's `MatchInfo`, for [`PatternMatcher::matches_using_parent_results`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchInfo {
    parent_matched: Vec<bool>,
}

/// The outcome of matching one path, with the pattern that decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchOutcome {
    /// Whether the path is matched (for `.dockerignore`: excluded from the context).
    pub matched: bool,
    /// Index (in [`PatternMatcher::patterns`]) of the last pattern that applied: the
    /// inclusion that excluded the path, or the `!` exception that re-included it.
    pub decided_by: Option<usize>,
}

/// A list of patterns checked against paths (Go's `PatternMatcher`).
#[derive(Debug, Clone, Default)]
pub struct PatternMatcher {
    patterns: Vec<Pattern>,
    exclusions: bool,
}

impl PatternMatcher {
    /// Go's `New`: trims, drops empty patterns, cleans, parses `!`, checks the syntax.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<PatternMatcher, PatternError> {
        let mut matcher = PatternMatcher {
            patterns: Vec::with_capacity(patterns.len()),
            exclusions: false,
        };
        for raw in patterns {
            let trimmed = raw.as_ref().trim();
            if trimmed.is_empty() {
                continue;
            }
            let mut cleaned = go_clean(trimmed);
            let mut exclusion = false;
            if let Some(rest) = cleaned.strip_prefix('!') {
                if rest.is_empty() {
                    return Err(PatternError::IllegalExclusion);
                }
                exclusion = true;
                cleaned = rest.to_string();
                matcher.exclusions = true;
            }
            glob::validate(&cleaned)?;
            let dirs = cleaned.split('/').count();
            matcher.patterns.push(Pattern {
                cleaned,
                exclusion,
                dirs,
                compiled: OnceLock::new(),
            });
        }
        Ok(matcher)
    }

    /// The active patterns, in order.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Whether any pattern is an exception (`!`).
    pub fn exclusions(&self) -> bool {
        self.exclusions
    }

    /// Go's `MatchesOrParentMatches`: the semantics BuildKit uses.
    pub fn matches_or_parent_matches(&self, file: &str) -> Result<bool, PatternError> {
        self.outcome(file).map(|o| o.matched)
    }

    /// Like [`Self::matches_or_parent_matches`], also telling which pattern decided.
    pub fn outcome(&self, file: &str) -> Result<MatchOutcome, PatternError> {
        let parent = go_dir(file);
        let parent_dirs: Vec<&str> = parent.split('/').collect();
        let mut outcome = MatchOutcome {
            matched: false,
            decided_by: None,
        };
        for (index, pattern) in self.patterns.iter().enumerate() {
            if pattern.exclusion != outcome.matched {
                continue;
            }
            let mut hit = pattern.matches(file)?;
            if !hit && parent != "." {
                for i in 1..=parent_dirs.len() {
                    if pattern
                        .matches(&parent_dirs[..i].join("/"))
                        .unwrap_or(false)
                    {
                        hit = true;
                        break;
                    }
                }
            }
            if hit {
                outcome = MatchOutcome {
                    matched: !pattern.exclusion,
                    decided_by: Some(index),
                };
            }
        }
        Ok(outcome)
    }

    /// Go's `MatchesExact`: no parent matching.
    pub fn matches_exact(&self, file: &str) -> Result<bool, PatternError> {
        self.matches_with_parent_result(file, false)
    }

    /// Go's deprecated `MatchesUsingParentResult`: the caller says whether the parent matched.
    pub fn matches_using_parent_result(
        &self,
        file: &str,
        parent_matched: bool,
    ) -> Result<bool, PatternError> {
        self.matches_with_parent_result(file, parent_matched)
    }

    fn matches_with_parent_result(
        &self,
        file: &str,
        parent_matched: bool,
    ) -> Result<bool, PatternError> {
        let mut matched = parent_matched;
        for pattern in &self.patterns {
            if pattern.exclusion != matched {
                continue;
            }
            if pattern.matches(file)? {
                matched = !pattern.exclusion;
            }
        }
        Ok(matched)
    }

    /// Go's `MatchesUsingParentResults`: efficient walking, reusing the parent directory's
    /// per-pattern results. With a default (empty) `MatchInfo` it behaves like
    /// [`Self::matches_or_parent_matches`].
    pub fn matches_using_parent_results(
        &self,
        file: &str,
        parent: &MatchInfo,
    ) -> Result<(bool, MatchInfo), PatternError> {
        let parent_matched = &parent.parent_matched;
        if !parent_matched.is_empty() && parent_matched.len() != self.patterns.len() {
            return Err(PatternError::WrongParentInfo);
        }
        let mut matched = false;
        let mut info = MatchInfo {
            parent_matched: vec![false; self.patterns.len()],
        };
        for (i, pattern) in self.patterns.iter().enumerate() {
            let mut hit = parent_matched.get(i).copied().unwrap_or(false);
            if !hit {
                if pattern.exclusion != matched {
                    continue;
                }
                hit = pattern.matches(file)?;
                if !hit && parent_matched.is_empty() {
                    let dir = go_dir(file);
                    if dir != "." {
                        let dirs: Vec<&str> = dir.split('/').collect();
                        for j in 1..=dirs.len() {
                            if pattern.matches(&dirs[..j].join("/")).unwrap_or(false) {
                                hit = true;
                                break;
                            }
                        }
                    }
                }
            }
            info.parent_matched[i] = hit;
            if hit {
                matched = !pattern.exclusion;
            }
        }
        Ok((matched, info))
    }

    /// Go's deprecated method `Matches`: checks only the one parent prefix that has as many
    /// elements as the pattern.
    pub fn matches_deprecated(&self, file: &str) -> Result<bool, PatternError> {
        let parent = go_dir(file);
        let parent_dirs: Vec<&str> = parent.split('/').collect();
        let mut matched = false;
        for pattern in &self.patterns {
            if pattern.exclusion != matched {
                continue;
            }
            let mut hit = pattern.matches(file)?;
            if !hit && parent != "." && pattern.dirs <= parent_dirs.len() {
                hit = pattern
                    .matches(&parent_dirs[..pattern.dirs].join("/"))
                    .unwrap_or(false);
            }
            if hit {
                matched = !pattern.exclusion;
            }
        }
        Ok(matched)
    }
}

/// Go's deprecated package function `Matches(file, patterns)`.
pub fn matches<S: AsRef<str>>(file: &str, patterns: &[S]) -> Result<bool, PatternError> {
    let matcher = PatternMatcher::new(patterns)?;
    let file = go_clean(file);
    if file == "." {
        // "Don't let them exclude everything, kind of silly."
        return Ok(false);
    }
    matcher.matches_deprecated(&file)
}

/// Go's package function `MatchesOrParentMatches(file, patterns)`.
pub fn matches_or_parent_matches<S: AsRef<str>>(
    file: &str,
    patterns: &[S],
) -> Result<bool, PatternError> {
    let matcher = PatternMatcher::new(patterns)?;
    let file = go_clean(file);
    if file == "." {
        return Ok(false);
    }
    matcher.matches_or_parent_matches(&file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_applicable_pattern_wins() {
        let m = PatternMatcher::new(&["*.go", "!fileutils.go"]).expect("valid");
        assert_eq!(
            m.outcome("fileutils.go"),
            Ok(MatchOutcome {
                matched: false,
                decided_by: Some(1)
            })
        );
        assert_eq!(
            m.outcome("main.go"),
            Ok(MatchOutcome {
                matched: true,
                decided_by: Some(0)
            })
        );
        assert_eq!(
            m.outcome("main.rs"),
            Ok(MatchOutcome {
                matched: false,
                decided_by: None
            })
        );
    }

    #[test]
    fn bad_regex_fails_at_match_time_every_time() {
        let m = PatternMatcher::new(&["[Local-Only]/"]).expect("New accepts it");
        assert_eq!(
            m.matches_or_parent_matches("x"),
            Err(PatternError::BadPattern)
        );
        assert_eq!(
            m.matches_or_parent_matches("x"),
            Err(PatternError::BadPattern)
        );
    }
}
