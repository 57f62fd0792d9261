//! RUN simulation: scripts → tree changes (exact bytes where exact), certainty labels,
//! package sizes from the catalog, failures.

use std::collections::BTreeSet;

use layerlab::catalog::base_images::BaseImageCatalog;
use layerlab::catalog::base_packages::installed_estimate;
use layerlab::catalog::distro_data::package_data_for;
use layerlab::fs::{Content, Meta, NodeKind, Tree};
use layerlab::simulate::run::{
    simulate_run, simulate_run_mounted, EffectKind, RunCommand, RunInput, RunReport,
};
use layerlab::simulate::{Catalogs, Certainty};

fn run_on(tree: &mut Tree, input: &RunInput) -> RunReport {
    let catalogs = Catalogs::bundled();
    simulate_run(input, tree, &catalogs)
}

fn run(script: &str) -> (RunReport, Tree) {
    let mut tree = Tree::new();
    let report = run_on(&mut tree, &RunInput::shell(script));
    (report, tree)
}

fn bytes(tree: &Tree, path: &str) -> Vec<u8> {
    match tree.lookup(path).ok().and_then(|n| n.content()) {
        Some(Content::Known(b)) => b.to_vec(),
        other => panic!("{path}: expected known content, got {other:?}"),
    }
}

fn mode(tree: &Tree, path: &str) -> u32 {
    tree.lookup_nofollow(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .meta
        .mode
}

fn exists(tree: &Tree, path: &str) -> bool {
    tree.lookup_nofollow(path).is_ok()
}

/// (script, paths that exist with their bytes when files, paths that must not exist)
type Row<'a> = (&'a str, &'a [(&'a str, Option<&'a [u8]>)], &'a [&'a str]);

#[test]
fn file_operations_are_exact() {
    let table: &[Row] = &[
        (
            "mkdir -p /data/sub && echo hi > /data/sub/x && ln -s /data/sub/x /data/lnk",
            &[("/data/sub/x", Some(b"hi\n")), ("/data/sub", None)],
            &[],
        ),
        (
            "printf '%s=%d\\n' a 1 b 2 > /f; echo -n x >> /f",
            &[("/f", Some(b"a=1\nb=2\nx"))],
            &[],
        ),
        (
            "mkdir /app && cd /app && touch a && echo 'q z' > b && cp b c && mv a d",
            &[("/app/b", Some(b"q z\n")), ("/app/c", Some(b"q z\n")), ("/app/d", Some(b""))],
            &["/app/a"],
        ),
        (
            "mkdir -p /s/t && echo 1 > /s/t/f && cp -r /s /u && rm -rf /s",
            &[("/u/t/f", Some(b"1\n"))],
            &["/s"],
        ),
        (
            "echo one | tee /t1 > /t2",
            &[("/t1", Some(b"one\n")), ("/t2", Some(b"one\n"))],
            &[],
        ),
        (
            "(cd /tmp 2>/dev/null || true); mkdir /w; cd /w; echo $PWD > p; (cd / && touch inner); touch outer",
            &[("/w/p", Some(b"/w\n")), ("/inner", Some(b"")), ("/w/outer", Some(b""))],
            &[],
        ),
        (
            "for d in a b 'c d'; do mkdir \"/x-$d\"; done",
            &[("/x-a", None), ("/x-b", None), ("/x-c d", None)],
            &[],
        ),
        (
            "X=hello; Y=\"$X world\"; echo \"$Y\" ${Z:-dflt} ${#X} > /v",
            &[("/v", Some(b"hello world dflt 5\n"))],
            &[],
        ),
        (
            "mkdir /g && touch /g/a.txt /g/b.txt /g/c.log && rm /g/*.txt",
            &[("/g/c.log", Some(b""))],
            &["/g/a.txt", "/g/b.txt"],
        ),
        (
            "echo '*' > /lit && echo \\* >> /lit",
            &[("/lit", Some(b"*\n*\n"))],
            &[],
        ),
        (
            "sh -c 'mkdir -p /n/m && echo nested > /n/m/f'",
            &[("/n/m/f", Some(b"nested\n"))],
            &[],
        ),
    ];
    for (script, present, absent) in table {
        let (report, tree) = run(script);
        assert_eq!(report.failure, None, "{script}: {report:#?}");
        assert_eq!(report.certainty, Certainty::Exact, "{script}: {report:#?}");
        for (path, content) in *present {
            assert!(exists(&tree, path), "{script}: {path} missing");
            if let Some(content) = content {
                assert_eq!(bytes(&tree, path), content.to_vec(), "{script}: {path}");
            }
        }
        for path in *absent {
            assert!(!exists(&tree, path), "{script}: {path} should not exist");
        }
    }
}

#[test]
fn modes_owners_and_links() {
    let (report, tree) = run(
        "mkdir -m 700 /private && touch /f && chmod u+x,g-r /f && mkdir -p /d/e && chmod -R 750 /d \
         && ln -s /f /link && ln /f /hard",
    );
    assert_eq!(report.failure, None, "{report:#?}");
    assert_eq!(mode(&tree, "/private"), 0o700);
    assert_eq!(mode(&tree, "/f"), 0o704);
    assert_eq!(mode(&tree, "/d"), 0o750);
    assert_eq!(mode(&tree, "/d/e"), 0o750);
    assert!(
        matches!(tree.lookup_nofollow("/link").map(|n| &n.kind), Ok(NodeKind::Symlink(t)) if t == "/f")
    );
    assert!(exists(&tree, "/hard"));

    let mut tree = Tree::new();
    tree.mkdir_p("/etc", Meta::new(0o755, 0, 0, 0)).unwrap();
    tree.write_file(
        "/etc/passwd",
        Content::known(
            b"root:x:0:0:root:/root:/bin/sh\napp:x:1001:1002::/home/app:/bin/sh\n".to_vec(),
        ),
        Meta::new(0o644, 0, 0, 0),
    )
    .unwrap();
    tree.write_file(
        "/etc/group",
        Content::known(b"root:x:0:\napp:x:1002:\n".to_vec()),
        Meta::new(0o644, 0, 0, 0),
    )
    .unwrap();
    let report = run_on(
        &mut tree,
        &RunInput::shell("mkdir /srv && touch /srv/x && chown -R app:app /srv"),
    );
    assert_eq!(report.certainty, Certainty::Exact, "{report:#?}");
    let x = tree.lookup("/srv/x").unwrap();
    assert_eq!((x.meta.uid, x.meta.gid), (1001, 1002));
}

#[test]
fn heredocs_expand_unless_quoted() {
    let mut input = RunInput::shell("cat > /etc/app.conf <<EOF\nname=$NAME\nhome=${HOME}\n  'kept'\nEOF\ncat <<'RAW' > /raw\n$NAME\nRAW\n");
    input.env.push(("NAME".into(), "web".into()));
    let mut tree = Tree::new();
    tree.mkdir_p("/etc", Meta::new(0o755, 0, 0, 0)).unwrap();
    let report = run_on(&mut tree, &input);
    assert_eq!(report.certainty, Certainty::Exact, "{report:#?}");
    assert_eq!(
        bytes(&tree, "/etc/app.conf"),
        b"name=web\nhome=/root\n  'kept'\n"
    );
    assert_eq!(bytes(&tree, "/raw"), b"$NAME\n");
    let write = report
        .effects
        .iter()
        .find(|e| e.paths == ["/etc/app.conf"])
        .expect("write effect");
    assert_eq!(
        write.bytes,
        Some(b"name=web\nhome=/root\n  'kept'\n".len() as u64)
    );
}

#[test]
fn unknown_values_make_unknown_effects() {
    let (report, tree) = run("mkdir /tmp && echo $(date) > /stamp && curl -fsSL -o /tmp/x.tgz https://example.com/x.tgz && make install");
    assert_eq!(report.certainty, Certainty::Unknown);
    assert!(tree
        .lookup("/stamp")
        .is_ok_and(|n| n.content().is_some_and(|c| !c.is_known())));
    assert!(tree
        .lookup("/tmp/x.tgz")
        .is_ok_and(|n| n.content().is_some_and(|c| !c.is_known())));
    let make = report.effects.last().unwrap();
    assert_eq!(make.kind, EffectKind::Unknown);
    assert!(make.description.contains("make"), "{make:?}");
    // The span points at the command in the script.
    let span = make.span_in_script.unwrap();
    assert_eq!(&"mkdir /tmp && echo $(date) > /stamp && curl -fsSL -o /tmp/x.tgz https://example.com/x.tgz && make install"[span.start..span.end], "make install");
}

#[test]
fn if_statements_run_the_branch_the_condition_picks() {
    let (report, tree) = run("if [ -n \"$X\" ]; then touch /yes; else touch /no; fi");
    assert!(exists(&tree, "/no") && !exists(&tree, "/yes"));
    assert_eq!(report.certainty, Certainty::Exact, "{report:#?}");

    let (_, tree) = run("X=1; if [ \"$X\" = 2 ]; then touch /two; elif [ \"$X\" = 1 ]; then touch /one; else touch /other; fi && touch /after");
    assert!(exists(&tree, "/one") && exists(&tree, "/after"));
    assert!(!exists(&tree, "/two") && !exists(&tree, "/other"));

    // `set -e` does not stop at a failing condition, but does inside the branch taken.
    let (report, tree) = run(
        "set -e; if false; then touch /a; fi; touch /b; if true; then mkdir /b; fi; touch /never",
    );
    assert!(exists(&tree, "/b") && !exists(&tree, "/never"));
    assert!(report.failure.is_some());
}

#[test]
fn unknown_conditions_and_loops_are_not_applied() {
    let (report, tree) = run(
        "if command -v curl; then touch /a; elif [ -d / ]; then touch /b; else touch /c; fi; while true; do touch /loop; done",
    );
    assert!(
        !exists(&tree, "/a")
            && !exists(&tree, "/b")
            && !exists(&tree, "/c")
            && !exists(&tree, "/loop")
    );
    assert_eq!(report.certainty, Certainty::Unknown);
    assert!(report
        .effects
        .iter()
        .any(|e| e.description.contains("if/else branch")));
    assert!(report
        .effects
        .iter()
        .any(|e| e.description.contains("while/until loop")));
}

#[test]
fn failures_follow_shell_semantics() {
    // `;` continues after a failure; the RUN's status is the last command's.
    let (report, tree) = run("rm /missing; touch /after");
    assert!(exists(&tree, "/after"));
    assert_eq!(report.failure, None);
    // `&&` stops; the RUN fails.
    let (report, tree) = run("rm /missing && touch /after");
    assert!(!exists(&tree, "/after"));
    let failure = report.failure.expect("rm of a missing file fails the RUN");
    assert!(failure.message.contains("No such file"), "{failure:?}");
    // -f and `|| true` rescue it.
    let (report, _) = run("rm -f /missing && rm /missing2 || true");
    assert_eq!(report.failure, None);
    // set -e stops at the first failure.
    let (report, tree) = run("set -e; mkdir /a; mkdir /a; touch /never");
    assert!(report
        .failure
        .is_some_and(|f| f.message.contains("File exists")));
    assert!(!exists(&tree, "/never"));
    // A syntax error fails before anything runs.
    let (report, tree) = run("touch /x; if true; then");
    assert!(report.failure.is_some());
    assert!(!exists(&tree, "/x"));
}

#[test]
fn registry_base_paths_are_not_assumed_missing() {
    let mut input = RunInput::shell("rm /etc/motd && echo x >> /etc/bash.bashrc");
    input.base_known = false;
    let mut tree = Tree::new();
    let report = run_on(&mut tree, &input);
    assert_eq!(report.failure, None, "{report:#?}");
    assert_eq!(report.certainty, Certainty::Unknown);
    // Appending to a base file: the result's bytes are not known.
    assert!(tree
        .lookup("/etc/bash.bashrc")
        .is_ok_and(|n| n.content().is_some_and(|c| !c.is_known())));
}

#[test]
fn exec_form_and_bash_brace_expansion() {
    let mut input = RunInput::shell("");
    input.command = RunCommand::Exec(vec!["mkdir".into(), "-p".into(), "/exec/form".into()]);
    let mut tree = Tree::new();
    let report = run_on(&mut tree, &input);
    assert_eq!(report.certainty, Certainty::Exact);
    assert!(exists(&tree, "/exec/form"));

    // /bin/sh (dash) has no brace expansion; bash does.
    let (_, tree) = run("mkdir -p /b/{x,y}");
    assert!(exists(&tree, "/b/{x,y}"));
    let mut input = RunInput::shell("mkdir -p /b/{x,y}");
    input.shell = vec![
        "/bin/bash".into(),
        "-o".into(),
        "pipefail".into(),
        "-c".into(),
    ];
    let mut tree = Tree::new();
    run_on(&mut tree, &input);
    assert!(exists(&tree, "/b/x") && exists(&tree, "/b/y"));
}

#[test]
fn tar_extracts_an_archive_from_the_tree() {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(5);
    header.set_mode(0o755);
    header.set_uid(1000);
    header.set_gid(1000);
    header.set_mtime(1_700_000_000);
    header.set_cksum();
    builder
        .append_data(&mut header, "pkg-1.0/bin/tool", &b"#!sh\n"[..])
        .unwrap();
    let tar_bytes = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &tar_bytes).unwrap();
    let gz = gz.finish().unwrap();
    let mut tree = Tree::new();
    tree.mkdir_p("/tmp", Meta::new(0o1777, 0, 0, 0)).unwrap();
    tree.write_file(
        "/tmp/pkg.tgz",
        Content::known(gz),
        Meta::new(0o644, 0, 0, 0),
    )
    .unwrap();
    let report = run_on(
        &mut tree,
        &RunInput::shell("mkdir -p /opt/pkg && tar -xzf /tmp/pkg.tgz -C /opt/pkg --strip-components=1 && rm /tmp/pkg.tgz"),
    );
    assert_eq!(report.certainty, Certainty::Exact, "{report:#?}");
    assert_eq!(bytes(&tree, "/opt/pkg/bin/tool"), b"#!sh\n");
    let tool = tree.lookup("/opt/pkg/bin/tool").unwrap();
    assert_eq!(
        (tool.meta.mode, tool.meta.uid, tool.meta.mtime),
        (0o755, 1000, 1_700_000_000)
    );
    assert!(!exists(&tree, "/tmp/pkg.tgz"));
}

#[test]
fn useradd_appends_to_known_passwd_and_group() {
    let mut tree = Tree::new();
    tree.mkdir_p("/etc", Meta::new(0o755, 0, 0, 0)).unwrap();
    tree.write_file(
        "/etc/passwd",
        Content::known(b"root:x:0:0:root:/root:/bin/sh\n".to_vec()),
        Meta::new(0o644, 0, 0, 0),
    )
    .unwrap();
    tree.write_file(
        "/etc/group",
        Content::known(b"root:x:0:\n".to_vec()),
        Meta::new(0o644, 0, 0, 0),
    )
    .unwrap();
    let report = run_on(
        &mut tree,
        &RunInput::shell("groupadd -r svc && useradd -m -s /bin/bash app"),
    );
    assert_eq!(report.failure, None, "{report:#?}");
    assert_eq!(
        bytes(&tree, "/etc/passwd"),
        b"root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/bash\n"
    );
    assert_eq!(
        bytes(&tree, "/etc/group"),
        b"root:x:0:\nsvc:x:999:\napp:x:1000:\n"
    );
    let home = tree.lookup("/home/app").unwrap();
    assert_eq!((home.meta.uid, home.meta.gid), (1000, 1000));
    // /etc/shadow carries the build date: the effect is an estimate, not exact.
    assert_eq!(report.certainty, Certainty::Estimated);
}

fn ubuntu_input<'a>(
    image: &'a layerlab::catalog::base_images::BaseImage,
    script: &str,
) -> RunInput<'a> {
    let mut input = RunInput::shell(script);
    input.distro = image.distro.clone();
    input.architecture = image.architecture.clone();
    input.base_image = Some(image);
    input.base_known = false;
    input
}

#[test]
fn apt_install_size_comes_from_the_catalog() {
    let images = BaseImageCatalog::bundled().expect("bundled base images");
    let image = images
        .lookup("ubuntu:22.04", None)
        .expect("ubuntu:22.04 in the catalog");
    let catalogs = Catalogs::bundled();
    let choice = package_data_for(image.distro.as_ref(), &image.architecture);
    let packages = catalogs
        .packages(choice.dataset.expect("apt data for ubuntu"))
        .expect("package data");
    let base = installed_estimate(image, packages).packages;
    let expected = packages.resolve_install(&["python3", "python3-pip"], true, &base);
    assert!(expected.total_installed_bytes > 0 && !expected.packages.is_empty());

    let input = ubuntu_input(
        image,
        "apt-get update && apt-get install -y python3 python3-pip && rm -rf /var/lib/apt/lists/*",
    );
    let mut tree = Tree::new();
    let report = simulate_run(&input, &mut tree, &catalogs);
    assert_eq!(report.failure, None, "{report:#?}");
    assert_eq!(report.certainty, Certainty::Estimated, "{report:#?}");
    let update = &report.effects[0];
    assert_eq!(update.certainty, Certainty::Estimated);
    assert_eq!(update.bytes, Some(packages.apt_lists_bytes));
    let install = &report.effects[1];
    assert_eq!(install.kind, EffectKind::Install);
    assert_eq!(install.certainty, Certainty::Estimated);
    assert_eq!(install.bytes, Some(expected.total_installed_bytes));
    let names: BTreeSet<String> = expected.packages.iter().map(|p| p.name.clone()).collect();
    assert_eq!(report.installed_packages, names);
    // The lists are removed again in the same RUN: those bytes are what the advisor counts.
    let cleanup = &report.effects[2];
    assert_eq!(cleanup.kind, EffectKind::Remove);
    assert_eq!(cleanup.removed_bytes, Some(packages.apt_lists_bytes));
    assert!(tree
        .lookup("/var/lib/apt/lists")
        .is_ok_and(|n| n.children().is_some_and(|c| c.is_empty())));
    // The layer's estimated size is the packages' Installed-Size.
    let estimated: u64 = tree
        .walk()
        .iter()
        .filter_map(|(_, node)| node.content().and_then(|c| c.size()))
        .sum();
    assert_eq!(estimated, expected.total_installed_bytes);
    assert!(
        report.notes.iter().any(|n| n.contains("approximation")),
        "{:?}",
        report.notes
    );

    // --no-install-recommends resolves without Recommends; a later RUN does not reinstall.
    let lean = packages.resolve_install(&["python3", "python3-pip"], false, &base);
    let mut input = ubuntu_input(
        image,
        "apt-get update && apt-get install -y --no-install-recommends python3 python3-pip",
    );
    let mut tree = Tree::new();
    let report = simulate_run(&input, &mut tree, &catalogs);
    assert_eq!(report.effects[1].bytes, Some(lean.total_installed_bytes));
    input.installed_packages = report.installed_packages.clone();
    input.command = RunCommand::Shell("apt-get install -y python3".into());
    let again = simulate_run(&input, &mut tree, &catalogs);
    assert_eq!(again.effects[0].bytes, Some(0));

    // A package outside Debian's index (a third-party repository's) is not a predicted failure.
    input.command = RunCommand::Shell("apt-get install -y docker-ce-cli-not-in-debian".into());
    let third = simulate_run(&input, &mut tree, &catalogs);
    assert_eq!(third.failure, None);
    assert_eq!(third.certainty, Certainty::Unknown);
    assert!(
        third.notes.iter().any(|n| n.contains("third-party")),
        "{:?}",
        third.notes
    );
}

#[test]
fn other_package_managers_are_labelled() {
    let images = BaseImageCatalog::bundled().expect("bundled base images");
    let alpine = images
        .lookup("alpine:3.19", None)
        .or_else(|_| images.lookup("alpine", None))
        .expect("an alpine image");
    let mut input = RunInput::shell("apk add --no-cache curl && pip install flask && npm ci");
    input.distro = alpine.distro.clone();
    input.base_image = Some(alpine);
    input.base_known = false;
    let mut tree = Tree::new();
    let report = simulate_run(&input, &mut tree, &Catalogs::bundled());
    assert_eq!(report.certainty, Certainty::Unknown);
    assert_eq!(report.effects.len(), 3);
    assert!(
        report.effects[0].description.contains("apk add"),
        "{:?}",
        report.effects[0]
    );
    assert!(
        report.notes.iter().any(|n| n.contains("--no-cache-dir")),
        "{:?}",
        report.notes
    );
}

#[test]
fn mounts_keep_their_writes_out_of_the_layer_and_unknown_cwd_is_honest() {
    let input = RunInput::shell("mkdir -p /root/.cache/pip/wheels && echo w > /root/.cache/pip/wheels/a && echo kept > /kept");
    let mut tree = Tree::new();
    let report = simulate_run_mounted(
        &input,
        &["/root/.cache/pip".to_string()],
        &mut tree,
        &Catalogs::bundled(),
    );
    assert_eq!(report.failure, None, "{report:#?}");
    assert!(!exists(&tree, "/root/.cache/pip"));
    assert_eq!(bytes(&tree, "/kept"), b"kept\n");

    // A cache mount is not a cache left in the layer.
    let input = RunInput::shell("pip install flask");
    let mut tree = Tree::new();
    let report = simulate_run_mounted(
        &input,
        &["/root/.cache/pip".to_string()],
        &mut tree,
        &Catalogs::default(),
    );
    assert!(
        !report.notes.iter().any(|n| n.contains("--no-cache-dir")),
        "{:?}",
        report.notes
    );
    assert!(
        !report.effects[0].description.contains("stays in"),
        "{:?}",
        report.effects
    );

    // After `cd` into a directory that is not known, relative writes are not known either.
    let (report, tree) = run("cd \"$(mktemp -d)\" && touch here && echo x > there && touch /abs");
    assert!(exists(&tree, "/abs"));
    assert!(!exists(&tree, "/here") && !exists(&tree, "/there"));
    assert_eq!(report.certainty, Certainty::Unknown);
}
