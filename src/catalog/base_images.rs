//! The base-image catalog: real manifests of official Docker Hub images (digests, compressed
//! layer sizes, config, history) for the `FROM` lines layerlab can simulate.
//!
//! Data: `data/base-images.json`, built by `scripts/catalog/base-images.py` from a
//! transcription of docker-library/repo-info (each entry keeps its `source`: repository, path
//! and commit). Facts repo-info does not publish are absent and typed as `Option`: layer
//! diff_ids, uncompressed layer sizes, the installed package list, `/etc/passwd`.
//!
//! The CLI uses the copy compiled in ([`BaseImageCatalog::bundled`]). The browser build does
//! not compile it in (it would be a fifth of the page's first download): the page fetches
//! the JSON, parses it with [`BaseImageCatalog::from_json`] and hands it to
//! [`BaseImageCatalog::install`], which makes it the process's catalog
//! ([`BaseImageCatalog::shared`], what the lint consults for base images).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Deserialize;

use super::reference::{ImageReference, ReferenceError, DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX};

/// The catalog file shipped with the native build.
#[cfg(not(target_arch = "wasm32"))]
const BUNDLED_JSON: &[u8] = include_bytes!("../../data/base-images.json");

/// The process's catalog ([`BaseImageCatalog::shared`]).
static SHARED: OnceLock<Option<BaseImageCatalog>> = OnceLock::new();

/// The format version of `data/base-images.json` this code reads.
pub const FORMAT_VERSION: u32 = 1;

/// The platform BuildKit uses when none is asked for on this project's reference machine.
pub const DEFAULT_PLATFORM: &str = "linux/amd64";

/// An OS/architecture pair, as in an image index (`linux/arm64/v8`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Platform {
    /// `linux`, or `any` for `scratch`.
    pub os: String,
    /// `amd64`, `arm64`, …
    pub architecture: String,
    /// `v8`, `v7`, … when the index names one.
    pub variant: Option<String>,
}

impl Platform {
    /// Parses `os/arch[/variant]` or a bare `arch`, normalized like containerd's
    /// `platforms.Normalize` (`x86_64`→`amd64`, `aarch64`→`arm64`, arm64's default variant `v8`).
    pub fn parse(s: &str) -> Result<Platform, String> {
        let parts: Vec<&str> = s.split('/').collect();
        let (os, arch, variant) = match parts.as_slice() {
            [arch] => ("linux", *arch, None),
            [os, arch] => (*os, *arch, None),
            [os, arch, variant] => (*os, *arch, Some(*variant)),
            _ => {
                return Err(format!(
                    "invalid platform {s:?}: expected os/arch[/variant]"
                ))
            }
        };
        if os.is_empty() || arch.is_empty() || variant.is_some_and(str::is_empty) {
            return Err(format!("invalid platform {s:?}: empty component"));
        }
        let os = os.to_lowercase();
        let (arch, mut variant) = match arch.to_lowercase().as_str() {
            "x86_64" | "x86-64" => ("amd64".to_string(), variant.map(str::to_lowercase)),
            "aarch64" => ("arm64".to_string(), variant.map(str::to_lowercase)),
            "armhf" => ("arm".to_string(), Some("v7".to_string())),
            "armel" => ("arm".to_string(), Some("v6".to_string())),
            other => (other.to_string(), variant.map(str::to_lowercase)),
        };
        if arch == "arm64" && variant.is_none() {
            variant = Some("v8".to_string());
        }
        Ok(Platform {
            os,
            architecture: arch,
            variant,
        })
    }

    /// True when `self` (an image's platform) serves a request for `wanted`; `any` (scratch)
    /// serves every platform.
    pub fn serves(&self, wanted: &Platform) -> bool {
        if self.os == "any" {
            return true;
        }
        self.os == wanted.os
            && self.architecture == wanted.architecture
            && (self.variant == wanted.variant || wanted.variant.is_none())
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.os == "any" {
            return write!(f, "any");
        }
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// One filesystem layer of a base image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseLayer {
    /// Digest of the compressed blob (`sha256:…`), as in the manifest.
    pub digest: String,
    /// Digest of the uncompressed tar (the config's `rootfs.diff_ids`). Not in the data: `None`.
    pub diff_id: Option<String>,
    /// Compressed size in bytes (what a pull transfers).
    pub size: u64,
    /// Uncompressed size in bytes. Not in the data: `None`.
    pub uncompressed_size: Option<u64>,
    /// The history step that made this layer, when repo-info's listing maps it.
    pub created_by: Option<String>,
    /// Blob media type, when the source printed one.
    pub media_type: Option<String>,
}

/// The runtime config of an image (the parts of `config` in the image JSON that the data has).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageConfig {
    /// `KEY=value` strings, in order.
    #[serde(default)]
    pub env: Vec<String>,
    /// Default command.
    #[serde(default)]
    pub cmd: Option<Vec<String>>,
    /// Entrypoint.
    #[serde(default)]
    pub entrypoint: Option<Vec<String>>,
    /// Working directory (`""`/absent = `/`).
    #[serde(default)]
    pub working_dir: Option<String>,
    /// User (absent = root).
    #[serde(default)]
    pub user: Option<String>,
    /// Exposed ports, `80/tcp` → `{}`.
    #[serde(default)]
    pub exposed_ports: BTreeMap<String, serde_json::Value>,
    /// Volumes, path → `{}`.
    #[serde(default)]
    pub volumes: BTreeMap<String, serde_json::Value>,
    /// Labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Stop signal.
    #[serde(default)]
    pub stop_signal: Option<String>,
}

/// One history step of the image config.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HistoryEntry {
    /// The step as repo-info renders it (`RUN set -eux; … # buildkit`, `ENV A=b`).
    pub created_by: String,
    /// Creation date as printed by repo-info (RFC 1123 text).
    #[serde(default)]
    pub created: Option<String>,
    /// True for steps that made no layer.
    #[serde(default)]
    pub empty_layer: bool,
    /// The `# ARGS: …` line repo-info prints above a RUN (build args in effect), if any.
    #[serde(default)]
    pub args_comment: Option<String>,
}

/// The package manager a base image ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PackageManager {
    /// Debian/Ubuntu: `apt-get`/`dpkg`.
    Apt,
    /// Alpine: `apk`.
    Apk,
}

/// The distribution a base image is built on, with the evidence from the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Distro {
    /// `debian`, `ubuntu`, `alpine` or `busybox`.
    pub family: String,
    /// `12`, `22.04`, `3.19.5`; `None` where the data does not say.
    pub release: Option<String>,
    /// `bookworm`, `jammy`; `None` where unknown.
    pub codename: Option<String>,
    /// `None` for busybox (no package manager).
    pub package_manager: Option<PackageManager>,
    /// The history line or label the distro was read from.
    pub evidence: String,
}

/// One (reference, platform) entry of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseImage {
    /// The catalog's familiar reference, e.g. `ubuntu:22.04` (`scratch` for scratch).
    pub reference: String,
    /// Repository (familiar form): `ubuntu`.
    pub repository: String,
    /// Tag: `22.04`.
    pub tag: String,
    /// Platform of this manifest.
    pub platform: Platform,
    /// The multi-platform index digest the tag pointed to.
    pub index_digest: Option<String>,
    /// This platform's manifest digest.
    pub manifest_digest: Option<String>,
    /// The image id (config digest).
    pub image_id: Option<String>,
    /// Layers, bottom first.
    pub layers: Vec<BaseLayer>,
    /// Runtime config.
    pub config: ImageConfig,
    /// History, oldest first.
    pub history: Vec<HistoryEntry>,
    /// OS, from the platform (`linux`).
    pub os: String,
    /// Architecture, from the platform (`amd64`).
    pub architecture: String,
    /// Sum of the compressed layer sizes (transfer size).
    pub total_size: u64,
    /// `docker images`' size text of the same image id, when repo-info's local file has it
    /// (e.g. `~ 78.08 Mb`); the only unpacked-size fact in the data.
    pub unpacked_size_text: Option<String>,
    /// The distro / package manager, derived from the history or labels.
    pub distro: Option<Distro>,
    /// Provenance: `repository path @ commit` of the repo-info file.
    pub source: String,
    /// Remarks of the transcription (forks, snapshot caveats).
    pub notes: Vec<String>,
}

impl BaseImage {
    /// The image's `PATH`-style environment as (key, value) pairs.
    pub fn env_pairs(&self) -> Vec<(&str, &str)> {
        self.config
            .env
            .iter()
            .map(|e| e.split_once('=').unwrap_or((e.as_str(), "")))
            .collect()
    }

    /// The package manager, if the distro is known.
    pub fn package_manager(&self) -> Option<PackageManager> {
        self.distro.as_ref().and_then(|d| d.package_manager)
    }

    /// True for `scratch`.
    pub fn is_scratch(&self) -> bool {
        self.reference == "scratch"
    }
}

/// A smaller image of the same repository and version line (the advisor's suggestion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    /// `python:3.12-slim`.
    pub reference: String,
    /// Its compressed size for the same platform.
    pub total_size: u64,
    /// Bytes saved against the original (compressed).
    pub saving: u64,
    /// Its distro family, e.g. `alpine` (musl instead of glibc is worth a warning).
    pub distro_family: Option<String>,
}

/// One tag of a repository with its per-platform sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagSummary {
    /// `3.12-slim`.
    pub tag: String,
    /// (platform, compressed total size) for every platform in the catalog.
    pub platforms: Vec<(Platform, u64)>,
}

/// Why a lookup failed; each variant renders a user-facing message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// Not a valid reference.
    InvalidReference(ReferenceError),
    /// Valid, but the catalog only holds official Docker Hub images.
    NotInCatalog {
        /// The normalized reference.
        reference: String,
        /// Tags of the same repository the catalog does know (may be empty).
        known_tags: Vec<String>,
    },
    /// The image is known, but not for this platform.
    PlatformNotAvailable {
        /// The familiar reference.
        reference: String,
        /// What was asked.
        requested: String,
        /// What the catalog has.
        available: Vec<String>,
    },
    /// The platform string is malformed.
    InvalidPlatform(String),
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupError::InvalidReference(e) => write!(f, "{e}"),
            LookupError::NotInCatalog {
                reference,
                known_tags,
            } if known_tags.is_empty() => {
                write!(f, "{reference} is not in layerlab's base-image catalog")
            }
            LookupError::NotInCatalog {
                reference,
                known_tags,
            } => write!(
                f,
                "{reference} is not in layerlab's base-image catalog; known tags: {}",
                known_tags.join(", ")
            ),
            LookupError::PlatformNotAvailable {
                reference,
                requested,
                available,
            } => write!(
                f,
                "{reference} has no manifest for {requested} in the catalog (available: {})",
                available.join(", ")
            ),
            LookupError::InvalidPlatform(msg) => write!(f, "{msg}"),
        }
    }
}

impl std::error::Error for LookupError {}

/// A malformed catalog file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError(pub String);

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "base-image catalog: {}", self.0)
    }
}

impl std::error::Error for CatalogError {}

/// All base images layerlab knows.
#[derive(Debug, Clone)]
pub struct BaseImageCatalog {
    images: Vec<BaseImage>,
    /// Where the data came from.
    pub source: String,
    /// Which facts the source does not have.
    pub missing_facts: String,
}

#[derive(Deserialize)]
struct RawCatalog {
    format: u32,
    #[serde(default)]
    source: String,
    #[serde(default)]
    missing_facts: String,
    images: Vec<RawImage>,
}

#[derive(Deserialize)]
struct RawImage {
    #[serde(rename = "ref")]
    reference: String,
    platform: String,
    index_digest: Option<String>,
    manifest_digest: Option<String>,
    image_id: Option<String>,
    #[serde(default)]
    layers: Vec<RawLayer>,
    #[serde(default)]
    config: ImageConfig,
    #[serde(default)]
    history: Vec<HistoryEntry>,
    total_size: u64,
    unpacked_size_text: Option<String>,
    distro: Option<RawDistro>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    notes: Vec<String>,
}

#[derive(Deserialize)]
struct RawLayer {
    digest: String,
    size: u64,
    created_by: Option<String>,
    #[serde(rename = "mediaType")]
    media_type: Option<String>,
}

#[derive(Deserialize)]
struct RawDistro {
    family: String,
    release: Option<String>,
    codename: Option<String>,
    package_manager: Option<String>,
    evidence: String,
}

fn convert(raw: RawImage) -> Result<BaseImage, CatalogError> {
    let platform = if raw.platform == "any" {
        Platform {
            os: "any".into(),
            architecture: "any".into(),
            variant: None,
        }
    } else {
        Platform::parse(&raw.platform)
            .map_err(|e| CatalogError(format!("{}: {e}", raw.reference)))?
    };
    let (repository, tag) = match raw.reference.split_once(':') {
        Some((r, t)) => (r.to_string(), t.to_string()),
        None => (raw.reference.clone(), String::new()),
    };
    let distro = match raw.distro {
        None => None,
        Some(d) => {
            let package_manager = match d.package_manager.as_deref() {
                None => None,
                Some("apt") => Some(PackageManager::Apt),
                Some("apk") => Some(PackageManager::Apk),
                Some(other) => {
                    return Err(CatalogError(format!(
                        "{}: unknown package manager {other:?}",
                        raw.reference
                    )))
                }
            };
            Some(Distro {
                family: d.family,
                release: d.release,
                codename: d.codename,
                package_manager,
                evidence: d.evidence,
            })
        }
    };
    Ok(BaseImage {
        os: platform.os.clone(),
        architecture: platform.architecture.clone(),
        reference: raw.reference,
        repository,
        tag,
        platform,
        index_digest: raw.index_digest,
        manifest_digest: raw.manifest_digest,
        image_id: raw.image_id,
        layers: raw
            .layers
            .into_iter()
            .map(|l| BaseLayer {
                digest: l.digest,
                diff_id: None,
                size: l.size,
                uncompressed_size: None,
                created_by: l.created_by,
                media_type: l.media_type,
            })
            .collect(),
        config: raw.config,
        history: raw.history,
        total_size: raw.total_size,
        unpacked_size_text: raw.unpacked_size_text,
        distro,
        source: raw.source,
        notes: raw.notes,
    })
}

/// The version line of a tag: `3.12-slim` → `3.12`; tags that are only a variant word
/// (`latest`, `alpine`, `slim`) → `""`.
fn version_line(tag: &str) -> &str {
    let head = tag.split('-').next().unwrap_or(tag);
    if head.bytes().next().is_some_and(|c| c.is_ascii_digit())
        || !matches!(head, "latest" | "alpine" | "slim")
    {
        head
    } else {
        ""
    }
}

impl BaseImageCatalog {
    /// Parses a catalog file (`data/base-images.json`), e.g. bytes the page fetched.
    pub fn from_json(bytes: &[u8]) -> Result<BaseImageCatalog, CatalogError> {
        let raw: RawCatalog =
            serde_json::from_slice(bytes).map_err(|e| CatalogError(e.to_string()))?;
        if raw.format != FORMAT_VERSION {
            return Err(CatalogError(format!(
                "format {} (this build reads {FORMAT_VERSION})",
                raw.format
            )));
        }
        let images = raw
            .images
            .into_iter()
            .map(convert)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(BaseImageCatalog {
            images,
            source: raw.source,
            missing_facts: raw.missing_facts,
        })
    }

    /// The catalog compiled into the binary (native CLI and tests).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn bundled() -> Result<BaseImageCatalog, CatalogError> {
        BaseImageCatalog::from_json(BUNDLED_JSON)
    }

    /// In the browser nothing is compiled in: a copy of the catalog the page installed
    /// ([`BaseImageCatalog::install`]), an error before that.
    #[cfg(target_arch = "wasm32")]
    pub fn bundled() -> Result<BaseImageCatalog, CatalogError> {
        BaseImageCatalog::shared().cloned().ok_or_else(|| {
            CatalogError(
                "the browser build does not bundle data/base-images.json: fetch it and install it"
                    .to_string(),
            )
        })
    }

    /// Makes `catalog` the process's catalog ([`BaseImageCatalog::shared`]): what the page does
    /// with the catalog it fetched. The first catalog installed (or, natively, loaded) stays:
    /// returns whether this one was taken.
    pub fn install(catalog: BaseImageCatalog) -> bool {
        SHARED.set(Some(catalog)).is_ok()
    }

    /// The process's catalog, parsed once: natively the bundled one (unless one was installed
    /// first); in the browser the one the page installed, `None` until then.
    pub fn shared() -> Option<&'static BaseImageCatalog> {
        #[cfg(not(target_arch = "wasm32"))]
        let shared = SHARED.get_or_init(|| BaseImageCatalog::bundled().ok());
        #[cfg(target_arch = "wasm32")]
        let shared = SHARED.get().unwrap_or(&None);
        shared.as_ref()
    }

    /// Every (reference, platform) entry, in file order.
    pub fn images(&self) -> &[BaseImage] {
        &self.images
    }

    /// Looks up a `FROM` reference for a platform (`None` = [`DEFAULT_PLATFORM`]).
    ///
    /// `ubuntu`, `ubuntu:latest`, `docker.io/library/ubuntu:22.04` and
    /// `index.docker.io/library/ubuntu:22.04` are the same repository. A digest reference
    /// matches the index digest (then the platform chooses the manifest) or one platform's
    /// manifest digest; a tag next to a digest is ignored, as Docker does. `scratch` is the
    /// empty image.
    pub fn lookup(
        &self,
        reference: &str,
        platform: Option<&str>,
    ) -> Result<&BaseImage, LookupError> {
        let wanted = Platform::parse(platform.unwrap_or(DEFAULT_PLATFORM))
            .map_err(LookupError::InvalidPlatform)?;
        if reference == "scratch" {
            if let Some(s) = self.images.iter().find(|i| i.is_scratch()) {
                return Ok(s);
            }
        }
        let parsed =
            ImageReference::parse_normalized(reference).map_err(LookupError::InvalidReference)?;
        let repository = if parsed.domain == DEFAULT_DOMAIN {
            parsed
                .path
                .strip_prefix(OFFICIAL_REPO_PREFIX)
                .map(str::to_string)
        } else {
            None
        };
        let Some(repository) = repository else {
            return Err(LookupError::NotInCatalog {
                reference: parsed.to_string(),
                known_tags: Vec::new(),
            });
        };
        let in_repo = || self.images.iter().filter(|i| i.repository == repository);
        let candidates: Vec<&BaseImage> = match &parsed.digest {
            Some(d) => {
                let by_manifest: Vec<&BaseImage> = in_repo()
                    .filter(|i| i.manifest_digest.as_deref() == Some(d.as_str()))
                    .collect();
                if !by_manifest.is_empty() {
                    // A manifest digest names one platform's image: no platform choice left.
                    return Ok(by_manifest[0]);
                }
                in_repo()
                    .filter(|i| i.index_digest.as_deref() == Some(d.as_str()))
                    .collect()
            }
            None => {
                let tag = parsed
                    .tag
                    .as_deref()
                    .unwrap_or(super::reference::DEFAULT_TAG);
                in_repo().filter(|i| i.tag == tag).collect()
            }
        };
        if candidates.is_empty() {
            let mut known_tags: Vec<String> = in_repo().map(|i| i.tag.clone()).collect();
            known_tags.dedup();
            return Err(LookupError::NotInCatalog {
                reference: parsed.familiar_string(),
                known_tags,
            });
        }
        candidates
            .iter()
            .find(|i| i.platform.serves(&wanted))
            .copied()
            .ok_or_else(|| LookupError::PlatformNotAvailable {
                reference: parsed.familiar_string(),
                requested: wanted.to_string(),
                available: candidates.iter().map(|i| i.platform.to_string()).collect(),
            })
    }

    /// Repository names (`alpine`, `debian`, …), sorted.
    pub fn repositories(&self) -> Vec<String> {
        let mut names: Vec<String> = self.images.iter().map(|i| i.repository.clone()).collect();
        crate::sort::sort(&mut names);
        names.dedup();
        names
    }

    /// The tags of one repository with their per-platform compressed sizes, in file order.
    pub fn tags(&self, repository: &str) -> Vec<TagSummary> {
        let mut out: Vec<TagSummary> = Vec::new();
        for image in self.images.iter().filter(|i| i.repository == repository) {
            match out.iter_mut().find(|t| t.tag == image.tag) {
                Some(t) => t.platforms.push((image.platform.clone(), image.total_size)),
                None => out.push(TagSummary {
                    tag: image.tag.clone(),
                    platforms: vec![(image.platform.clone(), image.total_size)],
                }),
            }
        }
        out
    }

    /// Smaller images of the same repository and version line for the same platform,
    /// smallest first: `python:3.12` → `python:3.12-alpine`, `python:3.12-slim`;
    /// `nginx:latest` → `nginx:alpine`.
    pub fn smaller_alternatives(&self, image: &BaseImage) -> Vec<Alternative> {
        let line = version_line(&image.tag);
        let mut out: Vec<Alternative> = self
            .images
            .iter()
            .filter(|i| {
                i.repository == image.repository
                    && i.tag != image.tag
                    && version_line(&i.tag) == line
                    && i.platform == image.platform
                    && i.total_size < image.total_size
            })
            .map(|i| Alternative {
                reference: i.reference.clone(),
                total_size: i.total_size,
                saving: image.total_size - i.total_size,
                distro_family: i.distro.as_ref().map(|d| d.family.clone()),
            })
            .collect();
        crate::sort::sort_by_key(&mut out, |a| a.total_size);
        out
    }
}
