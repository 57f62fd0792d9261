//! An estimate of the Debian packages a base image already has, for subtracting them from a
//! `RUN apt-get install` in a Dockerfile built on it.
//!
//! The base-image data has no package list (repo-info's remote files do not print one), so
//! this is derived and always labelled as an estimate:
//! 1. the `debootstrap --variant=minbase` set of the image's release
//!    ([`PackageCatalog::minbase_estimate`]), which is how the `debian:*` rootfs is built;
//! 2. plus, for every history step that runs `apt-get install` and does not remove what it
//!    installed again in the same step (`apt-get purge`, `--auto-remove`, `apt-mark auto`),
//!    the resolution of the packages it names (with or without Recommends as the step says).

use std::collections::BTreeSet;

use super::base_images::BaseImage;
use super::packages::PackageCatalog;

/// The estimate and how it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledEstimate {
    /// Package names.
    pub packages: BTreeSet<String>,
    /// One line per source of the estimate (the minbase rule, each history step used or not).
    pub notes: Vec<String>,
}

/// One `apt-get install` found in a history step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AptInstall {
    /// The package names (options and words with `$` are left out).
    pub packages: Vec<String>,
    /// False when the command has `--no-install-recommends`.
    pub with_recommends: bool,
}

/// The `apt-get install` commands of a shell text (a RUN line as repo-info renders it).
pub fn apt_installs(command: &str) -> Vec<AptInstall> {
    let mut out = Vec::new();
    // Commands end at these separators; split them off as words of their own (tabs and
    // newlines are only whitespace: repo-info keeps the Dockerfile's indentation as tabs).
    let spaced = command
        .replace("&&", " ; ")
        .replace("||", " ; ")
        .replace(['(', ')', '|'], " ; ")
        .replace(';', " ; ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let is_apt = matches!(words[i], "apt-get" | "apt") && in_command_position(&words, i);
        if !(is_apt && words.get(i + 1..).is_some_and(has_install_verb)) {
            i += 1;
            continue;
        }
        let mut packages = Vec::new();
        let mut with_recommends = true;
        let mut seen_install = false;
        i += 1;
        while i < words.len() && words[i] != ";" {
            let w = words[i];
            if w == "install" && !seen_install {
                seen_install = true;
            } else if w == "--no-install-recommends" {
                with_recommends = false;
            } else if seen_install
                && !w.starts_with('-')
                && !w.contains(['$', '=', '\\', '"', '\''])
            {
                packages.push(w.to_string());
            }
            i += 1;
        }
        if !packages.is_empty() {
            out.push(AptInstall {
                packages,
                with_recommends,
            });
        }
    }
    out
}

/// True when `words[i]` is a command name: first word, after a separator, after `VAR=value`
/// assignments, or after a keyword/prefix that runs the next word (`then`, `do`, `sudo`, …).
fn in_command_position(words: &[&str], i: usize) -> bool {
    let mut j = i;
    while j > 0 {
        let prev = words[j - 1];
        if prev.contains('=') && !prev.starts_with('-') {
            j -= 1;
            continue;
        }
        return matches!(
            prev,
            ";" | "then" | "do" | "else" | "sudo" | "exec" | "command"
        );
    }
    true
}

/// True when the words up to the next `;` contain the `install` verb.
fn has_install_verb(rest: &[&str]) -> bool {
    rest.iter()
        .take_while(|w| **w != ";")
        .find(|w| !w.starts_with('-'))
        .is_some_and(|w| *w == "install")
}

/// True when a step removes again what it installed (the build-dependency pattern).
fn removes_what_it_installs(command: &str) -> bool {
    command.contains("apt-get purge")
        || command.contains("--auto-remove")
        || command.contains("apt-mark auto")
        || command.contains("apt-get remove")
}

/// Estimates the packages installed in `image`, using `catalog` (the package data chosen for
/// the image's distro by `distro_data::package_data_for`).
pub fn installed_estimate(image: &BaseImage, catalog: &PackageCatalog) -> InstalledEstimate {
    let mut packages = catalog.minbase_estimate();
    let mut notes = vec![format!(
        "{} packages: debootstrap minbase of {} (Priority: required + apt), derived from {}",
        packages.len(),
        catalog.release,
        catalog.source
    )];
    for (step, entry) in image.history.iter().enumerate() {
        let installs = apt_installs(&entry.created_by);
        if installs.is_empty() {
            continue;
        }
        if removes_what_it_installs(&entry.created_by) {
            notes.push(format!(
                "history step {}: apt-get install not counted (the step removes packages again)",
                step + 1
            ));
            continue;
        }
        for install in installs {
            let resolution =
                catalog.resolve_install(&install.packages, install.with_recommends, &packages);
            notes.push(format!(
                "history step {}: apt-get install {} adds {} packages{}",
                step + 1,
                install.packages.join(" "),
                resolution.packages.len(),
                if resolution.missing.is_empty() {
                    String::new()
                } else {
                    format!(" (not in the index: {})", resolution.missing.join(", "))
                }
            ));
            packages.extend(resolution.packages.into_iter().map(|p| p.name));
        }
    }
    InstalledEstimate { packages, notes }
}
