//! The installed-package estimate of base images, from the minbase rule plus the
//! `apt-get install` steps of their real history.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use layerlab::catalog::base_images::BaseImageCatalog;
use layerlab::catalog::base_packages::{apt_installs, installed_estimate, AptInstall};
use layerlab::catalog::distro_data::{package_data_for, PackageDataset};
use layerlab::catalog::packages::PackageCatalog;

fn images() -> &'static BaseImageCatalog {
    static C: OnceLock<BaseImageCatalog> = OnceLock::new();
    C.get_or_init(|| BaseImageCatalog::bundled().expect("base images"))
}

fn trixie() -> &'static PackageCatalog {
    static C: OnceLock<PackageCatalog> = OnceLock::new();
    C.get_or_init(|| PackageCatalog::bundled(PackageDataset::DebianTrixieAmd64).expect("trixie"))
}

#[test]
fn apt_install_commands_are_found_in_history_lines() {
    let python = images().lookup("python:3.12", None).expect("python:3.12");
    let step = python
        .history
        .iter()
        .find(|h| h.created_by.contains("netbase"))
        .expect("the curl/wget step");
    assert_eq!(
        apt_installs(&step.created_by),
        vec![AptInstall {
            packages: ["ca-certificates", "curl", "gnupg", "netbase", "sq", "wget"]
                .map(String::from)
                .to_vec(),
            with_recommends: false,
        }]
    );
    let cases: &[(&str, &[&str], bool)] = &[
        ("apt-get update && apt-get install -y curl", &["curl"], true),
        (
            "apt-get -y install --no-install-recommends a b; rm -rf x",
            &["a", "b"],
            false,
        ),
        ("apt-get install --update -y a=1.0 \"$PKG\" c", &["c"], true),
        ("apt-get update; apt-get upgrade -y", &[], true),
        ("echo apt-get install nothing-here | cat", &[], true),
    ];
    for (line, packages, with_recommends) in cases {
        let found = apt_installs(line);
        let names: Vec<&str> = found
            .iter()
            .flat_map(|i| i.packages.iter().map(String::as_str))
            .collect();
        assert_eq!(names, *packages, "{line}");
        assert!(
            found.iter().all(|i| i.with_recommends == *with_recommends),
            "{line}"
        );
    }
}

#[test]
fn python_images_estimates_follow_their_history() {
    let full = images().lookup("python:3.12", None).expect("python:3.12");
    let slim = images().lookup("python:3.12-slim", None).expect("slim");
    let choice = package_data_for(full.distro.as_ref(), &full.architecture);
    assert_eq!(choice.dataset, Some(PackageDataset::DebianTrixieAmd64));

    let full_estimate = installed_estimate(full, trixie());
    let slim_estimate = installed_estimate(slim, trixie());
    let minbase = trixie().minbase_estimate();
    for name in ["curl", "git", "gcc", "libssl-dev", "make", "mercurial"] {
        assert!(
            full_estimate.packages.contains(name),
            "{name} is in python:3.12"
        );
    }
    // The slim image installs its build dependencies and purges them in the same step.
    assert!(
        slim_estimate.packages.contains("tzdata") && slim_estimate.packages.contains("netbase")
    );
    assert!(!slim_estimate.packages.contains("gcc"));
    assert!(slim_estimate
        .notes
        .iter()
        .any(|n| n.contains("not counted")));
    assert!(
        minbase.is_subset(&slim_estimate.packages)
            && slim_estimate.packages.is_subset(&full_estimate.packages)
    );

    // What `RUN apt-get install git` would add depends on the base.
    let none = BTreeSet::new();
    let on_full = trixie().resolve_install(&["git"], false, &full_estimate.packages);
    let on_slim = trixie().resolve_install(&["git"], false, &slim_estimate.packages);
    let bare = trixie().resolve_install(&["git"], false, &none);
    assert!(on_full.packages.is_empty(), "git is already in python:3.12");
    assert!(!on_slim.packages.is_empty());
    assert!(on_slim.total_installed_bytes < bare.total_installed_bytes);
}
