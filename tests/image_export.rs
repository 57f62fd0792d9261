//! Images built with `fs` + `image`, exported, and checked by real validators:
//! `oci-image-tool validate` (digests, sizes, schemas) and `umoci unpack` (also diff_ids, and
//! it applies whiteouts and opaque directories to produce the final rootfs), and skopeo for
//! the `docker save` archive.

mod common;
mod image_support;

use std::process::Command;

use image_support::{run, scratch_dir, tools_available};
use layerlab::fs::{Content, LayerDiff, Meta, Tree};
use layerlab::image::{
    docker_save, oci_layout, Compression, Descriptor, Digest, ExportError, HistoryEntry,
    ImageArtifacts, ImageConfig, Layer, RunConfig, TarOptions, Timestamp, WhiteoutStyle,
};

const EPOCH: i64 = 1_700_000_000;

fn meta(mode: u32) -> Meta {
    Meta::new(mode, 0, 0, EPOCH)
}

fn history(created_by: &str) -> HistoryEntry {
    HistoryEntry {
        created: Some(Timestamp::from_secs(EPOCH)),
        created_by: created_by.to_string(),
        comment: "buildkit.dockerfile.v0".to_string(),
        ..HistoryEntry::default()
    }
}

/// [`build_image_with`] as BuildKit writes it, every entry at `EPOCH`.
fn build_image() -> (ImageConfig, Vec<Layer>) {
    build_image_with(TarOptions::fixed(EPOCH))
}

/// Three layers: content with a symlink and a hard link; deletions (a file, a directory) and a
/// modification; a directory removed and recreated (opaque).
fn build_image_with(opts: TarOptions) -> (ImageConfig, Vec<Layer>) {
    let mut t = Tree::new();
    let mut layers = Vec::new();

    let lower = t.begin_layer();
    t.mkdir_p("/app/data", meta(0o755)).unwrap();
    t.mkdir_p("/etc/conf.d", meta(0o755)).unwrap();
    t.write_file(
        "/app/main.sh",
        Content::known(b"#!/bin/sh\necho main <&>\n".to_vec()),
        meta(0o755),
    )
    .unwrap();
    t.write_file(
        "/app/data/keep.txt",
        Content::known(b"keep\n".to_vec()),
        meta(0o644),
    )
    .unwrap();
    t.write_file(
        "/app/data/gone.txt",
        Content::known(b"gone\n".to_vec()),
        meta(0o644),
    )
    .unwrap();
    t.write_file(
        "/etc/conf.d/old.conf",
        Content::known(b"old\n".to_vec()),
        meta(0o600),
    )
    .unwrap();
    t.symlink("/app/run", "main.sh", meta(0o777)).unwrap();
    t.hardlink("/app/main.sh", "/app/main-link.sh").unwrap();
    t.mkdir_p("/tmp", Meta::new(0o1777, 0, 0, EPOCH)).unwrap();
    layers.push(Layer::from_diff(&LayerDiff::between(&lower, &t), &opts).unwrap());

    let lower = t.begin_layer();
    t.remove("/app/data/gone.txt").unwrap();
    t.remove("/tmp").unwrap();
    t.write_file(
        "/app/data/keep.txt",
        Content::known(b"kept, changed\n".to_vec()),
        meta(0o640),
    )
    .unwrap();
    layers.push(Layer::from_diff(&LayerDiff::between(&lower, &t), &opts).unwrap());

    let lower = t.begin_layer();
    t.remove("/etc/conf.d").unwrap();
    t.mkdir_p("/etc/conf.d", meta(0o750)).unwrap();
    t.write_file(
        "/etc/conf.d/new.conf",
        Content::known(b"new\n".to_vec()),
        meta(0o644),
    )
    .unwrap();
    let diff = LayerDiff::between(&lower, &t);
    assert!(diff
        .changes()
        .iter()
        .any(|c| c.kind == layerlab::fs::ChangeKind::OpaqueDir));
    layers.push(Layer::from_diff(&diff, &opts).unwrap());

    let config = ImageConfig {
        architecture: "amd64".into(),
        os: "linux".into(),
        config: RunConfig {
            env: vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()],
            cmd: Some(vec!["/app/run".into()]),
            working_dir: "/app".into(),
            labels: [("org.example".to_string(), "a<b".to_string())]
                .into_iter()
                .collect(),
            exposed_ports: ["8080/tcp".to_string()].into_iter().collect(),
            ..RunConfig::default()
        },
        history: vec![
            history("COPY . /app # buildkit"),
            history("RUN rm # buildkit"),
            history("RUN conf # buildkit"),
        ],
        ..ImageConfig::default()
    };
    (config, layers)
}

#[test]
fn the_same_input_gives_the_same_digests() {
    let (c1, l1) = build_image();
    let (c2, l2) = build_image();
    for compression in [Compression::Gzip, Compression::Uncompressed] {
        let a = ImageArtifacts::build(&c1, &l1, compression).unwrap();
        let b = ImageArtifacts::build(&c2, &l2, compression).unwrap();
        assert_eq!(a.manifest.digest, b.manifest.digest);
        assert_eq!(a.config.digest, b.config.digest);
        assert_eq!(a.diff_ids, b.diff_ids);
    }
}

fn validate_layout(test: &str, compression: Compression, opts: TarOptions) {
    if !tools_available(test, &["oci-image-tool", "umoci"]) {
        return;
    }
    let (config, layers) = build_image_with(opts);
    let (files, art) = oci_layout(&config, &layers, "layerlab/test:v1", compression).unwrap();
    let dir = scratch_dir(test);
    let layout = dir.join("layout");
    files.write_to_dir(&layout).unwrap();
    run(Command::new("oci-image-tool")
        .args(["validate", "--type", "image"])
        .arg(&layout));
    let bundle = dir.join("bundle");
    run(Command::new("umoci")
        .arg("unpack")
        .arg("--image")
        .arg(format!("{}:v1", layout.display()))
        .arg(&bundle));
    let rootfs = bundle.join("rootfs");
    let read =
        |p: &str| std::fs::read_to_string(rootfs.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    assert_eq!(read("app/main.sh"), "#!/bin/sh\necho main <&>\n");
    assert_eq!(read("app/data/keep.txt"), "kept, changed\n");
    assert_eq!(read("etc/conf.d/new.conf"), "new\n");
    assert!(
        !rootfs.join("app/data/gone.txt").exists(),
        "whiteout applied"
    );
    assert!(!rootfs.join("tmp").exists(), "directory whiteout applied");
    assert!(
        !rootfs.join("etc/conf.d/old.conf").exists(),
        "opaque directory hides the lower contents"
    );
    assert_eq!(
        std::fs::read_link(rootfs.join("app/run")).unwrap().to_str(),
        Some("main.sh")
    );
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let m1 = std::fs::metadata(rootfs.join("app/main.sh")).unwrap();
    let m2 = std::fs::metadata(rootfs.join("app/main-link.sh")).unwrap();
    assert_eq!(m1.ino(), m2.ino(), "hard link preserved");
    assert_eq!(m1.permissions().mode() & 0o7777, 0o755);
    assert_eq!(
        std::fs::metadata(rootfs.join("etc/conf.d"))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777,
        0o750
    );
    assert_eq!(m1.mtime(), EPOCH);
    // The config umoci wrote for the runtime carries our settings.
    let runtime: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("config.json")).unwrap()).unwrap();
    assert_eq!(runtime["process"]["cwd"], "/app");
    assert_eq!(runtime["process"]["args"][0], "/app/run");
    // The layout's manifest is the one the artifacts describe.
    assert!(layout
        .join("blobs/sha256")
        .join(art.manifest.digest.hex())
        .is_file());
    // LAYERLAB_KEEP_TMP=1 keeps the layout for inspection (e.g. with tardump.py).
    if std::env::var_os("LAYERLAB_KEEP_TMP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn gzip_oci_layout_passes_oci_image_tool_and_umoci() {
    validate_layout("export-gzip", Compression::Gzip, TarOptions::fixed(EPOCH));
}

#[test]
fn uncompressed_oci_layout_passes_oci_image_tool_and_umoci() {
    // With the opaque-marker style of containers/storage: umoci must honour `.wh..wh..opq`.
    let opts = TarOptions {
        whiteouts: WhiteoutStyle::OverlayOpaque,
        ..TarOptions::buildkit(Some(EPOCH))
    };
    validate_layout("export-plain", Compression::Uncompressed, opts);
}

#[test]
fn unknown_layers_make_digests_not_computable_and_exports_fail() {
    let (config, mut layers) = build_image();
    let mut t = Tree::new();
    let lower = t.begin_layer();
    t.mkdir_p("/usr/bin", meta(0o755)).unwrap();
    let origin: std::sync::Arc<str> = "RUN apt-get install -y curl".into();
    t.write_file(
        "/usr/bin/curl",
        Content::Unknown {
            estimated_size: Some(250_000),
            origin,
        },
        meta(0o755),
    )
    .unwrap();
    let unknown =
        Layer::from_diff(&LayerDiff::between(&lower, &t), &TarOptions::fixed(EPOCH)).unwrap();
    assert!(unknown.diff_id().is_err());
    assert_eq!(unknown.tar_size(), Some(250_000));
    layers.push(unknown);
    match ImageArtifacts::build(&config, &layers, Compression::Gzip) {
        Err(ExportError::NotComputable(l)) => {
            assert_eq!(l.len(), 1);
            assert_eq!(l[0].0, 3);
            assert!(l[0].1.contains("/usr/bin/curl"), "{}", l[0].1);
        }
        other => panic!("expected NotComputable, got {other:?}"),
    }
    match oci_layout(&config, &layers, "x", Compression::Gzip) {
        Err(ExportError::MissingLayers(l)) => {
            assert_eq!(l.iter().map(|x| x.0).collect::<Vec<_>>(), vec![3])
        }
        other => panic!("expected MissingLayers, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn base_layers_keep_their_digests_and_block_only_exports() {
    let (config, mut layers) = build_image();
    let diff_id = Digest::parse(&format!("sha256:{}", "a".repeat(64))).unwrap();
    let blob = Descriptor::new(
        "application/vnd.oci.image.layer.v1.tar+gzip",
        Digest::parse(&format!("sha256:{}", "b".repeat(64))).unwrap(),
        29_736_517,
    );
    layers.insert(0, Layer::base(Some(diff_id.clone()), blob.clone()));
    let art = ImageArtifacts::build(&config, &layers, Compression::Gzip).unwrap();
    assert_eq!(art.diff_ids[0], diff_id);
    assert_eq!(art.layers[0].0, blob);
    let manifest = String::from_utf8(art.manifest_bytes.to_vec()).unwrap();
    assert!(manifest.starts_with("{\n   \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n   \"schemaVersion\": 2,"));
    assert!(matches!(
        docker_save(&config, &layers, "x"),
        Err(ExportError::MissingLayers(_))
    ));
}

#[test]
fn docker_save_archive_is_read_by_skopeo() {
    let (config, layers) = build_image();
    let files = docker_save(&config, &layers, "layerlab/test:v1").unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&files.files["manifest.json"]).unwrap();
    assert_eq!(manifest[0]["RepoTags"][0], "layerlab/test:v1");
    assert_eq!(manifest[0]["Layers"].as_array().unwrap().len(), 3);
    if !tools_available("docker-save", &["skopeo"]) {
        return;
    }
    let dir = scratch_dir("docker-save");
    let archive = dir.join("image.tar");
    std::fs::write(&archive, files.to_tar()).unwrap();
    let out = run(Command::new("skopeo")
        .arg("inspect")
        .arg(format!("docker-archive:{}", archive.display())));
    let inspected: serde_json::Value = serde_json::from_str(&out).unwrap();
    let art = ImageArtifacts::build(&config, &layers, Compression::Uncompressed).unwrap();
    let ids: Vec<String> = art.diff_ids.iter().map(|d| d.to_string()).collect();
    assert_eq!(inspected["Layers"], serde_json::json!(ids));
    assert_eq!(
        inspected["Env"][0],
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    );
    let copied = dir.join("copied");
    run(Command::new("skopeo")
        .arg("copy")
        .arg(format!("docker-archive:{}", archive.display()))
        .arg(format!("dir:{}", copied.display())));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn real_base_image_layers_are_described_but_never_invented() {
    let Some(path) = common::shared("data/base-images.json") else {
        return;
    };
    let data: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let ubuntu = data["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ref"] == "ubuntu:22.04")
        .expect("ubuntu:22.04 in base-images.json");
    // repo-info gives the compressed blobs (digest, size) but not the diff_ids.
    let base: Vec<Layer> = ubuntu["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let digest = Digest::parse(l["digest"].as_str().unwrap()).unwrap();
            let size = l["size"].as_u64().unwrap();
            Layer::base(
                None,
                Descriptor::new("application/vnd.oci.image.layer.v1.tar+gzip", digest, size),
            )
        })
        .collect();
    assert_eq!(base.len(), 1);
    let (desc, bytes) = base[0].blob(Compression::Gzip).unwrap();
    assert_eq!(desc.size, 29_736_517);
    assert!(bytes.is_none());
    assert!(
        base[0].diff_id().is_err(),
        "an unknown diff_id is not invented"
    );
    let (config, mine) = build_image();
    let mut layers = base;
    layers.extend(mine);
    match ImageArtifacts::build(&config, &layers, Compression::Gzip) {
        Err(ExportError::NotComputable(l)) => {
            assert_eq!(l.iter().map(|x| x.0).collect::<Vec<_>>(), vec![0])
        }
        other => panic!(
            "expected NotComputable, got {:?}",
            other.map(|a| a.manifest.digest)
        ),
    }
}
