//! COPY source globbing: Go `filepath.Match` semantics, and BuildKit's wildcard expansion
//! over a context.

use layerlab::context::{
    contains_wildcards, go_match, BadPattern, ContentDigest, Context, Metadata, SYMLINK_MODE,
};

#[test]
fn filepath_match_semantics_table() {
    // (pattern, name, expected) — Go's filepath.Match on Linux.
    let table: &[(&str, &str, Result<bool, BadPattern>)] = &[
        ("*", "file.txt", Ok(true)),
        ("*", "dir/file", Ok(false)),
        ("*.txt", ".hidden.txt", Ok(true)),
        ("*/*.txt", "a/b.txt", Ok(true)),
        ("*/*.txt", "a/b/c.txt", Ok(false)),
        ("?.go", "a.go", Ok(true)),
        ("?.go", "ab.go", Ok(false)),
        ("?", "/", Ok(false)),
        ("?", "é", Ok(true)),
        ("[abc].rs", "b.rs", Ok(true)),
        ("[a-c].rs", "d.rs", Ok(false)),
        ("[^a-c].rs", "d.rs", Ok(true)),
        ("[^a-c].rs", "a.rs", Ok(false)),
        // Go has no `[!...]` negation: `!` is a member of the class.
        ("[!a].rs", "!.rs", Ok(true)),
        ("[!a].rs", "b.rs", Ok(false)),
        ("\\*.txt", "*.txt", Ok(true)),
        ("\\*.txt", "a.txt", Ok(false)),
        ("[\\]]", "]", Ok(true)),
        ("a[/]b", "a/b", Ok(true)),
        ("**", "a/b", Ok(false)),
        ("**/*.txt", "a/b.txt", Ok(true)),
        ("[", "a", Err(BadPattern)),
        ("[]", "a", Err(BadPattern)),
        ("[z-a]", "m", Ok(false)),
        ("a\\", "a", Err(BadPattern)),
        ("*[", "abc", Err(BadPattern)),
    ];
    for (pattern, name, expected) in table {
        assert_eq!(
            go_match(pattern, name),
            *expected,
            "Match({pattern:?}, {name:?})"
        );
    }
    assert!(contains_wildcards("src/*.rs"));
    assert!(!contains_wildcards("literal\\*name"));
}

fn sample() -> Context {
    let mut ctx = Context::from_files([
        ("go.mod", "module x"),
        ("go.sum", "sum"),
        ("cmd/app/main.go", "package main"),
        ("cmd/tool/main.go", "package main"),
        ("cmd/README", "docs"),
        ("web/dist/index.html", "<html>"),
        ("*.txt", "a file named with a star"),
    ])
    .expect("context");
    ctx.insert_symlink("current", "cmd", Metadata::with_mode(SYMLINK_MODE))
        .expect("link");
    ctx
}

#[test]
fn copy_sources_expand_like_buildkit() {
    let ctx = sample();
    let expand = |src: &str| ctx.resolve_wildcards(src, true).expect("expands");
    assert_eq!(expand("go.*"), ["go.mod", "go.sum"]);
    assert_eq!(
        expand("cmd/*/main.go"),
        ["cmd/app/main.go", "cmd/tool/main.go"]
    );
    // A matching directory is returned whole, not descended.
    assert_eq!(expand("cmd/*"), ["cmd/README", "cmd/app", "cmd/tool"]);
    assert_eq!(expand("/web/*/index.html"), ["web/dist/index.html"]);
    assert_eq!(
        expand("current/*/main.go"),
        ["cmd/app/main.go", "cmd/tool/main.go"]
    );
    // No unescaped wildcard: ResolveWildcards returns the path as written (backslash kept).
    assert_eq!(expand("\\*.txt"), ["\\*.txt"]);
    assert_eq!(expand("*.txt"), ["*.txt"]);
    assert_eq!(expand("nothing-*"), Vec::<String>::new());
    assert_eq!(expand("go.mod"), ["go.mod"]);
    assert_eq!(expand("./cmd/../go.mod"), ["go.mod"]);
}

#[test]
fn digests_are_computed_once_and_survive_a_clone() {
    let ctx = sample();
    let content = ctx.file("go.mod").expect("file").clone();
    assert!(!content.is_digest_cached());
    assert_eq!(content.digest(), ContentDigest::of(b"module x"));
    let next_analysis = ctx.clone();
    let again = next_analysis.file("go.mod").expect("file");
    assert!(
        again.is_digest_cached(),
        "the clone reuses the cached digest"
    );
    let mut edited = next_analysis.clone();
    edited
        .insert_file("go.mod", "module y", Metadata::with_mode(0o644))
        .expect("edit");
    let changed = edited.file("go.mod").expect("file");
    assert!(!changed.is_digest_cached(), "new bytes get a fresh digest");
    assert_ne!(changed.digest(), content.digest());
    assert!(edited
        .file("go.sum")
        .is_some_and(|c| c.same_storage(ctx.file("go.sum").expect("file"))));
}
