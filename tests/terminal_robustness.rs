//! The terminal never panics, whatever is typed: random command lines built from the docker
//! vocabulary, references and junk, run in sequence on one store (a panic in wasm kills the
//! page), and the store always round-trips through its JSON.

use layerlab::context::Context;
use layerlab::simulate::Catalogs;
use layerlab::terminal::{self, ImageStore, Workspace};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "docker",
    "build",
    "images",
    "image",
    "ls",
    "prune",
    "history",
    "inspect",
    "tag",
    "rmi",
    "push",
    "pull",
    "help",
    "-t",
    "-f",
    "-a",
    "-q",
    "--target",
    "--build-arg",
    "--no-cache",
    "--no-trunc",
    ".",
    "app",
    "app:1",
    "me/app:2",
    "Bad",
    "ubuntu:22.04",
    "alpine",
    "scratch",
    "sha256:",
    "0123456789ab",
    "A=b",
    "=",
    "''",
    "\"",
    "\\",
    "é",
    "\u{a0}",
    "localhost:5000/x",
    "@sha256:abc",
    "build",
    "-",
    "--",
    "clear",
];

const DOCKERFILES: &[&str] = &[
    "FROM ubuntu:22.04\nRUN apt-get update\nCOPY . /app\nCMD [\"python3\"]\n",
    "FROM alpine:3.20 AS a\nCOPY --from=a / /\nFROM a\nWORKDIR x\n",
    "FROM scratch\nCOPY missing /\n",
    "ARG X\nFROM ${X}\n",
    "",
    "FROMM\n",
    "FROM nosuch:1\nRUN x\n",
];

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(WORDS).prop_map(str::to_string),
            1 => "[ -~]{0,12}",
        ],
        0..7,
    )
    .prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn any_session_runs_without_panicking(
        lines in prop::collection::vec(line(), 1..12),
        which in 0..DOCKERFILES.len(),
    ) {
        let catalogs = Catalogs::new(layerlab::catalog::base_images::BaseImageCatalog::bundled().ok());
        let context = Context::from_files([("app.py", b"print(1)\n".to_vec())]).expect("context");
        let mut store = ImageStore::default();
        let mut now = 1_800_000_000;
        for l in lines.iter().chain(["docker build -t app .".to_string(), "docker images".into()].iter()) {
            let out = terminal::execute(
                l,
                &mut store,
                Workspace { dockerfile: DOCKERFILES[which], context: &context },
                &catalogs,
                now,
            );
            prop_assert!(out.status == 0 || !out.stderr.is_empty(), "a failure says why: {l:?}");
            let _ = terminal::complete(l, &store);
            now += 7;
        }
        let back = ImageStore::from_json_or_default(Some(&store.to_json()));
        prop_assert_eq!(back, store);
    }
}
