//! The result of a simulated build: the [`Build`] model the UI renders and the CLI prints.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use super::certainty::Certainty;
use crate::diagnostic::Diagnostic;
use crate::fs::{LayerDiff, Tree};
use crate::image::{ImageArtifacts, ImageConfig, Layer};
use crate::span::Span;

/// Everything `docker build` would produce, step by step.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Build {
    /// Every stage of the Dockerfile, built or skipped.
    pub stages: Vec<StageReport>,
    /// Every executed step (stages that are skipped have none), in execution order.
    pub steps: Vec<Step>,
    /// The layers of the final image, base layers first.
    pub layers: Vec<LayerReport>,
    /// The final image's configuration.
    pub config: FinalConfig,
    /// The final image's history, as BuildKit writes it.
    pub history: Vec<HistoryRow>,
    /// The image artifacts (config and manifest digests), or why they cannot be computed.
    pub artifacts: ArtifactsReport,
    /// Errors and warnings met while simulating (spans in the Dockerfile).
    pub diagnostics: Vec<Diagnostic>,
    /// The stage built (index into `stages`), `None` when the Dockerfile has no stage.
    pub target: Option<usize>,
    /// Work counters: how much was computed and how much reused.
    pub stats: BuildStats,
    #[serde(skip)]
    pub(crate) image_config: ImageConfig,
    #[serde(skip)]
    pub(crate) final_layers: Vec<FinalLayer>,
    /// Per cache key: the tree after the step and the layer it committed (for reuse).
    #[serde(skip)]
    pub(crate) cache: BTreeMap<String, CachedResult>,
    /// Per step: what its cache key was made of (for the reasons of the next build).
    #[serde(skip)]
    pub(crate) parts: Vec<super::dispatch::KeyParts>,
    /// The catalogs' data when this build was simulated ([`super::Catalogs::fingerprint`]):
    /// results are reused by the next build only when it has the same data.
    #[serde(skip)]
    pub(crate) catalogs_fingerprint: String,
}

/// Every built layer gets its diff_id at once (its tar is streamed into the hasher, never
/// held whole). The image's config and manifest digests also need every layer gzip-compressed
/// (gzip runs at 12–16 MB/s): a build whose built layers hold at most this many bytes gets them
/// at once, a larger one on demand ([`Build::compute_digests`], which exports call).
pub const EAGER_DIGEST_LIMIT: u64 = 64 << 20;

/// A layer of the final image: inherited, or built by a step (tar written lazily).
#[derive(Clone, Debug)]
pub(crate) enum FinalLayer {
    Base(Arc<Layer>),
    Built(Arc<BuiltLayer>),
}

/// A step's result kept for the next simulation.
#[derive(Clone, Debug)]
pub(crate) struct CachedResult {
    pub tree: Tree,
    pub layer: Option<Arc<BuiltLayer>>,
    pub effects: Vec<String>,
    pub certainty: Certainty,
    /// Whether every file of the stage was known after the step.
    pub complete: bool,
    /// Packages installed in the stage up to the step.
    pub installed: std::collections::BTreeSet<String>,
}

/// Counters for benchmarks and the UI.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct BuildStats {
    /// File digests computed during this simulation (files never hashed before).
    pub files_hashed: u64,
    /// File digests that were already cached (unchanged files).
    pub digests_reused: u64,
    /// Steps whose result was taken from `previous`.
    pub steps_reused: u64,
    /// Steps computed.
    pub steps_computed: u64,
}

/// One stage.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StageReport {
    pub index: usize,
    pub name: Option<String>,
    /// The base after expansion (`golang:1.22`, `scratch`, or another stage's name).
    pub base: String,
    pub base_kind: BaseKind,
    pub platform: String,
    /// Whether the target needs it.
    pub built: bool,
    /// Why it was skipped.
    pub skipped_reason: Option<String>,
    pub span: Span,
    pub line: usize,
    /// Indices into `Build::steps`.
    pub steps: Vec<usize>,
}

/// What a stage starts from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BaseKind {
    /// The empty image.
    Scratch,
    /// An image from the catalog (layers with real digests).
    CatalogImage,
    /// An image the catalog does not know: layers unknown.
    UnknownImage,
    /// Another stage of this Dockerfile.
    Stage(usize),
}

/// One executed instruction (a FROM is a step too).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Step {
    pub stage: usize,
    /// The instruction keyword, upper-case.
    pub instruction: String,
    /// The instruction after variable expansion, as BuildKit prints it.
    pub text: String,
    pub span: Span,
    pub line: usize,
    /// True for a step that ran as an ONBUILD trigger of its base stage.
    pub onbuild: bool,
    /// Index into `Build::layers` of the layer this step committed (final image only), or
    /// `layer_in_stage` for the stage's own list.
    pub layer: Option<usize>,
    /// Whether the step committed a non-empty layer.
    pub creates_layer: bool,
    pub cache: CacheState,
    /// The cache key (hex sha256), `None` for steps that only change the config.
    pub cache_key: Option<String>,
    /// What the step did (files copied, directories created, notes).
    pub effects: Vec<String>,
    pub certainty: Certainty,
}

/// Whether a step would be taken from BuildKit's cache. In JSON (the CLI's output, the JS
/// API) `{"state": "rebuilt", "reason": …}`; in binary formats (the playground's worker sends
/// builds in bincode, which cannot read tagged enums) a plain enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheState {
    /// Same cache key as in the previous build.
    Cached,
    /// Rebuilt, with the first reason.
    Rebuilt(String),
    /// No previous build to compare with.
    Fresh,
    /// Only changes the image config: nothing to cache.
    ConfigOnly,
}

/// [`CacheState`] as JSON writes it.
#[derive(Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
enum TaggedCacheState {
    Cached,
    Rebuilt(String),
    Fresh,
    ConfigOnly,
}

/// [`CacheState`] in binary formats.
#[derive(Serialize, Deserialize)]
enum PlainCacheState {
    Cached,
    Rebuilt(String),
    Fresh,
    ConfigOnly,
}

impl Serialize for CacheState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            match self {
                CacheState::Cached => TaggedCacheState::Cached,
                CacheState::Rebuilt(r) => TaggedCacheState::Rebuilt(r.clone()),
                CacheState::Fresh => TaggedCacheState::Fresh,
                CacheState::ConfigOnly => TaggedCacheState::ConfigOnly,
            }
            .serialize(serializer)
        } else {
            match self {
                CacheState::Cached => PlainCacheState::Cached,
                CacheState::Rebuilt(r) => PlainCacheState::Rebuilt(r.clone()),
                CacheState::Fresh => PlainCacheState::Fresh,
                CacheState::ConfigOnly => PlainCacheState::ConfigOnly,
            }
            .serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for CacheState {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(if deserializer.is_human_readable() {
            match TaggedCacheState::deserialize(deserializer)? {
                TaggedCacheState::Cached => CacheState::Cached,
                TaggedCacheState::Rebuilt(r) => CacheState::Rebuilt(r),
                TaggedCacheState::Fresh => CacheState::Fresh,
                TaggedCacheState::ConfigOnly => CacheState::ConfigOnly,
            }
        } else {
            match PlainCacheState::deserialize(deserializer)? {
                PlainCacheState::Cached => CacheState::Cached,
                PlainCacheState::Rebuilt(r) => CacheState::Rebuilt(r),
                PlainCacheState::Fresh => CacheState::Fresh,
                PlainCacheState::ConfigOnly => CacheState::ConfigOnly,
            }
        })
    }
}

/// One layer of the final image.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LayerReport {
    /// `base` for inherited layers, else the instruction text.
    pub created_by: String,
    /// The step that made it (`None` for base layers).
    pub step: Option<usize>,
    pub from_base: bool,
    /// Uncompressed size (content bytes for built layers; the catalog's size for base ones).
    pub size: Option<u64>,
    pub certainty: Certainty,
    pub changes: Vec<ChangeRow>,
    /// `sha256:…` when computable.
    pub diff_id: Option<String>,
    /// Why the digest cannot be computed.
    pub unknown_reason: Option<String>,
}

/// One change of a layer.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ChangeRow {
    pub path: String,
    pub change: ChangeKindRow,
    pub kind: NodeKindRow,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub size: Option<u64>,
    pub link_target: Option<String>,
    pub known: bool,
    /// What can be shown of a regular file's content (text head, binary, unknown); `None`
    /// for directories, symlinks and deletions. Capped, see [`super::preview`].
    #[serde(default)]
    pub preview: Option<super::preview::ContentPreview>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKindRow {
    Added,
    Modified,
    Deleted,
    Opaque,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum NodeKindRow {
    File,
    Dir,
    Symlink,
    Whiteout,
}

/// The final image configuration.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct FinalConfig {
    pub env: Vec<String>,
    pub cmd: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    pub working_dir: String,
    pub user: String,
    pub exposed_ports: BTreeSet<String>,
    pub volumes: BTreeSet<String>,
    pub labels: BTreeMap<String, String>,
    pub stop_signal: String,
    pub healthcheck: Option<Vec<String>>,
    pub shell: Vec<String>,
    pub on_build: Vec<String>,
    pub os: String,
    pub architecture: String,
}

/// One history entry.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct HistoryRow {
    pub created_by: String,
    pub comment: String,
    pub empty_layer: bool,
}

/// The config and manifest, or what prevents them.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ArtifactsReport {
    pub config_digest: Option<String>,
    pub manifest_digest: Option<String>,
    /// Why the digests cannot be computed: layers (1-based, as in the export error) whose
    /// digest is not known, with why, or that no stage is built.
    pub missing: Vec<String>,
    /// Set when the digests can be computed but wait for an export: the bytes of built
    /// layers that must be gzip-compressed first (more than [`EAGER_DIGEST_LIMIT`]).
    #[serde(default)]
    pub deferred_bytes: Option<u64>,
}

/// A layer built by a step: its diff and (lazily) its tar.
#[derive(Debug)]
pub struct BuiltLayer {
    /// Shared with the image layer, which writes its tar from it when needed.
    pub diff: Arc<LayerDiff>,
    /// Set when something in the layer is not known although its files are (e.g. a RUN).
    pub forced_unknown: Option<String>,
    pub(crate) epoch: i64,
    pub(crate) layer: OnceLock<Arc<Layer>>,
}

impl BuiltLayer {
    /// The image layer (tar written on first call).
    pub fn layer(&self) -> Arc<Layer> {
        Arc::clone(self.layer.get_or_init(|| {
            if let Some(reason) = &self.forced_unknown {
                return Arc::new(Layer::unknown(
                    Some(self.diff.content_size().bytes),
                    reason.clone(),
                ));
            }
            let opts = crate::image::TarOptions::buildkit(Some(self.epoch));
            match Layer::from_shared_diff(Arc::clone(&self.diff), &opts) {
                Ok(layer) => Arc::new(layer),
                Err(e) => Arc::new(Layer::unknown(None, format!("cannot write the layer: {e}"))),
            }
        }))
    }

    pub fn certainty(&self) -> Certainty {
        if self.forced_unknown.is_some() {
            if self.diff.is_empty() {
                Certainty::Unknown
            } else {
                Certainty::Estimated
            }
        } else if self.diff.is_fully_known() {
            Certainty::Exact
        } else {
            Certainty::Estimated
        }
    }
}

impl Build {
    /// The image config (`ImageConfig` of the image module) of the final image.
    pub fn image_config(&self) -> &ImageConfig {
        &self.image_config
    }

    /// The final image's layers (base layers have no bytes; unknown ones no digest). Built
    /// layers' tars are written on the first call and kept.
    pub fn image_layers(&self) -> Vec<Arc<Layer>> {
        self.final_layers
            .iter()
            .map(|l| match l {
                FinalLayer::Base(layer) => Arc::clone(layer),
                FinalLayer::Built(b) => b.layer(),
            })
            .collect()
    }

    /// Fills in the layers' `diff_id`s and computes the artifacts (config and manifest
    /// digests, which gzip every layer). Done by [`crate::simulate::build`] itself unless the
    /// built layers exceed [`EAGER_DIGEST_LIMIT`].
    pub fn compute_digests(&mut self) {
        self.fill_layer_digests();
        self.artifacts = super::report::artifacts(self);
    }

    /// Fills in the built layers' `diff_id`s (each tar streamed into sha256 once; a layer
    /// reused from the previous build keeps its digest), or why a layer has none.
    pub(crate) fn fill_layer_digests(&mut self) {
        for (report, layer) in self.layers.iter_mut().zip(&self.final_layers) {
            if let FinalLayer::Built(b) = layer {
                let layer = b.layer();
                report.diff_id = layer.diff_id().ok().map(|d| d.as_str().to_string());
                report.unknown_reason = layer.missing_reason().filter(|_| report.diff_id.is_none());
            }
        }
    }

    /// Config, manifest and layer descriptors (gzip, as `docker build` pushes), when every
    /// digest is computable.
    pub fn artifacts(
        &self,
        compression: crate::image::Compression,
    ) -> Result<ImageArtifacts, crate::image::ExportError> {
        let owned = self.owned_layers();
        ImageArtifacts::build(&self.image_config, &owned, compression)
    }

    /// Layers as owned values for the image module's exports.
    pub fn owned_layers(&self) -> Vec<Layer> {
        self.image_layers().iter().map(|l| clone_layer(l)).collect()
    }

    /// The image of a build received from elsewhere (the playground's worker sends the
    /// serialised report, which leaves out the image): its config and its layers as digests
    /// and blob descriptors (no bytes), so [`Build::image_config`] and [`Build::artifacts`]
    /// give the same config, manifest and digests as on the side that simulated it. The
    /// restored build cannot be reused as `previous` (its cache is empty) nor exported.
    pub fn restore_image(&mut self, config: ImageConfig, layers: Vec<Layer>) {
        self.image_config = config;
        self.final_layers = layers
            .into_iter()
            .map(|l| FinalLayer::Base(Arc::new(l)))
            .collect();
    }

    /// Number of layers the final image has.
    pub fn layer_count(&self) -> usize {
        self.layers.len()
    }

    /// Whether a simulation error stopped part of the build.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::diagnostic::Severity::Error)
    }
}

/// A copy of a layer (the tar source and digests are shared).
pub(crate) fn clone_layer(layer: &Layer) -> Layer {
    if layer.has_bytes() {
        return layer.clone();
    }
    match layer.diff_id() {
        Ok(diff_id) => match layer.blob(crate::image::Compression::Gzip) {
            Ok((desc, _)) => Layer::base(Some(diff_id.clone()), desc),
            Err(e) => Layer::unknown(layer.tar_size(), e.0),
        },
        Err(e) => Layer::unknown(layer.tar_size(), e.0),
    }
}
