//! Which package data stands for a base image's distro, and how exactly.
//!
//! Only Debian's package registry is reachable where layerlab's data is built, so the one
//! package catalog is Debian bookworm (amd64). A bookworm image gets it exactly; other
//! apt-based images (Debian trixie, Ubuntu jammy/noble, images whose release the data does
//! not name) get it as a labelled approximation; Alpine has no apk index here (the Alpine
//! mirrors are not reachable), busybox and scratch have no package manager.

use super::base_images::{Distro, PackageManager};

/// The package datasets layerlab ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageDataset {
    /// `data/debian-bookworm-amd64.tsv.gz`
    DebianBookwormAmd64,
}

impl PackageDataset {
    /// The file under `data/` (the page fetches it lazily by this name).
    pub fn file_name(self) -> &'static str {
        match self {
            PackageDataset::DebianBookwormAmd64 => "debian-bookworm-amd64.tsv.gz",
        }
    }
}

/// The answer for one distro.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageDataChoice {
    /// The dataset to use, or `None` when there is none for this distro.
    pub dataset: Option<PackageDataset>,
    /// True when the dataset is the distro's own index; false for a stand-in.
    pub exact: bool,
    /// What the user should be told about the numbers.
    pub note: String,
}

/// Chooses the package data for a base image's distro (`None` = unknown distro or scratch).
pub fn package_data_for(distro: Option<&Distro>) -> PackageDataChoice {
    let Some(distro) = distro else {
        return PackageDataChoice {
            dataset: None,
            exact: false,
            note: "no distro known for this base image (scratch has no package manager)".into(),
        };
    };
    match (
        distro.package_manager,
        distro.family.as_str(),
        distro.codename.as_deref(),
    ) {
        (Some(PackageManager::Apt), "debian", Some("bookworm")) => PackageDataChoice {
            dataset: Some(PackageDataset::DebianBookwormAmd64),
            exact: true,
            note: "Debian bookworm Packages index (bookworm, -updates, -security; main; amd64)"
                .into(),
        },
        (Some(PackageManager::Apt), family, codename) => {
            let which = match (family, codename, distro.release.as_deref()) {
                (_, Some(c), _) => format!("{family} {c}"),
                (_, None, Some(r)) => format!("{family} {r}"),
                _ => format!("{family} (release not in the data)"),
            };
            let why = if family == "ubuntu" {
                "Ubuntu's indexes are not reachable offline"
            } else {
                "only the bookworm index is shipped"
            };
            PackageDataChoice {
                dataset: Some(PackageDataset::DebianBookwormAmd64),
                exact: false,
                note: format!(
                    "approximation: {which} resolved against Debian bookworm's index ({why}); \
                     package names, versions and sizes may differ"
                ),
            }
        }
        (Some(PackageManager::Apk), _, _) => PackageDataChoice {
            dataset: None,
            exact: false,
            note: "Alpine's APKINDEX is not available offline: apk add sizes are not simulated"
                .into(),
        },
        (None, family, _) => PackageDataChoice {
            dataset: None,
            exact: false,
            note: format!("{family} has no package manager"),
        },
    }
}
