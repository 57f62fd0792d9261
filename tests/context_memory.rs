//! Peak memory of loading a 200 MB, 5,000-file context: it must stay under twice the
//! context's size. Linux only (reads and resets the peak RSS through /proc); one test per
//! binary so no other test shares the process.
#![cfg(target_os = "linux")]

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use layerlab::context::Context;
use tar::{Builder, Header};

mod common;
use common::{reset_peak, rss};

const FILES: usize = 5_000;
const FILE_SIZE: usize = 40 * 1024; // 5,000 × 40 KiB = 200 MiB (204.8 MB)
const CONTEXT_BYTES: u64 = (FILES * FILE_SIZE) as u64;

/// Text-like content, different for every file: a shared pattern stamped with the index.
fn fill(seed: usize, buf: &mut [u8]) {
    let stamp = format!("file {seed:05}\n");
    buf[..stamp.len()].copy_from_slice(stamp.as_bytes());
}

fn build_tar() -> Vec<u8> {
    let total = FILES * (512 + FILE_SIZE) + 1024;
    let mut builder = Builder::new(Vec::with_capacity(total));
    let mut buf: Vec<u8> = b"the quick brown fox jumps over the lazy dog\n"
        .iter()
        .copied()
        .cycle()
        .take(FILE_SIZE)
        .collect();
    for i in 0..FILES {
        fill(i, &mut buf);
        let mut header = Header::new_gnu();
        header.set_size(FILE_SIZE as u64);
        header.set_mode(0o644);
        builder
            .append_data(
                &mut header,
                format!("dir{:02}/file{i:05}.txt", i % 50),
                &buf[..],
            )
            .expect("append");
    }
    builder.into_inner().expect("finish")
}

#[test]
fn a_200_mb_context_loads_in_less_than_twice_its_size() {
    if !reset_peak() {
        eprintln!("SKIPPED: cannot reset the peak RSS on this kernel");
        return;
    }
    let tar = build_tar();
    let mut encoder = GzEncoder::new(Vec::with_capacity(tar.len() / 2), Compression::none());
    encoder.write_all(&tar).expect("compress");
    let gz = encoder.finish().expect("finish");
    let gz_len = gz.len() as u64;

    // Plain tar: files are views into the archive buffer.
    let (before, _) = rss();
    assert!(reset_peak());
    let ctx = Context::from_archive(tar).expect("loads");
    let (_, peak) = rss();
    assert_eq!(ctx.total_bytes(), CONTEXT_BYTES);
    println!(
        "plain tar: resident growth {} MiB at peak (context {} MiB)",
        peak.saturating_sub(before) >> 20,
        CONTEXT_BYTES >> 20
    );
    // The archive itself was already resident in `before`; loading adds only the tree.
    assert!(
        peak < before + CONTEXT_BYTES / 10,
        "plain tar load peak {} MiB over {} MiB",
        peak >> 20,
        before >> 20
    );
    assert_eq!(ctx.walk().len(), FILES + 50);
    drop(ctx);

    // tar.gz: decompressed once, file by file, no intermediate copy of the whole stream.
    let (base, _) = rss();
    assert!(reset_peak());
    let ctx = Context::from_archive(gz).expect("loads gz");
    let (_, peak) = rss();
    assert_eq!(ctx.total_bytes(), CONTEXT_BYTES);
    let growth = peak.saturating_sub(base);
    println!(
        "tar.gz ({} MiB compressed): peak growth {} MiB for a {} MiB context",
        gz_len >> 20,
        growth >> 20,
        CONTEXT_BYTES >> 20
    );
    // Loading adds one copy of the contents plus a small overhead. (Stored deflate blocks
    // keep this test fast in a debug build and away from the ratio guard; with the 2-5x
    // compression of real contexts, input + context stays well under twice the context.)
    assert!(
        growth < CONTEXT_BYTES + CONTEXT_BYTES / 10,
        "peak growth {} MiB",
        growth >> 20
    );
}
