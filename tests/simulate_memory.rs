//! Peak memory of simulating a build over a large context: `COPY` shares the context's file
//! bytes instead of copying them, and the layer digests stream the tar into the hasher instead
//! of writing it whole. Linux only (reads and resets the peak RSS through /proc); one test per
//! binary so no other test shares the process.
#![cfg(target_os = "linux")]

use layerlab::context::Context;
use layerlab::simulate::{build, BuildOptions, Catalogs};

mod common;
use common::{reset_peak, rss};

const FILES: usize = 2_000;
const FILE_SIZE: usize = 40 * 1024; // 2,000 × 40 KiB = 80 MiB
const CONTEXT_BYTES: u64 = (FILES * FILE_SIZE) as u64;

/// Distinct, incompressible contents (xorshift).
fn context() -> Context {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut files = Vec::with_capacity(FILES + 1);
    for i in 0..FILES {
        let mut bytes = vec![0u8; FILE_SIZE];
        for chunk in bytes.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
        }
        files.push((format!("src/d{:02}/f{i:04}.bin", i % 20), bytes));
    }
    files.push(("app.py".to_string(), b"print('hi')\n".to_vec()));
    Context::from_files(files).expect("context")
}

#[test]
fn copying_a_large_context_shares_its_bytes_and_streams_the_layer_tars() {
    let ctx = context();
    assert_eq!(ctx.total_bytes(), CONTEXT_BYTES + 12);
    let dockerfile = "FROM scratch\nWORKDIR /app\nCOPY src/d0* /app/part0/\nCOPY src/d1* /app/part1/\nCOPY app.py /app/\nCMD [\"python3\", \"app.py\"]\n";
    let parsed = layerlab::syntax::parse(dockerfile);
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    let catalogs = Catalogs::new(None);
    if !reset_peak() {
        eprintln!("cannot reset the peak RSS: measuring from the start of the process");
    }
    let (loaded, _) = rss();
    let b = build(
        &parsed,
        &ins,
        &ctx,
        &BuildOptions::default(),
        &catalogs,
        None,
    );
    assert_eq!(b.stats.files_hashed, FILES as u64 + 1);
    let (_, after_sim) = rss();
    // The tree's files are the context's buffers: the simulation adds far less than a copy.
    assert!(
        after_sim < loaded + CONTEXT_BYTES / 4,
        "simulation peak {} MiB over {} MiB loaded (context {} MiB)",
        after_sim >> 20,
        loaded >> 20,
        CONTEXT_BYTES >> 20
    );
    // Every layer digest: the tars go through the hasher, never whole in memory.
    let layers = b.image_layers();
    let mut tar_bytes = 0;
    for layer in &layers {
        assert!(layer.diff_id().is_ok(), "{:?}", layer.missing_reason());
        tar_bytes += layer.tar_size().unwrap_or(0);
    }
    assert!(tar_bytes > CONTEXT_BYTES, "{tar_bytes}");
    let (_, after_digests) = rss();
    assert!(
        after_digests < loaded + CONTEXT_BYTES / 4,
        "digest peak {} MiB over {} MiB loaded (layer tars {} MiB)",
        after_digests >> 20,
        loaded >> 20,
        tar_bytes >> 20
    );
    // The streamed digest is the digest of the tar written out whole.
    let biggest = layers
        .iter()
        .max_by_key(|l| l.tar_size().unwrap_or(0))
        .expect("layers");
    let tar = biggest.tar().expect("built layer");
    assert_eq!(tar.len() as u64, biggest.tar_size().unwrap_or(0));
    assert_eq!(
        &layerlab::image::Digest::sha256(&tar),
        biggest.diff_id().expect("digest")
    );
}
