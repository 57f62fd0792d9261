//! Helpers for the image tests: load a build context from disk into a `Tree` (the way a COPY
//! lays it out), find external tools, run the buildah oracle.
#![allow(dead_code)]

use std::collections::HashMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use layerlab::fs::{Content, Meta, Tree};
use layerlab::image::Digest;

/// True when every tool is on PATH. Otherwise skip loudly, or fail under `CI=true`.
pub fn tools_available(test: &str, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| {
            !Command::new("sh")
                .arg("-c")
                .arg(format!("command -v {t}"))
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "{test}: tools not installed: {} (apt-get install -y buildah skopeo jq umoci oci-image-tool)",
        missing.join(", ")
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("SKIPPED: {msg}");
    false
}

/// A fresh scratch directory for one test.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("layerlab-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// Runs a command, panicking with its output when it fails.
pub fn run(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

/// Copies the host path `src` into `tree` at `dest` like `COPY [--chown=uid:gid] src dest`:
/// a file lands at `dest`, a directory's contents land inside `dest`. Missing parents of
/// `dest` are created 0755 with the chown owner; entries keep their host mode; every entry
/// gets `mtime`; hard links inside the copied tree stay hard links.
pub fn copy_host(tree: &mut Tree, src: &Path, dest: &str, uid: u32, gid: u32, mtime: i64) {
    let md = std::fs::symlink_metadata(src).expect("stat source");
    let parent = dest
        .trim_end_matches('/')
        .rsplit_once('/')
        .map_or("/", |(p, _)| if p.is_empty() { "/" } else { p });
    tree.mkdir_p(parent, Meta::new(0o755, uid, gid, mtime))
        .expect("mkdir parents");
    let mut inodes = HashMap::new();
    if md.is_dir() {
        tree.mkdir_p(dest, Meta::new(md.permissions().mode(), uid, gid, mtime))
            .expect("mkdir dest");
        copy_children(
            tree,
            src,
            dest.trim_end_matches('/'),
            uid,
            gid,
            mtime,
            &mut inodes,
        );
    } else {
        copy_entry(tree, src, dest, uid, gid, mtime, &mut inodes);
    }
}

fn copy_children(
    tree: &mut Tree,
    src: &Path,
    dest: &str,
    uid: u32,
    gid: u32,
    mtime: i64,
    inodes: &mut HashMap<u64, String>,
) {
    let mut names: Vec<_> = std::fs::read_dir(src)
        .expect("read dir")
        .map(|e| e.expect("dir entry").file_name())
        .collect();
    names.sort();
    for name in names {
        let target = format!("{dest}/{}", name.to_str().expect("utf-8 name"));
        copy_entry(tree, &src.join(&name), &target, uid, gid, mtime, inodes);
    }
}

fn copy_entry(
    tree: &mut Tree,
    src: &Path,
    dest: &str,
    uid: u32,
    gid: u32,
    mtime: i64,
    inodes: &mut HashMap<u64, String>,
) {
    let md = std::fs::symlink_metadata(src).expect("stat");
    let meta = Meta::new(md.permissions().mode(), uid, gid, mtime);
    if md.file_type().is_symlink() {
        let target = std::fs::read_link(src).expect("readlink");
        tree.symlink(dest, target.to_str().expect("utf-8 target"), meta)
            .expect("symlink");
    } else if md.is_dir() {
        tree.mkdir_p(dest, meta).expect("mkdir");
        copy_children(tree, src, dest, uid, gid, mtime, inodes);
    } else if md.nlink() > 1 && inodes.contains_key(&md.ino()) {
        tree.hardlink(&inodes[&md.ino()], dest).expect("hardlink");
    } else {
        let bytes = std::fs::read(src).expect("read file");
        tree.write_file(dest, Content::known(bytes), meta)
            .expect("write");
        inodes.insert(md.ino(), dest.to_string());
    }
}

/// Builds `context` with buildah through `oracle-build` (every timestamp `ts`) and returns
/// the layout directory and its `rootfs.diff_ids`. `None` when the tools or the shared
/// folder are missing (skipped outside CI).
pub fn oracle_build(test: &str, context: &Path, ts: i64) -> Option<(PathBuf, Vec<Digest>)> {
    let tool = super::common::shared("tools/oracle-build")?;
    if !tools_available(test, &["buildah", "skopeo", "jq"]) {
        return None;
    }
    let work = scratch_dir(&format!("{test}-oracle"));
    let out = work.join("layout");
    run(Command::new(&tool)
        .arg(context)
        .arg(&out)
        .env("ORACLE_TS", ts.to_string())
        .env("ORACLE_STORE", work.join("storage"))
        .env("ORACLE_RUNROOT", work.join("run")));
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("index.json")).expect("index"))
            .expect("json");
    let blob = |d: &str| {
        out.join("blobs/sha256")
            .join(d.trim_start_matches("sha256:"))
    };
    let mdigest = index["manifests"][0]["digest"]
        .as_str()
        .expect("manifest digest")
        .to_string();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(blob(&mdigest)).expect("manifest")).expect("json");
    let cdigest = manifest["config"]["digest"]
        .as_str()
        .expect("config digest")
        .to_string();
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(blob(&cdigest)).expect("config")).expect("json");
    let ids = config["rootfs"]["diff_ids"]
        .as_array()
        .expect("diff_ids")
        .iter()
        .map(|d| Digest::parse(d.as_str().expect("string")).expect("digest"))
        .collect();
    Some((out, ids))
}

/// `tardump`-like listing of a tar's headers, for readable assertion failures.
pub fn list_tar(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut archive = tar::Archive::new(bytes);
    for entry in archive.entries().expect("tar entries") {
        let e = entry.expect("tar entry");
        let h = e.header();
        out.push(format!(
            "{:?} {} mode={:o} {}:{} size={} mtime={} link={:?}",
            h.entry_type(),
            String::from_utf8_lossy(&e.path_bytes()),
            h.mode().unwrap_or(0),
            h.uid().unwrap_or(0),
            h.gid().unwrap_or(0),
            h.size().unwrap_or(0),
            h.mtime().unwrap_or(0),
            e.link_name_bytes()
                .map(|l| String::from_utf8_lossy(&l).into_owned())
        ));
    }
    out
}
