//! COPY/ADD sources beyond plain files, as BuildKit's dockerfile2llb and fsutil's copier
//! treat them: local archives compressed by the real tools (extracted, or a failed step when
//! damaged, or unknown past the bomb guard), Git sources (`#ref:subdir`, the query form,
//! `--keep-git-dir`, `--checksum`) with BuildKit's errors underlined where they belong, HTTP
//! checksums validated like go-digest, and `--exclude` with `!` re-inclusion.

use std::io::Read;

use layerlab::context::Context;
use layerlab::simulate::{Build, Catalogs, Certainty};

mod simulate_support;
use simulate_support::{layer_paths as paths, simulate};

mod common;

/// The COPY/ADD step (the last one; the first is FROM).
fn add_step(b: &Build) -> &layerlab::simulate::Step {
    b.steps.last().expect("a step")
}

/// The one error of a build, with the Dockerfile text it underlines.
fn only_error<'a>(b: &Build, dockerfile: &'a str) -> (String, &'a str) {
    let errors: Vec<_> = b
        .diagnostics
        .iter()
        .filter(|d| d.severity == layerlab::diagnostic::Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{:#?}", b.diagnostics);
    let d = errors[0];
    (d.message.clone(), &dockerfile[d.span.start..d.span.end])
}

fn compress(program: &str, input: &[u8]) -> Vec<u8> {
    common::pipe_through(program, &["-c"], input)
}

fn app_tar() -> Vec<u8> {
    app_tar_with(None)
}

/// The app's two files, then `extra` as `noise.bin` when given.
fn app_tar_with(extra: Option<&[u8]>) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data, mode) in [
        ("app/bin/run", &b"#!/bin/sh\necho hi\n"[..], 0o755),
        ("app/etc/conf", &b"key=value\n"[..], 0o640),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(mode);
        h.set_uid(1000);
        h.set_gid(1000);
        h.set_mtime(1_700_000_000);
        b.append_data(&mut h, path, data).expect("append");
    }
    if let Some(extra) = extra {
        let mut h = tar::Header::new_gnu();
        h.set_size(extra.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, "noise.bin", extra).expect("append");
    }
    b.into_inner().expect("tar")
}

#[test]
fn add_extracts_archives_made_by_bzip2_xz_and_zstd() {
    let tar = app_tar();
    let mut files = Vec::new();
    for (tool, name) in [
        ("gzip", "app.tar.gz"),
        ("bzip2", "app.tar.bz2"),
        ("xz", "app.tar.xz"),
        ("zstd", "app.tar.zst"),
    ] {
        files.push((name.to_string(), compress(tool, &tar)));
    }
    let ctx = Context::from_files(files.iter().map(|(n, d)| (n.as_str(), d.clone()))).expect("ctx");
    let dockerfile = "FROM scratch\nADD app.tar.gz /gz/\nADD app.tar.bz2 /bz2/\nADD app.tar.xz /xz/\nADD app.tar.zst /zst/\nCOPY app.tar.zst /copied/\n";
    let b = simulate(dockerfile, &ctx);
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    for (layer, dir) in ["/gz", "/bz2", "/xz", "/zst"].iter().enumerate() {
        let got = paths(&b, layer);
        assert!(
            got.contains(&format!("{dir}/app/bin/run")),
            "{dir}: {got:?}"
        );
        let conf = b.layers[layer]
            .changes
            .iter()
            .find(|c| c.path == format!("{dir}/app/etc/conf"))
            .expect("conf");
        assert_eq!(
            (conf.mode, conf.uid, conf.gid),
            (0o640, 1000, 1000),
            "{dir}"
        );
        assert_eq!(b.layers[layer].certainty, Certainty::Exact, "{dir}");
    }
    // COPY never extracts.
    assert_eq!(paths(&b, 4), ["/copied", "/copied/app.tar.zst"]);
}

#[test]
fn a_truncated_archive_fails_the_step_and_a_bomb_is_unknown() {
    // 2 MiB of pseudo-random bytes after the app's files, in 64 KiB xz blocks.
    let noise: Vec<u8> = (0..2u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let big = app_tar_with(Some(&noise));
    let xz = common::pipe_through("xz", &["-c", "--block-size=65536"], &big);
    // Cut in the middle: the first headers decompress, then the stream ends (BuildKit's
    // untar fails part-way).
    let cut = xz[..xz.len() / 2].to_vec();
    // Cut inside the stream header: not recognisable as an archive, copied as a file.
    let stub = xz[..10].to_vec();
    let mut big = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(64 << 20);
    h.set_mode(0o644);
    big.append_data(&mut h, "zeros.bin", std::io::repeat(0).take(64 << 20))
        .expect("append");
    let bomb = compress("zstd", &big.into_inner().expect("tar"));
    let ctx = Context::from_files([
        ("cut.tar.xz", cut),
        ("stub.tar.xz", stub),
        ("bomb.tar.zst", bomb),
    ])
    .expect("ctx");

    let dockerfile = "FROM scratch\nADD cut.tar.xz /cut/\n";
    let b = simulate(dockerfile, &ctx);
    let (message, underlined) = only_error(&b, dockerfile);
    assert!(
        message.starts_with("failed to unpack cut.tar.xz: "),
        "{message}"
    );
    assert_eq!(underlined, "ADD cut.tar.xz /cut/");

    let b = simulate("FROM scratch\nADD stub.tar.xz /s/\n", &ctx);
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    assert_eq!(paths(&b, 0), ["/s", "/s/stub.tar.xz"]);

    let b = simulate("FROM scratch\nADD bomb.tar.zst /b/\n", &ctx);
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    assert_eq!(add_step(&b).certainty, Certainty::Unknown);
    let effects = add_step(&b).effects.join("\n");
    assert!(effects.contains("decompression bomb"), "{effects}");
}

#[test]
fn git_sources_say_which_ref_and_subdir_and_keep_git_dir() {
    let dockerfile =
        "FROM scratch\nADD https://github.com/moby/buildkit.git#v0.13.0:frontend /src/\n";
    let b = simulate(dockerfile, &Context::new());
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    assert_eq!(add_step(&b).certainty, Certainty::Unknown);
    let effects = add_step(&b).effects.join("\n");
    assert!(
        effects.contains(
            "Git repository https://github.com/moby/buildkit.git at v0.13.0, directory frontend"
        ),
        "{effects}"
    );
    assert!(effects.contains("without .git"), "{effects}");
    assert_eq!(
        b.history[0].created_by,
        "ADD https://github.com/moby/buildkit.git#v0.13.0:frontend /src/ # buildkit"
    );
    assert_eq!(paths(&b, 0), ["/src"]);

    // The query form, and --keep-git-dir: the .git directory is there (its files unknown).
    let b = simulate(
        "FROM scratch\nADD --keep-git-dir https://example.com/r.git?tag=v1&subdir=docs /r\n",
        &Context::new(),
    );
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    let effects = add_step(&b).effects.join("\n");
    assert!(
        effects.contains("at refs/tags/v1, directory docs"),
        "{effects}"
    );
    assert!(effects.contains("with its .git directory"), "{effects}");
    assert_eq!(paths(&b, 0), ["/r", "/r/.git"]);

    // A commit pinned by --checksum changes the cache key; the same ref without does not.
    let sha = "0123456789abcdef0123456789abcdef01234567";
    let pinned = simulate(
        &format!("FROM scratch\nADD --checksum={sha} https://example.com/r.git#main /r\n"),
        &Context::new(),
    );
    assert!(!pinned.has_errors(), "{:?}", pinned.diagnostics);
    assert!(add_step(&pinned)
        .effects
        .join("\n")
        .contains(&format!("pinned to commit {sha}")));
    let plain = simulate(
        "FROM scratch\nADD https://example.com/r.git#main /r\n",
        &Context::new(),
    );
    assert_ne!(add_step(&pinned).cache_key, add_step(&plain).cache_key);

    // `github.com/o/r` without a scheme is a local path for ADD, as in BuildKit.
    let b = simulate("FROM scratch\nADD github.com/o/r /r\n", &Context::new());
    assert!(
        b.diagnostics
            .iter()
            .any(|d| d.message.contains("not found")),
        "{:?}",
        b.diagnostics
    );
}

#[test]
fn invalid_remote_sources_fail_with_buildkit_errors_where_they_belong() {
    let sha256 = format!("sha256:{}", "a".repeat(64));
    let flag = format!("--checksum={sha256}");
    let cases: Vec<(String, &str, &str)> = vec![
        (
            "FROM scratch\nADD --checksum=sha256:abc https://example.com/f.tgz /f\n".into(),
            "invalid checksum digest length",
            "--checksum=sha256:abc",
        ),
        (
            "FROM scratch\nADD --checksum=md5:0123 https://example.com/f.tgz /f\n".into(),
            "unsupported digest algorithm",
            "--checksum=md5:0123",
        ),
        (
            format!("FROM scratch\nADD --checksum={sha256} local.txt /f\n"),
            "checksum requires HTTP(S) or Git sources",
            &flag,
        ),
        (
            format!("FROM scratch\nADD --checksum={sha256} https://a/x https://a/y /d/\n"),
            "checksum can't be specified for multiple sources",
            &flag,
        ),
        (
            "FROM scratch\nCOPY a.txt https://github.com/o/r.git /d/\n".into(),
            "source can't be a git ref for COPY",
            "https://github.com/o/r.git",
        ),
        (
            "FROM scratch\nADD --keep-git-dir=false https://h/r.git?keep-git-dir=true /d\n".into(),
            "inconsistent keep-git-dir configuration",
            "--keep-git-dir=false",
        ),
        (
            "FROM scratch\nADD https://h/r.git?nope=1 /d\n".into(),
            "unexpected query \"nope\"",
            "https://h/r.git?nope=1",
        ),
        (
            "FROM scratch\nADD --checksum=foobar https://h/r.git#main /d\n".into(),
            "invalid checksum foobar for Git URL, expected hex commit hash",
            "--checksum=foobar",
        ),
        (
            "FROM scratch\nADD --checksum=abc https://h/r.git?checksum=def /d\n".into(),
            "checksum mismatch \"abc\" != \"def\"",
            "--checksum=abc",
        ),
    ];
    let ctx = Context::from_files([("local.txt", "x"), ("a.txt", "a")]).expect("ctx");
    for (dockerfile, message, underlined) in cases {
        let b = simulate(&dockerfile, &ctx);
        let (got, at) = only_error(&b, &dockerfile);
        assert_eq!(got, message, "{dockerfile}");
        assert_eq!(at, underlined, "{dockerfile}");
        assert!(
            b.layers.iter().all(|l| l.changes.is_empty()),
            "{dockerfile}: nothing copied"
        );
    }
    // A valid sha256 for a URL: no error, the download stays unknown but pinned.
    let b = simulate(
        &format!("FROM scratch\nADD --checksum={sha256} https://example.com/f.tgz /f\n"),
        &ctx,
    );
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    assert!(add_step(&b).effects.join("\n").contains(&sha256));
}

#[test]
fn exclude_patterns_re_include_with_bang_like_fsutil() {
    let ctx = Context::from_files([
        ("dir/a.txt", "a"),
        ("dir/b.md", "b"),
        ("dir/sub/c.md", "c"),
        ("dir/sub/keep.md", "k"),
        ("node_modules/x/y.js", "y"),
        ("node_modules/keep/z.js", "z"),
        ("main.js", "m"),
    ])
    .expect("ctx");
    let b = simulate(
        "FROM scratch\nCOPY --exclude=*.md --exclude=**/*.md --exclude=!sub/keep.md dir/ /d/\n",
        &ctx,
    );
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    assert_eq!(paths(&b, 0), ["/d", "/d/a.txt", "/d/sub", "/d/sub/keep.md"]);

    // An excluded directory is walked for re-included entries and created only for them.
    let b = simulate(
        "FROM scratch\nCOPY --exclude=node_modules --exclude=!node_modules/keep . /app/\n",
        &ctx,
    );
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    let got = paths(&b, 0);
    assert!(
        got.contains(&"/app/node_modules/keep/z.js".to_string()),
        "{got:?}"
    );
    assert!(got.contains(&"/app/node_modules".to_string()), "{got:?}");
    assert!(!got.iter().any(|p| p.contains("/x")), "{got:?}");

    // Without an exception nothing under it is copied, not even the directory.
    let b = simulate("FROM scratch\nCOPY --exclude=node_modules . /app/\n", &ctx);
    let got = paths(&b, 0);
    assert!(!got.iter().any(|p| p.contains("node_modules")), "{got:?}");
    assert!(got.contains(&"/app/main.js".to_string()), "{got:?}");

    // Later patterns win: re-excluding after an exception.
    let b = simulate(
        "FROM scratch\nCOPY --exclude=dir --exclude=!dir/sub --exclude=dir/sub/c.md . /app/\n",
        &ctx,
    );
    let got = paths(&b, 0);
    assert!(got.contains(&"/app/dir/sub/keep.md".to_string()), "{got:?}");
    assert!(!got.contains(&"/app/dir/sub/c.md".to_string()), "{got:?}");
    assert!(!got.contains(&"/app/dir/a.txt".to_string()), "{got:?}");

    // A pattern patternmatcher refuses fails the step.
    let b = simulate("FROM scratch\nCOPY --exclude=[ dir/ /d/\n", &ctx);
    assert!(
        b.diagnostics
            .iter()
            .any(|d| d.message.contains("invalid excludepatterns: [[]")),
        "{:?}",
        b.diagnostics
    );
}

#[test]
fn run_tar_extracts_the_new_compressions_too() {
    use layerlab::fs::{Content, Meta, Tree};
    use layerlab::simulate::run::{simulate_run, RunInput};
    let tar = app_tar();
    for (tool, flags) in [("bzip2", "-xjf"), ("xz", "-xJf"), ("zstd", "--zstd -xf")] {
        let mut tree = Tree::new();
        tree.mkdir_p("/tmp", Meta::new(0o1777, 0, 0, 0))
            .expect("mkdir");
        tree.write_file(
            "/tmp/app.tar.any",
            Content::known(compress(tool, &tar)),
            Meta::new(0o644, 0, 0, 0),
        )
        .expect("write");
        let script = format!("mkdir -p /opt && tar {flags} /tmp/app.tar.any -C /opt");
        let report = simulate_run(&RunInput::shell(&script), &mut tree, &Catalogs::bundled());
        assert_eq!(report.certainty, Certainty::Exact, "{tool}: {report:#?}");
        let run = tree.lookup("/opt/app/bin/run").expect("extracted");
        assert_eq!((run.meta.mode, run.meta.uid), (0o755, 1000), "{tool}");
    }
    // A cut archive: GNU tar's error, the RUN fails.
    let mut tree = Tree::new();
    let noise: Vec<u8> = (0..1u32 << 20)
        .map(|i| (i.wrapping_mul(40_503) >> 7) as u8)
        .collect();
    let xz = common::pipe_through(
        "xz",
        &["-c", "--block-size=65536"],
        &app_tar_with(Some(&noise)),
    );
    tree.write_file(
        "/a.tar.xz",
        Content::known(xz[..xz.len() / 2].to_vec()),
        Meta::new(0o644, 0, 0, 0),
    )
    .expect("write");
    let report = simulate_run(
        &RunInput::shell("tar -xJf /a.tar.xz"),
        &mut tree,
        &Catalogs::bundled(),
    );
    assert!(
        report
            .failure
            .as_ref()
            .is_some_and(|f| f.message.contains("Unexpected EOF in archive")),
        "{report:#?}"
    );
}

/// BuildKit's `testExcludedFilesOnCopy` (frontend/dockerfile/dockerfile_excludepatterns_test.go):
/// the same context, the same six instructions, the same files kept and left out.
#[test]
fn buildkit_excluded_files_on_copy() {
    let ctx = Context::from_files([
        ("dir1/file-101.png", "2"),
        ("dir1/file-102.txt", "3"),
        ("dir1/file-103.jpeg", "4"),
        ("dir2/file-201.pdf", "6"),
        ("dir2/file-202.jpeg", "7"),
        ("dir2/file-203.png", "8"),
        ("dir3/file-301.mp3", "9"),
        ("dir3/file-302.mpeg", "10"),
    ])
    .expect("ctx");
    let files = |instruction: &str| -> Vec<String> {
        let b = simulate(&format!("FROM scratch\n{instruction}\n"), &ctx);
        assert!(!b.has_errors(), "{instruction}: {:?}", b.diagnostics);
        b.layers[0]
            .changes
            .iter()
            .filter(|c| c.path.contains("file-"))
            .map(|c| c.path.clone())
            .collect()
    };
    assert_eq!(
        files("COPY --exclude=*/*.png --exclude=*/*.jpeg . /1"),
        [
            "/1/dir1/file-102.txt",
            "/1/dir2/file-201.pdf",
            "/1/dir3/file-301.mp3",
            "/1/dir3/file-302.mpeg"
        ]
    );
    assert_eq!(
        files("COPY --exclude=*/*.pdf --exclude=*/*.txt . /2"),
        [
            "/2/dir1/file-101.png",
            "/2/dir1/file-103.jpeg",
            "/2/dir2/file-202.jpeg",
            "/2/dir2/file-203.png",
            "/2/dir3/file-301.mp3",
            "/2/dir3/file-302.mpeg"
        ]
    );
    assert_eq!(files("ADD --exclude=*.mp3 dir3/ /3/"), ["/3/file-302.mpeg"]);
    assert_eq!(
        files("COPY --exclude=*.mp3 --exclude=*.jpeg --exclude=*.png --exclude=*.pdf --exclude=*.txt dir* /4/"),
        ["/4/file-302.mpeg"]
    );
    assert_eq!(
        files("ADD --exclude=*.mp* --exclude=*.jpeg --exclude=*.png --exclude=*.pdf dir* /5"),
        ["/5/file-102.txt"]
    );
    let b = simulate("FROM scratch\nADD --exclude=* dir* /6\n", &ctx);
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    assert_eq!(paths(&b, 0), ["/6"], "the destination exists, empty");
}
