//! Where COPY/ADD read from: the build context (after `.dockerignore`) or another stage's
//! filesystem (`COPY --from`). One read-only view over both.

use crate::context::{go_match, Context, ContextError, EntryKind, FileContent};
use crate::fs::{Content, NodeKind, Tree};

/// A source filesystem.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    Context(&'a Context),
    Stage(&'a Tree),
}

/// File bytes from either side.
#[derive(Clone, Debug)]
pub enum SourceContent {
    Context(FileContent),
    Tree(Content),
}

impl SourceContent {
    /// The bytes as the fs module stores them (the context's buffer itself, not a copy).
    pub fn to_content(&self) -> Content {
        match self {
            SourceContent::Context(fc) => Content::Known(fc.clone()),
            SourceContent::Tree(c) => c.clone(),
        }
    }

    pub fn len(&self) -> Option<u64> {
        match self {
            SourceContent::Context(fc) => Some(fc.len() as u64),
            SourceContent::Tree(c) => c.size(),
        }
    }

    /// Bytes when known.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            SourceContent::Context(fc) => Some(fc.bytes()),
            SourceContent::Tree(c) => c.bytes(),
        }
    }
}

/// An entry read from a source.
#[derive(Clone, Debug)]
pub struct SourceItem {
    pub kind: SourceKind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub mtime: i64,
}

#[derive(Clone, Debug)]
pub enum SourceKind {
    File(SourceContent),
    /// Child names, sorted.
    Dir(Vec<String>),
    Symlink(String),
}

impl<'a> Source<'a> {
    /// Whether entries keep their owners (a stage) or become root's (the context).
    pub fn is_context(&self) -> bool {
        matches!(self, Source::Context(_))
    }

    /// Canonical path of `path` (context: relative `a/b`; stage: absolute `/a/b`).
    pub fn resolve(&self, path: &str, follow_last: bool) -> Result<String, String> {
        match self {
            Source::Context(ctx) => ctx.resolve(path, follow_last).map_err(|e| e.to_string()),
            Source::Stage(tree) => tree.resolve(path, follow_last).map_err(|e| e.to_string()),
        }
    }

    /// The entry at a canonical path.
    pub fn get(&self, canonical: &str) -> Option<SourceItem> {
        match self {
            Source::Context(ctx) => {
                let entry = if canonical.is_empty() {
                    Some(ctx.root())
                } else {
                    ctx.get(canonical)
                }?;
                let m = entry.metadata();
                let kind = match entry.kind() {
                    EntryKind::File(fc) => SourceKind::File(SourceContent::Context(fc.clone())),
                    EntryKind::Dir(d) => {
                        SourceKind::Dir(d.iter().map(|(n, _)| n.to_string()).collect())
                    }
                    EntryKind::Symlink { target } => SourceKind::Symlink(target.clone()),
                };
                Some(SourceItem {
                    kind,
                    mode: m.mode,
                    uid: m.uid,
                    gid: m.gid,
                    mtime: m.mtime,
                })
            }
            Source::Stage(tree) => {
                let node = tree.get(canonical)?;
                let kind = match &node.kind {
                    NodeKind::File { content, .. } => {
                        SourceKind::File(SourceContent::Tree(content.clone()))
                    }
                    NodeKind::Dir(children) => SourceKind::Dir(children.keys().cloned().collect()),
                    NodeKind::Symlink(t) => SourceKind::Symlink(t.clone()),
                };
                Some(SourceItem {
                    kind,
                    mode: node.meta.mode,
                    uid: node.meta.uid,
                    gid: node.meta.gid,
                    mtime: node.meta.mtime,
                })
            }
        }
    }

    /// Joins a canonical directory path and a child name.
    pub fn child(&self, dir: &str, name: &str) -> String {
        match self {
            Source::Context(_) if dir.is_empty() => name.to_string(),
            Source::Stage(_) if dir == "/" || dir.is_empty() => format!("/{name}"),
            _ => format!("{dir}/{name}"),
        }
    }

    /// Expands a source with wildcards (BuildKit `ResolveWildcards`); a path without
    /// wildcards comes back as is. `Err` names the missing base directory.
    pub fn wildcards(&self, src: &str) -> Result<Vec<String>, String> {
        match self {
            Source::Context(ctx) => ctx.resolve_wildcards(src, true).map_err(|e| match e {
                ContextError::NotFound { path } => path,
                other => other.to_string(),
            }),
            Source::Stage(tree) => tree_wildcards(tree, src),
        }
    }
}

fn tree_wildcards(tree: &Tree, src: &str) -> Result<Vec<String>, String> {
    let comps: Vec<&str> = src
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    let Some(first) = comps
        .iter()
        .position(|c| crate::context::contains_wildcards(c))
    else {
        return Ok(vec![format!("/{}", comps.join("/"))]);
    };
    let base = format!("/{}", comps[..first].join("/"));
    let pattern = comps[first..].join("/");
    let base = tree.resolve(&base, true).map_err(|e| e.to_string())?;
    let Some(node) = tree.get(&base) else {
        return Err(base);
    };
    let mut out = Vec::new();
    if !node.is_dir() {
        return Ok(out);
    }
    let prefix = if base == "/" {
        String::new()
    } else {
        base.clone()
    };
    let mut stack = vec![(String::new(), node.clone())];
    while let Some((rel, dir)) = stack.pop() {
        let Some(children) = dir.children() else {
            continue;
        };
        let mut deeper = Vec::new();
        for (name, child) in children.iter() {
            let child_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if go_match(&pattern, &child_rel).unwrap_or(false) {
                out.push(format!("{prefix}/{child_rel}"));
            } else if child.is_dir() {
                deeper.push((child_rel, child.clone()));
            }
        }
        stack.extend(deeper.into_iter().rev());
    }
    crate::sort::sort(&mut out);
    Ok(out)
}
