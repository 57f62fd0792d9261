//! The base-image catalog against the shared transcription of docker-library/repo-info:
//! every entry must come back from a lookup with the same digests, sizes and config.

mod common;

use layerlab::catalog::base_images::{BaseImageCatalog, LookupError, PackageManager, Platform};
use serde_json::Value;

fn shared_images() -> Option<Vec<Value>> {
    let path = common::shared("data/base-images.json")?;
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: Value = serde_json::from_str(&text).expect("shared base-images.json is JSON");
    Some(json["images"].as_array().expect("images array").clone())
}

fn catalog() -> BaseImageCatalog {
    BaseImageCatalog::bundled().expect("bundled catalog parses")
}

#[test]
fn every_shared_entry_is_found_with_its_layers_and_config() {
    let Some(images) = shared_images() else {
        return;
    };
    let catalog = catalog();
    assert_eq!(catalog.images().len(), images.len());
    for raw in &images {
        let reference = raw["ref"].as_str().expect("ref");
        let platform = raw["platform"].as_str().expect("platform");
        let wanted = if platform == "any" {
            None
        } else {
            Some(platform)
        };
        let image = catalog
            .lookup(reference, wanted)
            .unwrap_or_else(|e| panic!("{reference} {platform}: {e}"));
        assert_eq!(image.reference, reference);
        assert_eq!(image.platform.to_string(), platform, "{reference}");
        let raw_layers = raw["layers"].as_array().expect("layers");
        let digests: Vec<&str> = raw_layers
            .iter()
            .map(|l| l["digest"].as_str().expect("digest"))
            .collect();
        let sizes: Vec<u64> = raw_layers
            .iter()
            .map(|l| l["size"].as_u64().expect("size"))
            .collect();
        assert_eq!(
            image
                .layers
                .iter()
                .map(|l| l.digest.as_str())
                .collect::<Vec<_>>(),
            digests,
            "{reference} {platform}"
        );
        assert_eq!(
            image.layers.iter().map(|l| l.size).collect::<Vec<_>>(),
            sizes,
            "{reference} {platform}"
        );
        assert_eq!(
            image.total_size,
            raw["total_size"].as_u64().expect("total"),
            "{reference}"
        );
        assert_eq!(
            image.total_size,
            sizes.iter().sum::<u64>(),
            "{reference}: total is the layer sum"
        );
        assert!(
            image
                .layers
                .iter()
                .all(|l| l.diff_id.is_none() && l.uncompressed_size.is_none()),
            "not in the data"
        );
        assert_eq!(
            image.manifest_digest.as_deref(),
            raw["manifest_digest"].as_str(),
            "{reference}"
        );
        assert_eq!(
            image.history.len(),
            raw["history"].as_array().expect("history").len(),
            "{reference}"
        );
        let cmd: Option<Vec<String>> = raw["config"]
            .get("Cmd")
            .map(|v| serde_json::from_value(v.clone()).expect("Cmd"));
        assert_eq!(image.config.cmd, cmd, "{reference}");
        let env: Vec<String> = raw["config"]
            .get("Env")
            .map(|v| serde_json::from_value(v.clone()).expect("Env"))
            .unwrap_or_default();
        assert_eq!(image.config.env, env, "{reference}");
    }
}

#[test]
fn ubuntu_2204_by_every_spelling() {
    let Some(images) = shared_images() else {
        return;
    };
    let raw = images
        .iter()
        .find(|i| i["ref"] == "ubuntu:22.04" && i["platform"] == "linux/amd64")
        .expect("ubuntu:22.04 amd64 in the shared data");
    let expected: Vec<&str> = raw["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l["digest"].as_str().expect("d"))
        .collect();
    let catalog = catalog();
    for spelling in [
        "ubuntu:22.04",
        "docker.io/library/ubuntu:22.04",
        "index.docker.io/library/ubuntu:22.04",
        "docker.io/ubuntu:22.04",
    ] {
        let image = catalog
            .lookup(spelling, None)
            .unwrap_or_else(|e| panic!("{spelling}: {e}"));
        assert_eq!(
            image
                .layers
                .iter()
                .map(|l| l.digest.as_str())
                .collect::<Vec<_>>(),
            expected,
            "{spelling}"
        );
        assert_eq!(
            (image.os.as_str(), image.architecture.as_str()),
            ("linux", "amd64")
        );
        assert_eq!(
            image.config.cmd.as_deref(),
            Some(&["/bin/bash".to_string()][..])
        );
        assert_eq!(image.package_manager(), Some(PackageManager::Apt));
        let distro = image.distro.as_ref().expect("distro");
        assert_eq!(
            (distro.family.as_str(), distro.codename.as_deref()),
            ("ubuntu", Some("jammy"))
        );
    }
    // The arm64 manifest of the same tag is a different image.
    let arm = catalog
        .lookup("ubuntu:22.04", Some("linux/arm64"))
        .expect("arm64");
    assert_eq!(
        arm.platform,
        Platform::parse("linux/arm64/v8").expect("platform")
    );
    assert_ne!(arm.layers[0].digest, expected[0]);
}

#[test]
fn default_tag_digests_and_platforms() {
    let catalog = catalog();
    let alpine = catalog.lookup("alpine", None).expect("alpine");
    assert_eq!(alpine.reference, "alpine:latest");
    assert_eq!(alpine.package_manager(), Some(PackageManager::Apk));

    // The index digest names the tag for all platforms; the platform picks the manifest.
    let index = alpine.index_digest.clone().expect("index digest");
    let by_index_arm = catalog
        .lookup(&format!("alpine@{index}"), Some("linux/arm64/v8"))
        .expect("by index");
    assert_eq!(by_index_arm.reference, "alpine:latest");
    assert_eq!(by_index_arm.architecture, "arm64");
    // A manifest digest names exactly one image, whatever platform is asked.
    let manifest = by_index_arm
        .manifest_digest
        .clone()
        .expect("manifest digest");
    let by_manifest = catalog
        .lookup(&format!("alpine:3.19@{manifest}"), None)
        .expect("by manifest");
    assert_eq!(
        by_manifest.manifest_digest.as_deref(),
        Some(manifest.as_str())
    );
    assert_eq!(by_manifest.architecture, "arm64");

    assert_eq!(
        catalog
            .lookup("alpine:3.21", Some("aarch64"))
            .expect("aarch64")
            .architecture,
        "arm64"
    );
    match catalog.lookup("python:3.12", Some("linux/arm64")) {
        Err(LookupError::PlatformNotAvailable { available, .. }) => {
            assert_eq!(available, vec!["linux/amd64"])
        }
        other => panic!("expected PlatformNotAvailable, got {other:?}"),
    }
    match catalog.lookup("ubuntu:18.04", None) {
        Err(LookupError::NotInCatalog { known_tags, .. }) => {
            assert_eq!(known_tags, vec!["22.04".to_string(), "24.04".to_string()])
        }
        other => panic!("expected NotInCatalog, got {other:?}"),
    }
    assert!(matches!(
        catalog.lookup("ghcr.io/owner/app:1", None),
        Err(LookupError::NotInCatalog { .. })
    ));
    assert!(matches!(
        catalog.lookup("Ubuntu:22.04", None),
        Err(LookupError::InvalidReference(_))
    ));
    assert!(matches!(
        catalog.lookup("ubuntu", Some("linux/")),
        Err(LookupError::InvalidPlatform(_))
    ));
    let scratch = catalog
        .lookup("scratch", Some("linux/arm64"))
        .expect("scratch");
    assert!(scratch.is_scratch() && scratch.layers.is_empty() && scratch.total_size == 0);
}

#[test]
fn smaller_alternatives_come_from_the_same_version_line() {
    let Some(images) = shared_images() else {
        return;
    };
    let size_of = |r: &str| {
        images
            .iter()
            .find(|i| i["ref"] == r && i["platform"] == "linux/amd64")
            .and_then(|i| i["total_size"].as_u64())
            .unwrap_or_else(|| panic!("{r} in shared data"))
    };
    let catalog = catalog();
    let python = catalog.lookup("python:3.12", None).expect("python");
    let alternatives = catalog.smaller_alternatives(python);
    let refs: Vec<&str> = alternatives.iter().map(|a| a.reference.as_str()).collect();
    assert_eq!(refs, vec!["python:3.12-alpine", "python:3.12-slim"]);
    assert_eq!(
        alternatives[1].saving,
        size_of("python:3.12") - size_of("python:3.12-slim")
    );
    assert_eq!(alternatives[0].distro_family.as_deref(), Some("alpine"));

    let nginx = catalog.lookup("nginx", None).expect("nginx:latest");
    let refs: Vec<String> = catalog
        .smaller_alternatives(nginx)
        .into_iter()
        .map(|a| a.reference)
        .collect();
    assert_eq!(refs, vec!["nginx:alpine"]);
    let slim = catalog
        .lookup("python:3.12-alpine", None)
        .expect("alpine variant");
    assert!(
        catalog.smaller_alternatives(slim).is_empty(),
        "nothing is smaller than the alpine variant"
    );
    let bookworm = catalog
        .lookup("debian:bookworm", Some("linux/arm64"))
        .expect("bookworm arm64");
    let refs: Vec<String> = catalog
        .smaller_alternatives(bookworm)
        .into_iter()
        .map(|a| a.reference)
        .collect();
    assert_eq!(refs, vec!["debian:bookworm-slim"]);
}

#[test]
fn listing_tags_with_sizes() {
    let catalog = catalog();
    assert!(catalog.repositories().contains(&"python".to_string()));
    let tags = catalog.tags("golang");
    assert_eq!(
        tags.iter().map(|t| t.tag.as_str()).collect::<Vec<_>>(),
        vec!["1.22", "1.22-alpine"]
    );
    assert_eq!(tags[0].platforms.len(), 2);
    for t in &tags {
        for (platform, size) in &t.platforms {
            let image = catalog
                .lookup(&format!("golang:{}", t.tag), Some(&platform.to_string()))
                .expect("listed tag");
            assert_eq!(image.total_size, *size);
        }
    }
}

#[test]
fn distros_and_package_managers() {
    let catalog = catalog();
    let expect = [
        (
            "debian:bookworm-slim",
            "debian",
            Some("bookworm"),
            Some(PackageManager::Apt),
        ),
        (
            "python:3.12-slim",
            "debian",
            Some("trixie"),
            Some(PackageManager::Apt),
        ),
        (
            "node:20",
            "debian",
            Some("bookworm"),
            Some(PackageManager::Apt),
        ),
        ("nginx:alpine", "alpine", None, Some(PackageManager::Apk)),
        ("busybox", "busybox", None, None),
        (
            "eclipse-temurin:21-jre",
            "ubuntu",
            Some("resolute"),
            Some(PackageManager::Apt),
        ),
    ];
    for (reference, family, codename, manager) in expect {
        let image = catalog.lookup(reference, None).expect(reference);
        let distro = image.distro.as_ref().expect("distro");
        assert_eq!(distro.family, family, "{reference}");
        assert_eq!(distro.codename.as_deref(), codename, "{reference}");
        assert_eq!(image.package_manager(), manager, "{reference}");
        assert!(!distro.evidence.is_empty());
    }
}

#[test]
fn from_json_reports_bad_input_instead_of_panicking() {
    for bad in [
        &b""[..],
        b"{",
        b"[]",
        b"{\"format\":99,\"images\":[]}",
        b"{\"format\":1,\"images\":[{\"ref\":\"x\"}]}",
    ] {
        assert!(
            BaseImageCatalog::from_json(bad).is_err(),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    let file = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/base-images.json"
    ))
    .expect("data file");
    let from_file = BaseImageCatalog::from_json(&file).expect("data file parses");
    assert_eq!(from_file.images(), catalog().images());
}

#[test]
fn the_process_catalog_is_the_bundled_one_natively_and_stays_once_set() {
    // What the lint consults: natively the bundled catalog (the page installs a fetched one).
    let shared = BaseImageCatalog::shared().expect("bundled catalog parses");
    assert_eq!(shared.images().len(), catalog().images().len());
    assert!(shared.lookup("ubuntu:22.04", None).is_ok());
    // The first catalog stays: a later install is refused and changes nothing.
    let empty = BaseImageCatalog::from_json(br#"{"format": 1, "images": []}"#)
        .expect("an empty catalog parses");
    assert!(!BaseImageCatalog::install(empty));
    let again = BaseImageCatalog::shared().expect("still there");
    assert!(std::ptr::eq(shared, again));
}
