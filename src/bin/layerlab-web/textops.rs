//! Text helpers the editor needs between two analyses: carrying ranges computed for an older
//! text over an edit (so colours and underlines stay in place while the user types and the
//! analysis waits for a pause), and converting between the engine's byte offsets and the
//! UTF-16 offsets of the DOM's selection API.

/// The edit between two texts: bytes `start..old_end` of the old text became
/// `start..new_end` of the new one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl Edit {
    /// The smallest edit turning `old` into `new` (common prefix and suffix removed).
    pub fn between(old: &str, new: &str) -> Edit {
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let max_suffix = a.len().min(b.len()) - prefix;
        let mut suffix = a
            .iter()
            .rev()
            .zip(b.iter().rev())
            .take(max_suffix)
            .take_while(|(x, y)| x == y)
            .count();
        while !old.is_char_boundary(a.len() - suffix) || !new.is_char_boundary(b.len() - suffix) {
            suffix -= 1;
        }
        Edit {
            start: prefix,
            old_end: a.len() - suffix,
            new_end: b.len() - suffix,
        }
    }

    /// Where the range `start..end` of the old text is in the new one; `None` when the edit
    /// touched it (its meaning is unknown until the next analysis).
    pub fn map_range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if end <= self.start {
            Some((start, end))
        } else if start >= self.old_end {
            let shift = |x: usize| x + self.new_end - self.old_end;
            Some((shift(start), shift(end)))
        } else {
            None
        }
    }
}

/// The UTF-16 offset of byte offset `byte` in `text` (clamped to a char boundary).
pub fn byte_to_utf16(text: &str, byte: usize) -> usize {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    text[..byte].chars().map(char::len_utf16).sum()
}

/// Byte offsets where each line starts (lines end at `\n`).
pub fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::with_capacity(text.len() / 24 + 1);
    starts.push(0);
    starts.extend(
        text.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_minimal_and_ranges_move_with_them() {
        let e = Edit::between("FROM a\nRUN x\n", "FROM a\n\nRUN x\n");
        assert_eq!((e.start, e.old_end, e.new_end), (7, 7, 8));
        // Before the edit: unchanged; after: shifted by one.
        assert_eq!(e.map_range(0, 4), Some((0, 4)));
        assert_eq!(e.map_range(7, 10), Some((8, 11)));
        let e = Edit::between("RUN abc", "RUN axc");
        assert_eq!(e.map_range(4, 7), None);
        assert_eq!(e.map_range(0, 3), Some((0, 3)));
        let e = Edit::between("é", "è");
        assert_eq!((e.start, e.old_end, e.new_end), (0, 2, 2));
        let same = Edit::between("abc", "abc");
        assert_eq!(same.map_range(0, 3), Some((0, 3)));
    }

    #[test]
    fn utf16_offsets_round_trip() {
        let text = "a😀é\nb";
        assert_eq!(byte_to_utf16(text, 1), 1);
        assert_eq!(byte_to_utf16(text, 5), 3);
        assert_eq!(byte_to_utf16(text, 7), 4);
        assert_eq!(byte_to_utf16(text, 3), 1, "inside the emoji: clamped down");
        assert_eq!(line_starts(text), [0, 8]);
    }
}
