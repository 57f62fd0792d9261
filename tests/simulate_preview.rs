//! File previews in the serialisable build model: a layer's change rows carry the head of
//! each text file with known bytes (capped per file and per build), say "binary" or
//! "unknown" otherwise, and survive serialisation (the page may receive the model from a
//! Web Worker, without the private trees).

use layerlab::context::Context;
use layerlab::simulate::{Build, ContentPreview, PREVIEW_BUILD_BYTES, PREVIEW_FILE_BYTES};

mod simulate_support;
use simulate_support::simulate;

fn preview_of<'a>(b: &'a Build, path: &str) -> Option<&'a ContentPreview> {
    b.layers
        .iter()
        .flat_map(|l| &l.changes)
        .find(|c| c.path == path)
        .and_then(|c| c.preview.as_ref())
}

#[test]
fn text_binary_long_and_unknown_files_are_previewed_as_such() {
    let long: Vec<u8> = "line of text\n".repeat(1000).into_bytes();
    let ctx = Context::from_files([
        ("app/hello.txt", b"<script>alert(1)</script>\n".to_vec()),
        ("app/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec()),
        ("app/long.txt", long.clone()),
    ])
    .expect("context");
    let b = simulate(
        "FROM scratch\nCOPY app /app\nRUN --mount=type=cache,target=/x make > /app/built.txt\n",
        &ctx,
    );
    assert_eq!(
        preview_of(&b, "/app/hello.txt"),
        Some(&ContentPreview::Text {
            text: "<script>alert(1)</script>\n".into(),
            truncated: false
        })
    );
    assert_eq!(
        preview_of(&b, "/app/logo.png"),
        Some(&ContentPreview::Binary)
    );
    match preview_of(&b, "/app/long.txt") {
        Some(ContentPreview::Text { text, truncated }) => {
            assert!(*truncated);
            assert_eq!(text.as_bytes(), &long[..PREVIEW_FILE_BYTES]);
        }
        other => panic!("long.txt: {other:?}"),
    }
    // The directory itself has no preview.
    let dir = b.layers[0]
        .changes
        .iter()
        .find(|c| c.path == "/app")
        .expect("/app");
    assert_eq!(dir.preview, None);
    // What the RUN wrote is not known (RUN never executes).
    match preview_of(&b, "/app/built.txt") {
        Some(ContentPreview::Unknown { origin }) => assert!(origin.contains("RUN"), "{origin}"),
        other => panic!("built.txt: {other:?}"),
    }
}

#[test]
fn previews_are_in_the_serialised_model() {
    let ctx = Context::from_files([("motd", b"welcome\n".to_vec())]).expect("context");
    let b = simulate("FROM scratch\nCOPY motd /etc/motd\n", &ctx);
    let json = serde_json::to_value(&b).expect("serialise");
    let change = &json["layers"][0]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["path"] == "/etc/motd")
        .cloned()
        .expect("/etc/motd");
    assert_eq!(
        change["preview"],
        serde_json::json!({"kind": "text", "text": "welcome\n", "truncated": false})
    );
}

#[test]
fn one_build_carries_at_most_the_build_budget() {
    // 100 files of 8 KiB text: 4 KiB each would be 400 KiB, over the 256 KiB budget.
    let files: Vec<(String, Vec<u8>)> = (0..100)
        .map(|i| (format!("f/{i:03}.txt"), vec![b'a' + (i % 26) as u8; 8192]))
        .collect();
    let ctx = Context::from_files(files).expect("context");
    let b = simulate("FROM scratch\nCOPY f /f\n", &ctx);
    let previews: Vec<&ContentPreview> = b.layers[0]
        .changes
        .iter()
        .filter_map(|c| c.preview.as_ref())
        .collect();
    assert_eq!(previews.len(), 100);
    let text: usize = previews
        .iter()
        .map(|p| match p {
            ContentPreview::Text { text, .. } => text.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(text, PREVIEW_BUILD_BYTES);
    assert_eq!(
        previews
            .iter()
            .filter(|p| **p == &ContentPreview::Omitted)
            .count(),
        100 - PREVIEW_BUILD_BYTES / PREVIEW_FILE_BYTES
    );
}
