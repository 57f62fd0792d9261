//! Byte spans into the Dockerfile text and their translation to lines and columns.
//!
//! Every token the front end produces carries a [`Span`]: a half-open byte range into the
//! original source. The editor turns spans into underlines; diagnostics print them as
//! 1-based `line:column` through a [`LineIndex`].

use serde::{Deserialize, Serialize};

/// A half-open byte range `start..end` into the source text.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub const fn at(offset: usize) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }

    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A 1-based line and column. Columns count Unicode scalar values, as editors do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Maps byte offsets to [`LineCol`] in O(log lines).
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset at which each line starts. Lines are split on `\n` only, as BuildKit does.
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        LineIndex {
            line_starts: line_starts(text),
            len: text.len(),
        }
    }

    /// The index of a text of `len` bytes whose lines start at `line_starts` (0 first, then
    /// the offset after each `\n`, ascending), as the parser finds them while splitting lines.
    pub(crate) fn from_line_starts(mut line_starts: Vec<usize>, len: usize) -> Self {
        if line_starts.first() != Some(&0) {
            line_starts.insert(0, 0);
        }
        LineIndex { line_starts, len }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 1-based `line` starts (clamped to the text).
    pub fn line_start(&self, line: usize) -> usize {
        let i = line.saturating_sub(1).min(self.line_starts.len() - 1);
        self.line_starts[i]
    }

    /// The 1-based line containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// 1-based line and column of `offset` in `text` (the text this index was built from).
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let line = self.line_of(offset);
        let start = self.line_starts[line - 1];
        let column = text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        LineCol { line, column }
    }
}

/// Where each line of `text` starts: 0, then the offset after every `\n`.
///
/// Lines are short (30–40 bytes in real Dockerfiles), too short for a search call per line
/// to pay off. Instead 16 bytes are compared with `\n` at once ([`newline_mask`]: SSE2 on
/// x86-64, `simd128` in wasm, else 8-byte words) and the bits of the mask give the newlines.
pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = Vec::with_capacity(bytes.len() / 32 + 2);
    starts.push(0);
    let mut chunks = bytes.chunks_exact(16);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut block = [0u8; 16];
        block.copy_from_slice(chunk);
        let mut mask = newline_mask(&block);
        while mask != 0 {
            starts.push(base + mask.trailing_zeros() as usize + 1);
            mask &= mask - 1;
        }
        base += 16;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == b'\n' {
            starts.push(base + i + 1);
        }
    }
    starts
}

/// Bit `i` set when `block[i]` is `\n`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn newline_mask(block: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
    // SAFETY: SSE2 is part of the x86-64 baseline; the unaligned load reads exactly the 16
    // bytes of `block`.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast());
        _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8))) as u32 & 0xffff
    }
}

/// Bit `i` set when `block[i]` is `\n`.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn newline_mask(block: &[u8; 16]) -> u32 {
    use std::arch::wasm32::{i8x16_bitmask, i8x16_eq, u8x16, u8x16_splat};
    let b = block;
    let v = u8x16(
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
        b[14], b[15],
    );
    u32::from(i8x16_bitmask(i8x16_eq(v, u8x16_splat(b'\n'))))
}

/// Bit `i` set when `block[i]` is `\n`, without vector instructions.
#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
fn newline_mask(block: &[u8; 16]) -> u32 {
    newline_mask_words(block)
}

/// Bit `i` set when `block[i]` is `\n`: two 8-byte words, each with the exact zero-byte
/// test on the word XOR `\n\n\n\n\n\n\n\n` (top bit of every newline byte), compressed.
#[cfg_attr(
    any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ),
    allow(dead_code)
)]
fn newline_mask_words(block: &[u8; 16]) -> u32 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let mut mask = 0u32;
    for (half, bytes) in block.chunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(bytes);
        let x = u64::from_le_bytes(word) ^ NEWLINES;
        let mut marks = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
        while marks != 0 {
            mask |= 1 << (half * 8 + (marks.trailing_zeros() / 8) as usize);
            marks &= marks - 1;
        }
    }
    mask
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_of_offsets() {
        let text = "FROM a\nRUN é x\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 7), LineCol { line: 2, column: 1 });
        // 'x' is after a two-byte 'é': byte 14, column 7.
        assert_eq!(idx.line_col(text, 14), LineCol { line: 2, column: 7 });
        assert_eq!(idx.line_of(text.len()), 3);
        // An offset inside a multi-byte char is clamped, never a panic.
        assert_eq!(idx.line_col(text, 12).line, 2);
    }

    #[test]
    fn line_starts_match_a_plain_scan() {
        let text = "a\n\nbb\n".repeat(7)
            + "0123456789abcdef\n0123456789abcde\n\n\nx\u{8a}\u{10a0a}\n\x0b\t\r\n";
        for end in (0..=text.len()).filter(|&e| text.is_char_boundary(e)) {
            let t = &text[..end];
            let plain: Vec<usize> = std::iter::once(0)
                .chain(
                    t.bytes()
                        .enumerate()
                        .filter(|&(_, b)| b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .collect();
            assert_eq!(line_starts(t), plain, "{end}");
        }
    }

    #[test]
    fn newline_masks_agree() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..2000 {
            let mut block = [0u8; 16];
            for b in &mut block {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                // Mostly newlines and their near neighbours (0x0a ^ 0x80, 0x0b, 0x8a …).
                *b = [b'\n', b'\n' ^ 0x80, b'\n' + 1, b'a', 0, 0xff][(seed >> 60) as usize % 6];
            }
            let plain = block
                .iter()
                .enumerate()
                .fold(0u32, |m, (i, &b)| m | (u32::from(b == b'\n') << i));
            assert_eq!(newline_mask(&block), plain, "{block:?}");
            assert_eq!(newline_mask_words(&block), plain, "{block:?}");
        }
    }
}
