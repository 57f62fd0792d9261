//! layerlab's layer tars against a real builder: the same contexts built with buildah 1.28
//! (`../shared/tools/oracle-build`, every timestamp = ORACLE_TS) and with `fs` + `image::tar`
//! must give the same diff_ids, byte for byte.
//!
//! Differences between buildah and BuildKit that these contexts avoid (see oracles.md):
//! buildah's `COPY` drops setuid/setgid bits (a `4755` file arrives `0755`; BuildKit keeps
//! them), so no context here has them; `FROM scratch` gets a default PATH in buildah's config,
//! and its history strings differ, so only diff_ids are compared, not configs; buildah sorts
//! a layer on full paths (`a/`, `a-b`, `a/z`) while BuildKit walks depth-first (`a/`, `a/z`,
//! `a-b`), so no context here has a name that sorts before `/` next to a directory.

mod common;
mod image_support;

use std::path::Path;

use image_support::{copy_host, list_tar, oracle_build, scratch_dir};
use layerlab::fs::{LayerDiff, Tree};
use layerlab::image::{Layer, TarOptions};

/// Removes the oracle's work folder (layout and buildah store) when the comparison ends.
struct Cleanup(Option<std::path::PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(dir) = &self.0 {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// One COPY instruction of a test context.
struct Copy<'a> {
    src: &'a str,
    dest: &'a str,
    chown: Option<(u32, u32)>,
}

/// Writes `Dockerfile` (FROM scratch + the COPYs), builds it both ways, compares per layer.
fn compare_with_buildah(test: &str, ctx: &Path, copies: &[Copy], ts: i64) {
    let mut dockerfile = String::from("FROM scratch\n");
    for c in copies {
        match c.chown {
            Some((u, g)) => {
                dockerfile.push_str(&format!("COPY --chown={u}:{g} {} {}\n", c.src, c.dest))
            }
            None => dockerfile.push_str(&format!("COPY {} {}\n", c.src, c.dest)),
        }
    }
    std::fs::write(ctx.join("Dockerfile"), dockerfile).expect("write Dockerfile");
    let Some((layout, oracle_ids)) = oracle_build(test, ctx, ts) else {
        return;
    };
    let _cleanup = Cleanup(layout.parent().map(Path::to_path_buf));

    let mut tree = Tree::new();
    let opts = TarOptions::fixed(ts);
    assert_eq!(
        oracle_ids.len(),
        copies.len(),
        "buildah made one layer per COPY"
    );
    for (i, c) in copies.iter().enumerate() {
        let lower = tree.begin_layer();
        let (uid, gid) = c.chown.unwrap_or((0, 0));
        copy_host(&mut tree, &ctx.join(c.src), c.dest, uid, gid, ts);
        let layer = Layer::from_diff(&LayerDiff::between(&lower, &tree), &opts).expect("layer");
        let ours = layer.diff_id().expect("known layer");
        if *ours != oracle_ids[i] {
            let theirs = std::fs::read(layout.join("blobs/sha256").join(oracle_ids[i].hex()))
                .expect("oracle blob");
            let mine = layer.tar().expect("tar bytes");
            panic!(
                "{test}: layer {} (COPY {} {}) differs from buildah\n ours:\n  {}\n buildah:\n  {}",
                i + 1,
                c.src,
                c.dest,
                list_tar(&mine).join("\n  "),
                list_tar(&theirs).join("\n  ")
            );
        }
    }
}

fn write(path: &Path, bytes: &[u8], mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).expect("mkdir");
    }
    std::fs::write(path, bytes).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn copy_of_files_dirs_symlinks_and_modes_matches_buildah() {
    let ctx = scratch_dir("oracle-basic");
    write(&ctx.join("a.txt"), b"hello\n", 0o644);
    write(&ctx.join("dir/run.sh"), b"#!/bin/sh\necho hi\n", 0o755);
    write(&ctx.join("dir/sub/deep.txt"), b"x\n", 0o600);
    // Not `a-b`: buildah lists `a/`, `a-b`, `a/z` (a sort on the full path) where BuildKit
    // writes the `a/` subtree before `a-b` (layer-tar-format.md §8, what layerlab follows).
    write(
        &ctx.join("dir/ab"),
        b"after the a/ subtree in both orders\n",
        0o644,
    );
    write(&ctx.join("dir/a/z"), b"z\n", 0o444);
    std::os::unix::fs::symlink("../a.txt", ctx.join("dir/link")).expect("symlink");
    std::os::unix::fs::symlink("/etc/passwd", ctx.join("dir/abs")).expect("symlink");
    let copies = [
        Copy {
            src: "a.txt",
            dest: "/a.txt",
            chown: None,
        },
        Copy {
            src: "dir",
            dest: "/opt/dir/",
            chown: None,
        },
        Copy {
            src: "a.txt",
            dest: "/home/u/b.txt",
            chown: Some((1000, 1000)),
        },
        // Into a directory that exists below: parents are emitted again with their metadata.
        Copy {
            src: "dir/sub",
            dest: "/opt/dir/sub2",
            chown: Some((5, 6)),
        },
    ];
    compare_with_buildah("oracle-basic", &ctx, &copies, 0);
    compare_with_buildah("oracle-basic-ts", &ctx, &copies, 1_700_000_000);
    let _ = std::fs::remove_dir_all(&ctx);
}

#[test]
fn long_and_non_ascii_names_and_hard_links_match_buildah() {
    let ctx = scratch_dir("oracle-names");
    let d = "d".repeat(70);
    // 2 + 71 + 71 + 91 bytes: split into ustar prefix/name.
    write(
        &ctx.join(format!("src/{d}/{d}/{}", "f".repeat(90))),
        b"long\n",
        0o644,
    );
    // A name component of 120 bytes cannot be split: a PAX `path` record.
    write(
        &ctx.join(format!("src/{}", "n".repeat(120))),
        b"pax\n",
        0o644,
    );
    // Non-ASCII: PAX with an ASCII-stripped fallback name.
    write(&ctx.join("src/héllo.txt"), "ü\n".as_bytes(), 0o644);
    // A long symlink target: PAX `linkpath`.
    std::os::unix::fs::symlink("t".repeat(150), ctx.join("src/longlink")).expect("symlink");
    write(&ctx.join("src/h1"), b"h\n", 0o755);
    std::fs::hard_link(ctx.join("src/h1"), ctx.join("src/h2")).expect("hard link");
    let copies = [
        Copy {
            src: "src/",
            dest: "/s/",
            chown: None,
        },
        // Ids over 0o7777777 do not fit a ustar field: PAX `uid`/`gid` records, 0 in the header.
        Copy {
            src: "src/h1",
            dest: "/big/ids",
            chown: Some((3_000_000, 3_000_001)),
        },
    ];
    compare_with_buildah("oracle-names", &ctx, &copies, 0);
    let _ = std::fs::remove_dir_all(&ctx);
}
