//! Exports: an OCI image layout and a `docker save` archive, as a set of files that can be
//! written to a directory (native) or packed into a `.tar` (native and wasm).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::config::ImageConfig;
use super::digest::Digest;
use super::layer::{Compression, Layer, StoredBlob};
use super::manifest::{
    index_bytes, manifest_bytes, Descriptor, MEDIA_TYPE_CONFIG, MEDIA_TYPE_MANIFEST,
};
use super::tar::{GoTarWriter, TarHeader};

/// Why an image (or an export of it) cannot be produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportError {
    /// Layers whose bytes are not here: (layer index from the bottom, reason).
    MissingLayers(Vec<(usize, String)>),
    /// Layers whose digest cannot be computed: (layer index, reason).
    NotComputable(Vec<(usize, String)>),
    /// The image reference is malformed.
    BadReference(String),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (head, list) = match self {
            ExportError::MissingLayers(l) => {
                ("cannot export: the bytes of these layers are not known", l)
            }
            ExportError::NotComputable(l) => (
                "cannot compute the image digests: these layers are not known",
                l,
            ),
            ExportError::BadReference(r) => return write!(f, "invalid image reference {r:?}"),
        };
        write!(f, "{head}")?;
        for (i, why) in list {
            write!(f, "\n  layer {}: {why}", i + 1)?;
        }
        Ok(())
    }
}

impl std::error::Error for ExportError {}

/// The config, manifest and layer blobs of one image, with their descriptors.
#[derive(Clone, Debug)]
pub struct ImageArtifacts {
    pub config_bytes: Arc<[u8]>,
    pub config: Descriptor,
    pub manifest_bytes: Arc<[u8]>,
    pub manifest: Descriptor,
    /// Per layer: descriptor and bytes (`None` for base layers not downloaded).
    pub layers: Vec<StoredBlob>,
    pub diff_ids: Vec<Digest>,
}

impl ImageArtifacts {
    /// Computes config, manifest and layer descriptors. Needs every diff_id (base layers with a
    /// known diff_id are fine); otherwise lists the layers that prevent it.
    pub fn build(
        config: &ImageConfig,
        layers: &[Layer],
        compression: Compression,
    ) -> Result<ImageArtifacts, ExportError> {
        // Every diff_id first: when one is not known, no layer is compressed for nothing.
        let mut missing = Vec::new();
        let mut diff_ids = Vec::new();
        for (i, layer) in layers.iter().enumerate() {
            match layer.diff_id() {
                Ok(d) => diff_ids.push(d.clone()),
                Err(e) => missing.push((i, e.0)),
            }
        }
        let mut blobs = Vec::new();
        if missing.is_empty() {
            for (i, layer) in layers.iter().enumerate() {
                match layer.blob(compression) {
                    Ok(b) => blobs.push(b),
                    Err(e) => missing.push((i, e.0)),
                }
            }
        }
        if !missing.is_empty() {
            return Err(ExportError::NotComputable(missing));
        }
        let config_bytes: Arc<[u8]> = config.to_bytes(&diff_ids).into();
        let config_desc = Descriptor::of(MEDIA_TYPE_CONFIG, &config_bytes);
        let layer_descs: Vec<Descriptor> = blobs.iter().map(|(d, _)| d.clone()).collect();
        let manifest: Arc<[u8]> =
            manifest_bytes(&config_desc, &layer_descs, &BTreeMap::new()).into();
        let manifest_desc = Descriptor::of(MEDIA_TYPE_MANIFEST, &manifest);
        Ok(ImageArtifacts {
            config_bytes,
            config: config_desc,
            manifest_bytes: manifest,
            manifest: manifest_desc,
            layers: blobs,
            diff_ids,
        })
    }

    /// The image ID `docker images` shows: the config digest.
    pub fn image_id(&self) -> &Digest {
        &self.config.digest
    }
}

/// Files of an export by relative path (`/`-separated), written to a directory or a tar.
#[derive(Clone, Debug, Default)]
pub struct FileSet {
    pub files: BTreeMap<String, Arc<[u8]>>,
}

impl FileSet {
    /// Writes every file under `dir` (created if missing).
    pub fn write_to_dir(&self, dir: &std::path::Path) -> std::io::Result<()> {
        for (rel, bytes) in &self.files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)?;
        }
        Ok(())
    }

    /// A tar of the files (directories first as needed, names sorted, mode 0644/0755, 0:0,
    /// mtime 0), in Go's tar format.
    pub fn to_tar(&self) -> Vec<u8> {
        let mut w = GoTarWriter::new();
        let mut dirs_done: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for (rel, bytes) in &self.files {
            let parts: Vec<&str> = rel.split('/').collect();
            for i in 1..parts.len() {
                let d = format!("{}/", parts[..i].join("/"));
                if dirs_done.insert(d.clone()) {
                    let hdr = TarHeader {
                        name: d,
                        linkname: String::new(),
                        typeflag: b'5',
                        mode: 0o40755,
                        uid: 0,
                        gid: 0,
                        size: 0,
                        mtime: 0,
                    };
                    // Values are all in range: appending cannot fail.
                    let _ = w.append(&hdr, &[]);
                }
            }
            let hdr = TarHeader {
                name: rel.clone(),
                linkname: String::new(),
                typeflag: b'0',
                mode: 0o100644,
                uid: 0,
                gid: 0,
                size: bytes.len() as i64,
                mtime: 0,
            };
            let _ = w.append(&hdr, bytes);
        }
        w.finish()
    }
}

/// `name[:tag]` → (`docker.io/library/name`, `tag`), the way Docker normalises a reference.
pub fn normalize_reference(reference: &str) -> Result<(String, String), ExportError> {
    let bad = || ExportError::BadReference(reference.to_string());
    if reference.is_empty() || reference.contains(char::is_whitespace) || reference.contains('@') {
        return Err(bad());
    }
    let last_slash = reference.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match reference[last_slash..].rfind(':') {
        Some(i) => (
            &reference[..last_slash + i],
            &reference[last_slash + i + 1..],
        ),
        None => (reference, "latest"),
    };
    if name.is_empty() || tag.is_empty() || name.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(bad());
    }
    let first = name.split('/').next().unwrap_or_default();
    let full = if !name.contains('/') {
        format!("docker.io/library/{name}")
    } else if first.contains('.') || first.contains(':') || first == "localhost" {
        name.to_string()
    } else {
        format!("docker.io/{name}")
    };
    Ok((full, tag.to_string()))
}

fn require_bytes(layers: &[Layer]) -> Result<(), ExportError> {
    let missing: Vec<(usize, String)> = layers
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.missing_reason().map(|r| (i, r)))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ExportError::MissingLayers(missing))
    }
}

fn add_blobs(files: &mut FileSet, art: &ImageArtifacts) {
    let mut put = |d: &Digest, b: &Arc<[u8]>| {
        files
            .files
            .insert(format!("blobs/sha256/{}", d.hex()), b.clone());
    };
    put(&art.config.digest, &art.config_bytes);
    put(&art.manifest.digest, &art.manifest_bytes);
    for (desc, bytes) in &art.layers {
        if let Some(b) = bytes {
            put(&desc.digest, b);
        }
    }
}

fn annotated_manifest(art: &ImageArtifacts, full_name: &str, tag: &str) -> Descriptor {
    let mut desc = art.manifest.clone();
    desc.annotations.insert(
        "io.containerd.image.name".into(),
        format!("{full_name}:{tag}"),
    );
    desc.annotations
        .insert("org.opencontainers.image.ref.name".into(), tag.to_string());
    desc
}

/// An OCI image layout (`oci-layout`, `index.json`, `blobs/sha256/…`) of one image tagged
/// `reference`, as BuildKit's `--output type=oci` writes it. Every layer's bytes must be known.
pub fn oci_layout(
    config: &ImageConfig,
    layers: &[Layer],
    reference: &str,
    compression: Compression,
) -> Result<(FileSet, ImageArtifacts), ExportError> {
    require_bytes(layers)?;
    let (full, tag) = normalize_reference(reference)?;
    let art = ImageArtifacts::build(config, layers, compression)?;
    let mut files = FileSet::default();
    files.files.insert(
        "oci-layout".into(),
        b"{\"imageLayoutVersion\":\"1.0.0\"}".to_vec().into(),
    );
    files.files.insert(
        "index.json".into(),
        index_bytes(&[annotated_manifest(&art, &full, &tag)]).into(),
    );
    add_blobs(&mut files, &art);
    Ok((files, art))
}

/// A `docker save` archive as Docker 25+ writes it: an OCI layout with uncompressed layers
/// plus the legacy `manifest.json` (`[{"Config","RepoTags","Layers"}]`) and `repositories`
/// (`{"name":{"tag":"<top layer digest hex>"}}`), both JSON-encoded with a trailing newline.
pub fn docker_save(
    config: &ImageConfig,
    layers: &[Layer],
    reference: &str,
) -> Result<FileSet, ExportError> {
    use super::gojson::{GoJson, ObjectBuilder};
    require_bytes(layers)?;
    let (full, tag) = normalize_reference(reference)?;
    let art = ImageArtifacts::build(config, layers, Compression::Uncompressed)?;
    let familiar = full
        .strip_prefix("docker.io/library/")
        .or_else(|| full.strip_prefix("docker.io/"))
        .unwrap_or(&full);
    let mut files = FileSet::default();
    files.files.insert(
        "oci-layout".into(),
        b"{\"imageLayoutVersion\":\"1.0.0\"}".to_vec().into(),
    );
    files.files.insert(
        "index.json".into(),
        index_bytes(&[annotated_manifest(&art, &full, &tag)]).into(),
    );
    add_blobs(&mut files, &art);
    let item = ObjectBuilder::new()
        .field(
            "Config",
            GoJson::Str(format!("blobs/sha256/{}", art.config.digest.hex())),
        )
        .field(
            "RepoTags",
            GoJson::Array(vec![GoJson::Str(format!("{familiar}:{tag}"))]),
        )
        .field(
            "Layers",
            GoJson::Array(
                art.layers
                    .iter()
                    .map(|(d, _)| GoJson::Str(format!("blobs/sha256/{}", d.digest.hex())))
                    .collect(),
            ),
        )
        .build();
    let mut manifest = GoJson::Array(vec![item]).to_compact();
    manifest.push('\n');
    files
        .files
        .insert("manifest.json".into(), manifest.into_bytes().into());
    if let Some(top) = art.diff_ids.last() {
        let repos = GoJson::Object(vec![(
            familiar.to_string(),
            GoJson::Object(vec![(tag.clone(), GoJson::str(top.hex()))]),
        )]);
        let mut r = repos.to_compact();
        r.push('\n');
        files
            .files
            .insert("repositories".into(), r.into_bytes().into());
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A base layer as the catalog gives it (no diff_id) and a built layer.
    fn layers(base_diff_id: Option<Digest>) -> Vec<Layer> {
        let blob = Descriptor::of(crate::image::manifest::MEDIA_TYPE_LAYER_GZIP, b"base blob");
        vec![
            Layer::base(base_diff_id, blob),
            Layer::from_tar(vec![0u8; 4096]),
        ]
    }

    #[test]
    fn no_layer_is_compressed_when_a_diff_id_is_not_known() {
        let config = ImageConfig::default();
        let unknown = layers(None);
        match ImageArtifacts::build(&config, &unknown, Compression::Gzip) {
            Err(ExportError::NotComputable(missing)) => {
                assert_eq!(missing.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0]);
            }
            other => panic!("{:?}", other.map(|a| a.manifest)),
        }
        assert!(!unknown[1].gzip_is_computed());
        // With every diff_id known, the built layer is compressed.
        let known = layers(Some(Digest::sha256(b"base tar")));
        assert!(ImageArtifacts::build(&config, &known, Compression::Gzip).is_ok());
        assert!(known[1].gzip_is_computed());
    }

    #[test]
    fn references_normalise_like_docker() {
        assert_eq!(
            normalize_reference("app").unwrap(),
            ("docker.io/library/app".into(), "latest".into())
        );
        assert_eq!(
            normalize_reference("me/app:1").unwrap(),
            ("docker.io/me/app".into(), "1".into())
        );
        assert_eq!(
            normalize_reference("localhost:5000/x:y").unwrap(),
            ("localhost:5000/x".into(), "y".into())
        );
        assert!(normalize_reference("App").is_err());
        assert!(normalize_reference("").is_err());
    }
}
