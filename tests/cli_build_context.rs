//! `layerlab build CONTEXT` takes the context as `docker build` does: a folder, a tar archive
//! (plain, gzip, bzip2, xz or zstd, recognised by content) or `-` (standard input), and a
//! Dockerfile alone on standard input. The archives are made by the real `tar` and
//! compressors; an archive of a folder must give the same build as the folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/oracle/cases")
        .join(name)
}

fn layerlab(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("layerlab runs");
    let mut input = child.stdin.take().expect("stdin");
    // A command that refuses its arguments may exit before it reads its input: a broken pipe
    // is its answer, not the test's failure (its status and stderr are checked).
    match input.write_all(stdin.unwrap_or_default()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("write stdin: {e}"),
        _ => {}
    }
    drop(input);
    child.wait_with_output().expect("layerlab ends")
}

/// `tar -C dir -c [flag] .` into `out` (the real tools, as a user would make the archive).
fn archive(dir: &Path, flag: Option<&str>, out: &Path) {
    let mut cmd = Command::new("tar");
    cmd.arg("-C").arg(dir).arg("-c").arg("-f").arg(out);
    if let Some(flag) = flag {
        cmd.arg(flag);
    }
    let status = cmd.arg(".").status().expect("tar runs");
    assert!(status.success(), "tar {flag:?} failed");
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "layerlab failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

#[test]
fn an_archive_of_a_folder_builds_like_the_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for name in [
        "dockerignore",
        "multistage",
        "copy-wildcard",
        "symlink-in-dir",
    ] {
        let dir = case(name);
        let expected = json(&layerlab(
            &["build", dir.to_str().unwrap(), "--format", "json"],
            None,
        ));
        for (flag, ext) in [
            (None, "tar"),
            (Some("--gzip"), "tar.gz"),
            (Some("--bzip2"), "tar.bz2"),
            (Some("--xz"), "tar.xz"),
            (Some("--zstd"), "tar.zst"),
        ] {
            let path = tmp.path().join(format!("{name}.{ext}"));
            archive(&dir, flag, &path);
            let got = json(&layerlab(
                &["build", path.to_str().unwrap(), "--format", "json"],
                None,
            ));
            assert_eq!(got, expected, "{name} as .{ext}");
            // The same archive on standard input (`docker build - < ctx.tar.xz`).
            let bytes = std::fs::read(&path).expect("archive");
            let got = json(&layerlab(&["build", "-", "--format", "json"], Some(&bytes)));
            assert_eq!(got, expected, "{name} as .{ext} on standard input");
        }
    }
}

#[test]
fn a_dockerfile_alone_on_standard_input_has_an_empty_context() {
    let output = layerlab(
        &["build", "-", "--format", "json"],
        Some(b"FROM scratch\nENV A=1\nCOPY missing.txt /\n"),
    );
    let build = json(&output);
    // COPY finds nothing: the context is empty.
    let text = build.to_string();
    assert!(text.contains("missing.txt"), "{text}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn the_dockerfile_of_an_archive_is_its_f_path_or_a_local_file() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ctx = tmp.path().join("ctx");
    std::fs::create_dir_all(ctx.join("build")).expect("mkdir");
    std::fs::write(ctx.join("app.txt"), "hello\n").expect("write");
    std::fs::write(
        ctx.join("build/Dockerfile.prod"),
        "FROM scratch\nCOPY app.txt /inside/\n",
    )
    .expect("write");
    let local = tmp.path().join("Local.Dockerfile");
    std::fs::write(&local, "FROM scratch\nCOPY app.txt /local/\n").expect("write");
    let tar = tmp.path().join("ctx.tar.gz");
    archive(&ctx, Some("--gzip"), &tar);
    let tar = tar.to_str().unwrap();

    let inside = layerlab(&["build", tar, "-f", "build/Dockerfile.prod"], None);
    let text = String::from_utf8_lossy(&inside.stdout);
    assert!(inside.status.success(), "{text}");
    assert!(text.contains("/inside/"), "{text}");

    let outside = layerlab(&["build", tar, "-f", local.to_str().unwrap()], None);
    let text = String::from_utf8_lossy(&outside.stdout);
    assert!(outside.status.success(), "{text}");
    assert!(text.contains("/local/"), "{text}");

    // No Dockerfile in the archive and no -f: a clear I/O error (exit code 2).
    let none = layerlab(&["build", tar], None);
    assert_eq!(none.status.code(), Some(2));
    let err = String::from_utf8_lossy(&none.stderr);
    assert!(err.contains("has no `Dockerfile`"), "{err}");
}

#[test]
fn a_file_that_is_no_archive_and_a_double_stdin_are_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = tmp.path().join("notes.txt");
    std::fs::write(&file, "just some text, not a tar archive\n").expect("write");
    let out = layerlab(&["build", file.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a folder nor a tar archive"));

    let out = layerlab(&["build", "-", "-f", "-"], Some(b"FROM scratch\n"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot both be standard input"));

    // A cut archive gets the loader's message, not a panic.
    let tar = tmp.path().join("cut.tar.gz");
    archive(&case("copy-file"), Some("--gzip"), &tar);
    let bytes = std::fs::read(&tar).expect("archive");
    let out = layerlab(&["build", "-"], Some(&bytes[..bytes.len() / 2]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read context standard input"));
}
