//! A small regular-expression engine for the subset of Go's RE2 syntax that
//! `moby/patternmatcher` produces when it translates a `.dockerignore` pattern.
//!
//! patternmatcher turns a glob into a Go regexp by rewriting `*`, `?` and `**` and copying
//! most other characters through (`[`, `]`, `^`, `-` and any `\x` escape included), so the
//! *Go regexp parser* decides what odd patterns mean: `[*]` becomes `[[^/]*]`, `a\d` matches
//! `a7`. To reproduce that exactly without the `regex` crate (too big for the web page) this
//! module parses the generated text with Go's rules (Perl flags, `OneLine`, `ClassNL`) and
//! runs it on a Pike VM, linear in pattern × text. Supported: literals, `.`, classes with
//! ranges, negation, POSIX `[:name:]` and Perl `\d\s\w` classes, escapes (`\x41`, `\x{263a}`,
//! octal, `\n`-style, `\Q...\E`), groups, `*` `+` `?` (and lazy forms), `^`, `$`, `\A`, `\z`,
//! `\b`, `\B`. Unicode property classes (`\pL`) are refused (they would need Unicode tables);
//! `{n,m}` and `|` never occur since patternmatcher escapes `{`, `}` and `|`.

use std::fmt;

/// Why the generated expression does not compile (Go would return a `*syntax.Error`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexError {
    pub message: &'static str,
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for RegexError {}

fn err<T>(message: &'static str) -> Result<T, RegexError> {
    Err(RegexError { message })
}

const MAX_RUNE: u32 = 0x10FFFF;

/// A set of code points as sorted, merged, inclusive ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct RangeSet(Vec<(u32, u32)>);

impl RangeSet {
    fn push(&mut self, lo: u32, hi: u32) {
        self.0.push((lo, hi));
    }

    fn extend(&mut self, other: &RangeSet) {
        self.0.extend_from_slice(&other.0);
    }

    fn normalized(mut self) -> RangeSet {
        crate::sort::sort(&mut self.0);
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(self.0.len());
        for (lo, hi) in self.0 {
            match out.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        RangeSet(out)
    }

    fn negated(self) -> RangeSet {
        let set = self.normalized();
        let mut out = RangeSet::default();
        let mut next = 0u32;
        for (lo, hi) in set.0 {
            if lo > next {
                out.push(next, lo - 1);
            }
            next = hi.saturating_add(1);
        }
        if next <= MAX_RUNE {
            out.push(next, MAX_RUNE);
        }
        out
    }

    fn contains(&self, c: u32) -> bool {
        self.0
            .binary_search_by(|&(lo, hi)| {
                if hi < c {
                    std::cmp::Ordering::Less
                } else if lo > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Assertion {
    BeginText,
    EndText,
    WordBoundary,
    NotWordBoundary,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Literal(u32),
    Class(RangeSet),
    AnyNotNewline,
    Assert(Assertion),
    Concat(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        unbounded: bool,
    },
}

struct Parser {
    chars: Vec<u32>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<u32> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u32> {
        self.chars.get(self.pos + offset).copied()
    }

    fn starts_with(&self, text: &str) -> bool {
        text.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c as u32))
    }

    /// Parses a concatenation up to `)` (when `depth > 0`) or the end.
    fn parse_concat(&mut self, depth: usize) -> Result<Node, RegexError> {
        let mut items: Vec<Node> = Vec::new();
        // Whether the last item is a repetition (Go refuses to stack them: `a**`).
        let mut last_was_repeat = false;
        while let Some(c) = self.peek() {
            match char::from_u32(c).unwrap_or('\u{fffd}') {
                ')' => {
                    if depth == 0 {
                        return err("unexpected )");
                    }
                    return Ok(Node::Concat(items));
                }
                '(' => {
                    self.pos += 1;
                    if self.peek() == Some('?' as u32) {
                        return err("invalid or unsupported Perl syntax");
                    }
                    let inner = self.parse_concat(depth + 1)?;
                    if self.peek() != Some(')' as u32) {
                        return err("missing closing )");
                    }
                    self.pos += 1;
                    items.push(inner);
                }
                '*' | '+' | '?' => {
                    self.pos += 1;
                    if last_was_repeat {
                        return err("invalid nested repetition operator");
                    }
                    let Some(node) = items.pop() else {
                        return err("missing argument to repetition operator");
                    };
                    let (min, unbounded) = match c {
                        0x2a => (0, true), // '*'
                        0x2b => (1, true), // '+'
                        _ => (0, false),   // '?'
                    };
                    // A lazy suffix changes which match is found, not whether one exists.
                    if self.peek() == Some('?' as u32) {
                        self.pos += 1;
                    }
                    items.push(Node::Repeat {
                        node: Box::new(node),
                        min,
                        unbounded,
                    });
                    last_was_repeat = true;
                    continue;
                }
                '|' | '{' => return err("unsupported operator in generated expression"),
                '^' => {
                    self.pos += 1;
                    items.push(Node::Assert(Assertion::BeginText));
                }
                '$' => {
                    self.pos += 1;
                    items.push(Node::Assert(Assertion::EndText));
                }
                '.' => {
                    self.pos += 1;
                    items.push(Node::AnyNotNewline);
                }
                '[' => items.push(Node::Class(self.parse_class()?)),
                '\\' => {
                    let before = items.len();
                    self.parse_escape_outside_class(&mut items)?;
                    if items.len() == before {
                        // An empty \Q\E adds nothing; keep the repetition state.
                        continue;
                    }
                }
                _ => {
                    self.pos += 1;
                    items.push(Node::Literal(c));
                }
            }
            last_was_repeat = false;
        }
        if depth > 0 {
            return err("missing closing )");
        }
        Ok(Node::Concat(items))
    }

    fn parse_escape_outside_class(&mut self, items: &mut Vec<Node>) -> Result<(), RegexError> {
        match self.peek_at(1).and_then(char::from_u32) {
            Some('A') => {
                self.pos += 2;
                items.push(Node::Assert(Assertion::BeginText));
                return Ok(());
            }
            Some('z') => {
                self.pos += 2;
                items.push(Node::Assert(Assertion::EndText));
                return Ok(());
            }
            Some('b') => {
                self.pos += 2;
                items.push(Node::Assert(Assertion::WordBoundary));
                return Ok(());
            }
            Some('B') => {
                self.pos += 2;
                items.push(Node::Assert(Assertion::NotWordBoundary));
                return Ok(());
            }
            Some('C') => return err("invalid escape sequence"),
            Some('Q') => {
                self.pos += 2;
                while self.pos < self.chars.len() {
                    if self.starts_with("\\E") {
                        self.pos += 2;
                        break;
                    }
                    items.push(Node::Literal(self.chars[self.pos]));
                    self.pos += 1;
                }
                return Ok(());
            }
            Some('p') | Some('P') => return err("Unicode class escapes (\\p) are not supported"),
            _ => {}
        }
        if let Some(set) = self.parse_perl_class() {
            items.push(Node::Class(set));
            return Ok(());
        }
        let c = self.parse_escape()?;
        items.push(Node::Literal(c));
        Ok(())
    }

    /// `\d \D \s \S \w \W` at the cursor, consumed if present.
    fn parse_perl_class(&mut self) -> Option<RangeSet> {
        if self.peek() != Some('\\' as u32) {
            return None;
        }
        let letter = self.peek_at(1).and_then(char::from_u32)?;
        let mut set = RangeSet::default();
        match letter.to_ascii_lowercase() {
            'd' => set.push('0' as u32, '9' as u32),
            's' => {
                for c in ['\t', '\n', '\x0c', '\r', ' '] {
                    set.push(c as u32, c as u32);
                }
            }
            'w' => {
                set.push('0' as u32, '9' as u32);
                set.push('A' as u32, 'Z' as u32);
                set.push('_' as u32, '_' as u32);
                set.push('a' as u32, 'z' as u32);
            }
            _ => return None,
        }
        self.pos += 2;
        Some(if letter.is_ascii_uppercase() {
            set.negated()
        } else {
            set
        })
    }

    /// Go's `parseEscape`: a single escaped character (the cursor is on the backslash).
    fn parse_escape(&mut self) -> Result<u32, RegexError> {
        self.pos += 1;
        let Some(c) = self.peek() else {
            return err("trailing backslash at end of expression");
        };
        self.pos += 1;
        let ch = char::from_u32(c).unwrap_or('\u{fffd}');
        match ch {
            '1'..='7' if !self.peek().is_some_and(is_octal) => err("invalid escape sequence"),
            '0'..='7' => {
                let mut r = c - '0' as u32;
                for _ in 1..3 {
                    match self.peek() {
                        Some(d) if is_octal(d) => {
                            r = r * 8 + (d - '0' as u32);
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                Ok(r)
            }
            'x' => self.parse_hex_escape(),
            'a' => Ok(7),
            'f' => Ok(12),
            'n' => Ok(10),
            'r' => Ok(13),
            't' => Ok(9),
            'v' => Ok(11),
            _ if c < 0x80 && !ch.is_ascii_alphanumeric() => Ok(c),
            _ => err("invalid escape sequence"),
        }
    }

    fn parse_hex_escape(&mut self) -> Result<u32, RegexError> {
        let Some(first) = self.peek() else {
            return err("invalid escape sequence");
        };
        self.pos += 1;
        if first == '{' as u32 {
            let mut r: u32 = 0;
            let mut digits = 0;
            loop {
                let Some(c) = self.peek() else {
                    return err("invalid escape sequence");
                };
                self.pos += 1;
                if c == '}' as u32 {
                    break;
                }
                let Some(v) = unhex(c) else {
                    return err("invalid escape sequence");
                };
                r = r * 16 + v;
                if r > MAX_RUNE {
                    return err("invalid escape sequence");
                }
                digits += 1;
            }
            if digits == 0 {
                return err("invalid escape sequence");
            }
            return Ok(r);
        }
        let Some(second) = self.peek() else {
            return err("invalid escape sequence");
        };
        self.pos += 1;
        match (unhex(first), unhex(second)) {
            (Some(x), Some(y)) => Ok(x * 16 + y),
            _ => err("invalid escape sequence"),
        }
    }

    /// Go's `parseClass` with Perl flags (`-` allowed anywhere, negated classes match `\n`).
    fn parse_class(&mut self) -> Result<RangeSet, RegexError> {
        self.pos += 1; // '['
        let mut negated = false;
        if self.peek() == Some('^' as u32) {
            negated = true;
            self.pos += 1;
        }
        let mut set = RangeSet::default();
        let mut first = true;
        loop {
            match self.peek() {
                None => return err("missing closing ]"),
                Some(c) if c == ']' as u32 && !first => break,
                _ => {}
            }
            first = false;
            if self.starts_with("[:") {
                if let Some(named) = self.parse_named_class()? {
                    set.extend(&named);
                    continue;
                }
            }
            if self.starts_with("\\p") || self.starts_with("\\P") {
                return err("Unicode class escapes (\\p) are not supported");
            }
            if let Some(perl) = self.parse_perl_class() {
                set.extend(&perl);
                continue;
            }
            let lo = self.parse_class_char()?;
            let mut hi = lo;
            if self.peek() == Some('-' as u32) && self.peek_at(1).is_some_and(|c| c != ']' as u32) {
                self.pos += 1;
                hi = self.parse_class_char()?;
                if hi < lo {
                    return err("invalid character class range");
                }
            }
            set.push(lo, hi);
        }
        self.pos += 1; // ']'
        let set = set.normalized();
        Ok(if negated { set.negated() } else { set })
    }

    fn parse_class_char(&mut self) -> Result<u32, RegexError> {
        match self.peek() {
            None => err("missing closing ]"),
            Some(c) if c == '\\' as u32 => self.parse_escape(),
            Some(c) => {
                self.pos += 1;
                Ok(c)
            }
        }
    }

    /// `[:alpha:]`-style classes; `Ok(None)` when the text is not one (then `[` is literal).
    fn parse_named_class(&mut self) -> Result<Option<RangeSet>, RegexError> {
        let rest: String = self.chars[self.pos + 2..]
            .iter()
            .map(|&c| char::from_u32(c).unwrap_or('\u{fffd}'))
            .collect();
        let Some(end) = rest.find(":]") else {
            return Ok(None);
        };
        let name = &rest[..end];
        let (negated, name) = match name.strip_prefix('^') {
            Some(n) => (true, n),
            None => (false, name),
        };
        let ranges: &[(char, char)] = match name {
            "alnum" => &[('0', '9'), ('A', 'Z'), ('a', 'z')],
            "alpha" => &[('A', 'Z'), ('a', 'z')],
            "ascii" => &[('\x00', '\x7f')],
            "blank" => &[('\t', '\t'), (' ', ' ')],
            "cntrl" => &[('\x00', '\x1f'), ('\x7f', '\x7f')],
            "digit" => &[('0', '9')],
            "graph" => &[('!', '~')],
            "lower" => &[('a', 'z')],
            "print" => &[(' ', '~')],
            "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
            "space" => &[('\t', '\r'), (' ', ' ')],
            "upper" => &[('A', 'Z')],
            "word" => &[('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')],
            "xdigit" => &[('0', '9'), ('A', 'F'), ('a', 'f')],
            _ => return err("invalid character class range"),
        };
        let consumed = rest[..end].chars().count() + 4; // "[:" + name + ":]"
        self.pos += consumed;
        let mut set = RangeSet::default();
        for &(lo, hi) in ranges {
            set.push(lo as u32, hi as u32);
        }
        Ok(Some(if negated { set.negated() } else { set }))
    }
}

fn is_octal(c: u32) -> bool {
    ('0' as u32..='7' as u32).contains(&c)
}

fn unhex(c: u32) -> Option<u32> {
    char::from_u32(c).and_then(|c| c.to_digit(16))
}

fn is_word_char(c: Option<u32>) -> bool {
    c.and_then(char::from_u32)
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[derive(Debug, Clone)]
enum Inst {
    Char(u32),
    Class(usize),
    AnyNotNewline,
    Assert(Assertion, usize),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// A compiled expression. Matching is an unanchored search, like Go's `MatchString`.
#[derive(Debug, Clone)]
pub struct GoRegex {
    program: Vec<Inst>,
    classes: Vec<RangeSet>,
}

impl GoRegex {
    /// Parses `expr` with Go's `regexp.Compile` rules (for the supported subset).
    pub fn compile(expr: &str) -> Result<GoRegex, RegexError> {
        let mut parser = Parser {
            chars: expr.chars().map(|c| c as u32).collect(),
            pos: 0,
        };
        let ast = parser.parse_concat(0)?;
        let mut compiled = GoRegex {
            program: Vec::new(),
            classes: Vec::new(),
        };
        compiled.emit(&ast);
        compiled.program.push(Inst::Match);
        Ok(compiled)
    }

    fn emit(&mut self, node: &Node) {
        match node {
            Node::Literal(c) => self.program.push(Inst::Char(*c)),
            Node::Class(set) => {
                self.classes.push(set.clone());
                self.program.push(Inst::Class(self.classes.len() - 1));
            }
            Node::AnyNotNewline => self.program.push(Inst::AnyNotNewline),
            Node::Assert(kind) => {
                let next = self.program.len() + 1;
                self.program.push(Inst::Assert(*kind, next));
            }
            Node::Concat(items) => items.iter().for_each(|item| self.emit(item)),
            Node::Repeat {
                node,
                min,
                unbounded,
            } => {
                if *min == 1 {
                    // e+ : L1: e; split L1, L2; L2:
                    let start = self.program.len();
                    self.emit(node);
                    let after = self.program.len() + 1;
                    self.program.push(Inst::Split(start, after));
                } else if *unbounded {
                    // e* : L1: split L2, L3; L2: e; jmp L1; L3:
                    let split = self.program.len();
                    self.program.push(Inst::Split(0, 0));
                    self.emit(node);
                    self.program.push(Inst::Jmp(split));
                    let after = self.program.len();
                    self.program[split] = Inst::Split(split + 1, after);
                } else {
                    // e? : split L1, L2; L1: e; L2:
                    let split = self.program.len();
                    self.program.push(Inst::Split(0, 0));
                    self.emit(node);
                    let after = self.program.len();
                    self.program[split] = Inst::Split(split + 1, after);
                }
            }
        }
    }

    /// Whether the expression matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        let input: Vec<u32> = text.chars().map(|c| c as u32).collect();
        let n = self.program.len();
        let mut current = ThreadList::new(n);
        let mut next = ThreadList::new(n);
        for pos in 0..=input.len() {
            // Unanchored search: a new thread starts at every position.
            self.add_thread(&mut current, 0, pos, &input);
            if current
                .dense
                .iter()
                .any(|&pc| matches!(self.program[pc], Inst::Match))
            {
                return true;
            }
            let Some(&c) = input.get(pos) else { break };
            next.clear();
            for i in 0..current.dense.len() {
                let pc = current.dense[i];
                let advance = match &self.program[pc] {
                    Inst::Char(want) => *want == c,
                    Inst::Class(idx) => self.classes[*idx].contains(c),
                    Inst::AnyNotNewline => c != '\n' as u32,
                    _ => false,
                };
                if advance {
                    self.add_thread(&mut next, pc + 1, pos + 1, &input);
                }
            }
            std::mem::swap(&mut current, &mut next);
        }
        false
    }

    /// Adds `pc` and everything reachable through jumps, splits and true assertions.
    fn add_thread(&self, list: &mut ThreadList, pc: usize, pos: usize, input: &[u32]) {
        let mut stack = vec![pc];
        while let Some(pc) = stack.pop() {
            if !list.insert(pc) {
                continue;
            }
            match &self.program[pc] {
                Inst::Jmp(target) => stack.push(*target),
                Inst::Split(a, b) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                Inst::Assert(kind, target) => {
                    let before = pos.checked_sub(1).and_then(|i| input.get(i).copied());
                    let after = input.get(pos).copied();
                    let holds = match kind {
                        Assertion::BeginText => pos == 0,
                        Assertion::EndText => pos == input.len(),
                        Assertion::WordBoundary => is_word_char(before) != is_word_char(after),
                        Assertion::NotWordBoundary => is_word_char(before) == is_word_char(after),
                    };
                    if holds {
                        stack.push(*target);
                    }
                }
                _ => {}
            }
        }
    }
}

/// A sparse set of program counters (insertion-ordered, O(1) clear).
struct ThreadList {
    dense: Vec<usize>,
    sparse: Vec<usize>,
}

impl ThreadList {
    fn new(n: usize) -> ThreadList {
        ThreadList {
            dense: Vec::with_capacity(n),
            sparse: vec![0; n],
        }
    }

    fn insert(&mut self, pc: usize) -> bool {
        let slot = self.sparse[pc];
        if slot < self.dense.len() && self.dense[slot] == pc {
            return false;
        }
        self.sparse[pc] = self.dense.len();
        self.dense.push(pc);
        true
    }

    fn clear(&mut self) {
        self.dense.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(expr: &str, text: &str) -> bool {
        match GoRegex::compile(expr) {
            Ok(re) => re.is_match(text),
            Err(e) => panic!("compile {expr:?}: {e}"),
        }
    }

    #[test]
    fn generated_shapes_match_like_go() {
        assert!(m("^[^/]*$", "abc"));
        assert!(!m("^[^/]*$", "a/c"));
        assert!(m("^(.*/)?(.*/)?[^/]*\\.txt$", "dir/dir/file.txt"));
        assert!(m("^(.*/)?(.*/)?[^/]*\\.txt$", "file.txt"));
        assert!(!m("^(.*/)?dir2/[^/]*$", "dir/dir2/file/x"));
        assert!(m("^a[b-d]e$", "ace"));
        assert!(m("^a[^b-d]e$", "aze"));
        // `[*]` in a .dockerignore becomes `[[^/]*]`: a class of `[`, `^`, `/` repeated, then `]`.
        assert!(m("^[[^/]*]$", "[^]"));
        assert!(!m("^[[^/]*]$", "*"));
        assert!(m("^a\\d$", "a7"));
        assert!(m("^\\x41$", "A"));
        assert!(m("^[[:alpha:]]$", "q"));
        assert!(m("^\\Qa*\\E$", "a*"));
        assert!(m("^\\bfoo\\b$", "foo"));
        assert!(!m("^(.*/)?x$", "a\n/x"));
    }

    #[test]
    fn errors_like_go() {
        for bad in [
            "^[Local-Only]$",
            "^[",
            "^a**",
            "*",
            "^(a",
            "^a)",
            "^\\",
            "^\\q",
            "^\\pL",
            "^\\1",
        ] {
            assert!(GoRegex::compile(bad).is_err(), "{bad:?} should not compile");
        }
        assert!(GoRegex::compile("^[]a]$").is_ok());
        assert!(GoRegex::compile("^[a-]$").is_ok());
    }
}
