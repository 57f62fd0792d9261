//! Descriptors, the image manifest and the image index, as the Go code that writes them does.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::digest::Digest;
use super::gojson::{GoJson, ObjectBuilder};

pub const MEDIA_TYPE_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MEDIA_TYPE_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MEDIA_TYPE_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const MEDIA_TYPE_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";
pub const MEDIA_TYPE_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

/// The platform of a manifest in an index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    pub architecture: String,
    pub os: String,
    pub os_version: String,
    pub os_features: Vec<String>,
    pub variant: String,
}

/// An OCI content descriptor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Descriptor {
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
    pub annotations: BTreeMap<String, String>,
    pub platform: Option<Platform>,
}

impl Descriptor {
    /// A descriptor of `bytes` with `media_type`.
    pub fn of(media_type: &str, bytes: &[u8]) -> Descriptor {
        Descriptor::new(media_type, Digest::sha256(bytes), bytes.len() as u64)
    }

    pub fn new(media_type: &str, digest: Digest, size: u64) -> Descriptor {
        Descriptor {
            media_type: media_type.to_string(),
            digest,
            size,
            annotations: BTreeMap::new(),
            platform: None,
        }
    }

    /// Go struct order of image-spec's `Descriptor`.
    pub fn to_json(&self) -> GoJson {
        let platform = self.platform.as_ref().map_or(GoJson::Null, |p| {
            ObjectBuilder::new()
                .field("architecture", GoJson::str(&p.architecture))
                .field("os", GoJson::str(&p.os))
                .omitempty("os.version", GoJson::str(&p.os_version))
                .omitempty("os.features", GoJson::strings(Some(&p.os_features)))
                .omitempty("variant", GoJson::str(&p.variant))
                .build()
        });
        ObjectBuilder::new()
            .field("mediaType", GoJson::str(&self.media_type))
            .field("digest", GoJson::str(self.digest.as_str()))
            .field("size", GoJson::Int(self.size as i64))
            .omitempty("annotations", GoJson::string_map(&self.annotations))
            .omitempty("platform", platform)
            .build()
    }
}

/// The image manifest as BuildKit's image writer marshals it: its own `mediaType` field first,
/// then image-spec's `Manifest` (schemaVersion, config, layers, annotations), indented with
/// three spaces (`json.MarshalIndent(mfst, "", "   ")`). No layers gives `"layers": null`
/// as in Go (a nil slice).
pub fn manifest_bytes(
    config: &Descriptor,
    layers: &[Descriptor],
    annotations: &BTreeMap<String, String>,
) -> Vec<u8> {
    let layers = if layers.is_empty() {
        GoJson::Null
    } else {
        GoJson::Array(layers.iter().map(Descriptor::to_json).collect())
    };
    ObjectBuilder::new()
        .field("mediaType", GoJson::str(MEDIA_TYPE_MANIFEST))
        .field("schemaVersion", GoJson::Int(2))
        .field("config", config.to_json())
        .field("layers", layers)
        .omitempty("annotations", GoJson::string_map(annotations))
        .build()
        .to_indented("   ")
        .into_bytes()
}

/// An image index as containerd's OCI exporter writes `index.json` (compact, schemaVersion,
/// mediaType, manifests).
pub fn index_bytes(manifests: &[Descriptor]) -> Vec<u8> {
    ObjectBuilder::new()
        .field("schemaVersion", GoJson::Int(2))
        .field("mediaType", GoJson::str(MEDIA_TYPE_INDEX))
        .field(
            "manifests",
            GoJson::Array(manifests.iter().map(Descriptor::to_json).collect()),
        )
        .build()
        .to_compact()
        .into_bytes()
}
