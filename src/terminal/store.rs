//! The terminal's local image store and in-browser registry: plain serialisable data, so the
//! web UI can keep it in `localStorage` and a reload finds the same images.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::image::{Healthcheck, HistoryEntry, RunConfig, Timestamp};

/// How well a layer's size is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeKnowledge {
    /// Computed from the bytes (COPY/ADD from the context).
    Exact,
    /// Estimated by the simulation (a RUN whose effect is partly known, package sizes).
    Estimated,
    /// The compressed size from the base-image catalog (the catalog has no unpacked sizes).
    Compressed,
    /// Not known: a simulated RUN.
    Unknown,
}

/// One history step of a stored image (oldest first), as `docker history` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredHistory {
    pub created_by: String,
    /// Seconds since the epoch, when known.
    pub created: Option<i64>,
    pub comment: String,
    pub empty_layer: bool,
    /// Size of the layer this step made (`None` for an empty layer).
    pub size: Option<u64>,
    pub size_knowledge: SizeKnowledge,
}

impl StoredHistory {
    /// The image config's `history` entry for this step.
    pub fn entry(&self) -> HistoryEntry {
        HistoryEntry {
            created: self.created.map(Timestamp::from_secs),
            created_by: self.created_by.clone(),
            author: String::new(),
            comment: self.comment.clone(),
            empty_layer: self.empty_layer,
        }
    }
}

/// One filesystem layer of a stored image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredLayer {
    /// The layer's identity: the blob digest for base layers, a simulated content key for
    /// layers the Dockerfile makes (derived from the instruction and its inputs).
    pub digest: String,
    pub size: u64,
    pub size_knowledge: SizeKnowledge,
    /// The base image it came from (`ubuntu:22.04`), `None` for the Dockerfile's own layers.
    pub from_base: Option<String>,
}

/// The runtime config of a stored image (the `config` object of the image config).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredConfig {
    pub user: String,
    pub exposed_ports: BTreeSet<String>,
    pub env: Vec<String>,
    pub entrypoint: Option<Vec<String>>,
    pub cmd: Option<Vec<String>>,
    pub volumes: BTreeSet<String>,
    pub working_dir: String,
    pub labels: BTreeMap<String, String>,
    pub stop_signal: String,
    pub shell: Vec<String>,
    pub os: String,
    pub architecture: String,
    /// Stores saved before these three were kept have none of them: they read as unset.
    #[serde(default)]
    pub args_escaped: bool,
    #[serde(default)]
    pub healthcheck: Option<Healthcheck>,
    #[serde(default)]
    pub on_build: Vec<String>,
}

impl StoredConfig {
    /// What the store keeps of an image config's runtime settings.
    pub fn new(run: &RunConfig, os: String, architecture: String) -> StoredConfig {
        StoredConfig {
            user: run.user.clone(),
            exposed_ports: run.exposed_ports.clone(),
            env: run.env.clone(),
            entrypoint: run.entrypoint.clone(),
            cmd: run.cmd.clone(),
            volumes: run.volumes.clone(),
            working_dir: run.working_dir.clone(),
            labels: run.labels.clone(),
            stop_signal: run.stop_signal.clone(),
            shell: run.shell.clone(),
            os,
            architecture,
            args_escaped: run.args_escaped,
            healthcheck: run.healthcheck.clone(),
            on_build: run.on_build.clone(),
        }
    }

    /// The image config's `config` object again (`docker inspect`).
    pub fn run_config(&self) -> RunConfig {
        RunConfig {
            user: self.user.clone(),
            exposed_ports: self.exposed_ports.clone(),
            env: self.env.clone(),
            entrypoint: self.entrypoint.clone(),
            cmd: self.cmd.clone(),
            volumes: self.volumes.clone(),
            working_dir: self.working_dir.clone(),
            labels: self.labels.clone(),
            stop_signal: self.stop_signal.clone(),
            args_escaped: self.args_escaped,
            healthcheck: self.healthcheck.clone(),
            on_build: self.on_build.clone(),
            shell: self.shell.clone(),
        }
    }
}

/// A local image.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredImage {
    /// `sha256:…`: the digest of the image's simulated config.
    pub id: String,
    /// Full references, `docker.io/library/app:latest` style normalised to familiar
    /// `app:latest`. Empty for a dangling image.
    pub tags: Vec<String>,
    /// Creation time (seconds since the epoch).
    pub created: i64,
    pub config: StoredConfig,
    pub layers: Vec<StoredLayer>,
    pub history: Vec<StoredHistory>,
    /// Repository digests after a push or pull (`app@sha256:…`).
    pub repo_digests: Vec<String>,
    /// Paths the Dockerfile put into the image (COPY/ADD destinations, WORKDIR), for lab
    /// checks; the base image's own files are not listed (the catalog has no file lists).
    pub added_paths: Vec<String>,
    /// The base image the final stage started from (`python:3.12-slim`, `scratch`).
    #[serde(default)]
    pub base: Option<String>,
}

impl StoredImage {
    /// The image size: the sum of its layers (unknown layers count as 0).
    pub fn size(&self) -> u64 {
        self.layers.iter().map(|l| l.size).sum()
    }

    /// True when some layer's size is unknown (the size is then a lower bound).
    pub fn size_is_lower_bound(&self) -> bool {
        self.layers
            .iter()
            .any(|l| l.size_knowledge == SizeKnowledge::Unknown)
    }

    /// The 12-hex-digit ID `docker images` prints.
    pub fn short_id(&self) -> &str {
        let hex = self.id.strip_prefix("sha256:").unwrap_or(&self.id);
        hex.get(..12).unwrap_or(hex)
    }
}

/// An image pushed to the in-browser registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryEntry {
    /// `docker.io/library/app:latest` (fully qualified).
    pub reference: String,
    /// The manifest digest the push printed.
    pub digest: String,
    pub image: StoredImage,
}

/// Everything the terminal keeps between commands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageStore {
    pub images: Vec<StoredImage>,
    pub registry: Vec<RegistryEntry>,
    /// Build cache: key of each step already built → the time its result was made (a
    /// repeated build prints `CACHED` and keeps the time, so the image ID stays the same).
    pub cache: BTreeMap<String, i64>,
    /// Command lines typed, oldest first (the panel's Up/Down history).
    pub history: Vec<String>,
    /// The simulations behind the images built since the page loaded (memory only).
    #[serde(skip)]
    pub session: SessionBuilds,
}

/// How many builds [`SessionBuilds`] keeps (the oldest are dropped first).
pub const MAX_SESSION_BUILDS: usize = 4;

/// The simulations behind the latest images built in this session, by image ID: what a
/// `docker push` to a real registry takes the layer bytes from. Never serialised (layer
/// bytes do not belong in `localStorage`): after a reload an image must be built again
/// before it can go to a real registry.
#[derive(Clone, Default)]
pub struct SessionBuilds {
    builds: Vec<(String, Arc<crate::simulate::Build>)>,
}

impl SessionBuilds {
    /// Keeps `build` as the simulation of image `id`.
    pub fn insert(&mut self, id: &str, build: crate::simulate::Build) {
        self.builds.retain(|(i, _)| i != id);
        self.builds.push((id.to_string(), Arc::new(build)));
        if self.builds.len() > MAX_SESSION_BUILDS {
            let excess = self.builds.len() - MAX_SESSION_BUILDS;
            self.builds.drain(..excess);
        }
    }

    /// The simulation of image `id`, when built in this session.
    pub fn get(&self, id: &str) -> Option<&Arc<crate::simulate::Build>> {
        self.builds.iter().find(|(i, _)| i == id).map(|(_, b)| b)
    }
}

/// The session is a cache of bytes beside the store's data, not part of it: two stores are
/// equal when their serialisable data is (a store equals its own JSON round trip).
impl PartialEq for SessionBuilds {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The image IDs only (a build's trees are large).
impl std::fmt::Debug for SessionBuilds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.builds.iter().map(|(id, _)| id))
            .finish()
    }
}

impl Eq for SessionBuilds {}

/// How many command lines the store remembers.
pub const MAX_HISTORY: usize = 200;

impl ImageStore {
    /// The store from its JSON, or an empty store when the JSON is absent or unreadable
    /// (an old or damaged saved state must not break the page).
    pub fn from_json_or_default(json: Option<&str>) -> ImageStore {
        json.and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// Remembers a command line (consecutive duplicates once).
    pub fn remember(&mut self, line: &str) {
        let line = line.trim();
        if line.is_empty() || self.history.last().map(String::as_str) == Some(line) {
            return;
        }
        self.history.push(line.to_string());
        if self.history.len() > MAX_HISTORY {
            let excess = self.history.len() - MAX_HISTORY;
            self.history.drain(..excess);
        }
    }

    /// The image a tag names (familiar `name:tag` form).
    pub fn by_tag(&self, familiar: &str) -> Option<usize> {
        self.images
            .iter()
            .position(|i| i.tags.iter().any(|t| t == familiar))
    }

    /// Images whose ID starts with `prefix` (with or without `sha256:`).
    pub fn by_id_prefix(&self, prefix: &str) -> Vec<usize> {
        let hex = prefix.strip_prefix("sha256:").unwrap_or(prefix);
        if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Vec::new();
        }
        self.images
            .iter()
            .enumerate()
            .filter(|(_, i)| {
                i.id.strip_prefix("sha256:")
                    .is_some_and(|h| h.starts_with(&hex.to_ascii_lowercase()))
            })
            .map(|(n, _)| n)
            .collect()
    }

    /// Removes `tag` from whichever image has it; returns that image's index.
    pub fn untag(&mut self, familiar: &str) -> Option<usize> {
        let n = self.by_tag(familiar)?;
        self.images[n].tags.retain(|t| t != familiar);
        Some(n)
    }

    /// Every tag in the store, sorted (for completion).
    pub fn all_tags(&self) -> Vec<String> {
        let mut tags: Vec<String> = self.images.iter().flat_map(|i| i.tags.clone()).collect();
        crate::sort::sort(&mut tags);
        tags.dedup();
        tags
    }
}
