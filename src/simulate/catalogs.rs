//! The real data a simulation consults: base images and (lazily) Debian package indexes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::catalog::base_images::{BaseImage, BaseImageCatalog};
use crate::catalog::base_packages;
use crate::catalog::distro_data::PackageDataset;
use crate::catalog::packages::{InstalledSet, PackageCatalog};

/// The packages a base image is estimated to have, as a set of one package catalog, with the
/// note that says how the estimate was made.
#[derive(Debug)]
pub struct BaseEstimate {
    pub installed: InstalledSet,
    pub note: String,
}

/// Base images plus the package indexes, loaded on first use.
///
/// The native CLI and tests use [`Catalogs::bundled`]; the page builds one from fetched
/// bytes with [`Catalogs::new`] and [`Catalogs::set_packages`].
#[derive(Debug, Default)]
pub struct Catalogs {
    /// Base images `FROM` can name (`None`: every base is an unknown base).
    pub base_images: Option<BaseImageCatalog>,
    bookworm: OnceLock<Option<PackageCatalog>>,
    trixie: OnceLock<Option<PackageCatalog>>,
    /// Load package data compiled into the binary on first use.
    bundled_packages: bool,
    /// Base-image package estimates already computed, by dataset and image (derived from
    /// immutable data, so they never go stale).
    estimates: Mutex<HashMap<String, Arc<BaseEstimate>>>,
}

impl Catalogs {
    /// Catalogs with the given base images and no package data.
    pub fn new(base_images: Option<BaseImageCatalog>) -> Catalogs {
        Catalogs {
            base_images,
            ..Catalogs::default()
        }
    }

    /// The data compiled into the binary (base images now, package indexes on first use).
    /// A malformed bundled catalog yields an empty one rather than a panic.
    pub fn bundled() -> Catalogs {
        Catalogs {
            base_images: BaseImageCatalog::bundled().ok(),
            bundled_packages: true,
            ..Catalogs::default()
        }
    }

    /// Provides the package index of `dataset` (e.g. fetched by the page).
    pub fn set_packages(&self, dataset: PackageDataset, catalog: PackageCatalog) -> bool {
        self.slot(dataset).set(Some(catalog)).is_ok()
    }

    /// The package index of `dataset`, when available.
    pub fn packages(&self, dataset: PackageDataset) -> Option<&PackageCatalog> {
        let slot = self.slot(dataset);
        if self.bundled_packages {
            slot.get_or_init(|| PackageCatalog::bundled(dataset).ok())
                .as_ref()
        } else {
            slot.get().and_then(Option::as_ref)
        }
    }

    /// What data the simulation can use, as a short string: a step simulated with different
    /// data (the page's package indexes arriving after a first simulation) is not reused.
    pub fn fingerprint(&self) -> String {
        // Bundled data is loaded on first use and always the same: count it as present.
        let loaded = |slot: &OnceLock<Option<PackageCatalog>>| match slot.get() {
            _ if self.bundled_packages => '1',
            Some(Some(_)) => '1',
            _ => '0',
        };
        format!(
            "base:{} bundled:{} bookworm:{} trixie:{}",
            u8::from(self.base_images.is_some()),
            u8::from(self.bundled_packages),
            loaded(&self.bookworm),
            loaded(&self.trixie)
        )
    }

    /// [`base_packages::installed_estimate`] of `image` in the package data of `dataset`,
    /// computed once per (dataset, image) and shared by every later simulation.
    pub fn base_estimate(
        &self,
        dataset: PackageDataset,
        catalog: &PackageCatalog,
        image: &BaseImage,
    ) -> Arc<BaseEstimate> {
        // The image's identity and everything the estimate reads from it (its history).
        let mut key = format!(
            "{}\n{}\n{}\n{}",
            dataset.codename(),
            image.reference,
            image.architecture,
            image.manifest_digest.as_deref().unwrap_or("")
        );
        for entry in &image.history {
            key.push('\0');
            key.push_str(&entry.created_by);
        }
        if let Some(hit) = self
            .estimates
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return hit;
        }
        let estimate = base_packages::installed_estimate(image, catalog);
        let computed = Arc::new(BaseEstimate {
            installed: catalog.installed_set(&estimate.packages),
            note: estimate.notes.first().cloned().unwrap_or_default(),
        });
        if let Ok(mut memo) = self.estimates.lock() {
            memo.insert(key, Arc::clone(&computed));
        }
        computed
    }

    fn slot(&self, dataset: PackageDataset) -> &OnceLock<Option<PackageCatalog>> {
        match dataset {
            PackageDataset::DebianBookwormAmd64 => &self.bookworm,
            PackageDataset::DebianTrixieAmd64 => &self.trixie,
        }
    }
}
