//! No input may panic the engine (a panic kills the web page): damaged archives and
//! arbitrary ignore patterns only ever produce values or typed errors.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use layerlab::context::{go_match, Context, Dockerignore, PatternMatcher};
use tar::{Builder, EntryType, Header};

mod common;

fn sample_archive() -> Vec<u8> {
    let mut builder = Builder::new(Vec::new());
    for (i, name) in [
        "a.txt",
        "dir/b.txt",
        "dir/sub/c.bin",
        &format!("long/{}", "x".repeat(120)),
    ]
    .iter()
    .enumerate()
    {
        let mut header = Header::new_gnu();
        header.set_size(10 + i as u64);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, name, &vec![b'z'; 10 + i][..])
            .expect("append");
    }
    let mut link = Header::new_gnu();
    link.set_entry_type(EntryType::Symlink);
    link.set_size(0);
    builder
        .append_link(&mut link, "dir/link", "b.txt")
        .expect("link");
    builder.into_inner().expect("finish")
}

#[test]
fn damaged_archives_never_panic() {
    let tar = sample_archive();
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&tar).expect("compress");
    let gz = gz.finish().expect("finish");
    let mut rng = common::XorShift(0x5eed);
    let mut outcomes = (0, 0);
    for original in [&tar, &gz] {
        for cut in (0..original.len()).step_by(37) {
            let result = Context::from_archive(original[..cut].to_vec());
            if result.is_ok() {
                outcomes.0 += 1
            } else {
                outcomes.1 += 1
            }
        }
        for _ in 0..400 {
            let mut damaged = original.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(damaged.len());
                damaged[at] = rng.next() as u8;
            }
            let result = Context::from_archive(damaged);
            if let Err(error) = &result {
                assert!(!error.to_string().is_empty());
            }
            if result.is_ok() {
                outcomes.0 += 1
            } else {
                outcomes.1 += 1
            }
        }
    }
    // Both outcomes occur: damage in padding is harmless, damage in headers is caught.
    assert!(outcomes.0 > 0 && outcomes.1 > 0, "{outcomes:?}");
}

#[test]
fn arbitrary_patterns_never_panic() {
    const ALPHABET: &[char] = &[
        '*', '?', '[', ']', '^', '\\', '-', '!', '/', 'a', 'b', '.', '{', '}', '(', ')', '$', '|',
        ':', 'é', ' ', 'Q', 'E', 'x', 'p', 'd', '1',
    ];
    let paths = [
        "a", "ab", "a/b", "b/a/b", ".", "é", "a*b", "[", "a\\b", "x/y/z.b",
    ];
    let mut rng = common::XorShift(0xfeed);
    for _ in 0..5_000 {
        let len = 1 + rng.below(10);
        let pattern: String = (0..len)
            .map(|_| ALPHABET[rng.below(ALPHABET.len())])
            .collect();
        for path in paths {
            let _ = go_match(&pattern, path);
        }
        if let Ok(matcher) = PatternMatcher::new(&[pattern.as_str()]) {
            for path in paths {
                let _ = matcher.matches_or_parent_matches(path);
                let _ = matcher.matches_deprecated(path);
            }
        }
        let _ = Dockerignore::parse(".dockerignore", &format!("{pattern}\n!{pattern}\n"));
    }
}
