//! A layer of an image: built here (tar bytes known), inherited from a base image (digests
//! known, bytes not), or of unknown content (no digest can be computed, and none is invented).
//!
//! A layer built from a [`LayerDiff`] does not keep its tar: the `diff_id` is computed by
//! streaming the tar into the hasher, and the gzip blob by streaming it into the compressor,
//! with every file's bytes read from the tree (which shares them with the build context). The
//! whole tar is only materialized when asked for ([`Layer::tar`], an uncompressed export).

use std::io::Write;
use std::sync::{Arc, OnceLock};

use super::digest::{Digest, DigestWriter};
use super::manifest::{Descriptor, MEDIA_TYPE_LAYER, MEDIA_TYPE_LAYER_GZIP};
use super::tar::{stream_layer_tar, SliceSink, TarError, TarOptions, TarSink};
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

/// Where a built layer's tar comes from.
#[derive(Clone, Debug)]
enum TarSource {
    /// Bytes given whole.
    Stored(Arc<[u8]>),
    /// Written from the diff whenever needed (deterministic: the same bytes every time).
    Diff {
        diff: Arc<LayerDiff>,
        opts: TarOptions,
    },
}

impl TarSource {
    /// Streams the tar into `sink`.
    fn write<S: TarSink>(&self, sink: S) -> Result<S, TarError> {
        match self {
            TarSource::Stored(tar) => {
                let mut sink = sink;
                sink.put(tar);
                Ok(sink)
            }
            TarSource::Diff { diff, opts } => stream_layer_tar(diff, opts, sink),
        }
    }
}

/// The gzip compressor as a tar sink (into memory, so writing cannot fail in practice; a
/// failure is remembered and yields an empty blob, as before streaming).
struct GzipSink {
    encoder: flate2::write::GzEncoder<Vec<u8>>,
    failed: bool,
}

impl TarSink for GzipSink {
    fn put(&mut self, bytes: &[u8]) {
        if !self.failed && self.encoder.write_all(bytes).is_err() {
            self.failed = true;
        }
    }
}

#[derive(Clone, Debug)]
enum Inner {
    Built {
        tar: TarSource,
        /// The tar's size in bytes.
        size: u64,
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

/// One layer of an image. Cloning shares the tar source and copies the digests.
#[derive(Clone, Debug)]
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
                size: tar.len() as u64,
                tar: TarSource::Stored(tar),
                diff_id,
                gzip: OnceLock::new(),
            },
        }
    }

    /// The layer of `diff`: built when every byte is known, otherwise an unknown layer whose
    /// reason names the files with unknown bytes and whose size is the estimate. The tar is
    /// streamed into the hasher, not kept.
    pub fn from_diff(diff: &LayerDiff, opts: &TarOptions) -> Result<Layer, TarError> {
        Layer::from_shared_diff(Arc::new(diff.clone()), opts)
    }

    /// [`Layer::from_diff`] keeping a diff the caller shares (no copy of its change list).
    pub fn from_shared_diff(diff: Arc<LayerDiff>, opts: &TarOptions) -> Result<Layer, TarError> {
        match stream_layer_tar(&diff, opts, DigestWriter::new()) {
            Ok(hashed) => Ok(Layer {
                inner: Inner::Built {
                    size: hashed.len(),
                    diff_id: hashed.finish(),
                    tar: TarSource::Diff {
                        diff: Arc::clone(&diff),
                        opts: *opts,
                    },
                    gzip: OnceLock::new(),
                },
            }),
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

    /// The uncompressed tar, when built here (written out now for a layer built from a
    /// diff: an uncompressed export or a comparison needs the bytes, nothing else does).
    pub fn tar(&self) -> Option<Arc<[u8]>> {
        match &self.inner {
            Inner::Built {
                tar: TarSource::Stored(tar),
                ..
            } => Some(Arc::clone(tar)),
            Inner::Built { tar, size, .. } => {
                // Written in place into a buffer of the known size (no second copy).
                let len = usize::try_from(*size).ok()?;
                let mut bytes: Arc<[u8]> = std::iter::repeat_n(0u8, len).collect();
                let buf = Arc::get_mut(&mut bytes)?;
                let filled = tar.write(SliceSink {
                    buf,
                    at: 0,
                    overflow: 0,
                });
                match filled {
                    Ok(sink) if sink.at == len && sink.overflow == 0 => Some(bytes),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// True when this layer's bytes are here (an export can include it).
    pub fn has_bytes(&self) -> bool {
        matches!(self.inner, Inner::Built { .. })
    }

    /// The uncompressed size: exact for built layers, `None` when not known.
    pub fn tar_size(&self) -> Option<u64> {
        match &self.inner {
            Inner::Built { size, .. } => Some(*size),
            Inner::Base { .. } => None,
            Inner::Unknown { estimated_size, .. } => *estimated_size,
        }
    }

    /// Whether this built layer's gzip blob has been computed (tests: what is compressed
    /// when).
    #[cfg(test)]
    pub(crate) fn gzip_is_computed(&self) -> bool {
        matches!(&self.inner, Inner::Built { gzip, .. } if gzip.get().is_some())
    }

    /// The deterministic gzip blob of a built layer (computed on first use: miniz_oxide level
    /// 6, header mtime 0, OS byte 255 "unknown" like Go's gzip writer).
    pub fn gzip_blob(&self) -> Option<&Blob> {
        match &self.inner {
            Inner::Built {
                tar, size, gzip, ..
            } => Some(gzip.get_or_init(|| {
                let encoder = flate2::GzBuilder::new()
                    .mtime(0)
                    .operating_system(255)
                    .write(
                        Vec::with_capacity(usize::try_from(*size / 2 + 64).unwrap_or(0)),
                        flate2::Compression::default(),
                    );
                let sink = GzipSink {
                    encoder,
                    failed: false,
                };
                // Writing into a Vec cannot fail; the tar was written once already.
                let bytes = match tar.write(sink) {
                    Ok(sink) if !sink.failed => sink.encoder.finish().unwrap_or_default(),
                    _ => Vec::new(),
                };
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
            Inner::Built { size, diff_id, .. } => match compression {
                Compression::Uncompressed => Ok((
                    Descriptor::new(MEDIA_TYPE_LAYER, diff_id.clone(), *size),
                    Some(self.tar().ok_or_else(|| {
                        NotComputable("the layer tar could not be written again".into())
                    })?),
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
