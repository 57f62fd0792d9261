//! Loading a context from a real folder on disk (native only).
#![cfg(not(target_arch = "wasm32"))]

use std::fs;

use layerlab::context::{Context, ContextError, Limits};

#[test]
fn loads_a_folder_with_relative_paths_modes_and_links() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::create_dir_all(root.join("src/nested")).expect("mkdir");
    fs::write(root.join("Dockerfile"), "FROM alpine\nCOPY . /app\n").expect("write");
    fs::write(root.join("src/main.rs"), "fn main() {}\n").expect("write");
    fs::write(root.join("src/nested/data.bin"), [0u8, 1, 2, 255]).expect("write");
    fs::write(root.join(".dockerignore"), "src/nested\n").expect("write");
    fs::create_dir(root.join("empty")).expect("mkdir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::{symlink, PermissionsExt};
        fs::set_permissions(root.join("src/main.rs"), fs::Permissions::from_mode(0o751))
            .expect("chmod");
        symlink("src/main.rs", root.join("main-link")).expect("symlink");
    }

    let ctx = Context::from_dir(root).expect("folder loads");
    let paths: Vec<String> = ctx.walk().into_iter().map(|(p, _)| p).collect();
    let mut expected = vec![
        ".dockerignore",
        "Dockerfile",
        "empty",
        "src",
        "src/main.rs",
        "src/nested",
        "src/nested/data.bin",
    ];
    if cfg!(unix) {
        expected.insert(3, "main-link");
    }
    assert_eq!(paths, expected);
    assert_eq!(
        ctx.file("src/nested/data.bin").map(|c| c.bytes()),
        Some(&[0u8, 1, 2, 255][..])
    );
    assert!(ctx.get("empty").is_some_and(|e| e.is_dir()));
    #[cfg(unix)]
    {
        assert_eq!(
            ctx.get("src/main.rs").map(|e| e.metadata().mode),
            Some(0o751)
        );
        assert_eq!(
            ctx.get("main-link").and_then(|e| e.symlink_target()),
            Some("src/main.rs")
        );
        assert_eq!(
            ctx.resolve("main-link", true),
            Ok("src/main.rs".to_string())
        );
    }
    assert!(
        ctx.get("src/main.rs")
            .is_some_and(|e| e.metadata().mtime > 1_600_000_000),
        "real mtime kept"
    );

    let ignore = ctx
        .dockerignore_for("Dockerfile")
        .expect("valid")
        .expect("present");
    let included = ctx.included_files(Some(&ignore)).expect("matches");
    assert_eq!(included, [".dockerignore", "Dockerfile", "src/main.rs"]);
    let walked = ctx.walk_included(Some(&ignore)).expect("matches");
    let data = walked
        .iter()
        .find(|w| w.path == "src/nested/data.bin")
        .expect("listed");
    assert!(data.excluded);
    assert_eq!(
        data.excluded_by.as_ref().map(|e| (e.pattern, e.line)),
        Some(("src/nested", 1))
    );
}

#[cfg(unix)]
#[test]
fn folder_symlinks_out_of_the_context_are_kept_as_links() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink("../../etc/passwd", dir.path().join("evil")).expect("symlink");
    std::os::unix::fs::symlink("/nowhere", dir.path().join("dangling")).expect("symlink");
    let ctx = Context::from_dir(dir.path()).expect("links are data, as docker build sends them");
    assert_eq!(
        ctx.get("evil").and_then(|e| e.symlink_target()),
        Some("../../etc/passwd")
    );
    assert_eq!(ctx.resolve("evil", true).expect("resolves"), "etc/passwd");
    assert!(
        ctx.file("etc/passwd").is_none(),
        "nothing outside the folder was read"
    );
    assert_eq!(
        ctx.get("dangling").and_then(|e| e.symlink_target()),
        Some("/nowhere")
    );
}

#[test]
fn folder_limits_apply_before_reading() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("big"), vec![7u8; 4096]).expect("write");
    let limits = Limits {
        max_context_bytes: 1000,
        ..Limits::default()
    };
    let error = Context::from_dir_with_limits(dir.path(), limits).expect_err("too large");
    assert_eq!(error, ContextError::TooLarge { limit: 1000 });
    let missing = Context::from_dir(&dir.path().join("missing")).expect_err("missing folder");
    assert!(matches!(missing, ContextError::Io { .. }));
}
