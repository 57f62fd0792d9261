//! A logical line: the text BuildKit hands to the line parsers (first line plus its
//! continuation lines, escape tokens and comment lines removed), with a map from every byte
//! of it back to the source so that each token keeps an exact span.

use crate::span::Span;

/// Text assembled from pieces of the source, each piece remembered with its source offset.
#[derive(Clone, Debug, Default)]
pub(crate) struct LogicalLine {
    pub text: String,
    /// `(logical offset, source offset)` of each piece, in increasing order.
    pieces: Vec<(usize, usize)>,
}

impl LogicalLine {
    /// Appends `piece`, which starts at `source_offset` in the source.
    pub fn push(&mut self, piece: &str, source_offset: usize) {
        if piece.is_empty() {
            return;
        }
        self.pieces.push((self.text.len(), source_offset));
        self.text.push_str(piece);
    }

    /// The source offset of the byte at logical `offset` (a start position).
    pub fn source_start(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|&(l, _)| l <= offset);
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(l, s)) => s + (offset - l),
            None => self.pieces.first().map_or(0, |&(_, s)| s),
        }
    }

    /// The source offset just after the byte at logical `offset - 1` (an end position).
    pub fn source_end(&self, offset: usize) -> usize {
        if offset == 0 {
            return self.source_start(0);
        }
        self.source_start(offset - 1) + 1
    }

    /// The source span of logical `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        if end <= start {
            let s = self.source_start(start.min(self.text.len()));
            return Span::at(s);
        }
        Span::new(self.source_start(start), self.source_end(end))
    }
}
