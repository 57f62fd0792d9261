//! RUN file operations against a real builder: every case under `tests/run_oracle/cases` is
//! a Dockerfile of single-line RUNs on a local busybox base, built by buildah 1.28
//! (`tests/run_oracle/generate.sh`: uncompressed layers, timestamps 0); `golden/<case>.txt`
//! lists each RUN layer. layerlab simulates the RUNs on the same base (whose files are all
//! known), writes each layer's tar and the listings (path, type, permission bits, owner,
//! size, link target) must be equal.
//!
//! buildah leaves its runtime mount points in every RUN layer (`dev`, `proc`, `run`, `sys`,
//! `etc/hostname`, `etc/hosts`, `etc/resolv.conf`); BuildKit does not, so those entries are
//! left out of the comparison.

use std::path::{Path, PathBuf};

mod oracle_support;

use layerlab::catalog::base_images::Distro;
use layerlab::fs::{Content, LayerDiff, Meta, Tree};
use layerlab::image::{write_layer_tar, TarOptions};
use layerlab::simulate::run::{simulate_run, RunInput};
use layerlab::simulate::{Catalogs, Certainty};
use oracle_support::{golden_layers, tar_listing, WhiteoutMode};

const APPLETS: &str = "sh mkdir echo printf rm touch cp mv ln chmod chown cat tee tar gzip ls rmdir true false id test install";
const BUILDAH_RUNTIME: &[&str] = &[
    "dev",
    "proc",
    "run",
    "sys",
    "etc/hostname",
    "etc/hosts",
    "etc/resolv.conf",
];

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/run_oracle")
}

/// The base image `generate.sh` builds: busybox and its applet links, /tmp, /etc.
fn busybox_base() -> Tree {
    let mut tree = Tree::new();
    let dir = Meta::new(0o755, 0, 0, 0);
    tree.mkdir_p("/bin", dir).unwrap();
    tree.mkdir_p("/etc", dir).unwrap();
    tree.mkdir_p("/tmp", Meta::new(0o1777, 0, 0, 0)).unwrap();
    tree.write_file(
        "/bin/busybox",
        Content::Unknown {
            estimated_size: Some(2_000_000),
            origin: "busybox-static".into(),
        },
        Meta::new(0o755, 0, 0, 0),
    )
    .unwrap();
    for applet in APPLETS.split(' ') {
        tree.symlink(
            &format!("/bin/{applet}"),
            "busybox",
            Meta::new(0o777, 0, 0, 0),
        )
        .unwrap();
    }
    tree
}

fn golden(name: &str) -> Vec<Vec<String>> {
    let mut layers = golden_layers(&oracle_dir().join("golden").join(format!("{name}.txt")));
    // Drop buildah's runtime entries, and `etc` when only they put it there.
    for layer in &mut layers {
        layer.retain(|line| {
            let path = line.split(' ').next().unwrap_or("");
            !BUILDAH_RUNTIME.contains(&path)
        });
        if !layer.iter().any(|l| l.starts_with("etc/")) {
            layer.retain(|l| !l.starts_with("etc "));
        }
    }
    layers
}

/// Simulates the case's RUNs; one listing per RUN layer (`None` when a layer is not exact).
fn simulate_case(name: &str) -> Vec<Option<Vec<String>>> {
    let text = std::fs::read_to_string(oracle_dir().join("cases").join(name).join("Dockerfile"))
        .expect("Dockerfile");
    let catalogs = Catalogs::default();
    let mut tree = busybox_base();
    let mut layers = Vec::new();
    for script in text.lines().filter_map(|l| l.strip_prefix("RUN ")) {
        let lower = tree.begin_layer();
        let mut input = RunInput::shell(script);
        input.env = vec![("PATH".into(), "/bin".into())];
        input.distro = Some(Distro {
            family: "busybox".into(),
            release: None,
            codename: None,
            package_manager: None,
            evidence: "tests/run_oracle/generate.sh".into(),
        });
        let report = simulate_run(&input, &mut tree, &catalogs);
        assert_eq!(report.failure, None, "{name}: {script}: {report:#?}");
        if report.certainty != Certainty::Exact {
            layers.push(None);
            continue;
        }
        let diff = LayerDiff::between(&lower, &tree);
        let tar = write_layer_tar(&diff, &TarOptions::fixed(0)).expect("exact layers have bytes");
        layers.push(Some(tar_listing(&tar, WhiteoutMode::Zero)));
    }
    layers
}

#[test]
fn run_layers_match_the_buildah_goldens() {
    let mut names: Vec<String> = std::fs::read_dir(oracle_dir().join("golden"))
        .expect("golden dir")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".txt")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    let mut compared = 0;
    for name in &names {
        let expected = golden(name);
        let actual = simulate_case(name);
        assert_eq!(expected.len(), actual.len(), "{name}: layer count");
        for (index, (want, got)) in expected.iter().zip(&actual).enumerate() {
            match got {
                Some(got) => {
                    assert_eq!(got, want, "{name}: layer {}", index + 1);
                    compared += 1;
                }
                // `tar -c` output is not simulated byte for byte: its layer must be labelled.
                None => assert!(name == "run-tar", "{name}: layer {} not exact", index + 1),
            }
        }
    }
    assert!(compared >= 6, "{compared} layers compared");
}
