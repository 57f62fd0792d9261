//! `.dockerignore` over a real context, in the scenarios of BuildKit's
//! `dockerfile_dockerignore_test.go`.

use layerlab::context::{Context, ContextError, DockerignoreError, PatternError};

#[test]
fn buildkit_test_dockerignore_scenario() {
    // testDockerignore: `COPY . .` copies only foo and bay.
    let ctx = Context::from_files([
        ("Dockerfile", "FROM scratch\nCOPY . .\n"),
        ("foo", "foo-contents"),
        ("bar", "bar-contents"),
        ("baz", "baz-contents"),
        ("bay", "bay-contents"),
        (".dockerignore", "ba*\nDockerfile\n!bay\n.dockerignore\n"),
    ])
    .expect("context");
    let ignore = ctx
        .dockerignore_for("Dockerfile")
        .expect("valid")
        .expect("present");
    assert_eq!(
        ctx.included_files(Some(&ignore)).expect("matches"),
        ["bay", "foo"]
    );
    assert!(ignore.has_exceptions());
    let walked = ctx.walk_included(Some(&ignore)).expect("matches");
    let reasons: Vec<(String, Option<(String, usize)>)> = walked
        .iter()
        .map(|w| {
            (
                w.path.clone(),
                w.excluded_by
                    .as_ref()
                    .map(|e| (e.pattern.to_string(), e.line)),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (
                ".dockerignore".to_string(),
                Some((".dockerignore".to_string(), 4))
            ),
            (
                "Dockerfile".to_string(),
                Some(("Dockerfile".to_string(), 2))
            ),
            ("bar".to_string(), Some(("ba*".to_string(), 1))),
            ("bay".to_string(), None),
            ("baz".to_string(), Some(("ba*".to_string(), 1))),
            ("foo".to_string(), None),
        ]
    );
}

#[test]
fn buildkit_dockerfile_specific_ignore_overrides() {
    // testDockerignoreOverride: `<Dockerfile>.dockerignore` wins over `.dockerignore`.
    let ctx = Context::from_files([
        ("foo", "foo"),
        ("bar", "bar"),
        ("Dockerfile", "FROM scratch\nCOPY . .\n"),
        (".dockerignore", "foo\n"),
        ("Dockerfile.dockerignore", "bar\n"),
    ])
    .expect("context");
    let ignore = ctx
        .dockerignore_for("./Dockerfile")
        .expect("valid")
        .expect("present");
    assert_eq!(ignore.source(), "Dockerfile.dockerignore");
    assert!(!ignore.is_excluded("foo").expect("ok"));
    assert!(ignore.is_excluded("bar").expect("ok"));
}

#[test]
fn buildkit_invalid_ignore_file_fails() {
    // testDockerignoreInvalid: a lone `!` fails the build.
    let ctx = Context::from_files([("Dockerfile", "FROM scratch\n"), (".dockerignore", "!\n")])
        .expect("context");
    let error = ctx.dockerignore_for("Dockerfile").expect_err("invalid");
    assert_eq!(
        error,
        ContextError::Dockerignore {
            file: ".dockerignore".into(),
            error: DockerignoreError::Pattern {
                line: 1,
                pattern: "!".into(),
                error: PatternError::IllegalExclusion
            },
        }
    );
}

#[test]
fn directory_patterns_and_exceptions_below_them() {
    let ctx = Context::from_files([
        ("docs/README.md", "r"),
        ("docs/api/index.md", "i"),
        ("src/main.go", "m"),
        ("src/vendor/lib.go", "l"),
        ("node_modules/x/index.js", "x"),
    ])
    .expect("context");
    let ignore = layerlab::context::Dockerignore::parse(
        ".dockerignore",
        "docs\n!docs/README.md\n**/vendor\nnode_modules/\n",
    )
    .expect("valid");
    assert_eq!(
        ctx.included_files(Some(&ignore)).expect("matches"),
        ["docs/README.md", "src/main.go"]
    );
    assert_eq!(
        ctx.file_digest("src/main.go").map(|d| d.to_string().len()),
        Ok(71)
    );
    assert_eq!(
        ctx.file_digest("src"),
        Err(ContextError::NotAFile { path: "src".into() })
    );
}
