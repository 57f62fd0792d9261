//! Contexts compressed by the real tools (`tar` piped through `gzip`, `bzip2`, `xz` and
//! `zstd`, as `docker build - < ctx.tar.zst` takes them): the same files as the plain tar,
//! concatenated streams, and damaged input — truncated, corrupted, bombs — refused with a
//! typed error in bounded time. `scripts/install.sh test` installs the tools.

use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use layerlab::context::{detect_format, ArchiveFormat, Context, ContextError, EntryKind, Limits};

mod common;

/// The four compressors, their command line, and the format they make.
const TOOLS: [(&str, &[&str], ArchiveFormat); 4] = [
    ("gzip", &["-c", "-9"], ArchiveFormat::Gzip),
    ("bzip2", &["-c", "-9"], ArchiveFormat::Bzip2),
    ("xz", &["-c", "-6"], ArchiveFormat::Xz),
    ("zstd", &["-c", "-q", "-19"], ArchiveFormat::Zstd),
];

/// A small source tree written to disk and archived by GNU tar with fixed owners and times.
fn tree_tar(dir: &Path) -> Vec<u8> {
    let root = dir.join("ctx");
    std::fs::create_dir_all(root.join("src/deep")).expect("mkdir");
    std::fs::write(root.join("Dockerfile"), "FROM alpine\nCOPY . /app\n").expect("write");
    std::fs::write(root.join("src/main.rs"), "fn main() {}\n".repeat(200)).expect("write");
    std::fs::write(
        root.join("src/deep/data.bin"),
        (0..=255u8).cycle().take(70_000).collect::<Vec<_>>(),
    )
    .expect("write");
    std::os::unix::fs::symlink("main.rs", root.join("src/link.rs")).expect("symlink");
    let status = Command::new("chmod")
        .args(["0750", root.join("src/deep").to_str().expect("utf8")])
        .status()
        .expect("chmod");
    assert!(status.success());
    let out = Command::new("tar")
        .args([
            "--numeric-owner",
            "--owner=1000",
            "--group=1000",
            "--mtime=@1700000000",
            "--sort=name",
            "-cf",
            "-",
            "-C",
        ])
        .arg(&root)
        .arg(".")
        .output()
        .expect("tar is needed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn check_tree(ctx: &Context) {
    let main = ctx.get("src/main.rs").expect("src/main.rs");
    match main.kind() {
        EntryKind::File(f) => assert_eq!(f.bytes(), "fn main() {}\n".repeat(200).as_bytes()),
        other => panic!("{other:?}"),
    }
    assert_eq!(main.metadata().uid, 1000);
    assert_eq!(main.metadata().mtime, 1_700_000_000);
    let data = ctx.get("src/deep/data.bin").expect("data.bin");
    match data.kind() {
        EntryKind::File(f) => assert_eq!(f.len(), 70_000),
        other => panic!("{other:?}"),
    }
    assert_eq!(ctx.get("src/deep").expect("deep").metadata().mode, 0o750);
    match ctx.get("src/link.rs").expect("link").kind() {
        EntryKind::Symlink { target } => assert_eq!(target, "main.rs"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_compression_loads_the_same_context_as_the_plain_tar() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tar = tree_tar(dir.path());
    let plain = Context::from_archive(tar.clone()).expect("plain tar");
    check_tree(&plain);
    for (tool, args, format) in TOOLS {
        let compressed = common::pipe_through(tool, args, &tar);
        assert_eq!(detect_format(&compressed), format, "{tool}");
        let ctx = Context::from_archive(compressed).unwrap_or_else(|e| panic!("{tool}: {e}"));
        check_tree(&ctx);
        assert_eq!(
            ctx.total_bytes(),
            plain.total_bytes(),
            "{tool}: same content as the plain tar"
        );
    }
}

#[test]
fn concatenated_streams_are_read_on_like_go_and_the_tools() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tar = tree_tar(dir.path());
    // The archive split in two and compressed as two streams/members/frames, concatenated
    // (`cat a.xz b.xz`, pbzip2 and pigz-style output): one context.
    let (a, b) = tar.split_at(tar.len() / 2);
    for (tool, args, _) in TOOLS {
        let mut joined = common::pipe_through(tool, args, a);
        joined.extend(common::pipe_through(tool, args, b));
        let ctx = Context::from_archive(joined).unwrap_or_else(|e| panic!("{tool}: {e}"));
        check_tree(&ctx);
    }
    // zstd skippable frames (magic 0x184D2A5?, a length, that many bytes) between and after
    // data frames are passed over, as zstd and Go's decoders do.
    let skippable = [0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 7, 7, 7];
    let mut framed = skippable.to_vec();
    framed.extend(common::pipe_through("zstd", &["-c", "-q"], a));
    framed.extend_from_slice(&skippable);
    framed.extend(common::pipe_through("zstd", &["-c", "-q"], b));
    framed.extend_from_slice(&skippable);
    let ctx = Context::from_archive(framed).expect("zstd with skippable frames");
    check_tree(&ctx);
}

#[test]
fn truncated_and_corrupted_archives_are_refused_without_panicking() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tar = tree_tar(dir.path());
    for (tool, args, _) in TOOLS {
        let compressed = common::pipe_through(tool, args, &tar);
        // Cut: the decoders run out of input mid-stream.
        for keep in [compressed.len() / 2, compressed.len() / 4, 12] {
            let error = Context::from_archive(compressed[..keep].to_vec())
                .expect_err(&format!("{tool} cut at {keep}"));
            assert!(
                matches!(
                    error,
                    ContextError::Truncated { .. } | ContextError::MalformedArchive { .. }
                ),
                "{tool} cut at {keep}: {error:?}"
            );
        }
        // Flipped bytes near the start damage the first tar header (or the stream itself):
        // refused. Further in, a corrupted block may still decode to bytes that parse (Go's
        // readers, like these, check a stream's CRC only when read to its end, and a tar
        // reader stops at the end-of-archive blocks): it must then at least not panic.
        for at in [compressed.len().min(40) / 2, compressed.len() / 2] {
            let mut corrupt = compressed.clone();
            for b in &mut corrupt[at..(at + 8).min(compressed.len())] {
                *b ^= 0x5a;
            }
            let result = Context::from_archive(corrupt);
            if at < 40 {
                assert!(result.is_err(), "{tool}: a damaged start must not load");
            }
        }
    }
}

#[test]
fn compressed_bombs_trip_the_ratio_guard_in_bounded_time() {
    // 64 MiB of zeros in one file: every compressor squeezes it far past 200:1.
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(64 << 20);
    header.set_mode(0o644);
    header.set_cksum();
    builder
        .append_data(&mut header, "zeros.bin", std::io::repeat(0).take(64 << 20))
        .expect("append");
    let tar = builder.into_inner().expect("tar");
    let limits = Limits {
        compression_ratio_grace_bytes: 1 << 20,
        ..Limits::default()
    };
    for (tool, _, _) in TOOLS {
        let bomb = common::pipe_through(tool, &["-c"], &tar);
        assert!(bomb.len() < 1 << 20, "{tool}: {} bytes", bomb.len());
        let started = Instant::now();
        let error = Context::from_archive_with_limits(bomb, limits).expect_err(tool);
        assert!(
            matches!(error, ContextError::CompressionBomb { ratio_limit: 200 }),
            "{tool}: {error:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{tool}: refused quickly"
        );
    }
}

#[test]
fn a_claimed_huge_file_is_refused_at_its_header_whatever_the_compression() {
    let mut header = tar::Header::new_gnu();
    header.set_path("huge.bin").expect("path");
    header.set_size(1 << 40);
    header.set_mode(0o644);
    header.set_cksum();
    let limits = Limits {
        max_context_bytes: 1 << 20,
        ..Limits::default()
    };
    for (tool, args, _) in TOOLS {
        let compressed = common::pipe_through(tool, args, header.as_bytes());
        let error = Context::from_archive_with_limits(compressed, limits).expect_err(tool);
        assert!(
            matches!(error, ContextError::TooLarge { .. }),
            "{tool}: {error:?}"
        );
    }
}

#[test]
fn mutated_streams_never_panic_the_loader_nor_add() {
    // A panic in a decoder would kill the page (panic = abort in wasm): every damaged
    // stream must come back as a value or a typed error, from the context loader and from
    // ADD's extraction alike.
    let dir = tempfile::tempdir().expect("tempdir");
    let tar = tree_tar(dir.path());
    let mut rng = common::XorShift(0xc0ffee);
    let dockerfile = "FROM scratch\nADD in.bin /x/\n";
    let parsed = layerlab::syntax::parse(dockerfile);
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    for (tool, args, _) in TOOLS {
        let compressed = common::pipe_through(tool, args, &tar);
        for round in 0..120 {
            let mut bytes = compressed.clone();
            match round % 3 {
                // Flip a few bytes anywhere past the magic.
                0 => {
                    for _ in 0..1 + rng.below(4) {
                        let at = 6 + rng.below(bytes.len() - 6);
                        bytes[at] ^= 1 << rng.below(8);
                    }
                }
                // Cut anywhere.
                1 => bytes.truncate(1 + rng.below(bytes.len() - 1)),
                // Overwrite a run with noise.
                _ => {
                    let at = 4 + rng.below(bytes.len() - 4);
                    let end = (at + 1 + rng.below(32)).min(bytes.len());
                    for b in &mut bytes[at..end] {
                        *b = rng.next() as u8;
                    }
                }
            }
            let _ = Context::from_archive(bytes.clone());
            let ctx = Context::from_files([("in.bin", bytes)]).expect("ctx");
            let b = layerlab::simulate::build(
                &parsed,
                &ins,
                &ctx,
                &layerlab::simulate::BuildOptions::default(),
                &layerlab::simulate::Catalogs::bundled(),
                None,
            );
            assert!(!b.steps.is_empty(), "{tool}: the build ran");
        }
    }
}
