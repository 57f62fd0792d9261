//! A layer of an image: built here (tar bytes known), inherited from a base image (digests
//! known, bytes not), or of unknown content (no digest can be computed, and none is invented).

use std::io::Write;
use std::sync::{Arc, OnceLock};

use super::digest::Digest;
use super::manifest::{Descriptor, MEDIA_TYPE_LAYER, MEDIA_TYPE_LAYER_GZIP};
use super::tar::{write_layer_tar, TarError, TarOptions};
use crate::fs::LayerDiff;

/// How layer blobs are stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    /// `application/vnd.oci.image.layer.v1.tar+gzip` (what `docker build` pushes).
    Gzip,
    /// `application/vnd.oci.image.layer.v1.tar` (blob digest == diff_id; the oracle's layout).
    Uncompressed,
}

/// A stored blob and its digest.
#[derive(Clone, Debug)]
pub struct Blob {
    pub bytes: Arc<[u8]>,
    pub digest: Digest,
}

/// A layer blob's descriptor and its bytes (`None` for a base layer that is not downloaded).
pub type StoredBlob = (Descriptor, Option<Arc<[u8]>>);

/// Why a digest or blob of a layer cannot be given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotComputable(pub String);

impl std::fmt::Display for NotComputable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotComputable {}

#[derive(Debug)]
enum Inner {
    Built {
        tar: Arc<[u8]>,
        diff_id: Digest,
        gzip: OnceLock<Blob>,
    },
    Base {
        diff_id: Option<Digest>,
        blob: Descriptor,
    },
    Unknown {
        estimated_size: Option<u64>,
        reason: String,
    },
}

/// One layer of an image.
#[derive(Debug)]
pub struct Layer {
    inner: Inner,
}

impl Layer {
    /// A layer from its uncompressed tar bytes (diff_id computed now, gzip lazily).
    pub fn from_tar(tar: impl Into<Arc<[u8]>>) -> Layer {
        let tar: Arc<[u8]> = tar.into();
        let diff_id = Digest::sha256(&tar);
        Layer {
            inner: Inner::Built {
                tar,
                diff_id,
                gzip: OnceLock::new(),
            },
        }
    }

    /// The layer of `diff`: built when every byte is known, otherwise an unknown layer whose
    /// reason names the files with unknown bytes and whose size is the estimate.
    pub fn from_diff(diff: &LayerDiff, opts: &TarOptions) -> Result<Layer, TarError> {
        match write_layer_tar(diff, opts) {
            Ok(tar) => Ok(Layer::from_tar(tar)),
            Err(TarError::UnknownContent(paths)) => {
                let size = diff.content_size();
                let mut reason = format!("{} file(s) with unknown content", paths.len());
                for p in paths.iter().take(5) {
                    reason.push_str(&format!("\n  {p}"));
                }
                Ok(Layer::unknown(Some(size.bytes), reason))
            }
            Err(e) => Err(e),
        }
    }

    /// A base-image layer: its blob descriptor (digest, size, media type as the registry gives
    /// them) and its diff_id when known.
    pub fn base(diff_id: Option<Digest>, blob: Descriptor) -> Layer {
        Layer {
            inner: Inner::Base { diff_id, blob },
        }
    }

    /// A layer whose content is not known (e.g. made by a `RUN` that cannot be simulated).
    pub fn unknown(estimated_size: Option<u64>, reason: impl Into<String>) -> Layer {
        Layer {
            inner: Inner::Unknown {
                estimated_size,
                reason: reason.into(),
            },
        }
    }

    /// The diff_id (sha256 of the uncompressed tar).
    pub fn diff_id(&self) -> Result<&Digest, NotComputable> {
        match &self.inner {
            Inner::Built { diff_id, .. } => Ok(diff_id),
            Inner::Base {
                diff_id: Some(d), ..
            } => Ok(d),
            Inner::Base {
                diff_id: None,
                blob,
            } => Err(NotComputable(format!(
                "base layer {}: diff_id not known",
                blob.digest
            ))),
            Inner::Unknown { reason, .. } => {
                Err(NotComputable(format!("layer content not known: {reason}")))
            }
        }
    }

    /// The uncompressed tar, when built here.
    pub fn tar(&self) -> Option<&Arc<[u8]>> {
        match &self.inner {
            Inner::Built { tar, .. } => Some(tar),
            _ => None,
        }
    }

    /// True when this layer's bytes are here (an export can include it).
    pub fn has_bytes(&self) -> bool {
        self.tar().is_some()
    }

    /// The uncompressed size: exact for built layers, `None` when not known.
    pub fn tar_size(&self) -> Option<u64> {
        match &self.inner {
            Inner::Built { tar, .. } => Some(tar.len() as u64),
            Inner::Base { .. } => None,
            Inner::Unknown { estimated_size, .. } => *estimated_size,
        }
    }

    /// The deterministic gzip blob of a built layer (computed on first use: miniz_oxide level
    /// 6, header mtime 0, OS byte 255 "unknown" like Go's gzip writer).
    pub fn gzip_blob(&self) -> Option<&Blob> {
        match &self.inner {
            Inner::Built { tar, gzip, .. } => Some(gzip.get_or_init(|| {
                let mut enc = flate2::GzBuilder::new()
                    .mtime(0)
                    .operating_system(255)
                    .write(
                        Vec::with_capacity(tar.len() / 2 + 64),
                        flate2::Compression::default(),
                    );
                // Writing into a Vec cannot fail.
                let bytes = enc
                    .write_all(tar)
                    .and_then(|_| enc.finish())
                    .unwrap_or_default();
                let digest = Digest::sha256(&bytes);
                Blob {
                    bytes: bytes.into(),
                    digest,
                }
            })),
            _ => None,
        }
    }

    /// The blob as stored with `compression`: bytes and descriptor. Base layers give their
    /// descriptor only (bytes `None`).
    pub fn blob(&self, compression: Compression) -> Result<StoredBlob, NotComputable> {
        match &self.inner {
            Inner::Built { tar, diff_id, .. } => match compression {
                Compression::Uncompressed => Ok((
                    Descriptor::new(MEDIA_TYPE_LAYER, diff_id.clone(), tar.len() as u64),
                    Some(tar.clone()),
                )),
                Compression::Gzip => {
                    let blob = self
                        .gzip_blob()
                        .ok_or_else(|| NotComputable("no gzip blob".into()))?;
                    Ok((
                        Descriptor::new(
                            MEDIA_TYPE_LAYER_GZIP,
                            blob.digest.clone(),
                            blob.bytes.len() as u64,
                        ),
                        Some(blob.bytes.clone()),
                    ))
                }
            },
            Inner::Base { blob, .. } => Ok((blob.clone(), None)),
            Inner::Unknown { reason, .. } => {
                Err(NotComputable(format!("layer content not known: {reason}")))
            }
        }
    }

    /// Why this layer has no bytes here, or `None` when it has them.
    pub fn missing_reason(&self) -> Option<String> {
        match &self.inner {
            Inner::Built { .. } => None,
            Inner::Base { blob, .. } => {
                Some(format!("base image layer {} (not downloaded)", blob.digest))
            }
            Inner::Unknown { reason, .. } => Some(format!("content not known: {reason}")),
        }
    }
}
