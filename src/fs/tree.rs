//! [`Tree`]: the persistent filesystem a build mutates, with the path operations of a
//! simulator (`mkdir -p`, write, symlink, hard link, remove, rename, chmod, chown) and
//! symlink resolution scoped to the tree (an absolute target or `..` never leaves the root).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use super::error::FsError;
use super::node::{Content, Meta, Node, NodeKind};
use super::path::{join_components, MAX_SYMLINKS};

/// A filesystem tree. `clone()` is O(1) and yields an independent snapshot: the structure is
/// shared and copied lazily, one directory level per mutated path component.
///
/// The tree also remembers which paths were removed since the last [`Tree::begin_layer`]; a
/// directory that is removed and created again within one layer becomes an opaque directory in
/// the layer diff (`<dir>/.wh..wh..opq`), as on overlayfs.
#[derive(Clone, Debug)]
pub struct Tree {
    root: Node,
    removed: BTreeSet<String>,
    next_link_group: u64,
}

impl Default for Tree {
    fn default() -> Self {
        Tree::new()
    }
}

impl Tree {
    /// An empty tree: `/` is a directory `0755` owned by `0:0` with mtime 0 (the root of a
    /// `FROM scratch` image; no tar entry is ever written for it).
    pub fn new() -> Tree {
        Tree::with_root(Meta::new(0o755, 0, 0, 0))
    }

    /// An empty tree whose root directory has `meta`.
    pub fn with_root(meta: Meta) -> Tree {
        Tree {
            root: Node::dir(meta),
            removed: BTreeSet::new(),
            next_link_group: 1,
        }
    }

    /// The root directory node.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// Starts a new layer: returns the snapshot of the tree as it is now (the lower tree for
    /// [`crate::fs::LayerDiff::between`]) and forgets the removals recorded for the previous layer.
    pub fn begin_layer(&mut self) -> Tree {
        self.removed.clear();
        self.clone()
    }

    /// Absolute paths removed (or replaced) since the last [`Tree::begin_layer`].
    pub fn removed_in_layer(&self) -> &BTreeSet<String> {
        &self.removed
    }

    /// The node at the lexical path `path`, following no symlink at all.
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.node_at(&super::path::components(path))
    }

    fn node_at(&self, comps: &[String]) -> Option<&Node> {
        let mut node = &self.root;
        for c in comps {
            node = node.children()?.get(c)?;
        }
        Some(node)
    }

    /// Resolves `path` to the components of its real location inside the tree, following
    /// symlinks in every component, and in the last one only if `follow_last`. Absolute
    /// targets restart at the tree's root and `..` stops at the root, so the result never
    /// escapes the tree. Missing components are kept lexically (the result may not exist).
    pub fn resolve_components(
        &self,
        path: &str,
        follow_last: bool,
    ) -> Result<Vec<String>, FsError> {
        let mut pending: VecDeque<String> = path
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .map(str::to_string)
            .collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut links = 0usize;
        while let Some(c) = pending.pop_front() {
            if c == ".." {
                resolved.pop();
                continue;
            }
            resolved.push(c);
            let is_last = pending.is_empty();
            if let Some(Node {
                kind: NodeKind::Symlink(target),
                ..
            }) = self.node_at(&resolved)
            {
                if !is_last || follow_last {
                    links += 1;
                    if links > MAX_SYMLINKS {
                        return Err(FsError::SymlinkLoop(super::path::clean(path)));
                    }
                    resolved.pop();
                    if target.starts_with('/') {
                        resolved.clear();
                    }
                    for t in target
                        .split('/')
                        .rev()
                        .filter(|c| !c.is_empty() && *c != ".")
                    {
                        pending.push_front(t.to_string());
                    }
                }
            }
        }
        Ok(resolved)
    }

    /// [`Tree::resolve_components`] as an absolute path string.
    pub fn resolve(&self, path: &str, follow_last: bool) -> Result<String, FsError> {
        Ok(join_components(
            &self.resolve_components(path, follow_last)?,
        ))
    }

    /// The node `path` designates, following every symlink (like `stat`).
    pub fn lookup(&self, path: &str) -> Result<&Node, FsError> {
        let comps = self.resolve_components(path, true)?;
        self.existing(&comps)
    }

    /// The node `path` designates, not following a symlink in the last component (like `lstat`).
    pub fn lookup_nofollow(&self, path: &str) -> Result<&Node, FsError> {
        let comps = self.resolve_components(path, false)?;
        self.existing(&comps)
    }

    fn existing(&self, comps: &[String]) -> Result<&Node, FsError> {
        let mut node = &self.root;
        for (i, c) in comps.iter().enumerate() {
            let children = node
                .children()
                .ok_or_else(|| FsError::NotADirectory(join_components(&comps[..i])))?;
            node = children
                .get(c)
                .ok_or_else(|| FsError::NotFound(join_components(&comps[..=i])))?;
        }
        Ok(node)
    }

    /// The children map of the directory at the real path `comps`, unshared for mutation.
    fn dir_mut(&mut self, comps: &[String]) -> Result<&mut BTreeMap<String, Node>, FsError> {
        let mut node = &mut self.root;
        for (i, c) in comps.iter().enumerate() {
            let map = match &mut node.kind {
                NodeKind::Dir(m) => Arc::make_mut(m),
                _ => return Err(FsError::NotADirectory(join_components(&comps[..i]))),
            };
            node = map
                .get_mut(c)
                .ok_or_else(|| FsError::NotFound(join_components(&comps[..=i])))?;
        }
        match &mut node.kind {
            NodeKind::Dir(m) => Ok(Arc::make_mut(m)),
            _ => Err(FsError::NotADirectory(join_components(comps))),
        }
    }

    fn node_mut(&mut self, comps: &[String]) -> Result<&mut Node, FsError> {
        match comps.split_last() {
            None => Ok(&mut self.root),
            Some((name, parent)) => self
                .dir_mut(parent)?
                .get_mut(name)
                .ok_or_else(|| FsError::NotFound(join_components(comps))),
        }
    }

    /// `mkdir -p`: creates every missing directory of `path` with `meta`; existing directories
    /// (and symlinks to directories) are left as they are.
    pub fn mkdir_p(&mut self, path: &str, meta: Meta) -> Result<(), FsError> {
        let comps = self.resolve_components(path, true)?;
        for i in 0..comps.len() {
            let dir = self.dir_mut(&comps[..i])?;
            match dir.get(&comps[i]) {
                None => {
                    dir.insert(comps[i].clone(), Node::dir(meta));
                }
                Some(n) if n.is_dir() => {}
                Some(_) => return Err(FsError::NotADirectory(join_components(&comps[..=i]))),
            }
        }
        Ok(())
    }

    /// `mkdir`: creates one directory; its parent must exist; fails if `path` exists.
    pub fn mkdir(&mut self, path: &str, meta: Meta) -> Result<(), FsError> {
        let comps = self.resolve_components(path, false)?;
        if self.node_at(&comps).is_some() {
            return Err(FsError::AlreadyExists(join_components(&comps)));
        }
        self.insert_at(&comps, Node::dir(meta)).map(|_| ())
    }

    /// Writes a regular file. The parent directory must exist (symlinks in it are followed);
    /// an existing file or symlink at `path` is replaced (the symlink itself, not its target:
    /// resolve first with [`Tree::resolve`] to write through it); a directory is an error.
    pub fn write_file(&mut self, path: &str, content: Content, meta: Meta) -> Result<(), FsError> {
        let comps = self.resolve_components(path, false)?;
        if let Some(n) = self.node_at(&comps) {
            if n.is_dir() {
                return Err(FsError::IsADirectory(join_components(&comps)));
            }
        }
        self.insert_at(&comps, Node::file(meta, content))
            .map(|_| ())
    }

    /// Writes many regular files into one directory: the same as [`Tree::write_file`] of
    /// `dir/name` for each, with `dir` resolved once. Names that are not a single path
    /// component, and names where a directory stands, are not written. Returns the names
    /// written, in order.
    pub fn write_files_in(
        &mut self,
        dir: &str,
        files: impl IntoIterator<Item = (String, Content, Meta)>,
    ) -> Result<Vec<String>, FsError> {
        let comps = self.resolve_components(dir, true)?;
        let children = self.dir_mut(&comps)?;
        let mut written = Vec::new();
        for (name, content, meta) in files {
            if matches!(name.as_str(), "" | "." | "..") || name.contains(['/', '\0']) {
                continue;
            }
            if children.get(&name).is_some_and(Node::is_dir) {
                continue;
            }
            children.insert(name.clone(), Node::file(meta, content));
            written.push(name);
        }
        Ok(written)
    }

    /// `ln -s target path`: fails if `path` exists.
    pub fn symlink(&mut self, path: &str, target: &str, meta: Meta) -> Result<(), FsError> {
        let comps = self.resolve_components(path, false)?;
        if self.node_at(&comps).is_some() {
            return Err(FsError::AlreadyExists(join_components(&comps)));
        }
        self.insert_at(&comps, Node::symlink(meta, target))
            .map(|_| ())
    }

    /// `ln existing new`: a hard link to a regular file (a symlink is linked as itself). Both
    /// entries then share a link group and the same bytes; fails if `new` exists.
    pub fn hardlink(&mut self, existing: &str, new: &str) -> Result<(), FsError> {
        let src = self.resolve_components(existing, false)?;
        let dst = self.resolve_components(new, false)?;
        if self.node_at(&dst).is_some() {
            return Err(FsError::AlreadyExists(join_components(&dst)));
        }
        let next = self.next_link_group;
        let node = self.node_mut(&src)?;
        if node.is_dir() {
            return Err(FsError::IsADirectory(join_components(&src)));
        }
        let mut used_next = false;
        if let NodeKind::File { link_group, .. } = &mut node.kind {
            if link_group.is_none() {
                *link_group = Some(next);
                used_next = true;
            }
        }
        let copy = node.clone();
        if used_next {
            self.next_link_group += 1;
        }
        self.insert_at(&dst, copy).map(|_| ())
    }

    /// Puts `node` (any kind, e.g. a subtree copied from a build context) at `path`, replacing
    /// whatever is there. Symlinks in the parents are followed; the parent must exist.
    /// Returns the replaced node.
    pub fn insert(&mut self, path: &str, node: Node) -> Result<Option<Node>, FsError> {
        let comps = self.resolve_components(path, false)?;
        let mut bad = None;
        node.visit_descendants(&mut comps.clone(), &mut |names, _| {
            let name = names.last().map(String::as_str).unwrap_or_default();
            if bad.is_none() && (matches!(name, "" | "." | "..") || name.contains(['/', '\0'])) {
                bad = Some(join_components(names));
            }
        });
        if let Some(bad) = bad {
            return Err(FsError::InvalidName(bad));
        }
        self.insert_at(&comps, node)
    }

    fn insert_at(&mut self, comps: &[String], node: Node) -> Result<Option<Node>, FsError> {
        let Some((name, parent)) = comps.split_last() else {
            return Err(FsError::RootNotAllowed("/".to_string()));
        };
        let old = self.dir_mut(parent)?.insert(name.clone(), node);
        if old.as_ref().is_some_and(Node::is_dir) {
            self.removed.insert(join_components(comps));
        }
        Ok(old)
    }

    /// `rm -rf path` without `-f`: removes the entry (a symlink itself, a directory with its
    /// contents). Fails with `NotFound` when nothing is there.
    pub fn remove(&mut self, path: &str) -> Result<Node, FsError> {
        let comps = self.resolve_components(path, false)?;
        let Some((name, parent)) = comps.split_last() else {
            return Err(FsError::RootNotAllowed("/".to_string()));
        };
        let removed = self
            .dir_mut(parent)?
            .remove(name)
            .ok_or_else(|| FsError::NotFound(join_components(&comps)))?;
        self.removed.insert(join_components(&comps));
        Ok(removed)
    }

    /// `mv from to` (rename(2)): `to` is replaced if it exists (a directory only by a
    /// directory); symlinks in the parents of both are followed.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), FsError> {
        let src = self.resolve_components(from, false)?;
        let dst = self.resolve_components(to, false)?;
        if src.is_empty() || dst.is_empty() {
            return Err(FsError::RootNotAllowed("/".to_string()));
        }
        if src == dst {
            return self.existing(&src).map(|_| ());
        }
        if dst.starts_with(&src) {
            return Err(FsError::IntoItself(join_components(&src)));
        }
        let moving = self.existing(&src)?.clone();
        if let Some(old) = self.node_at(&dst) {
            if old.is_dir() && !moving.is_dir() {
                return Err(FsError::IsADirectory(join_components(&dst)));
            }
            if !old.is_dir() && moving.is_dir() {
                return Err(FsError::NotADirectory(join_components(&dst)));
            }
        }
        // Check the destination parent before touching the source.
        self.dir_mut(&dst[..dst.len() - 1])?;
        self.remove(&join_components(&src))?;
        self.insert_at(&dst, moving).map(|_| ())
    }

    /// Applies `change` to the metadata of the entry at `path` (following a symlink in the
    /// last component when `follow_last`).
    pub fn update_meta(
        &mut self,
        path: &str,
        follow_last: bool,
        change: impl FnOnce(&mut Meta),
    ) -> Result<(), FsError> {
        let comps = self.resolve_components(path, follow_last)?;
        self.existing(&comps)?;
        change(&mut self.node_mut(&comps)?.meta);
        Ok(())
    }

    /// `chmod mode path` (follows symlinks): permission bits `0o7777`.
    pub fn chmod(&mut self, path: &str, mode: u32) -> Result<(), FsError> {
        self.update_meta(path, true, |m| m.mode = mode & 0o7777)
    }

    /// `chown -h uid:gid path` (does not follow a final symlink, like Docker's `--chown`).
    pub fn chown(&mut self, path: &str, uid: u32, gid: u32) -> Result<(), FsError> {
        self.update_meta(path, false, |m| {
            m.uid = uid;
            m.gid = gid;
        })
    }

    /// Sets the mtime of the entry at `path` (not following a final symlink).
    pub fn set_mtime(&mut self, path: &str, mtime: i64) -> Result<(), FsError> {
        self.update_meta(path, false, |m| m.mtime = mtime)
    }

    /// Every entry below the root, depth-first with names sorted bytewise, as absolute paths.
    pub fn walk(&self) -> Vec<(String, Node)> {
        let mut out = Vec::new();
        self.root
            .visit_descendants(&mut Vec::new(), &mut |comps, node| {
                out.push((join_components(comps), node.clone()));
            });
        out
    }

    /// True when every regular file's bytes are known.
    pub fn is_fully_known(&self) -> bool {
        let mut known = true;
        self.root
            .visit_descendants(&mut Vec::new(), &mut |_, node| {
                if node.content().is_some_and(|c| !c.is_known()) {
                    known = false;
                }
            });
        known
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(mode: u32) -> Meta {
        Meta::new(mode, 0, 0, 0)
    }

    #[test]
    fn snapshots_are_independent() {
        let mut t = Tree::new();
        t.mkdir_p("/a/b", m(0o755)).unwrap();
        let snap = t.clone();
        t.write_file("/a/b/f", Content::known(b"x".to_vec()), m(0o644))
            .unwrap();
        assert!(snap.get("/a/b/f").is_none());
        assert!(t.get("/a/b/f").is_some());
    }

    #[test]
    fn symlinks_resolve_inside_the_tree() {
        let mut t = Tree::new();
        t.mkdir_p("/usr/lib", m(0o755)).unwrap();
        t.symlink("/lib", "usr/lib", m(0o777)).unwrap();
        t.symlink("/up", "../../../usr", m(0o777)).unwrap();
        assert_eq!(t.resolve("/lib/x", true).unwrap(), "/usr/lib/x");
        assert_eq!(t.resolve("/up/lib", true).unwrap(), "/usr/lib");
        assert_eq!(t.resolve("/lib", false).unwrap(), "/lib");
        t.symlink("/loop", "/loop", m(0o777)).unwrap();
        assert!(matches!(
            t.resolve("/loop/x", true),
            Err(FsError::SymlinkLoop(_))
        ));
        t.mkdir_p("/lib/deep", m(0o700)).unwrap();
        assert!(t.get("/usr/lib/deep").is_some_and(Node::is_dir));
    }

    #[test]
    fn rename_and_remove() {
        let mut t = Tree::new();
        t.mkdir_p("/a/b", m(0o755)).unwrap();
        t.rename("/a", "/c").unwrap();
        assert!(t.get("/c/b").is_some() && t.get("/a").is_none());
        assert!(matches!(
            t.rename("/c", "/c/b/x"),
            Err(FsError::IntoItself(_))
        ));
        assert!(matches!(t.remove("/nope"), Err(FsError::NotFound(_))));
        t.write_file("/f", Content::known(b"1".to_vec()), m(0o644))
            .unwrap();
        assert!(matches!(
            t.mkdir_p("/f/g", m(0o755)),
            Err(FsError::NotADirectory(_))
        ));
    }
}
