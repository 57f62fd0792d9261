//! No script makes the shell parser or the RUN simulation panic (a panic would kill the page).

use std::sync::LazyLock;

use layerlab::fs::{Content, Meta, Tree};
use layerlab::shell::parse_script;
use layerlab::simulate::run::{simulate_run, RunInput};
use layerlab::simulate::Catalogs;
use proptest::prelude::*;

static CATALOGS: LazyLock<Catalogs> = LazyLock::new(Catalogs::bundled);

/// Words and operators RUN scripts are made of, to reach deep into the simulation.
const TOKENS: &[&str] = &[
    "mkdir",
    "-p",
    "-m",
    "755",
    "u+x",
    "go-w",
    "rm",
    "-rf",
    "-f",
    "cp",
    "-a",
    "-r",
    "mv",
    "ln",
    "-s",
    "chmod",
    "chown",
    "1000:1000",
    "app",
    "touch",
    "echo",
    "printf",
    "%s\\n",
    "%5d",
    "cat",
    "tee",
    "-a",
    "tar",
    "-xzf",
    "-C",
    "--strip-components=1",
    "cd",
    "..",
    "/",
    "/a",
    "/a/b",
    "a",
    "b/*",
    "/etc/passwd",
    "*",
    "?",
    "[a-z]",
    "{x,y}",
    "~",
    "$HOME",
    "${X:-d}",
    "${#X}",
    "$(date)",
    "`id`",
    "$((1+2))",
    "\"$X y\"",
    "'q z'",
    "X=1",
    "export",
    "Y=$X",
    "set",
    "-e",
    "-o",
    "pipefail",
    "&&",
    "||",
    ";",
    "|",
    "&",
    "\n",
    ">",
    ">>",
    "2>&1",
    "<",
    "<<EOF\nbody $X\nEOF\n",
    "<<-'E'\n\tt\n\tE\n",
    "(",
    ")",
    "{",
    "}",
    "if",
    "then",
    "else",
    "fi",
    "for",
    "in",
    "do",
    "done",
    "while",
    "case",
    "esac",
    "sh",
    "-c",
    "apt-get",
    "update",
    "install",
    "-y",
    "--no-install-recommends",
    "curl",
    "python3",
    "apk",
    "add",
    "--no-cache",
    "pip",
    "npm",
    "ci",
    "useradd",
    "-m",
    "groupadd",
    "adduser",
    "wget",
    "-O",
    "https://x/y.tgz",
    "sudo",
    "env",
    "exit",
    "true",
    "false",
    "test",
    "[",
    "]",
    "!",
    "-d",
    "/var/lib/apt/lists/*",
    "install",
    "rmdir",
    "\\",
    "\"",
    "'",
    "#",
];

fn base_tree() -> Tree {
    let mut tree = Tree::new();
    let dir = Meta::new(0o755, 0, 0, 0);
    let _ = tree.mkdir_p("/etc", dir);
    let _ = tree.mkdir_p("/a/b/c", dir);
    let _ = tree.write_file(
        "/a/f",
        Content::known(b"data".to_vec()),
        Meta::new(0o644, 0, 0, 0),
    );
    let _ = tree.write_file(
        "/etc/passwd",
        Content::known(b"root:x:0:0::/root:/bin/sh\n".to_vec()),
        Meta::new(0o644, 0, 0, 0),
    );
    let _ = tree.symlink("/a/loop", "/a/loop", Meta::new(0o777, 0, 0, 0));
    tree
}

fn simulate(script: &str, base_known: bool, bash: bool) {
    let mut input = RunInput::shell(script);
    input.base_known = base_known;
    if bash {
        input.shell = vec!["/bin/bash".into(), "-ec".into()];
    }
    if !base_known {
        let images = CATALOGS.base_images.as_ref();
        if let Some(image) = images.and_then(|c| c.lookup("debian:bookworm", None).ok()) {
            input.distro = image.distro.clone();
        }
    }
    let mut tree = base_tree();
    let report = simulate_run(&input, &mut tree, &CATALOGS);
    // Every effect's span lies inside the script.
    for effect in &report.effects {
        if let Some(span) = effect.span_in_script {
            assert!(
                span.start <= span.end && span.end <= script.len(),
                "{script:?}: {span:?}"
            );
        }
    }
}

fn token_script() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..24).prop_map(|tokens| tokens.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn token_scripts_never_panic(script in token_script(), base_known: bool, bash: bool) {
        if let Ok(parsed) = parse_script(&script) {
            for command in parsed.commands() {
                prop_assert!(command.span.end <= script.len());
                for word in &command.words {
                    prop_assert!(word.span.end <= script.len());
                }
            }
        }
        simulate(&script, base_known, bash);
    }

    #[test]
    fn arbitrary_text_never_panics(script in "\\PC{0,80}", base_known: bool) {
        let _ = parse_script(&script);
        simulate(&script, base_known, false);
    }
}

#[test]
fn odd_scripts_never_panic() {
    for script in [
        "",
        "\n\n",
        "$(",
        "${",
        "echo ${X:?}",
        "cat <<EOF",
        "cat <<EOF\nunterminated",
        "for i in $(seq 1 100000); do touch /$i; done",
        "f() { f; }; f",
        "while true; do :; done",
        "rm -rf /",
        "rm -rf /*",
        "cd /a/loop",
        "mkdir -p /a/loop/x",
        "echo x > /a/loop",
        "ln -s /a /a/b/c/up && cp -r /a /a/b/c/up/copy",
        "mv /a /a/b",
        "tar -xf /a/f",
        "chmod 99999 /a/f",
        "chown nobody /a/f",
        "printf '%*d' 5 1",
        "echo $'\\x' é 日本",
        "X=$(cat /a/f); export X; echo $X > /o",
        "sh -c 'sh -c \"sh -c \\\"touch /deep\\\"\"'",
    ] {
        simulate(script, true, false);
        simulate(script, false, true);
    }
}

#[test]
fn expansion_bombs_are_bounded() {
    let mut input = RunInput::shell(&format!("mkdir -p /b/{}", "{a,b}".repeat(30)));
    input.shell = vec!["/bin/bash".into(), "-c".into()];
    let mut tree = Tree::new();
    let report = simulate_run(&input, &mut tree, &CATALOGS);
    assert_eq!(report.failure, None);
    let (report, _) = {
        let mut tree = Tree::new();
        let report = simulate_run(
            &RunInput::shell("printf '%999999999s' x > /big"),
            &mut tree,
            &CATALOGS,
        );
        (report, tree)
    };
    assert_eq!(report.failure, None);
}
