//! Loading contexts from tar and tar.gz archives built here with the `tar` crate: good
//! archives keep bytes and attributes; bad ones get a typed error, quickly and in bounded memory.

use std::io::Write;
use std::time::{Duration, Instant};

use flate2::write::GzEncoder;
use flate2::Compression;
use layerlab::context::{detect_format, ArchiveFormat, Context, ContextError, EntryKind, Limits};
use tar::{Builder, EntryType, Header};

/// A header with a raw name (bypassing the builder's own path checks, as an attacker would).
fn raw_header(name: &[u8], entry_type: EntryType, size: u64) -> Header {
    let mut header = Header::new_gnu();
    header.as_old_mut().name[..name.len()].copy_from_slice(name);
    header.set_entry_type(entry_type);
    header.set_size(size);
    header.set_mode(0o644);
    header.set_mtime(1_700_000_000);
    header.set_cksum();
    header
}

fn raw_link_header(name: &[u8], entry_type: EntryType, target: &[u8]) -> Header {
    let mut header = raw_header(name, entry_type, 0);
    header.as_old_mut().linkname[..target.len()].copy_from_slice(target);
    header.set_cksum();
    header
}

fn archive_of(headers: &[(Header, &[u8])]) -> Vec<u8> {
    let mut builder = Builder::new(Vec::new());
    for (header, data) in headers {
        builder.append(header, *data).expect("append");
    }
    builder.into_inner().expect("finish")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("finish gzip")
}

fn good_archive() -> Vec<u8> {
    let mut builder = Builder::new(Vec::new());
    let mut dir = Header::new_gnu();
    dir.set_entry_type(EntryType::Directory);
    dir.set_mode(0o750);
    dir.set_uid(1000);
    dir.set_gid(1001);
    dir.set_mtime(1_600_000_000);
    dir.set_size(0);
    builder
        .append_data(&mut dir, "./app/", std::io::empty())
        .expect("dir");

    let mut file = Header::new_gnu();
    file.set_mode(0o755);
    file.set_uid(1000);
    file.set_gid(1001);
    file.set_mtime(1_700_000_000);
    file.set_size(12);
    builder
        .append_data(&mut file, "app/run.sh", &b"#!/bin/sh\nx\n"[..])
        .expect("file");

    // Implicit parent directories (no entry for `src/` nor `src/deep/`).
    let mut nested = Header::new_gnu();
    nested.set_mode(0o644);
    nested.set_size(5);
    builder
        .append_data(&mut nested, "src/deep/main.rs", &b"fn(){"[..])
        .expect("nested");

    // A name longer than 100 bytes: the builder writes a GNU long-name record.
    let long = format!("long/{}/file.txt", "d".repeat(150));
    let mut long_header = Header::new_gnu();
    long_header.set_mode(0o644);
    long_header.set_size(4);
    builder
        .append_data(&mut long_header, &long, &b"long"[..])
        .expect("long name");

    let mut link = Header::new_gnu();
    link.set_entry_type(EntryType::Symlink);
    link.set_size(0);
    builder
        .append_link(&mut link, "app/current", "run.sh")
        .expect("symlink");

    let mut hard = Header::new_gnu();
    hard.set_entry_type(EntryType::Link);
    hard.set_size(0);
    builder
        .append_link(&mut hard, "app/run-copy.sh", "app/run.sh")
        .expect("hard link");

    // A PAX header that renames the next entry and sets its uid.
    let records = pax_records(&[("path", "pax/renamed.txt"), ("uid", "4242")]);
    builder
        .append(
            &raw_header(b"./PaxHeaders/x", EntryType::XHeader, records.len() as u64),
            &records[..],
        )
        .expect("pax");
    builder
        .append(
            &raw_header(b"short-name", EntryType::Regular, 3),
            &b"pax"[..],
        )
        .expect("pax target");

    // A later entry replaces an earlier one, as when Docker extracts.
    let mut again = Header::new_gnu();
    again.set_mode(0o600);
    again.set_size(3);
    builder
        .append_data(&mut again, "src/deep/main.rs", &b"new"[..])
        .expect("replacement");
    builder.into_inner().expect("finish")
}

fn pax_records(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (key, value) in pairs {
        let body = format!(" {key}={value}\n");
        // The length prefix counts itself.
        let mut len = body.len() + 1;
        while len.to_string().len() + body.len() != len {
            len += 1;
        }
        out.extend_from_slice(format!("{len}{body}").as_bytes());
    }
    out
}

fn check_good(ctx: &Context) {
    let app = ctx.get("app").expect("app dir");
    assert!(app.is_dir());
    assert_eq!(
        (app.metadata().mode, app.metadata().uid, app.metadata().gid),
        (0o750, 1000, 1001)
    );
    assert_eq!(app.metadata().mtime, 1_600_000_000);
    let run = ctx.get("app/run.sh").expect("file");
    assert_eq!(
        run.content().map(|c| c.bytes()),
        Some(&b"#!/bin/sh\nx\n"[..])
    );
    assert_eq!(run.metadata().mode, 0o755);
    assert_eq!(run.metadata().mtime, 1_700_000_000);
    assert!(
        ctx.get("src").is_some_and(|e| e.is_dir()),
        "implicit parent created"
    );
    assert_eq!(
        ctx.file("src/deep/main.rs").map(|c| c.bytes()),
        Some(&b"new"[..])
    );
    assert_eq!(
        ctx.get("src/deep/main.rs").map(|e| e.metadata().mode),
        Some(0o600)
    );
    let long = format!("long/{}/file.txt", "d".repeat(150));
    assert_eq!(ctx.file(&long).map(|c| c.bytes()), Some(&b"long"[..]));
    assert_eq!(
        ctx.get("app/current").and_then(|e| e.symlink_target()),
        Some("run.sh")
    );
    assert_eq!(
        ctx.resolve("app/current", true),
        Ok("app/run.sh".to_string())
    );
    let copy = ctx
        .file("app/run-copy.sh")
        .expect("hard link becomes a file");
    assert!(
        copy.same_storage(ctx.file("app/run.sh").expect("target")),
        "hard link shares storage"
    );
    let pax = ctx.get("pax/renamed.txt").expect("PAX path applied");
    assert_eq!(pax.metadata().uid, 4242);
    assert!(ctx.get("short-name").is_none());
    assert_eq!(ctx.total_bytes(), 12 + 12 + 3 + 4 + 3);
}

#[test]
fn loads_a_plain_tar_with_attributes() {
    let bytes = good_archive();
    assert_eq!(detect_format(&bytes), ArchiveFormat::Tar);
    let ctx = Context::from_archive(bytes).expect("good archive loads");
    check_good(&ctx);
    assert!(matches!(
        ctx.get("app/run.sh").map(|e| e.kind()),
        Some(EntryKind::File(_))
    ));
}

#[test]
fn loads_the_same_archive_gzipped() {
    let bytes = gzip(&good_archive());
    assert_eq!(detect_format(&bytes), ArchiveFormat::Gzip);
    let ctx = Context::from_archive(bytes).expect("good tar.gz loads");
    check_good(&ctx);
}

#[test]
fn empty_input_is_an_empty_context() {
    let ctx = Context::from_archive(Vec::new()).expect("empty");
    assert_eq!(ctx.entry_count(), 0);
}

#[test]
fn truncated_archives_are_refused() {
    let bytes = good_archive();
    // Cut inside the data of the first file, then inside a header.
    for cut in [512 + 512 + 6, 512 + 300, bytes.len() - 1024 - 700] {
        let result = Context::from_archive(bytes[..cut].to_vec());
        assert!(
            matches!(result, Err(ContextError::Truncated { .. })),
            "cut at {cut}: {result:?}"
        );
    }
    let gz = gzip(&good_archive());
    let result = Context::from_archive(gz[..gz.len() / 2].to_vec());
    assert!(
        matches!(result, Err(ContextError::Truncated { .. })),
        "truncated gzip: {result:?}"
    );
}

#[test]
fn garbage_is_not_an_archive() {
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let result = Context::from_archive(noise);
    assert!(
        matches!(result, Err(ContextError::NotAnArchive { .. })),
        "{result:?}"
    );
    let result = Context::from_archive(b"FROM alpine\nRUN true\n".to_vec());
    assert!(
        matches!(result, Err(ContextError::NotAnArchive { .. })),
        "{result:?}"
    );
    // bzip2's magic and nothing behind it: a cut stream, not an unsupported format.
    let result = Context::from_archive(b"BZh91AY&SY".to_vec());
    assert!(
        matches!(
            result,
            Err(ContextError::Truncated { .. } | ContextError::MalformedArchive { .. })
        ),
        "{result:?}"
    );
    let error = Context::from_archive(b"short".to_vec()).expect_err("short");
    assert!(
        error.to_string().starts_with("not a tar archive"),
        "{error}"
    );
}

#[test]
fn escaping_names_are_refused() {
    type Check = fn(&ContextError) -> bool;
    let cases: [(&[u8], Check); 4] = [
        (b"../evil", |e| {
            matches!(e, ContextError::PathEscapes { .. })
        }),
        (b"a/../../evil", |e| {
            matches!(e, ContextError::PathEscapes { .. })
        }),
        (b"/etc/passwd", |e| {
            matches!(e, ContextError::AbsolutePath { .. })
        }),
        (b"ok/\xff\xfe", |e| {
            matches!(e, ContextError::NonUtf8Path { .. })
        }),
    ];
    for (name, expected) in cases {
        let bytes = archive_of(&[(raw_header(name, EntryType::Regular, 4), b"evil")]);
        let error = Context::from_archive(bytes).expect_err("must be refused");
        assert!(
            expected(&error),
            "{:?}: {error:?}",
            String::from_utf8_lossy(name)
        );
    }
    // A harmless `..` that stays inside is normalized, as Docker's Clean does.
    let bytes = archive_of(&[(raw_header(b"a/../b.txt", EntryType::Regular, 2), b"ok")]);
    let ctx = Context::from_archive(bytes).expect("stays inside");
    assert_eq!(ctx.file("b.txt").map(|c| c.bytes()), Some(&b"ok"[..]));
}

#[test]
fn links_out_of_the_context_are_kept_but_resolve_inside() {
    for target in [&b"../../etc/passwd"[..], b"/etc/passwd"] {
        let bytes = archive_of(&[
            (raw_header(b"etc/passwd", EntryType::Regular, 3), b"ctx"),
            (
                raw_link_header(b"dir/link", EntryType::Symlink, target),
                b"",
            ),
        ]);
        // `docker build` sends such links unchanged; the context keeps them as links and
        // resolves them with its root as `/`, never outside.
        let ctx = Context::from_archive(bytes).expect("the link is data");
        assert_eq!(
            ctx.get("dir/link").and_then(|e| e.symlink_target()),
            Some(std::str::from_utf8(target).expect("utf8"))
        );
        assert_eq!(
            ctx.resolve("dir/link", true).expect("resolves"),
            "etc/passwd"
        );
    }
    // Writing through a symlink (the classic tar-slip) is refused as well.
    let bytes = archive_of(&[
        (raw_link_header(b"sub", EntryType::Symlink, b"real"), b""),
        (raw_header(b"sub/file", EntryType::Regular, 1), b"x"),
    ]);
    let error = Context::from_archive(bytes).expect_err("through symlink");
    assert!(
        matches!(error, ContextError::NotADirectory { .. }),
        "{error:?}"
    );
    for target in [&b"../outside"[..], b"missing", b"/etc/passwd"] {
        let bytes = archive_of(&[(raw_link_header(b"hard", EntryType::Link, target), b"")]);
        let error = Context::from_archive(bytes).expect_err("bad hard link");
        assert!(
            matches!(error, ContextError::BadHardLink { .. }),
            "{error:?}"
        );
    }
}

#[test]
fn device_files_are_refused() {
    for (kind, label) in [
        (EntryType::Char, "character device"),
        (EntryType::Block, "block device"),
        (EntryType::Fifo, "FIFO"),
    ] {
        let bytes = archive_of(&[(raw_header(b"dev/thing", kind, 0), b"")]);
        let error = Context::from_archive(bytes).expect_err("device");
        assert_eq!(
            error,
            ContextError::UnsupportedEntry {
                path: "dev/thing".into(),
                kind: label.into()
            }
        );
    }
}

#[test]
fn huge_names_and_too_many_entries_are_refused() {
    // A 10 KB GNU long name is refused before it is read.
    let mut builder = Builder::new(Vec::new());
    let mut header = Header::new_gnu();
    header.set_size(1);
    header.set_mode(0o644);
    builder
        .append_data(&mut header, "n".repeat(10_000), &b"x"[..])
        .expect("long");
    let error = Context::from_archive(builder.into_inner().expect("finish")).expect_err("long");
    assert!(
        matches!(error, ContextError::PathTooLong { .. }),
        "{error:?}"
    );

    let component = "c".repeat(300);
    let mut builder = Builder::new(Vec::new());
    let mut header = Header::new_gnu();
    header.set_size(1);
    header.set_mode(0o644);
    builder
        .append_data(&mut header, &component, &b"x"[..])
        .expect("long component");
    let error =
        Context::from_archive(builder.into_inner().expect("finish")).expect_err("component");
    assert!(
        matches!(error, ContextError::NameTooLong { .. }),
        "{error:?}"
    );

    let mut builder = Builder::new(Vec::new());
    for i in 0..50 {
        let mut header = Header::new_gnu();
        header.set_size(0);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, format!("f{i}"), std::io::empty())
            .expect("entry");
    }
    let limits = Limits {
        max_entries: 20,
        ..Limits::default()
    };
    let error = Context::from_archive_with_limits(builder.into_inner().expect("finish"), limits)
        .expect_err("entries");
    assert_eq!(error, ContextError::TooManyEntries { limit: 20 });
}

/// One gzip member holding `len` zero bytes (gzip members concatenate, so a bomb of any size
/// is assembled from copies of it without compressing a gigabyte here).
fn zero_member(len: usize) -> Vec<u8> {
    gzip(&vec![0u8; len])
}

#[test]
fn a_one_gigabyte_file_of_zeros_is_refused_at_its_header() {
    const MIB: usize = 1024 * 1024;
    let mut header = Header::new_gnu();
    header.set_path("zeros.bin").expect("path");
    header.set_size(1 << 30);
    header.set_mode(0o644);
    header.set_cksum();
    let mut bomb = gzip(header.as_bytes());
    let member = zero_member(MIB);
    for _ in 0..1024 {
        bomb.extend_from_slice(&member);
    }
    assert!(
        bomb.len() < 2 * MIB,
        "the bomb itself is small ({} bytes)",
        bomb.len()
    );
    let started = Instant::now();
    let error = Context::from_archive(bomb).expect_err("bomb");
    assert!(matches!(error, ContextError::TooLarge { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused quickly"
    );
}

#[test]
fn a_stream_of_many_zero_files_trips_the_ratio_guard() {
    const MIB: usize = 1024 * 1024;
    // 1,000 files of 1 MiB zeros each: 1 GB decompressed, each under every per-file limit.
    let member = zero_member(MIB);
    let mut bomb = Vec::new();
    for i in 0..1000 {
        let mut header = Header::new_gnu();
        header.set_path(format!("z/{i}")).expect("path");
        header.set_size(MIB as u64);
        header.set_mode(0o644);
        header.set_cksum();
        bomb.extend_from_slice(&gzip(header.as_bytes()));
        bomb.extend_from_slice(&member);
    }
    let started = Instant::now();
    let error = Context::from_archive(bomb).expect_err("bomb");
    assert!(
        matches!(error, ContextError::CompressionBomb { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("decompression bomb"));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "refused quickly: {:?}",
        started.elapsed()
    );
}
