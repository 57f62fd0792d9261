//! A logical line: the text BuildKit hands to the line parsers (first line plus its
//! continuation lines, escape tokens and comment lines removed), with a map from every byte
//! of it back to the source so that each token keeps an exact span.
//!
//! An instruction on one physical line (nearly all of them) is a single piece of the source,
//! so its logical line is that range of the shared source buffer and every string cut from
//! it ([`LogicalLine::text_of`]) shares the source. Only when continuation lines are joined
//! is a new buffer made, once per instruction ([`LogicalLine::finish`]); the pieces are
//! gathered in a scratch string reused across instructions.

use std::sync::Arc;

use super::text::Text;
use crate::span::Span;

/// Text assembled from pieces of the source, each piece remembered with its source offset.
/// One value is reused for every instruction of a file ([`LogicalLine::reset`]).
#[derive(Clone, Debug)]
pub(crate) struct LogicalLine {
    /// The buffer holding the text: the source, or the joined pieces.
    buf: Arc<str>,
    /// Where the text starts in `buf`.
    base: usize,
    len: usize,
    /// `(logical offset, source offset)` of each piece, in increasing order.
    pieces: Vec<(usize, usize)>,
    /// The source buffer (what `buf` is for a single piece).
    source: Arc<str>,
    /// The joined pieces while there are more than one.
    scratch: String,
}

impl LogicalLine {
    /// An empty logical line over `source`.
    pub fn new(source: Arc<str>) -> Self {
        LogicalLine {
            buf: Arc::clone(&source),
            base: 0,
            len: 0,
            pieces: Vec::new(),
            source,
            scratch: String::new(),
        }
    }

    /// Empties the line for the next instruction.
    pub fn reset(&mut self) {
        if !Arc::ptr_eq(&self.buf, &self.source) {
            self.buf = Arc::clone(&self.source);
        }
        self.base = 0;
        self.len = 0;
        self.pieces.clear();
    }

    /// Appends the source range `start..end` (on character boundaries). Call
    /// [`LogicalLine::finish`] after the last piece.
    pub fn push(&mut self, start: usize, end: usize) {
        if end <= start {
            return;
        }
        let piece = self.source.get(start..end).unwrap_or_default();
        match self.pieces.len() {
            0 => self.base = start,
            1 => {
                self.scratch.clear();
                let first = self
                    .source
                    .get(self.base..self.base + self.len)
                    .unwrap_or_default();
                self.scratch.push_str(first);
                self.scratch.push_str(piece);
            }
            _ => self.scratch.push_str(piece),
        }
        self.pieces.push((self.len, start));
        self.len += piece.len();
    }

    /// Makes the buffer the strings are cut from (a new one only for joined pieces).
    pub fn finish(&mut self) {
        if self.pieces.len() > 1 {
            self.buf = Arc::from(self.scratch.as_str());
            self.base = 0;
        }
    }

    /// The joined text.
    #[inline(always)]
    pub fn text(&self) -> &str {
        if self.pieces.len() > 1 {
            return &self.scratch;
        }
        self.source
            .get(self.base..self.base + self.len)
            .unwrap_or_default()
    }

    /// Logical `start..end` as a [`Text`] sharing this line's buffer.
    #[inline(always)]
    pub fn text_of(&self, start: usize, end: usize) -> Text {
        let end = end.clamp(start, self.len.max(start));
        Text::shared(&self.buf, self.base + start..self.base + end)
    }

    /// The source offset of the byte at logical `offset` (a start position).
    #[inline(always)]
    pub fn source_start(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|&(l, _)| l <= offset);
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(l, s)) => s + (offset - l),
            None => self.pieces.first().map_or(0, |&(_, s)| s),
        }
    }

    /// The source offset just after the byte at logical `offset - 1` (an end position).
    #[inline(always)]
    pub fn source_end(&self, offset: usize) -> usize {
        if offset == 0 {
            return self.source_start(0);
        }
        self.source_start(offset - 1) + 1
    }

    /// The source span of logical `start..end`.
    #[inline(always)]
    pub fn span(&self, start: usize, end: usize) -> Span {
        if end <= start {
            let s = self.source_start(start.min(self.len));
            return Span::at(s);
        }
        Span::new(self.source_start(start), self.source_end(end))
    }
}
