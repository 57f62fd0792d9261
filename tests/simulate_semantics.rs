//! BuildKit semantics the simulation must get right beyond plain COPY: ONBUILD, ENTRYPOINT
//! and CMD, --parents, --exclude, ADD archives and URLs, TARGETSTAGE, stage indexes, proxy
//! args, undefined variables, WORKDIR owners, names resolved from /etc/passwd.

use layerlab::context::Context;
use layerlab::simulate::{build, BuildOptions, CacheState, Catalogs, Certainty};

mod simulate_support;
use simulate_support::{layer_paths as paths, simulate_with as simulate};

fn ctx() -> Context {
    Context::from_files([
        ("a.txt", "a"),
        ("b.txt", "b"),
        ("x/./y/a.txt", "y"),
        ("dir3/file-301.mp3", "m"),
        ("dir3/file-302.txt", "t"),
        ("dir1/file-101.png", "p"),
        ("dir1/keep.txt", "k"),
    ])
    .expect("ctx")
}

#[test]
fn onbuild_triggers_run_in_the_child_stage_only() {
    let df = "FROM scratch AS base\nONBUILD COPY a.txt /from-trigger\nFROM base AS child\nCOPY b.txt /b\nFROM child\n";
    let b = simulate(df, &ctx(), &BuildOptions::default());
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    let onb: Vec<&str> = b
        .steps
        .iter()
        .filter(|s| s.onbuild)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(onb, ["COPY a.txt /from-trigger"]);
    // The grandchild does not run it again, and the trigger is not in the final config.
    assert_eq!(b.layers.len(), 2);
    assert!(b.config.on_build.is_empty());
}

#[test]
fn entrypoint_resets_inherited_cmd() {
    let df = "FROM scratch AS a\nCMD [\"x\"]\nFROM a\nENTRYPOINT [\"/e\"]\n";
    let b = simulate(df, &ctx(), &BuildOptions::default());
    assert_eq!(b.config.cmd, None);
    let df = "FROM scratch\nCMD [\"x\"]\nENTRYPOINT /e arg\n";
    let b = simulate(df, &ctx(), &BuildOptions::default());
    assert_eq!(b.config.cmd, Some(vec!["x".to_string()]));
    assert_eq!(
        b.config.entrypoint,
        Some(vec!["/bin/sh".into(), "-c".into(), "/e arg".into()])
    );
    assert_eq!(
        b.history.last().map(|h| h.created_by.as_str()),
        Some("ENTRYPOINT [\"/bin/sh\" \"-c\" \"/e arg\"]")
    );
}

#[test]
fn parents_and_exclude() {
    let b = simulate(
        "FROM scratch\nCOPY --parents x/./y/*.txt /parents/\n",
        &ctx(),
        &BuildOptions::default(),
    );
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    assert!(
        paths(&b, 0).contains(&"/parents/y/a.txt".to_string()),
        "{:?}",
        paths(&b, 0)
    );
    assert_eq!(
        b.history[0].created_by,
        "COPY --parents x/./y/*.txt /parents/ # buildkit"
    );
    let b = simulate(
        "FROM scratch\nCOPY --exclude=*.mp3 dir3/ /3/\nCOPY --exclude=*/*.png . /1\n",
        &ctx(),
        &BuildOptions::default(),
    );
    assert_eq!(paths(&b, 0), ["/3", "/3/file-302.txt"]);
    let one = paths(&b, 1);
    assert!(
        !one.contains(&"/1/dir1/file-101.png".to_string()),
        "{one:?}"
    );
    assert!(one.contains(&"/1/dir1/keep.txt".to_string()));
    assert!(one.contains(&"/1/dir3/file-301.mp3".to_string()));
}

#[test]
fn add_archives_and_urls() {
    let mut tar = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(2);
    h.set_mode(0o600);
    h.set_uid(7);
    h.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut h, "t/in.txt", &b"in"[..])
        .expect("tar");
    let tar = tar.into_inner().expect("tar");
    let ctx = Context::from_files([("pkg.bin", tar.clone())]).expect("ctx");
    let b = simulate(
        "FROM scratch\nADD pkg.bin /x/\nCOPY pkg.bin /c/\nADD --unpack=false pkg.bin /u/\n",
        &ctx,
        &BuildOptions::default(),
    );
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    assert_eq!(paths(&b, 0), ["/x", "/x/t", "/x/t/in.txt"]);
    let f = &b.layers[0].changes[2];
    assert_eq!((f.mode, f.uid), (0o600, 7));
    assert_eq!(paths(&b, 1), ["/c", "/c/pkg.bin"]);
    assert_eq!(paths(&b, 2), ["/u", "/u/pkg.bin"]);
    let b = simulate(
        "FROM scratch\nADD https://example.com/files/tool.tgz /opt/\nADD https://example.com /n/\n",
        &Context::new(),
        &BuildOptions::default(),
    );
    assert_eq!(paths(&b, 0), ["/opt", "/opt/tool.tgz"]);
    assert_eq!(b.layers[0].changes[1].mode, 0o600);
    assert_eq!(b.layers[0].certainty, Certainty::Estimated);
    assert!(paths(&b, 1).contains(&"/n/__unnamed__".to_string()));
    assert!(b.artifacts.manifest_digest.is_none());
    let b = simulate(
        "FROM scratch\nCOPY https://example.com/x /x\n",
        &Context::new(),
        &BuildOptions::default(),
    );
    assert!(b
        .diagnostics
        .iter()
        .any(|d| d.message.contains("source can't be a URL for COPY")));
}

#[test]
fn targetstage_platform_args_and_stage_indexes() {
    let df = "ARG TARGETSTAGE\nFROM scratch AS one\nCOPY a.txt /a\nFROM scratch AS two\nARG TARGETSTAGE\nARG TARGETARCH\nLABEL stage=$TARGETSTAGE arch=$TARGETARCH\nCOPY --from=0 /a /copied\n";
    let b = simulate(df, &ctx(), &BuildOptions::default());
    assert_eq!(
        b.config.labels.get("stage").map(String::as_str),
        Some("two")
    );
    assert_eq!(
        b.config.labels.get("arch").map(String::as_str),
        Some("amd64")
    );
    assert_eq!(paths(&b, 0), ["/copied"]);
    let b = simulate(
        df,
        &ctx(),
        &BuildOptions {
            platform: Some("linux/arm64".into()),
            ..BuildOptions::default()
        },
    );
    assert_eq!(
        b.config.labels.get("arch").map(String::as_str),
        Some("arm64")
    );
    assert_eq!(b.config.architecture, "arm64");
    let b = simulate(
        df,
        &ctx(),
        &BuildOptions {
            target: Some("one".into()),
            ..BuildOptions::default()
        },
    );
    assert_eq!(b.target, Some(0));
    assert!(!b.stages[1].built);
}

#[test]
fn undefined_variables_and_expansion_errors() {
    let b = simulate(
        "FROM scratch\nWORKDIR /$NOPE/x\n",
        &ctx(),
        &BuildOptions::default(),
    );
    assert!(b
        .diagnostics
        .iter()
        .any(|d| d.code == "UndefinedVar" && d.message.contains("$NOPE")));
    assert_eq!(b.config.working_dir, "/x");
    let b = simulate(
        "FROM scratch\nARG X\nWORKDIR /${X:?must be set}\n",
        &ctx(),
        &BuildOptions::default(),
    );
    assert!(b.has_errors());
    assert!(
        b.diagnostics
            .iter()
            .any(|d| d.message.contains("must be set")),
        "{:?}",
        b.diagnostics
    );
}

#[test]
fn workdir_owner_and_names_from_passwd() {
    let ctx = Context::from_files([
        (
            "passwd",
            "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n",
        ),
        ("group", "root:x:0:\napp:x:1000:\n"),
        ("a.txt", "a"),
    ])
    .expect("ctx");
    let df = "FROM scratch\nCOPY passwd group /etc/\nUSER app\nWORKDIR /home/app/data\nCOPY --chown=app:app a.txt .\nWORKDIR /home/app/data\n";
    let b = simulate(df, &ctx, &BuildOptions::default());
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    let wd = &b.layers[1].changes;
    assert!(wd.iter().all(|c| (c.uid, c.gid) == (1000, 1000)), "{wd:?}");
    let f = &b.layers[2].changes[0];
    assert_eq!(
        (f.path.as_str(), f.uid, f.gid),
        ("/home/app/data/a.txt", 1000, 1000)
    );
    // The second WORKDIR of an existing directory commits no layer.
    assert_eq!(b.layers.len(), 3);
    assert!(b
        .history
        .last()
        .is_some_and(|h| h.empty_layer && h.created_by == "WORKDIR /home/app/data"));
    // On a registry base, /etc/passwd is not known: an honest estimate, not an error.
    let b = simulate(
        "FROM ubuntu:22.04\nCOPY --chown=www-data a.txt /srv/\n",
        &ctx,
        &BuildOptions::default(),
    );
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    let copy = b
        .steps
        .iter()
        .find(|s| s.instruction == "COPY")
        .expect("copy");
    assert_eq!(copy.certainty, Certainty::Estimated);
    assert!(copy.effects.iter().any(|e| e.contains("www-data")));
}

#[test]
fn run_history_carries_build_args_and_the_cache_sees_them() {
    let ctx = ctx();
    let df = "FROM scratch\nARG V=1\nENV E=x\nRUN echo $V\n";
    let b = simulate(df, &ctx, &BuildOptions::default());
    assert_eq!(
        b.history.last().map(|h| h.created_by.as_str()),
        Some("RUN |1 V=1 /bin/sh -c echo $V # buildkit")
    );
    let parsed = layerlab::syntax::parse(df);
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    let other = build(
        &parsed,
        &ins,
        &ctx,
        &BuildOptions {
            build_args: vec![
                ("V".into(), "2".into()),
                ("HTTP_PROXY".into(), "http://p".into()),
            ],
            ..BuildOptions::default()
        },
        &Catalogs::bundled(),
        Some(&b),
    );
    let run = other
        .steps
        .iter()
        .find(|s| s.instruction == "RUN")
        .expect("run");
    assert_eq!(run.cache, CacheState::Rebuilt("ARG V changed".into()));
    // Proxy args need no ARG and are not reported as unused.
    assert!(!other
        .diagnostics
        .iter()
        .any(|d| d.message.contains("HTTP_PROXY")));
}

#[test]
fn copy_link_makes_an_independent_layer() {
    let df = "FROM scratch\nCOPY a.txt /app/a\nCOPY --link b.txt /app/b\nCOPY b.txt /app/c\n";
    let b = simulate(df, &ctx(), &BuildOptions::default());
    assert!(!b.has_errors(), "{:?}", b.diagnostics);
    // With --link the layer carries /app again (it is built on an empty tree).
    assert_eq!(paths(&b, 1), ["/app", "/app/b"]);
    assert_eq!(paths(&b, 2), ["/app/c"]);
    let t = &b
        .steps
        .iter()
        .find(|s| s.text.contains("--link"))
        .expect("link step")
        .text;
    assert_eq!(t, "COPY --link b.txt /app/b");
    assert_eq!(b.history[1].created_by, "COPY b.txt /app/b # buildkit");
}

#[test]
fn dockerfile_specific_ignore_file_wins() {
    let ctx = Context::from_files([
        (".dockerignore", "*.txt\n"),
        ("build/Dockerfile.dockerignore", "b.txt\n"),
        ("a.txt", "a"),
        ("b.txt", "b"),
    ])
    .expect("ctx");
    let df = "FROM scratch\nCOPY . /c/\n";
    let default = simulate(df, &ctx, &BuildOptions::default());
    assert!(!paths(&default, 0).contains(&"/c/a.txt".to_string()));
    let specific = simulate(
        df,
        &ctx,
        &BuildOptions {
            dockerfile_path: Some("build/Dockerfile".into()),
            ..BuildOptions::default()
        },
    );
    let p = paths(&specific, 0);
    assert!(p.contains(&"/c/a.txt".to_string()), "{p:?}");
    assert!(!p.contains(&"/c/b.txt".to_string()));
}

#[test]
fn a_stage_built_on_a_changed_stage_says_so() {
    let df = "FROM scratch AS base\nCOPY a.txt /a\nFROM base\nCOPY b.txt /b\n";
    let first = simulate(df, &ctx(), &BuildOptions::default());
    let edited = Context::from_files([("a.txt", "changed"), ("b.txt", "b")]).expect("ctx");
    let parsed = layerlab::syntax::parse(df);
    let ins = layerlab::instructions::parse(&parsed.dockerfile);
    let b = build(
        &parsed,
        &ins,
        &edited,
        &BuildOptions::default(),
        &Catalogs::bundled(),
        Some(&first),
    );
    let states: Vec<(String, CacheState)> = b
        .steps
        .iter()
        .map(|s| (s.instruction.clone(), s.cache.clone()))
        .collect();
    assert_eq!(
        states,
        [
            ("FROM".to_string(), CacheState::Cached),
            (
                "COPY".to_string(),
                CacheState::Rebuilt("a.txt changed".into())
            ),
            (
                "FROM".to_string(),
                CacheState::Rebuilt("base stage \"base\" rebuilt".into())
            ),
            (
                "COPY".to_string(),
                CacheState::Rebuilt("parent step rebuilt".into())
            ),
        ]
    );
}
