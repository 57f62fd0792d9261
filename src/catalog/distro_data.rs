//! Which package data stands for a base image's distro, and how exactly.
//!
//! Only Debian's package registry is reachable where layerlab's data is built, so the package
//! catalogs are Debian bookworm (12) and trixie (13), amd64. A Debian image of one of those
//! releases gets its own index; other apt-based images get the closest Debian release as a
//! labelled approximation (Ubuntu 22.04 jammy → bookworm, Ubuntu 24.04 noble and later →
//! trixie, an apt image whose release the data does not name → bookworm); arm64 images use
//! the amd64 sizes (labelled). Alpine has no apk index here (Alpine's mirrors are not
//! reachable), busybox and scratch have no package manager.

use super::base_images::{Distro, PackageManager};

/// The package datasets layerlab ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PackageDataset {
    /// `data/debian-bookworm-amd64.tsv.gz`
    DebianBookwormAmd64,
    /// `data/debian-trixie-amd64.tsv.gz`
    DebianTrixieAmd64,
}

impl PackageDataset {
    /// The file under `data/` (the page fetches it lazily by this name).
    pub fn file_name(self) -> &'static str {
        match self {
            PackageDataset::DebianBookwormAmd64 => "debian-bookworm-amd64.tsv.gz",
            PackageDataset::DebianTrixieAmd64 => "debian-trixie-amd64.tsv.gz",
        }
    }

    /// The Debian codename of the data.
    pub fn codename(self) -> &'static str {
        match self {
            PackageDataset::DebianBookwormAmd64 => "bookworm",
            PackageDataset::DebianTrixieAmd64 => "trixie",
        }
    }
}

/// The answer for one distro.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageDataChoice {
    /// The dataset to use, or `None` when there is none for this distro.
    pub dataset: Option<PackageDataset>,
    /// True when the dataset is the distro's own index for this architecture.
    pub exact: bool,
    /// What the user should be told about the numbers.
    pub note: String,
}

/// Chooses the package data for a base image's distro (`None` = unknown distro or scratch)
/// and architecture (`amd64`, `arm64`, …).
pub fn package_data_for(distro: Option<&Distro>, architecture: &str) -> PackageDataChoice {
    let Some(distro) = distro else {
        return PackageDataChoice {
            dataset: None,
            exact: false,
            note: "no distro known for this base image (scratch has no package manager)".into(),
        };
    };
    match distro.package_manager {
        Some(PackageManager::Apt) => {}
        Some(PackageManager::Apk) => {
            return PackageDataChoice {
                dataset: None,
                exact: false,
                note: "Alpine's APKINDEX is not available offline: apk add sizes are not simulated"
                    .into(),
            }
        }
        None => {
            return PackageDataChoice {
                dataset: None,
                exact: false,
                note: format!("{} has no package manager", distro.family),
            }
        }
    }
    let codename = distro.codename.as_deref();
    let (dataset, same_release, why) = match (distro.family.as_str(), codename) {
        ("debian", Some("bookworm")) => (PackageDataset::DebianBookwormAmd64, true, ""),
        ("debian", Some("trixie")) => (PackageDataset::DebianTrixieAmd64, true, ""),
        ("ubuntu", Some("jammy")) | ("ubuntu", Some("focal")) => (
            PackageDataset::DebianBookwormAmd64,
            false,
            "Ubuntu's indexes are not reachable offline; bookworm is the closest Debian release",
        ),
        ("ubuntu", _) => (
            PackageDataset::DebianTrixieAmd64,
            false,
            "Ubuntu's indexes are not reachable offline; trixie is the closest Debian release",
        ),
        ("debian", Some(_)) => (
            PackageDataset::DebianBookwormAmd64,
            false,
            "only bookworm and trixie indexes are shipped",
        ),
        _ => (
            PackageDataset::DebianBookwormAmd64,
            false,
            "the image data does not name its release",
        ),
    };
    let amd64 = architecture == "amd64";
    let exact = same_release && amd64;
    let mut notes = Vec::new();
    if same_release {
        notes.push(format!(
            "Debian {} Packages index (main; -updates and -security merged)",
            dataset.codename()
        ));
    } else {
        let which = match (codename, distro.release.as_deref()) {
            (Some(c), _) => format!("{} {c}", distro.family),
            (None, Some(r)) => format!("{} {r}", distro.family),
            (None, None) => distro.family.clone(),
        };
        notes.push(format!(
            "approximation: {which} resolved against Debian {}'s index ({why}); package names, \
             versions and sizes may differ",
            dataset.codename()
        ));
    }
    if !amd64 {
        notes.push(format!(
            "sizes are the amd64 packages' (no {architecture} index shipped)"
        ));
    }
    PackageDataChoice {
        dataset: Some(dataset),
        exact,
        note: notes.join("; "),
    }
}
