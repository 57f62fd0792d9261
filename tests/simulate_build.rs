//! Build simulation on real examples: the seed gallery example, the multi-stage Go example,
//! cache reasons after edits, BuildKit's COPY semantics tables, and bad input.

use std::path::Path;

use layerlab::context::Context;
use layerlab::simulate::{BuildOptions, CacheState, Catalogs};

mod simulate_support;
use simulate_support::{layer_paths as paths, simulate_after as simulate};

fn gallery(name: &str) -> (String, Context) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("gallery")
        .join(name);
    let ctx = Context::from_dir(&dir).expect("gallery context");
    let text = std::fs::read_to_string(dir.join("Dockerfile")).expect("Dockerfile");
    (text, ctx)
}

#[test]
fn seed_example_layers_and_history() {
    let (text, ctx) = gallery("seed");
    let b = simulate(&text, &ctx, &BuildOptions::default(), None);
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    // ubuntu:22.04's one base layer, RUN, RUN, WORKDIR, COPY, RUN.
    assert_eq!(
        b.layers.len(),
        6,
        "{:#?}",
        b.layers.iter().map(|l| &l.created_by).collect::<Vec<_>>()
    );
    assert!(b.layers[0].from_base);
    assert!(b.layers[0].diff_id.is_none() || b.layers[0].size.is_some());
    assert_eq!(paths(&b, 3), ["/app"]);
    let copy = paths(&b, 4);
    assert!(copy.contains(&"/app/app.py".to_string()), "{copy:?}");
    assert!(copy.contains(&"/app/requirements.txt".to_string()));
    assert!(copy.contains(&"/app/Dockerfile".to_string()));
    let created: Vec<&str> = b.history.iter().map(|h| h.created_by.as_str()).collect();
    assert!(
        created.contains(&"LABEL maintainer=LabEx Team"),
        "{created:?}"
    );
    assert!(created.contains(&"RUN /bin/sh -c apt-get update && apt-get upgrade -y # buildkit"));
    assert!(created.contains(&"WORKDIR /app"));
    assert!(created.contains(&"COPY . /app # buildkit"));
    assert!(created.contains(&"EXPOSE [8000/tcp]"));
    assert!(created.contains(&"CMD [\"python3\" \"app.py\"]"));
    assert_eq!(b.config.working_dir, "/app");
    assert_eq!(
        b.config.cmd,
        Some(vec!["python3".to_string(), "app.py".to_string()])
    );
    assert!(b.config.exposed_ports.contains("8000/tcp"));
    // RUN layers are unknown: no manifest digest, and the reason says which layers.
    assert!(b.artifacts.manifest_digest.is_none());
    assert!(!b.artifacts.missing.is_empty());
}

#[test]
fn multistage_builds_only_what_the_target_needs() {
    let (text, ctx) = gallery("multistage-go");
    let b = simulate(&text, &ctx, &BuildOptions::default(), None);
    let built: Vec<(Option<String>, bool)> =
        b.stages.iter().map(|s| (s.name.clone(), s.built)).collect();
    assert_eq!(
        built,
        [
            (Some("build".to_string()), true),
            (Some("test".to_string()), false),
            (Some("runtime".to_string()), true)
        ]
    );
    assert!(b.stages[1].skipped_reason.is_some());
    // runtime: COPY --from=build (a RUN output: unknown), COPY config.yaml (exact).
    assert_eq!(b.layers.len(), 2, "{:#?}", b.layers);
    assert_eq!(
        paths(&b, 1),
        ["/etc", "/etc/server", "/etc/server/config.yaml"]
    );
    assert_eq!(b.config.user, "65532:65532");
    assert_eq!(b.config.entrypoint, Some(vec!["/server".to_string()]));
    let t = simulate(
        &text,
        &ctx,
        &BuildOptions {
            target: Some("test".into()),
            ..BuildOptions::default()
        },
        None,
    );
    assert!(t.stages[0].built && t.stages[1].built && !t.stages[2].built);
}

#[test]
fn cache_reasons_after_edits() {
    let df = "FROM scratch\nARG VERSION=1\nCOPY a.txt /a\nCOPY b.txt /b\nRUN echo $VERSION\n";
    let ctx1 = Context::from_files([("a.txt", "one"), ("b.txt", "two")]).expect("ctx");
    let first = simulate(df, &ctx1, &BuildOptions::default(), None);
    assert!(first
        .steps
        .iter()
        .all(|s| matches!(s.cache, CacheState::Fresh | CacheState::ConfigOnly)));
    let again = simulate(df, &ctx1, &BuildOptions::default(), Some(&first));
    let fs: Vec<&CacheState> = again
        .steps
        .iter()
        .filter(|s| s.cache_key.is_some())
        .map(|s| &s.cache)
        .collect();
    assert!(fs.iter().all(|c| **c == CacheState::Cached), "{fs:?}");
    assert_eq!(again.stats.steps_computed, 0);
    // Edit b.txt: COPY a cached, COPY b rebuilt because b.txt changed, RUN: parent rebuilt.
    let ctx2 = Context::from_files([("a.txt", "one"), ("b.txt", "TWO")]).expect("ctx");
    let edited = simulate(df, &ctx2, &BuildOptions::default(), Some(&first));
    let states: Vec<(String, CacheState)> = edited
        .steps
        .iter()
        .filter(|s| s.cache_key.is_some())
        .map(|s| (s.instruction.clone(), s.cache.clone()))
        .collect();
    assert_eq!(
        states,
        [
            ("FROM".to_string(), CacheState::Cached),
            ("COPY".to_string(), CacheState::Cached),
            (
                "COPY".to_string(),
                CacheState::Rebuilt("b.txt changed".into())
            ),
            (
                "RUN".to_string(),
                CacheState::Rebuilt("parent step rebuilt".into())
            ),
        ]
    );
    // A build arg: only the RUN that sees it is rebuilt.
    let with_arg = simulate(
        df,
        &ctx1,
        &BuildOptions {
            build_args: vec![("VERSION".into(), "2".into())],
            ..BuildOptions::default()
        },
        Some(&first),
    );
    let run = with_arg
        .steps
        .iter()
        .find(|s| s.instruction == "RUN")
        .expect("run");
    assert_eq!(run.cache, CacheState::Rebuilt("ARG VERSION changed".into()));
    // An edited instruction.
    let df2 = df.replace("COPY b.txt /b", "COPY b.txt /bb");
    let changed = simulate(&df2, &ctx1, &BuildOptions::default(), Some(&first));
    let copy_b = changed
        .steps
        .iter()
        .filter(|s| s.instruction == "COPY")
        .nth(1)
        .expect("copy");
    assert_eq!(
        copy_b.cache,
        CacheState::Rebuilt("instruction changed".into())
    );
}

/// `dockerfile_copy_test.go:testCopyWildcards` and the semantics doc's table.
#[test]
fn copy_semantics_tables() {
    let ctx = Context::from_files([
        ("sub/dir1/dir2/foo", "foo"),
        ("test.txt", "t"),
        ("a.txt", "a"),
        ("b.txt", "b"),
    ])
    .expect("ctx");
    let cases: &[(&str, &[&str])] = &[
        (
            "COPY sub/* /subdest/",
            &["/subdest", "/subdest/dir2", "/subdest/dir2/foo"],
        ),
        (
            "COPY sub/dir1/ subdest4",
            &["/subdest4", "/subdest4/dir2", "/subdest4/dir2/foo"],
        ),
        (
            "COPY sub/dir1/. subdest5",
            &["/subdest5", "/subdest5/dir2", "/subdest5/dir2/foo"],
        ),
        (
            "COPY sub/dir1 subdest6",
            &["/subdest6", "/subdest6/dir2", "/subdest6/dir2/foo"],
        ),
        ("COPY test.txt /abs", &["/abs"]),
        ("COPY test.txt /abs/", &["/abs", "/abs/test.txt"]),
        (
            "COPY *.txt /multi/",
            &["/multi", "/multi/a.txt", "/multi/b.txt", "/multi/test.txt"],
        ),
        ("COPY test.txt nomatch* /e/", &["/e", "/e/test.txt"]),
        (
            "COPY test.txt /deep/er/x",
            &["/deep", "/deep/er", "/deep/er/x"],
        ),
    ];
    for (line, want) in cases {
        let b = simulate(
            &format!("FROM scratch\n{line}\n"),
            &ctx,
            &BuildOptions::default(),
            None,
        );
        assert!(!b.has_errors(), "{line}: {:?}", b.diagnostics);
        assert_eq!(paths(&b, 0), *want, "{line}");
    }
    // WORKDIR-relative destinations and `..`.
    let b = simulate(
        "FROM scratch\nWORKDIR /test5/test6\nCOPY test.txt ../\nCOPY a.txt $EMPTY\n",
        &ctx,
        &BuildOptions::default(),
        None,
    );
    assert_eq!(paths(&b, 1), ["/test5/test.txt"]);
    assert_eq!(paths(&b, 2), ["/test5/test6/a.txt"]);
    // A missing literal path is an error.
    let b = simulate(
        "FROM scratch\nCOPY missing /x\n",
        &ctx,
        &BuildOptions::default(),
        None,
    );
    assert!(b
        .diagnostics
        .iter()
        .any(|d| d.message.contains("\"/missing\": not found")));
    // --chmod and --chown.
    let b = simulate(
        "FROM scratch\nCOPY --chmod=755 --chown=1000 a.txt /x\n",
        &ctx,
        &BuildOptions::default(),
        None,
    );
    let x = &b.layers[0].changes[0];
    assert_eq!((x.mode, x.uid, x.gid), (0o755, 1000, 1000));
    assert_eq!(
        b.history[0].created_by,
        "COPY --chown=1000 --chmod=755 a.txt /x # buildkit"
    );
    // Heredoc, with and without expansion.
    let b = simulate(
        "FROM scratch\nENV NAME=world\nCOPY <<EOF /greet\nhello $NAME\nEOF\nCOPY <<'EOF' /raw\nhello $NAME\nEOF\n",
        &ctx,
        &BuildOptions::default(),
        None,
    );
    assert_eq!(b.layers[0].changes[0].size, Some(12));
    assert_eq!(b.layers[1].changes[0].size, Some(12));
    assert_eq!(b.layers[0].changes[0].mode, 0o644);
}

#[test]
fn args_env_and_expansion() {
    let ctx = Context::from_files([("a.txt", "a")]).expect("ctx");
    let df = "ARG BASE=scratch\nARG DIR=/opt\nFROM ${BASE}\nARG DIR\nENV abc=hello\nENV abc=bye def=$abc\nWORKDIR $DIR/app\nCOPY a.txt .\nLABEL v=$def\n";
    let b = simulate(df, &ctx, &BuildOptions::default(), None);
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    assert_eq!(b.config.working_dir, "/opt/app");
    assert_eq!(b.config.labels.get("v").map(String::as_str), Some("hello"));
    assert!(b.config.env.contains(&"def=hello".to_string()));
    let b = simulate(
        df,
        &ctx,
        &BuildOptions {
            build_args: vec![("DIR".into(), "/srv".into()), ("UNUSED".into(), "x".into())],
            ..BuildOptions::default()
        },
        None,
    );
    assert_eq!(b.config.working_dir, "/srv/app");
    assert!(b.diagnostics.iter().any(|d| d.message.contains("[UNUSED]")));
}

#[test]
fn bad_input_never_panics() {
    let ctx = Context::from_files([("a", "a")]).expect("ctx");
    for df in [
        "",
        "FROM",
        "COPY a /b",
        "FROM scratch\nCOPY --from=nope /x /y\n",
        "FROM scratch\nCOPY --chmod=99999 a /x\n",
        "FROM scratch\nCOPY --chown=nobody a /x\n",
        "FROM scratch\nWORKDIR ${X:?boom}\n",
        "FROM scratch\nADD https://example.com/x.tgz /d/\nADD git@github.com:a/b.git /src\n",
        "FROM not-a-real-image:1\nCOPY a /a\nRUN x\n",
        "FROM scratch AS a\nFROM a AS b\nONBUILD COPY a /onb\nFROM b\n",
        "FROM scratch\nCOPY a /a\nCOPY a /a/b\n",
    ] {
        let b = simulate(df, &ctx, &BuildOptions::default(), None);
        let _ = serde_json::to_string(&b).expect("serializable");
        let _ = simulate(
            df,
            &ctx,
            &BuildOptions {
                target: Some("zzz".into()),
                ..BuildOptions::default()
            },
            Some(&b),
        );
    }
}

#[test]
fn analysis_facade_returns_the_build() {
    let (text, ctx) = gallery("seed");
    let a = layerlab::analysis::analyze_with_context(
        text.as_bytes(),
        &ctx,
        &BuildOptions::default(),
        &Catalogs::bundled(),
        None,
    );
    let b = a.build.as_ref().expect("build");
    assert_eq!(a.instructions.len(), 9);
    // The image's own layers: RUN, RUN, WORKDIR, COPY, RUN.
    assert_eq!(a.layer_count(), 5);
    assert_eq!(b.0.layers.len(), 6);
    let plain = layerlab::analysis::analyze(&text);
    assert!(plain.build.is_none());
    assert_eq!(plain.layer_count(), 5);
}

#[test]
fn facade_reports_each_finding_once() {
    let ctx = Context::from_files([("a", "a")]).expect("ctx");
    let a = layerlab::analysis::analyze_with_context(
        b"FROM scratch\nWORKDIR /$NOPE\n",
        &ctx,
        &BuildOptions::default(),
        &Catalogs::bundled(),
        None,
    );
    let undefined = a
        .diagnostics
        .iter()
        .filter(|d| d.code == "UndefinedVar")
        .count();
    assert_eq!(undefined, 1, "{:?}", a.diagnostics);
}

/// A build whose layers exceed the eager limit still has every layer's diff_id (streamed);
/// only the config and manifest digests, which need gzip, wait for an export, and the report
/// says so in words a user understands.
#[test]
fn a_big_build_has_its_layer_digests_and_says_why_the_image_digests_wait() {
    let size = (layerlab::simulate::EAGER_DIGEST_LIMIT + (1 << 20)) as usize;
    let ctx = Context::from_files([("big.bin", vec![7u8; size])]).expect("context");
    let text = "FROM scratch\nCOPY big.bin /\nCOPY big.bin /again.bin\n";
    let mut b = simulate(text, &ctx, &BuildOptions::default(), None);
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    let eager: Vec<Option<String>> = b.layers.iter().map(|l| l.diff_id.clone()).collect();
    assert!(eager.iter().all(Option::is_some), "{eager:?}");
    assert!(b.artifacts.manifest_digest.is_none());
    assert!(b.artifacts.missing.is_empty(), "{:?}", b.artifacts.missing);
    // The content of both layers (not the tar headers) is what the gzip would read.
    assert_eq!(b.artifacts.deferred_bytes, Some(2 * size as u64));
    // An export computes the rest; the diff_ids are the same.
    b.compute_digests();
    assert!(b.artifacts.manifest_digest.is_some());
    let full: Vec<Option<String>> = b.layers.iter().map(|l| l.diff_id.clone()).collect();
    assert_eq!(eager, full);
}
