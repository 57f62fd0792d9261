//! [`Text`]: an immutable string that shares its bytes with the source it was cut from.
//!
//! The parser hands out many strings per instruction (keyword, argument words, the rest, the
//! logical line, comments, flags, heredoc bodies). Nearly all of them are pieces of the
//! Dockerfile text as written, so instead of allocating a `String` for each, every piece is a
//! range of one reference-counted buffer: the whole source for instructions on one line, the
//! joined logical line for instructions with continuation lines. Cloning a `Text` (as the
//! typed instructions do with every [`Word`](super::Word)) copies a pointer and bumps a count;
//! nothing is allocated. Values the parser computes (JSON-decoded strings, processed flag
//! words) get a buffer of their own.
//!
//! A `Text` dereferences to `&str` and compares, hashes, orders, prints and serialises
//! exactly like the string it holds.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, Range};
use std::sync::Arc;

/// An immutable string: a range of a shared buffer.
#[derive(Clone)]
pub struct Text {
    buf: Arc<str>,
    /// `start..end` in `buf`, both on character boundaries (checked when made).
    start: usize,
    end: usize,
}

impl Text {
    /// `buf[range]`, sharing `buf`. A range that is out of bounds or not on character
    /// boundaries gives the empty text at the range's start (the parser never makes one).
    #[inline(always)]
    pub fn shared(buf: &Arc<str>, range: Range<usize>) -> Text {
        let (start, end) = if buf.get(range.clone()).is_some() {
            (range.start, range.end)
        } else {
            let at = range.start.min(buf.len());
            let at = (0..=at)
                .rev()
                .find(|&i| buf.is_char_boundary(i))
                .unwrap_or(0);
            (at, at)
        };
        Text {
            buf: Arc::clone(buf),
            start,
            end,
        }
    }

    /// The string slice.
    #[inline(always)]
    pub fn as_str(&self) -> &str {
        self.buf.get(self.start..self.end).unwrap_or_default()
    }

    /// `self[range]` as a `Text` sharing the same buffer (`range` is relative to this text;
    /// out of bounds or inside a character gives an empty text, as [`Text::shared`]).
    pub fn slice(&self, range: Range<usize>) -> Text {
        let len = self.end - self.start;
        let range = range.start.min(len)..range.end.min(len);
        if range.end < range.start {
            return Text::shared(
                &self.buf,
                self.start + range.start..self.start + range.start,
            );
        }
        Text::shared(&self.buf, self.start + range.start..self.start + range.end)
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::from("")
    }
}

impl Deref for Text {
    type Target = str;
    #[inline(always)]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        let buf: Arc<str> = Arc::from(s);
        let end = buf.len();
        Text { buf, start: 0, end }
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        let buf: Arc<str> = Arc::from(s);
        let end = buf.len();
        Text { buf, start: 0, end }
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text::from(s.as_str())
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.as_str().to_string()
    }
}

impl From<&Text> for String {
    fn from(t: &Text) -> Self {
        t.as_str().to_string()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_slices() {
        let src: Arc<str> = Arc::from("FROM é x");
        let t = Text::shared(&src, 5..9);
        assert_eq!(t, "é x");
        assert_eq!(t.slice(0..2), "é");
        assert_eq!(t.slice(3..4), "x");
        // Inside a character or out of range: empty, never a panic.
        assert_eq!(Text::shared(&src, 6..8), "");
        assert_eq!(t.slice(1..2), "");
        assert_eq!(t.slice(2..99), " x");
        let (from, to) = (3, 1);
        assert_eq!(t.slice(from..to), "");
        assert_eq!(Text::from("a".to_string()), Text::from("a"));
        assert_eq!(serde_json::to_string(&t).ok().as_deref(), Some("\"é x\""));
        assert_eq!(format!("{t:?}"), "\"é x\"");
    }
}
