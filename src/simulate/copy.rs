//! COPY and ADD exactly as BuildKit's `dispatchCopy` + fsutil's copier: sources relative to
//! the context (or `/` of a `--from` stage), Go wildcards (an empty match is fine, a missing
//! literal path is an error), a directory's *contents*, destination trailing-slash rules,
//! created parents, `--chown`, `--chmod`, `--parents`, `--exclude`, heredoc sources, local
//! archive extraction for ADD, and URL/Git sources as unknown content.
//!
//! [`plan`] reads the sources and yields the operations plus the content checksum BuildKit's
//! cache key uses; [`execute`] applies the operations to the stage's tree.

use std::sync::Arc;

use sha2::{Digest as _, Sha256};

use super::archive::{unpack, ArchiveEntryKind, Unpacked};
use super::chmod::Chmod;
use super::git_ref::{parse_git_ref, GitParse};
use super::owner::Owner;
use super::paths::{base_name, is_git, is_url, join_abs};
use super::source::{Source, SourceContent, SourceKind};
use crate::context::{contains_wildcards, MatchInfo, PatternMatcher};
use crate::fs::{Content, Meta, Node, Tree};

/// A COPY/ADD after expansion.
#[derive(Clone, Debug)]
pub struct CopySpec {
    pub is_add: bool,
    /// Source paths as written (expanded).
    pub sources: Vec<String>,
    /// Heredoc sources: (file name, content after expansion).
    pub heredocs: Vec<(String, String)>,
    /// Absolute destination; a trailing `/` means "a directory".
    pub dest: String,
    pub chown: Option<Owner>,
    pub chmod: Option<Chmod>,
    pub parents: bool,
    pub excludes: Vec<String>,
    /// `ADD --unpack`; `None` = unpack local archives.
    pub unpack: Option<bool>,
    /// `ADD --checksum` (already validated by [`super::git_ref::check_sources`]).
    pub checksum: Option<String>,
    /// `ADD --keep-git-dir` when given.
    pub keep_git_dir: Option<bool>,
    pub epoch: i64,
}

/// One filesystem operation of a copy.
#[derive(Clone, Debug)]
pub enum CopyOp {
    /// `mkdir -p` of missing parents (0755, the chown owner).
    Parents { path: String, meta: Meta },
    /// Create a directory unless one exists (then it keeps its metadata).
    Dir { path: String, meta: Meta },
    File {
        path: String,
        content: SourceContent,
        meta: Meta,
    },
    Symlink {
        path: String,
        target: String,
        meta: Meta,
    },
    /// A hard link inside an extracted archive.
    Hardlink { path: String, existing: String },
    /// The copy fails here (an archive damaged past its first header), with this error.
    Fail { message: String },
    /// Bytes known only at build time (URL download).
    Unknown {
        path: String,
        meta: Meta,
        origin: String,
        size: Option<u64>,
    },
}

/// The plan of a copy.
#[derive(Clone, Debug, Default)]
pub struct CopyPlan {
    pub ops: Vec<CopyOp>,
    /// (source path, digest hex) of every regular file read, for cache keys and reasons.
    pub inputs: Vec<(String, String)>,
    /// Something the simulation cannot know (URL, Git, compressed archive we cannot open).
    pub unknown: Vec<String>,
    pub notes: Vec<String>,
}

/// Counters of digest work.
#[derive(Clone, Copy, Debug, Default)]
pub struct HashCounter {
    pub computed: u64,
    pub reused: u64,
}

/// Plans a copy from `source` into `tree` (read-only here). Errors are BuildKit's texts.
pub fn plan(
    spec: &CopySpec,
    source: Source<'_>,
    tree: &Tree,
    hashes: &mut HashCounter,
) -> Result<CopyPlan, String> {
    let mut plan = CopyPlan::default();
    let excludes = exclude_matcher(&spec.excludes)?;
    let owner = spec.chown.clone();
    let parent_meta = Meta::new(
        0o755,
        owner.as_ref().map_or(0, |o| o.uid),
        owner.as_ref().map_or(0, |o| o.gid),
        spec.epoch,
    );
    // Expand every source first: the number of items decides whether dest is a directory.
    let mut expanded: Vec<(String, Vec<String>, Option<String>)> = Vec::new();
    let mut total = spec.heredocs.len();
    for src in &spec.sources {
        if is_url(src) || is_git(src) {
            if !spec.is_add {
                return Err(if is_git(src) {
                    "source can't be a git ref for COPY".into()
                } else {
                    "source can't be a URL for COPY".into()
                });
            }
            total += 1;
            expanded.push((src.clone(), Vec::new(), None));
            continue;
        }
        let (pivot, pattern) = if spec.parents {
            match src.split_once("/./") {
                Some((parent, rest)) => (Some(parent.to_string()), format!("{parent}/{rest}")),
                None => (None, src.clone()),
            }
        } else {
            (None, src.clone())
        };
        let trimmed = pattern.trim_start_matches('/');
        let matches = source
            .wildcards(trimmed)
            .map_err(|missing| format!("\"/{}\": not found", missing.trim_start_matches('/')))?;
        if !contains_wildcards(trimmed) {
            let resolved = source.resolve(trimmed, true)?;
            if source.get(&resolved).is_none() {
                return Err(format!(
                    "\"/{}\": not found",
                    crate::context::go_clean(trimmed).trim_start_matches("./")
                ));
            }
        }
        total += matches.len();
        expanded.push((src.clone(), matches, pivot));
    }
    let dest_is_dir = spec.dest.ends_with('/')
        || total > 1
        || tree
            .lookup(spec.dest.trim_end_matches('/'))
            .map(|n| n.is_dir())
            .unwrap_or(false);
    let dest_dir = spec.dest.trim_end_matches('/').to_string();
    let dest_dir = if dest_dir.is_empty() {
        "/".to_string()
    } else {
        dest_dir
    };
    let mode_of = |mode: u32, is_dir: bool| match &spec.chmod {
        Some(c) => c.apply(mode, is_dir),
        None => mode,
    };
    let meta_of = |mode: u32, is_dir: bool, uid: u32, gid: u32, mtime: i64, from_ctx: bool| {
        let (uid, gid) = match &owner {
            Some(o) => (o.uid, o.gid),
            None if from_ctx => (0, 0),
            None => (uid, gid),
        };
        Meta::new(mode_of(mode, is_dir), uid, gid, mtime)
    };
    if dest_dir != "/" {
        plan.ops.push(CopyOp::Parents {
            path: parent_of(&dest_dir),
            meta: parent_meta,
        });
    }
    for (src, matches, pivot) in expanded {
        if is_url(&src) {
            let name = url_file_name(&src);
            let path = if dest_is_dir {
                join_abs(&dest_dir, &name)
            } else {
                dest_dir.clone()
            };
            if dest_is_dir {
                plan.ops.push(CopyOp::Dir {
                    path: dest_dir.clone(),
                    meta: parent_meta,
                });
            }
            plan.ops.push(CopyOp::Unknown {
                path,
                meta: meta_of(0o600, false, 0, 0, spec.epoch, true),
                origin: src.clone(),
                size: None,
            });
            let checksum = spec.checksum.as_deref().filter(|c| !c.is_empty());
            plan.unknown.push(match checksum {
                Some(c) => format!(
                    "{src} is downloaded at build time (content unknown; BuildKit checks it is {c})"
                ),
                None => format!("{src} is downloaded at build time (content unknown)"),
            });
            // With --checksum the content is pinned, and BuildKit's cache key is that digest.
            plan.inputs
                .push((src.clone(), checksum.unwrap_or_default().to_string()));
            continue;
        }
        if is_git(&src) {
            let GitParse::Git(git) = parse_git_ref(&src) else {
                continue;
            };
            let keep = git.keep_git_dir.or(spec.keep_git_dir).unwrap_or(false);
            let checksum = spec.checksum.as_deref().filter(|c| !c.is_empty());
            // The repository (or its subdir) is copied as a directory's contents into dest.
            plan.ops.push(CopyOp::Dir {
                path: dest_dir.clone(),
                meta: parent_meta,
            });
            if keep {
                plan.ops.push(CopyOp::Dir {
                    path: join_abs(&dest_dir, ".git"),
                    meta: parent_meta,
                });
            }
            plan.unknown.push(format!(
                "{} is cloned at build time into {dest_dir} (files unknown)",
                super::git_ref::describe(&git, keep, checksum)
            ));
            let pinned = if git.checksum.is_empty() {
                checksum.unwrap_or_default()
            } else {
                git.checksum.as_str()
            };
            plan.inputs.push((
                format!("{}#{}:{}", git.remote, git.reference, git.subdir),
                format!("keep-git-dir={keep} checksum={pinned}"),
            ));
            continue;
        }
        for m in matches {
            let resolved = source.resolve(&m, true)?;
            let Some(item) = source.get(&resolved) else {
                continue;
            };
            let rel_name = base_name(&m).to_string();
            // --parents: the kept path below the pivot (or the whole path).
            let kept = if spec.parents {
                let full = m.trim_start_matches('/');
                match &pivot {
                    Some(p) => full
                        .strip_prefix(p.trim_start_matches('/'))
                        .unwrap_or(full)
                        .trim_start_matches('/')
                        .to_string(),
                    None => full.to_string(),
                }
            } else {
                String::new()
            };
            if let Some(matcher) = &excludes {
                if !matches!(item.kind, SourceKind::Dir(_))
                    && matcher
                        .matches_or_parent_matches(&rel_name)
                        .unwrap_or(false)
                {
                    continue;
                }
            }
            match &item.kind {
                SourceKind::Dir(_) => {
                    let target = if spec.parents {
                        join_abs(&dest_dir, &kept)
                    } else {
                        dest_dir.clone()
                    };
                    if target != "/" {
                        plan.ops.push(CopyOp::Parents {
                            path: parent_of(&target),
                            meta: parent_meta,
                        });
                        // The destination directory itself is not chmod-ed (only what is
                        // copied into it), as the oracle shows for `COPY --chmod=750 sub /cd/`.
                        let own = meta_of(
                            item.mode,
                            true,
                            item.uid,
                            item.gid,
                            item.mtime,
                            source.is_context(),
                        );
                        plan.ops.push(CopyOp::Dir {
                            path: target.clone(),
                            meta: Meta::new(item.mode, own.uid, own.gid, own.mtime),
                        });
                    }
                    let mut walk = DirWalk {
                        source,
                        excludes: excludes.as_ref(),
                        plan: &mut plan,
                        hashes,
                        meta_of: &meta_of,
                        pending: Vec::new(),
                    };
                    walk.copy_dir(&resolved, &target, "", &MatchInfo::default());
                }
                _ => {
                    let target = if spec.parents {
                        join_abs(&dest_dir, &kept)
                    } else if dest_is_dir {
                        join_abs(&dest_dir, &rel_name)
                    } else {
                        dest_dir.clone()
                    };
                    if spec.parents || dest_is_dir {
                        plan.ops.push(CopyOp::Parents {
                            path: parent_of(&target),
                            meta: parent_meta,
                        });
                    }
                    if let SourceKind::File(content) = &item.kind {
                        record_input(&mut plan, &m, content, hashes);
                        let unpack_it = spec.is_add && spec.unpack != Some(false);
                        if unpack_it {
                            if let Some(bytes) = content.bytes() {
                                match unpack(bytes) {
                                    Unpacked::NotArchive => {}
                                    Unpacked::Entries(entries) => {
                                        let into = if dest_is_dir {
                                            dest_dir.clone()
                                        } else {
                                            target.clone()
                                        };
                                        plan_archive(&mut plan, &into, entries, spec, parent_meta);
                                        continue;
                                    }
                                    Unpacked::Opaque(why) => {
                                        plan.ops.push(CopyOp::Dir {
                                            path: if dest_is_dir {
                                                dest_dir.clone()
                                            } else {
                                                target.clone()
                                            },
                                            meta: parent_meta,
                                        });
                                        plan.unknown.push(format!(
                                            "{m} is a {why}: BuildKit extracts it, layerlab \
                                             does not hold its entries"
                                        ));
                                        continue;
                                    }
                                    Unpacked::Failed(why) => {
                                        plan.ops.push(CopyOp::Fail {
                                            message: format!("failed to unpack {m}: {why}"),
                                        });
                                        continue;
                                    }
                                }
                            }
                        }
                    }
                    push_item(
                        &mut plan,
                        &target,
                        &item.kind,
                        meta_of(
                            item.mode,
                            false,
                            item.uid,
                            item.gid,
                            item.mtime,
                            source.is_context(),
                        ),
                    );
                }
            }
        }
    }
    for (name, data) in &spec.heredocs {
        let target = if dest_is_dir {
            join_abs(&dest_dir, name)
        } else {
            dest_dir.clone()
        };
        if dest_is_dir {
            plan.ops.push(CopyOp::Parents {
                path: dest_dir.clone(),
                meta: parent_meta,
            });
        }
        let content = SourceContent::Tree(Content::known(data.clone().into_bytes()));
        plan.inputs
            .push((format!("<<{name}"), hex(&Sha256::digest(data.as_bytes()))));
        plan.ops.push(CopyOp::File {
            path: target,
            content,
            meta: meta_of(0o644, false, 0, 0, spec.epoch, true),
        });
    }
    Ok(plan)
}

/// The walk below a copied directory, with fsutil's copier semantics for `--exclude`: each
/// entry's path relative to the copied directory is matched with patternmatcher's
/// `MatchesUsingParentResults`; an excluded file is skipped, an excluded directory is not
/// created but still walked (a later `!pattern` may re-include something inside it), and
/// it is created, with its own metadata, only when something below it is copied.
struct DirWalk<'w, 'p> {
    source: Source<'w>,
    excludes: Option<&'w PatternMatcher>,
    plan: &'p mut CopyPlan,
    hashes: &'p mut HashCounter,
    meta_of: &'w dyn Fn(u32, bool, u32, u32, i64, bool) -> Meta,
    /// The directories entered so far: `Some` while an excluded one is not created yet.
    pending: Vec<Option<CopyOp>>,
}

impl DirWalk<'_, '_> {
    /// Creates the excluded ancestors that were held back, outermost first.
    fn flush_pending(&mut self) {
        for slot in self.pending.iter_mut() {
            if let Some(op) = slot.take() {
                self.plan.ops.push(op);
            }
        }
    }

    fn copy_dir(&mut self, src_dir: &str, dst_dir: &str, rel: &str, parent: &MatchInfo) {
        let Some(item) = self.source.get(src_dir) else {
            return;
        };
        let SourceKind::Dir(children) = item.kind else {
            return;
        };
        for name in children {
            let child_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let (excluded, info) = match self.excludes {
                Some(matcher) => matcher
                    .matches_using_parent_results(&child_rel, parent)
                    .unwrap_or((false, MatchInfo::default())),
                None => (false, MatchInfo::default()),
            };
            let child_src = self.source.child(src_dir, &name);
            let Some(child) = self.source.get(&child_src) else {
                continue;
            };
            let target = join_abs(dst_dir, &name);
            let meta = (self.meta_of)(
                child.mode,
                matches!(child.kind, SourceKind::Dir(_)),
                child.uid,
                child.gid,
                child.mtime,
                self.source.is_context(),
            );
            match &child.kind {
                SourceKind::Dir(_) => {
                    let op = CopyOp::Dir {
                        path: target.clone(),
                        meta,
                    };
                    if excluded {
                        // Nothing inside can come back without a `!` pattern.
                        if !self.excludes.is_some_and(PatternMatcher::exclusions) {
                            continue;
                        }
                        self.pending.push(Some(op));
                    } else {
                        self.flush_pending();
                        self.plan.ops.push(op);
                        self.pending.push(None);
                    }
                    self.copy_dir(&child_src, &target, &child_rel, &info);
                    self.pending.pop();
                }
                SourceKind::File(content) if !excluded => {
                    self.flush_pending();
                    record_input(self.plan, &child_src, content, self.hashes);
                    push_item(self.plan, &target, &child.kind, meta);
                }
                SourceKind::Symlink(t) if !excluded => {
                    self.flush_pending();
                    self.plan.inputs.push((child_src.clone(), format!("->{t}")));
                    push_item(self.plan, &target, &child.kind, meta);
                }
                _ => {}
            }
        }
    }
}

/// The matcher of `--exclude` patterns (fsutil's `newCopier`), `None` without any.
fn exclude_matcher(patterns: &[String]) -> Result<Option<PatternMatcher>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    PatternMatcher::new(patterns)
        .map(Some)
        .map_err(|e| format!("invalid excludepatterns: [{}]: {e}", patterns.join(" ")))
}

fn push_item(plan: &mut CopyPlan, target: &str, kind: &SourceKind, meta: Meta) {
    match kind {
        SourceKind::File(content) => plan.ops.push(CopyOp::File {
            path: target.to_string(),
            content: content.clone(),
            meta,
        }),
        SourceKind::Symlink(t) => plan.ops.push(CopyOp::Symlink {
            path: target.to_string(),
            target: t.clone(),
            meta: Meta::new(0o777, meta.uid, meta.gid, meta.mtime),
        }),
        SourceKind::Dir(_) => plan.ops.push(CopyOp::Dir {
            path: target.to_string(),
            meta,
        }),
    }
}

fn plan_archive(
    plan: &mut CopyPlan,
    into: &str,
    entries: Vec<super::archive::ArchiveEntry>,
    spec: &CopySpec,
    parent_meta: Meta,
) {
    plan.ops.push(CopyOp::Parents {
        path: into.to_string(),
        meta: parent_meta,
    });
    for e in entries {
        let path = join_abs(into, &e.path);
        let (uid, gid) = match &spec.chown {
            Some(o) => (o.uid, o.gid),
            None => (e.uid, e.gid),
        };
        let meta = Meta::new(e.mode, uid, gid, e.mtime);
        plan.ops.push(CopyOp::Parents {
            path: parent_of(&path),
            meta: parent_meta,
        });
        match e.kind {
            ArchiveEntryKind::Dir => plan.ops.push(CopyOp::Dir { path, meta }),
            ArchiveEntryKind::File(bytes) => plan.ops.push(CopyOp::File {
                path,
                content: SourceContent::Tree(Content::known(bytes)),
                meta,
            }),
            ArchiveEntryKind::Symlink(target) => plan.ops.push(CopyOp::Symlink {
                path,
                target,
                meta: Meta::new(0o777, uid, gid, e.mtime),
            }),
            ArchiveEntryKind::Hardlink(existing) => plan.ops.push(CopyOp::Hardlink {
                path,
                existing: join_abs(into, &existing),
            }),
        }
    }
}

fn record_input(
    plan: &mut CopyPlan,
    path: &str,
    content: &SourceContent,
    hashes: &mut HashCounter,
) {
    let digest = match content {
        // A file of the context or of another stage's tree: both hold a `FileContent`, whose
        // digest is computed once and cached with the bytes.
        SourceContent::Context(fc) | SourceContent::Tree(Content::Known(fc)) => {
            if fc.is_digest_cached() {
                hashes.reused += 1;
            } else {
                hashes.computed += 1;
            }
            fc.digest().hex()
        }
        SourceContent::Tree(Content::Unknown { origin, .. }) => format!("unknown:{origin}"),
    };
    plan.inputs.push((path.to_string(), digest));
}

fn url_file_name(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
    let path = after_scheme
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .split_once('/')
        .map_or("", |(_, p)| p);
    let name = base_name(path);
    if name.is_empty() || name == "." {
        "__unnamed__".to_string()
    } else {
        name.to_string()
    }
}

fn parent_of(path: &str) -> String {
    match path.trim_end_matches('/').rsplit_once('/') {
        Some(("", _)) | None => "/".to_string(),
        Some((p, _)) => p.to_string(),
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The plan of a copy from a stage whose files are not all known (its RUN output, say):
/// each source becomes one entry of unknown content at its destination.
pub fn unknown_plan(spec: &CopySpec, origin: &str) -> CopyPlan {
    let mut plan = CopyPlan::default();
    let dest_is_dir = spec.dest.ends_with('/') || spec.sources.len() > 1;
    let dest = spec.dest.trim_end_matches('/');
    let (uid, gid) = spec.chown.as_ref().map_or((0, 0), |o| (o.uid, o.gid));
    for src in &spec.sources {
        let path = if dest_is_dir {
            join_abs(dest, base_name(src))
        } else {
            dest.to_string()
        };
        plan.ops.push(CopyOp::Parents {
            path: parent_of(&path),
            meta: Meta::new(0o755, uid, gid, spec.epoch),
        });
        plan.ops.push(CopyOp::Unknown {
            path,
            meta: Meta::new(0o755, uid, gid, spec.epoch),
            origin: format!("{src} from {origin}"),
            size: None,
        });
        plan.unknown.push(format!(
            "{src} comes from {origin}, whose files layerlab does not know (produced by RUN or a base image)"
        ));
        plan.inputs.push((format!("{origin}:{src}"), String::new()));
    }
    plan
}

/// Applies a plan to `tree`. Returns the effects (one line per top-level action) or the
/// first error (BuildKit stops the build there).
pub fn execute(plan: &CopyPlan, tree: &mut Tree) -> Result<(), String> {
    for op in &plan.ops {
        match op {
            CopyOp::Parents { path, meta } => {
                if path != "/" {
                    tree.mkdir_p(path, *meta).map_err(|e| e.to_string())?;
                }
            }
            CopyOp::Dir { path, meta } => match tree.lookup(path) {
                Ok(n) if n.is_dir() => {}
                Ok(_) => {
                    return Err(format!("cannot copy to non-directory: {path}"));
                }
                Err(_) => {
                    let parent = parent_of(path);
                    if parent != "/" {
                        tree.mkdir_p(&parent, Meta::new(0o755, meta.uid, meta.gid, meta.mtime))
                            .map_err(|e| e.to_string())?;
                    }
                    tree.insert(path, Node::dir(*meta))
                        .map_err(|e| e.to_string())?;
                }
            },
            CopyOp::File {
                path,
                content,
                meta,
            } => {
                if tree.lookup_nofollow(path).is_ok_and(|n| n.is_dir()) {
                    return Err(format!("cannot replace directory {path} with a file"));
                }
                tree.insert(path, Node::file(*meta, content.to_content()))
                    .map_err(|e| e.to_string())?;
            }
            CopyOp::Symlink { path, target, meta } => {
                if tree.lookup_nofollow(path).is_ok_and(|n| n.is_dir()) {
                    return Err(format!("cannot replace directory {path} with a symlink"));
                }
                tree.insert(path, Node::symlink(*meta, target.clone()))
                    .map_err(|e| e.to_string())?;
            }
            CopyOp::Fail { message } => return Err(message.clone()),
            CopyOp::Hardlink { path, existing } => {
                let _ = tree.remove(path);
                tree.hardlink(existing, path).map_err(|e| e.to_string())?;
            }
            CopyOp::Unknown {
                path,
                meta,
                origin,
                size,
            } => {
                tree.insert(
                    path,
                    Node::file(
                        *meta,
                        Content::Unknown {
                            estimated_size: *size,
                            origin: Arc::from(origin.as_str()),
                        },
                    ),
                )
                .map_err(|e| e.to_string())?;
            }
        }
    }
    Ok(())
}

/// A one-line summary of a plan for the step's effects.
pub fn summarize(plan: &CopyPlan, dest: &str) -> Vec<String> {
    let files = plan
        .ops
        .iter()
        .filter(|o| matches!(o, CopyOp::File { .. } | CopyOp::Unknown { .. }))
        .count();
    let bytes: u64 = plan
        .ops
        .iter()
        .filter_map(|o| match o {
            CopyOp::File { content, .. } => content.len(),
            _ => None,
        })
        .sum();
    let mut out = vec![format!("{files} file(s), {bytes} bytes into {dest}")];
    out.extend(plan.unknown.iter().cloned());
    out.extend(plan.notes.iter().cloned());
    out
}
