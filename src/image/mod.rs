//! Real image artifacts: layer tarballs, digests, OCI config, manifest, index, exports.
//!
//! Flow: a [`crate::fs::LayerDiff`] → [`Layer::from_diff`] (Go-exact tar, `diff_id`, lazy
//! gzip) → with an [`ImageConfig`] → [`ImageArtifacts::build`] (config/manifest bytes and
//! digests) → [`oci_layout`] / [`docker_save`] ([`FileSet`] → directory or `.tar`).
//! Layers whose bytes are unknown make digests "not computable", never invented.

pub mod config;
pub mod digest;
pub mod export;
pub mod gojson;
pub mod layer;
pub mod manifest;
pub mod tar;
pub mod views;

pub use config::{Healthcheck, HistoryEntry, ImageConfig, RunConfig, Timestamp};
pub use digest::{Digest, DigestWriter};
pub use export::{
    docker_save, normalize_reference, oci_layout, ExportError, FileSet, ImageArtifacts,
};
pub use layer::{Blob, Compression, Layer, NotComputable, StoredBlob};
pub use manifest::{index_bytes, manifest_bytes, Descriptor, Platform};
pub use tar::{
    stream_layer_tar, write_layer_tar, CountingSink, MtimePolicy, TarError, TarOptions, TarSink,
    WhiteoutStyle,
};
pub use views::{docker_history, docker_images, docker_inspect, human_size, RowSize};
