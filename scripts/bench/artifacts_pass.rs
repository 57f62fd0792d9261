//! The artifact steps the benchmarks time, natively (`benches/artifacts.rs`) and in wasm
//! (`scripts/bench/wasm-frontend`): one definition, included by both with `#[path]`.
//!
//! A layer that adds a folder of files to an empty image, as `COPY . /app` would:
//! build the [`Tree`] (not timed as an artifact step: the simulator has it already), diff it
//! against the empty tree, write the Go-exact layer tar ([`write_layer_tar`]), hash it
//! ([`Digest::sha256`], fed in 1 MiB chunks), and, measured on its own, gzip it
//! ([`Layer::gzip_blob`]: miniz_oxide level 6, what the OCI export stores).

use layerlab::fs::{Content, LayerDiff, Meta, Tree};
use layerlab::image::{write_layer_tar, Digest, Layer, TarOptions};

/// The fixed mtime of every entry (so the tar is the same on every run and platform).
pub const EPOCH: i64 = 1_700_000_000;

/// Adds `data` at `/app/<rel>` (parents created), mode 0644, owner 0:0.
pub fn add_file(tree: &mut Tree, rel: &str, data: Vec<u8>) -> Result<(), String> {
    let path = format!("/app/{rel}");
    let dir_meta = Meta::new(0o755, 0, 0, EPOCH);
    if let Some((parent, _)) = path.rsplit_once('/') {
        if !parent.is_empty() {
            tree.mkdir_p(parent, dir_meta).map_err(|e| e.to_string())?;
        }
    }
    tree.write_file(&path, Content::known(data), Meta::new(0o644, 0, 0, EPOCH))
        .map_err(|e| e.to_string())
}

/// The layer diff from an empty image to `tree`.
pub fn diff_from_empty(tree: &Tree) -> LayerDiff {
    LayerDiff::between(&Tree::new(), tree)
}

/// The uncompressed layer tar of `diff`.
pub fn layer_tar(diff: &LayerDiff) -> Result<Vec<u8>, String> {
    write_layer_tar(diff, &TarOptions::fixed(EPOCH)).map_err(|e| e.to_string())
}

/// The `sha256:` digest of `tar` (the layer's diff_id).
pub fn diff_id(tar: &[u8]) -> Digest {
    Digest::sha256(tar)
}

/// A built layer of `tar` (hashes it: keep out of the gzip timing).
pub fn layer_of(tar: Vec<u8>) -> Layer {
    Layer::from_tar(tar)
}

/// Computes the layer's gzip blob (compression plus the sha256 of the compressed bytes) and
/// returns its length. A layer computes it once: time it on a fresh [`layer_of`].
pub fn gzip_len(layer: &Layer) -> usize {
    layer.gzip_blob().map_or(0, |blob| blob.bytes.len())
}
