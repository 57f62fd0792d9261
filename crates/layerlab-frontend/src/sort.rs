//! Sorting with one shared copy of the sort algorithm.
//!
//! The standard library's sorts are generic: every element type and comparator gets its own
//! copy of the algorithm (about 4 KB of wasm each, some twenty copies in the playground).
//! These functions sort a list of indices with a comparator behind `dyn`, so the algorithm is
//! compiled once, and then move the elements into place (a small generic loop). They are
//! stable, like `slice::sort_by`; for the lists layerlab sorts (diagnostics, tags, paths,
//! ports) the indirection costs nothing noticeable.

use std::cmp::Ordering;

/// Sorts `items` stably by `compare` (like `slice::sort_by`). A list already in order (most
/// are: references in a word, diagnostics of one pass) is left as it is without allocating.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items
        .windows(2)
        .all(|pair| compare(&pair[0], &pair[1]) != Ordering::Greater)
    {
        return;
    }
    let mut order = {
        let view: &[T] = items;
        sorted_indices(view.len(), &mut |a, b| compare(&view[a], &view[b]))
    };
    permute(items, &mut order);
}

/// Sorts `items` stably by a key (like `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` in their natural order (like `slice::sort`).
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// `0..len` ordered by `compare`, ties kept in index order (so the sort is stable).
#[inline(never)]
fn sorted_indices(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_unstable_by(|&a, &b| compare(a, b).then(a.cmp(&b)));
    order
}

/// Moves `items[order[i]]` to position `i`, one cycle of the permutation at a time (`order`
/// is consumed: visited entries are marked).
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    const DONE: usize = usize::MAX;
    for start in 0..order.len() {
        let mut at = start;
        // The element first at `start` travels along the cycle until its place.
        while order[at] != DONE {
            let from = order[at];
            order[at] = DONE;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library_and_stays_stable() {
        // A deterministic pseudo-random sequence with many equal keys.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in [0usize, 1, 2, 3, 7, 20, 100, 1000] {
            let mut items: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    ((x % 5) as u8, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|p| p.0);
            sort_by_key(&mut items, |p| p.0);
            assert_eq!(items, expected, "len {len}");
            let mut reversed = items.clone();
            sort_by(&mut reversed, |a, b| b.cmp(a));
            let mut expected = items.clone();
            expected.sort_by(|a, b| b.cmp(a));
            assert_eq!(reversed, expected);
        }
        let mut words = vec![
            "b".to_string(),
            "a".to_string(),
            "c".to_string(),
            "a".to_string(),
        ];
        sort(&mut words);
        assert_eq!(words, ["a", "a", "b", "c"]);
    }
}
