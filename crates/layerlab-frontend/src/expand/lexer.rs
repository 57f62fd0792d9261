//! The word lexer: quotes, escapes, `$NAME` / `${NAME…}` substitution and word splitting, a
//! port of BuildKit's `frontend/dockerfile/shell/lex.go` (`Lex`, `shellWord`).

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::ops::Range;

use super::env::EnvLookup;
use super::error::{ExpandError, ExpandErrorKind};
use super::pattern;
use super::unicode_class::{is_digit, is_letter};

/// How many `${…}` may nest inside one another (counting every level at which a nested word is
/// read: `${a:-${b:-x}}` is two). Real Dockerfiles use two or three.
pub const MAX_NESTING: usize = 64;

/// The longest result one `${NAME//pattern/replacement}` may produce. A replacement can
/// contain another substitution, so nested replace-alls multiply lengths (a few KB of input
/// could ask for gigabytes); BuildKit has no limit, the playground stops with an error.
pub const MAX_EXPANSION_BYTES: usize = 1 << 20;

/// The lexer's settings (BuildKit's `Lex`). Cheap to copy; holds no state between calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lex {
    escape: char,
    raw_quotes: bool,
    raw_escapes: bool,
    skip_unset_env: bool,
    skip_process_quotes: bool,
}

/// One variable reference met while expanding a word: what the `UndefinedVar` check points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    /// The name as written (`PATH`, `1`, `@`).
    pub name: String,
    /// Byte range of the name within the word.
    pub name_span: Range<usize>,
    /// Byte range of the whole reference, from `$` to the end of the name or the closing `}`.
    pub span: Range<usize>,
    /// Whether the environment defined the name.
    pub defined: bool,
}

/// The result of expanding one word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Expansion {
    /// The expanded text, quotes removed (unless `raw_quotes`), no word splitting.
    pub value: String,
    /// Names that were looked up and defined (BuildKit's `Matched`).
    pub matched: BTreeSet<String>,
    /// Names that were looked up and not defined (BuildKit's `Unmatched`).
    pub unmatched: BTreeSet<String>,
    /// Every lookup, ordered by position in the word.
    pub references: Vec<VarRef>,
}

impl Lex {
    /// A lexer with `escape` as its escape character (`\` or the `# escape=` directive's
    /// `` ` ``) and every option off.
    pub fn new(escape: char) -> Self {
        Self {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_unset_env: false,
            skip_process_quotes: false,
        }
    }

    /// Keep the quote characters in the result (`RawQuotes`).
    pub fn raw_quotes(mut self, on: bool) -> Self {
        self.raw_quotes = on;
        self
    }

    /// Keep escape characters in the result (`RawEscapes`).
    pub fn raw_escapes(mut self, on: bool) -> Self {
        self.raw_escapes = on;
        self
    }

    /// Leave references to undefined variables as written (`SkipUnsetEnv`).
    pub fn skip_unset_env(mut self, on: bool) -> Self {
        self.skip_unset_env = on;
        self
    }

    /// Treat quotes as ordinary characters (`SkipProcessQuotes`).
    pub fn skip_process_quotes(mut self, on: bool) -> Self {
        self.skip_process_quotes = on;
        self
    }

    /// The escape character.
    pub fn escape(&self) -> char {
        self.escape
    }

    /// Expands `word` as one word (BuildKit's `ProcessWordWithMatches`): quotes and escapes
    /// are processed, variables substituted, whitespace kept.
    pub fn process_word<E: EnvLookup + ?Sized>(
        &self,
        word: &str,
        env: &E,
    ) -> Result<Expansion, ExpandError> {
        if self.is_literal(word) {
            return Ok(Expansion {
                value: word.to_string(),
                ..Expansion::default()
            });
        }
        let mut sw = ShellWord::new(self, word, env, false);
        match sw.process_stop_on(None, self.raw_escapes) {
            Ok((value, _)) => Ok(sw.into_expansion(value)),
            Err(kind) => Err(ExpandError {
                input: word.to_string(),
                kind,
            }),
        }
    }

    /// Expands `word` and splits the result into words (BuildKit's `ProcessWords`): text that
    /// came from unquoted variables is split on whitespace, quoted text is not.
    pub fn process_words<E: EnvLookup + ?Sized>(
        &self,
        word: &str,
        env: &E,
    ) -> Result<Vec<String>, ExpandError> {
        let mut sw = ShellWord::new(self, word, env, true);
        match sw.process_stop_on(None, self.raw_escapes) {
            Ok((_, words)) => Ok(words),
            Err(kind) => Err(ExpandError {
                input: word.to_string(),
                kind,
            }),
        }
    }

    /// The variable references in `word`, with their byte spans, in order of position. When
    /// the word has an error, the references read before it are returned.
    pub fn variable_references<E: EnvLookup + ?Sized>(&self, word: &str, env: &E) -> Vec<VarRef> {
        // Only `$` starts a reference.
        if memchr::memchr(b'$', word.as_bytes()).is_none() {
            return Vec::new();
        }
        let mut sw = ShellWord::new(self, word, env, false);
        // Only the references are wanted: the expanded text of the word itself is not kept
        // (nested words still are, their values decide errors), nor the sets of names.
        sw.keep_top = false;
        sw.name_sets = false;
        let _ = sw.process_stop_on(None, self.raw_escapes);
        sw.into_expansion(String::new()).references
    }
}

impl Lex {
    /// True when expanding `word` can only give the word itself with nothing looked up: no
    /// `$`, no escape character, no quote (when quotes are processed), no leading U+FEFF
    /// (which the lexer drops). Most words of real Dockerfiles (paths, ports, names) are.
    fn is_literal(&self, word: &str) -> bool {
        let quotes = !self.skip_process_quotes;
        let escape = self.escape;
        !word.starts_with('\u{feff}')
            && !word
                .chars()
                .any(|c| c == '$' || c == escape || (quotes && (c == '\'' || c == '"')))
    }
}

/// Go's `unicode.IsSpace` (the Unicode White_Space property, like Rust's).
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// POSIX special parameters: `$@ $* $# $? $- $$ $! $0`.
fn is_special_param(c: char) -> bool {
    matches!(c, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0')
}

/// How Go's `string(rune)` shows a character, or the end of input (U+FFFD).
fn rune_str(c: Option<char>) -> char {
    c.unwrap_or('\u{fffd}')
}

/// The one or two characters after the name in `${NAME…}` (`}`, `-`, `:-` …), as BuildKit
/// shows them in errors. Kept as characters: only an error or `skip_unset_env` prints them.
#[derive(Clone, Copy)]
struct Modifier {
    chars: [char; 2],
    len: usize,
}

impl Modifier {
    fn new(first: Option<char>) -> Self {
        Modifier {
            chars: [rune_str(first), '\u{fffd}'],
            len: 1,
        }
    }

    fn push(&mut self, c: Option<char>) {
        if let Some(slot) = self.chars.get_mut(self.len) {
            *slot = rune_str(c);
            self.len += 1;
        }
    }
}

impl std::fmt::Display for Modifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        self.chars
            .iter()
            .take(self.len)
            .try_for_each(|&c| f.write_char(c))
    }
}

/// The words being split out of one nested level (`wordsStruct`). The buffer of the current
/// word is shared by all levels, as in BuildKit, so it is passed in.
#[derive(Default)]
struct Words {
    words: Vec<String>,
    in_word: bool,
}

impl Words {
    fn add_char(&mut self, buf: &mut String, c: char) {
        if is_space(c) && self.in_word {
            if !buf.is_empty() {
                self.words.push(std::mem::take(buf));
                self.in_word = false;
            }
        } else if !is_space(c) {
            self.add_raw_char(buf, c);
        }
    }

    fn add_raw_char(&mut self, buf: &mut String, c: char) {
        buf.push(c);
        self.in_word = true;
    }

    fn add_string(&mut self, buf: &mut String, s: &str) {
        for c in s.chars() {
            self.add_char(buf, c);
        }
    }

    fn add_raw_string(&mut self, buf: &mut String, s: &str) {
        buf.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self, buf: &mut String) -> Vec<String> {
        if !buf.is_empty() {
            self.words.push(std::mem::take(buf));
        }
        self.words
    }
}

/// The state of one expansion (`shellWord`).
struct ShellWord<'a, E: ?Sized> {
    lex: &'a Lex,
    env: &'a E,
    /// The word.
    text: &'a str,
    /// Byte offset of the next character (after a leading U+FEFF, which Go's scanner drops).
    pos: usize,
    /// Whether the words of the result are wanted (`process_words`); else only its text.
    split: bool,
    /// Whether the text of the outermost level is built (not for `variable_references`).
    keep_top: bool,
    /// Whether `matched` and `unmatched` are filled (not for `variable_references`).
    name_sets: bool,
    raw_escapes: bool,
    /// BuildKit's `wordsBuffer`: every nesting level resets and fills the same buffer.
    words_buffer: String,
    depth: usize,
    matched: BTreeSet<String>,
    unmatched: BTreeSet<String>,
    references: Vec<VarRef>,
}

impl<'a, E: EnvLookup + ?Sized> ShellWord<'a, E> {
    fn new(lex: &'a Lex, word: &'a str, env: &'a E, split: bool) -> Self {
        let pos = if word.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        Self {
            lex,
            env,
            text: word,
            pos,
            split,
            keep_top: true,
            name_sets: true,
            raw_escapes: lex.raw_escapes,
            words_buffer: String::new(),
            depth: 0,
            matched: BTreeSet::new(),
            unmatched: BTreeSet::new(),
            references: Vec::new(),
        }
    }

    fn into_expansion(mut self, value: String) -> Expansion {
        crate::sort::sort_by_key(&mut self.references, |r| r.span.start);
        Expansion {
            value,
            matched: self.matched,
            unmatched: self.unmatched,
            references: self.references,
        }
    }

    #[inline(always)]
    fn peek(&self) -> Option<char> {
        match self.text.as_bytes().get(self.pos) {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            Some(_) => self.text.get(self.pos..).and_then(|s| s.chars().next()),
            None => None,
        }
    }

    /// Steps over the next character.
    #[inline(always)]
    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    #[inline(always)]
    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if let Some(c) = c {
            self.pos += c.len_utf8();
        }
        c
    }

    /// Byte offset of the next character.
    #[inline(always)]
    fn offset(&self) -> usize {
        self.pos
    }

    /// Whether the text being read is wanted: always in a nested word, at the outermost level
    /// unless only the references are (`variable_references`).
    #[inline(always)]
    fn keep(&self) -> bool {
        self.keep_top || self.depth > 0
    }

    /// The run of plain characters from the current position (none of `$`, quotes, the
    /// escape character or `stop`), consumed.
    fn plain_run(&mut self, stop: Option<char>) -> &'a str {
        let escape = self.lex.escape;
        self.run(
            |c| matches!(c, '$' | '\'' | '"') || c == escape || Some(c) == stop,
            stop,
        )
    }

    /// The run of plain characters inside `"…"` (none of `"`, `$` or the escape character),
    /// consumed.
    fn quoted_run(&mut self) -> &'a str {
        let escape = self.lex.escape;
        self.run(|c| matches!(c, '$' | '"') || c == escape, None)
    }

    /// Whether text that is not kept can be skipped with [`ShellWord::skip_unescaped`]: the
    /// escape character must be one byte and not itself a character that starts something.
    fn can_skip(&self) -> bool {
        self.lex.escape.is_ascii() && !matches!(self.lex.escape, '$' | '\'' | '"')
    }

    /// Moves to the next character `find` locates that the escape character does not escape,
    /// or to the end. For text that is not kept (the outer level of `variable_references`),
    /// where only what starts a reference or a quote matters: the characters in between are
    /// not read one by one. A run of escape characters before the one found escapes it when
    /// its length is odd (each pair is an escaped escape character), and then both are
    /// stepped over, as the character-by-character path does.
    fn skip_unescaped(&mut self, find: impl Fn(&[u8]) -> Option<usize>) {
        let bytes = self.text.as_bytes();
        let escape = self.lex.escape as u8;
        loop {
            let Some(at) = bytes.get(self.pos..).and_then(&find).map(|i| self.pos + i) else {
                self.pos = bytes.len();
                return;
            };
            let escapes = bytes
                .get(self.pos..at)
                .unwrap_or_default()
                .iter()
                .rev()
                .take_while(|&&b| b == escape)
                .count();
            if escapes % 2 == 0 {
                self.pos = at;
                return;
            }
            self.pos = at + 1;
        }
    }

    /// Consumes characters up to the first one `special` picks. Bytes are tested one at a
    /// time: a non-ASCII byte is part of the run (it cannot be the start of an ASCII special
    /// character) unless the escape character or `stop` is itself non-ASCII, where the run
    /// ends before it and the caller reads it as a character.
    #[inline(always)]
    fn run(&mut self, special: impl Fn(char) -> bool, stop: Option<char>) -> &'a str {
        let bytes = self.text.as_bytes();
        let ascii_specials = self.lex.escape.is_ascii() && stop.is_none_or(|c| c.is_ascii());
        let start = self.pos;
        let mut end = start;
        while let Some(&b) = bytes.get(end) {
            if b.is_ascii() {
                if special(char::from(b)) {
                    break;
                }
            } else if !ascii_specials {
                break;
            }
            end += 1;
        }
        self.pos = end;
        self.text.get(start..end).unwrap_or_default()
    }

    /// Reads up to `stop` (consumed) or to the end of the word (`processStopOn`); returns the
    /// text and its words.
    fn process_stop_on(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Result<(String, Vec<String>), ExpandErrorKind> {
        let saved = self.raw_escapes;
        self.raw_escapes = raw_escapes;
        let result = self.process_stop_on_inner(stop);
        self.raw_escapes = saved;
        result
    }

    fn process_stop_on_inner(
        &mut self,
        stop: Option<char>,
    ) -> Result<(String, Vec<String>), ExpandErrorKind> {
        let mut result = String::new();
        self.words_buffer.clear();
        let mut words = Words::default();
        let quotes = !self.lex.skip_process_quotes;
        let split = self.split;
        let keep = self.keep();
        let skip = !keep && !split && stop.is_none() && self.can_skip();
        loop {
            if skip {
                if quotes {
                    self.skip_unescaped(|b| memchr::memchr3(b'$', b'\'', b'"', b));
                } else {
                    self.skip_unescaped(|b| memchr::memchr(b'$', b));
                }
            }
            let Some(c) = self.peek() else { break };
            if stop == Some(c) {
                self.bump();
                return Ok((result, words.finish(&mut self.words_buffer)));
            }
            if c == '$' || (quotes && (c == '\'' || c == '"')) {
                let piece = match c {
                    '$' => self.process_dollar()?,
                    '\'' => self.process_single_quote()?,
                    _ => Cow::Owned(self.process_double_quote()?),
                };
                if keep {
                    result.push_str(&piece);
                }
                if split {
                    if c == '$' {
                        words.add_string(&mut self.words_buffer, &piece);
                    } else {
                        words.add_raw_string(&mut self.words_buffer, &piece);
                    }
                }
                continue;
            }
            if !split && c != self.lex.escape {
                // Without word splitting, plain text is copied as it is.
                let run = self.plain_run(stop);
                if !run.is_empty() {
                    if keep {
                        result.push_str(run);
                    }
                    continue;
                }
            }
            self.bump();
            if c == self.lex.escape {
                if self.raw_escapes {
                    if split {
                        words.add_raw_char(&mut self.words_buffer, c);
                    }
                    if keep {
                        result.push(c);
                    }
                }
                // The escape character escapes the next one; at the very end it vanishes.
                let Some(escaped) = self.next() else { break };
                if split {
                    words.add_raw_char(&mut self.words_buffer, escaped);
                }
                if keep {
                    result.push(escaped);
                }
            } else {
                if split {
                    words.add_char(&mut self.words_buffer, c);
                }
                if keep {
                    result.push(c);
                }
            }
        }
        if let Some(stop) = stop {
            return Err(ExpandErrorKind::UnexpectedEnd(stop));
        }
        Ok((result, words.finish(&mut self.words_buffer)))
    }

    /// `'…'`: everything literal up to the next `'`: a slice of the word, quotes included
    /// under `raw_quotes`.
    fn process_single_quote(&mut self) -> Result<Cow<'a, str>, ExpandErrorKind> {
        let open = self.pos;
        let inside = open + '\''.len_utf8();
        let rest = self.text.as_bytes().get(inside..).unwrap_or_default();
        let Some(len) = memchr::memchr(b'\'', rest) else {
            self.pos = self.text.len();
            return Err(ExpandErrorKind::UnterminatedSingleQuote);
        };
        let close = inside + len;
        self.pos = close + '\''.len_utf8();
        let text = if self.lex.raw_quotes {
            self.text.get(open..self.pos)
        } else {
            self.text.get(inside..close)
        };
        Ok(Cow::Borrowed(text.unwrap_or_default()))
    }

    /// `"…"`: `$` expands; the escape character escapes only `"`, `$` and itself.
    fn process_double_quote(&mut self) -> Result<String, ExpandErrorKind> {
        let mut result = String::new();
        let keep = self.keep();
        let open = self.next();
        if self.lex.raw_quotes && keep {
            result.extend(open);
        }
        let skip = !keep && self.can_skip();
        loop {
            if skip {
                self.skip_unescaped(|b| memchr::memchr2(b'"', b'$', b));
            } else {
                let run = self.quoted_run();
                if !run.is_empty() {
                    if keep {
                        result.push_str(run);
                    }
                    continue;
                }
            }
            match self.peek() {
                None => return Err(ExpandErrorKind::UnterminatedDoubleQuote),
                Some('"') => {
                    self.bump();
                    if self.lex.raw_quotes && keep {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.process_dollar()?;
                    if keep {
                        result.push_str(&value);
                    }
                }
                Some(mut c) => {
                    self.bump();
                    if c == self.lex.escape {
                        if self.raw_escapes && keep {
                            result.push(c);
                        }
                        match self.peek() {
                            // An escape at the very end is dropped (the quote is unclosed).
                            None => continue,
                            Some(n) if n == '"' || n == '$' || n == self.lex.escape => {
                                self.bump();
                                c = n;
                            }
                            Some(_) => {}
                        }
                    }
                    if keep {
                        result.push(c);
                    }
                }
            }
        }
    }

    /// Reads a nested word up to `stop`, counting the nesting depth. At the end of the input
    /// the error becomes BuildKit's "missing" message for the delimiter.
    fn nested(&mut self, stop: char, raw_escapes: bool) -> Result<String, ExpandErrorKind> {
        if self.depth >= MAX_NESTING {
            return Err(ExpandErrorKind::TooDeep);
        }
        self.depth += 1;
        let result = self.process_stop_on(Some(stop), raw_escapes);
        self.depth -= 1;
        match result {
            Ok((text, _)) => Ok(text),
            Err(ExpandErrorKind::TooDeep) => Err(ExpandErrorKind::TooDeep),
            Err(_) if self.peek().is_none() && stop == '/' => Err(ExpandErrorKind::MissingSlash),
            Err(_) if self.peek().is_none() => Err(ExpandErrorKind::MissingBrace),
            Err(e) => Err(e),
        }
    }

    /// `$NAME`, `${NAME}` and `${NAME<op>word}` (`processDollar`). A value is borrowed from
    /// the environment when nothing is done to it.
    fn process_dollar(&mut self) -> Result<Cow<'a, str>, ExpandErrorKind> {
        let dollar_at = self.offset();
        self.bump();

        if self.peek() != Some('{') {
            let (name, name_span) = self.process_name();
            if name.is_empty() {
                return Ok(Cow::Borrowed("$"));
            }
            return Ok(match self.get_env(name, name_span, dollar_at) {
                Some(value) => Cow::Borrowed(value),
                None if self.lex.skip_unset_env => Cow::Owned(format!("${name}")),
                None => Cow::Borrowed(""),
            });
        }

        self.bump();
        match self.peek() {
            None => return Err(ExpandErrorKind::MissingBrace),
            Some('{' | '}' | ':') => return Err(ExpandErrorKind::BadSubstitution),
            Some(_) => {}
        }
        let (name, name_span) = self.process_name();
        let first = self.next();
        let mut chs = Modifier::new(first);

        match first {
            Some('}') => Ok(match self.get_env(name, name_span, dollar_at) {
                Some(value) => Cow::Borrowed(value),
                None if self.lex.skip_unset_env => Cow::Owned(format!("${{{name}}}")),
                None => Cow::Borrowed(""),
            }),
            Some(':' | '+' | '-' | '?' | '#' | '%') => {
                let null_is_unset = first == Some(':');
                let op = if null_is_unset {
                    let second = self.next();
                    chs.push(second);
                    second
                } else {
                    first
                };
                let pattern_op = matches!(op, Some('#' | '%'));
                if null_is_unset && pattern_op {
                    return Err(ExpandErrorKind::UnsupportedModifier(chs.to_string()));
                }
                let word = self.nested('}', pattern_op)?;
                let value = self.get_env(name, name_span, dollar_at);
                let Some(value) = value else {
                    if self.lex.skip_unset_env {
                        return Ok(Cow::Owned(format!("${{{name}{chs}{word}}}")));
                    }
                    return self.apply_to_unset(op, name, word, chs).map(Cow::Owned);
                };
                let empty_as_unset = null_is_unset && value.is_empty();
                match op {
                    Some('-') if empty_as_unset => Ok(Cow::Owned(word)),
                    Some('-') => Ok(Cow::Borrowed(value)),
                    Some('+') if empty_as_unset => Ok(Cow::Borrowed("")),
                    Some('+') => Ok(Cow::Owned(word)),
                    Some('?') if empty_as_unset => Err(ExpandErrorKind::Required {
                        name: name.to_string(),
                        message: if word.is_empty() {
                            "is not allowed to be empty".to_string()
                        } else {
                            word
                        },
                    }),
                    Some('?') => Ok(Cow::Borrowed(value)),
                    Some(c @ ('#' | '%')) => Self::trim(c, &word, value).map(Cow::Owned),
                    _ => Err(ExpandErrorKind::UnsupportedModifier(chs.to_string())),
                }
            }
            Some('/') => {
                let replace_all = self.peek() == Some('/');
                if replace_all {
                    self.bump();
                }
                let pattern = self.nested('/', true)?;
                let replacement = self.nested('}', true)?;
                let value = self.get_env(name, name_span, dollar_at);
                if value.is_none() && self.lex.skip_unset_env {
                    return Ok(Cow::Owned(format!("${{{name}/{pattern}/{replacement}}}")));
                }
                let value = value.unwrap_or_default();
                pattern::replace(
                    &pattern,
                    value,
                    &replacement,
                    replace_all,
                    MAX_EXPANSION_BYTES,
                )
                .map_err(|e| match e {
                    pattern::ReplaceError::BadEscape(e) => ExpandErrorKind::InvalidPattern {
                        pattern,
                        escaped: e.escaped,
                    },
                    pattern::ReplaceError::TooLong => ExpandErrorKind::TooLong {
                        name: name.to_string(),
                    },
                })
                .map(Cow::Owned)
            }
            _ => Err(ExpandErrorKind::UnsupportedModifier(chs.to_string())),
        }
    }

    /// `${NAME<op>word}` when NAME is not defined.
    fn apply_to_unset(
        &self,
        op: Option<char>,
        name: &str,
        word: String,
        chs: Modifier,
    ) -> Result<String, ExpandErrorKind> {
        match op {
            Some('-') => Ok(word),
            Some('+') => Ok(String::new()),
            Some('?') => Err(ExpandErrorKind::Required {
                name: name.to_string(),
                message: if word.is_empty() {
                    "is not allowed to be unset".to_string()
                } else {
                    word
                },
            }),
            Some(c @ ('#' | '%')) => Self::trim(c, &word, ""),
            _ => Err(ExpandErrorKind::UnsupportedModifier(chs.to_string())),
        }
    }

    /// `#`/`##` (prefix) and `%`/`%%` (suffix) removal; a doubled operator is greedy.
    fn trim(op: char, word: &str, value: &str) -> Result<String, ExpandErrorKind> {
        let (pattern, greedy) = match word.strip_prefix(op) {
            Some(rest) => (rest, true),
            None => (word, false),
        };
        if op == '%' {
            pattern::trim_suffix(pattern, value, greedy).map_err(|(reversed, e)| {
                ExpandErrorKind::InvalidPattern {
                    pattern: reversed,
                    escaped: e.escaped,
                }
            })
        } else {
            pattern::trim_prefix(pattern, value, greedy).map_err(|e| {
                ExpandErrorKind::InvalidPattern {
                    pattern: pattern.to_string(),
                    escaped: e.escaped,
                }
            })
        }
    }

    /// A name: letters, digits and `_`; or a run of digits; or one special parameter.
    fn process_name(&mut self) -> (&'a str, Range<usize>) {
        let start = self.offset();
        while let Some(c) = self.peek() {
            let empty = self.pos == start;
            if empty && is_digit(c) {
                while let Some(d) = self.peek().filter(|&d| is_digit(d)) {
                    self.pos += d.len_utf8();
                }
                break;
            }
            if empty && is_special_param(c) {
                self.pos += c.len_utf8();
                break;
            }
            if !is_letter(c) && !is_digit(c) && c != '_' {
                break;
            }
            self.pos += c.len_utf8();
        }
        let name = self.text.get(start..self.pos).unwrap_or_default();
        (name, start..self.offset())
    }

    /// Looks `name` up and records the reference. The value is borrowed from the environment.
    fn get_env(
        &mut self,
        name: &str,
        name_span: Range<usize>,
        dollar_at: usize,
    ) -> Option<&'a str> {
        let env: &'a E = self.env;
        let value = env.get(name);
        if self.name_sets {
            let seen = if value.is_some() {
                &mut self.matched
            } else {
                &mut self.unmatched
            };
            if !seen.contains(name) {
                seen.insert(name.to_string());
            }
        }
        self.references.push(VarRef {
            name: name.to_string(),
            name_span,
            span: dollar_at..self.offset(),
            defined: value.is_some(),
        });
        value
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::expand::Env;
    use proptest::prelude::*;

    /// The same word through the character-by-character path with word splitting on (what
    /// `process_words` runs): the shortcuts of `process_word` and `variable_references`
    /// (literal words, plain runs, no splitting) must give the same text, errors and
    /// references.
    fn agree(word: &str, escape: char, flags: u8) {
        let env = Env::from_slice(&["A=a b", "B=", "C=*?\\}/", "D=x\ny"]);
        let lex = Lex::new(escape)
            .raw_quotes(flags & 1 != 0)
            .raw_escapes(flags & 2 != 0)
            .skip_unset_env(flags & 4 != 0)
            .skip_process_quotes(flags & 8 != 0);
        let mut reference = ShellWord::new(&lex, word, &env, true);
        let expected = reference.process_stop_on(None, lex.raw_escapes);
        let expected_refs = {
            let mut r = reference.references.clone();
            r.sort_by_key(|r| r.span.start);
            r
        };
        match (lex.process_word(word, &env), expected) {
            (Ok(got), Ok((value, _))) => {
                assert_eq!(got.value, value, "{word:?}");
                assert_eq!(got.references, expected_refs, "{word:?}");
                assert_eq!(got.matched, reference.matched, "{word:?}");
                assert_eq!(got.unmatched, reference.unmatched, "{word:?}");
            }
            (Err(got), Err(kind)) => assert_eq!(got.kind, kind, "{word:?}"),
            (got, want) => panic!("{word:?}: {got:?} vs {want:?}"),
        }
        assert_eq!(
            lex.variable_references(word, &env),
            expected_refs,
            "{word:?}"
        );
    }

    #[test]
    fn shortcuts_agree_on_examples() {
        for w in [
            "",
            "plain/path:1.0",
            "a$A b",
            "${A:-x}y",
            "\u{feff}abc",
            "'q' \"$B\" \\$C",
            "é$Dé",
            "${C/\\*/x}",
            "a\\",
            "${A",
            // Runs of escape characters before `$` and quotes (the skipping in
            // `variable_references` counts them), inside and outside double quotes.
            "\\\\$A \\\\\\$B \\'$C' x'$D'",
            "\"\\\\\" $A\" \"\\\\\\\"$B\" \"é\\$C\\\\$D",
            "``$A ```$B `\"$C\" '`'$D",
            "run \\\n  && echo \"${A:-$B}\" '$C' \\\"$D",
        ] {
            for flags in 0..16 {
                agree(w, '\\', flags);
                agree(w, '`', flags);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn shortcuts_agree(
            word in "[$\\{\\}:+?#%/\\\\'\"`*ABCDx \n\u{feff}é0-9_=.-]{0,40}",
            backtick in any::<bool>(),
            flags in 0u8..16,
        ) {
            agree(&word, if backtick { '`' } else { '\\' }, flags);
        }
    }
}
