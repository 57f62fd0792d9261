//! The layered filesystem at build scale: tens of layers over a tree of thousands of files,
//! snapshots per layer, and diffs that only look at what changed.

use std::time::Instant;

use layerlab::context::FileContent;
use layerlab::fs::{ChangeKind, Content, LayerDiff, Meta, Tree};

fn meta(mode: u32) -> Meta {
    Meta::new(mode, 0, 0, 0)
}

/// A base tree like a distro image: 200 directories × 100 files.
fn base_tree() -> Tree {
    let mut t = Tree::new();
    let shared = FileContent::from_vec(vec![b'x'; 4096]);
    for d in 0..200 {
        let dir = format!("/usr/share/pkg{d:03}");
        t.mkdir_p(&dir, meta(0o755)).unwrap();
        for f in 0..100 {
            t.write_file(
                &format!("{dir}/file{f:03}"),
                Content::Known(shared.clone()),
                meta(0o644),
            )
            .unwrap();
        }
    }
    t
}

#[test]
fn forty_layers_over_twenty_thousand_files_stay_cheap() {
    let mut tree = base_tree();
    let started = Instant::now();
    let mut snapshots = Vec::new();
    for layer in 0..40 {
        let lower = tree.begin_layer();
        tree.write_file(
            &format!("/usr/share/pkg{:03}/file000", layer * 5),
            Content::known(format!("v{layer}").into_bytes()),
            meta(0o644),
        )
        .unwrap();
        tree.remove(&format!("/usr/share/pkg{:03}/file001", layer * 5))
            .unwrap();
        let diff = LayerDiff::between(&lower, &tree);
        let kinds: Vec<ChangeKind> = diff.changes().iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            vec![ChangeKind::Modified, ChangeKind::Deleted],
            "layer {layer}"
        );
        snapshots.push(tree.clone());
    }
    // Every snapshot still sees its own state.
    assert!(snapshots[0].get("/usr/share/pkg005/file001").is_some());
    assert!(snapshots[0].get("/usr/share/pkg000/file001").is_none());
    assert!(snapshots[1].get("/usr/share/pkg005/file001").is_none());
    let content_len = |t: &Tree| {
        t.get("/usr/share/pkg195/file000")
            .and_then(|n| n.content())
            .and_then(|c| c.bytes())
            .map(<[u8]>::len)
    };
    assert_eq!(content_len(&snapshots[38]), Some(4096));
    assert_eq!(content_len(&snapshots[39]), Some(3), "\"v39\"");
    assert_eq!(
        snapshots[0].walk().len(),
        200 * 100 + 200 + 2 - 1,
        "usr, usr/share, 200 dirs, 20000 files, minus the one layer 0 removed"
    );
    // Copy-on-write keeps this fast even in a debug build (a full copy per layer would not be).
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn copy_through_a_symlinked_directory_lands_in_the_target() {
    let mut t = Tree::new();
    t.mkdir_p("/usr/lib", meta(0o755)).unwrap();
    t.symlink("/lib", "usr/lib", meta(0o777)).unwrap();
    let lower = t.begin_layer();
    t.mkdir_p("/lib/app", Meta::new(0o755, 1000, 1000, 5))
        .unwrap();
    t.write_file(
        "/lib/app/x.so",
        Content::known(b"elf".to_vec()),
        Meta::new(0o755, 1000, 1000, 5),
    )
    .unwrap();
    let diff = LayerDiff::between(&lower, &t);
    let paths: Vec<&str> = diff.changes().iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, vec!["/usr/lib/app", "/usr/lib/app/x.so"]);
    assert!(t.lookup("/lib/app/x.so").is_ok());
    assert!(t.lookup_nofollow("/lib").is_ok_and(|n| !n.is_dir()));
    assert_eq!(diff.content_size().bytes, 3);
    assert!(diff.is_fully_known());
}

#[test]
fn metadata_only_changes_and_type_changes_are_modifications() {
    let mut t = Tree::new();
    t.mkdir_p("/d", meta(0o755)).unwrap();
    t.write_file("/f", Content::known(b"1".to_vec()), meta(0o644))
        .unwrap();
    t.write_file("/g", Content::known(b"1".to_vec()), meta(0o644))
        .unwrap();
    let lower = t.begin_layer();
    t.chmod("/d", 0o700).unwrap();
    t.chown("/f", 1, 1).unwrap();
    t.remove("/g").unwrap();
    t.mkdir("/g", meta(0o755)).unwrap();
    t.write_file("/g/inner", Content::known(b"2".to_vec()), meta(0o644))
        .unwrap();
    let diff = LayerDiff::between(&lower, &t);
    let got: Vec<(&str, ChangeKind)> = diff
        .changes()
        .iter()
        .map(|c| (c.path.as_str(), c.kind))
        .collect();
    assert_eq!(
        got,
        vec![
            ("/d", ChangeKind::Modified),
            ("/f", ChangeKind::Modified),
            ("/g", ChangeKind::Modified),
            ("/g/inner", ChangeKind::Added),
        ]
    );
}
