//! [`LayerDiff`]: what one layer changes between a lower and an upper [`Tree`], in the order
//! a layer tar lists it (depth-first, names sorted bytewise).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::node::{Node, NodeKind};
use super::path::join_components;
use super::tree::Tree;

/// The kind of one change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// New in this layer (every entry of a new directory is listed).
    Added,
    /// Present below and changed: content, metadata or type.
    Modified,
    /// Removed: a whiteout `.wh.<name>` (one for a whole directory).
    Deleted,
    /// A directory removed and created again in this layer: `<dir>/.wh..wh..opq` hides everything
    /// below it; its new entries follow as `Added`.
    OpaqueDir,
}

/// One change at an absolute path. `node` is the new entry (absent for `Deleted`).
#[derive(Clone, Debug)]
pub struct Change {
    pub path: String,
    pub kind: ChangeKind,
    pub node: Option<Node>,
}

/// A size that may be partly estimated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct SizeEstimate {
    /// Bytes (exact ones plus estimates).
    pub bytes: u64,
    /// True when every contributing size is exact.
    pub exact: bool,
}

/// The changes of one layer plus the upper tree they were taken from (a cheap snapshot, from
/// which the tar writer reads the parent directories it must emit).
#[derive(Clone, Debug)]
pub struct LayerDiff {
    changes: Vec<Change>,
    lower: Tree,
    upper: Tree,
}

impl LayerDiff {
    /// The changes that turn `lower` into `upper`. Subtrees both trees share are skipped
    /// without looking inside. Directories that `upper` recorded as removed during this layer
    /// (see [`Tree::begin_layer`]) and that exist again become [`ChangeKind::OpaqueDir`].
    pub fn between(lower: &Tree, upper: &Tree) -> LayerDiff {
        let mut changes = Vec::new();
        if let (Some(l), Some(u)) = (lower.root().children(), upper.root().children()) {
            if !std::ptr::eq(l, u) {
                diff_dirs(
                    l,
                    u,
                    &mut Vec::new(),
                    upper.removed_in_layer(),
                    &mut changes,
                );
            }
        }
        LayerDiff {
            changes,
            lower: lower.clone(),
            upper: upper.clone(),
        }
    }

    /// The changes as a walking differ reports them (BuildKit's overlay and double-walking
    /// differs): a directory removed and recreated is not opaque but compared entry by entry,
    /// so its vanished children become `Deleted` and unchanged ones are not listed.
    pub fn walking_changes(&self) -> Vec<Change> {
        let mut changes = Vec::new();
        if let (Some(l), Some(u)) = (self.lower.root().children(), self.upper.root().children()) {
            if !std::ptr::eq(l, u) {
                diff_dirs(l, u, &mut Vec::new(), &BTreeSet::new(), &mut changes);
            }
        }
        changes
    }

    /// The tree before this layer.
    pub fn lower(&self) -> &Tree {
        &self.lower
    }

    /// The changes, depth-first, names sorted bytewise.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The tree after this layer.
    pub fn upper(&self) -> &Tree {
        &self.upper
    }

    /// No change at all (a tar of an empty layer still exists: two zero blocks).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The layer's certainty: every file it adds or modifies has known bytes.
    pub fn is_fully_known(&self) -> bool {
        self.unknown_paths().is_empty()
    }

    /// Paths of added or modified files whose bytes are unknown.
    pub fn unknown_paths(&self) -> Vec<String> {
        self.changes
            .iter()
            .filter(|c| {
                c.node
                    .as_ref()
                    .and_then(Node::content)
                    .is_some_and(|c| !c.is_known())
            })
            .map(|c| c.path.clone())
            .collect()
    }

    /// Total bytes of the files this layer adds or modifies (the uncompressed content size,
    /// without tar headers).
    pub fn content_size(&self) -> SizeEstimate {
        let mut size = SizeEstimate {
            bytes: 0,
            exact: true,
        };
        for c in &self.changes {
            if let Some(content) = c.node.as_ref().and_then(Node::content) {
                match content.size() {
                    Some(n) => size.bytes += n,
                    None => size.exact = false,
                }
                if !content.is_known() {
                    size.exact = false;
                }
            }
        }
        size
    }
}

/// Compares two directories' entries in name order (a merge of the two sorted maps). An entry
/// both sides share unchanged costs one comparison: no path is built and nothing allocated.
fn diff_dirs(
    lower: &BTreeMap<String, Node>,
    upper: &BTreeMap<String, Node>,
    prefix: &mut Vec<String>,
    removed: &BTreeSet<String>,
    out: &mut Vec<Change>,
) {
    let mut lower_entries = lower.iter().peekable();
    let mut upper_entries = upper.iter().peekable();
    loop {
        let (name, l, u) = match (lower_entries.peek(), upper_entries.peek()) {
            (None, None) => break,
            (Some(&(ln, l)), Some(&(un, u))) => match ln.cmp(un) {
                std::cmp::Ordering::Less => {
                    lower_entries.next();
                    (ln, Some(l), None)
                }
                std::cmp::Ordering::Greater => {
                    upper_entries.next();
                    (un, None, Some(u))
                }
                std::cmp::Ordering::Equal => {
                    lower_entries.next();
                    upper_entries.next();
                    (ln, Some(l), Some(u))
                }
            },
            (Some(&(ln, l)), None) => {
                lower_entries.next();
                (ln, Some(l), None)
            }
            (None, Some(&(un, u))) => {
                upper_entries.next();
                (un, None, Some(u))
            }
        };
        if let (Some(l), Some(u)) = (l, u) {
            if unchanged(l, u)
                && (removed.is_empty() || !removed.contains(&child_path(prefix, name)))
            {
                continue;
            }
        }
        diff_entry(name, l, u, prefix, removed, out);
    }
}

/// The same entry on both sides, and for directories the same shared children.
fn unchanged(l: &Node, u: &Node) -> bool {
    match (&l.kind, &u.kind) {
        (NodeKind::Dir(lc), NodeKind::Dir(uc)) => l.meta == u.meta && Arc::ptr_eq(lc, uc),
        (NodeKind::Dir(_), _) | (_, NodeKind::Dir(_)) => false,
        _ => l.same_entry(u),
    }
}

/// The absolute path of `name` in the directory at `prefix`.
fn child_path(prefix: &[String], name: &str) -> String {
    let mut path = String::new();
    for c in prefix {
        path.push('/');
        path.push_str(c);
    }
    path.push('/');
    path.push_str(name);
    path
}

fn diff_entry(
    name: &str,
    lower: Option<&Node>,
    upper: Option<&Node>,
    prefix: &mut Vec<String>,
    removed: &BTreeSet<String>,
    out: &mut Vec<Change>,
) {
    prefix.push(name.to_string());
    let path = join_components(prefix);
    match (lower, upper) {
        (Some(_), None) => out.push(Change {
            path,
            kind: ChangeKind::Deleted,
            node: None,
        }),
        (None, Some(u)) => add_subtree(u, prefix, ChangeKind::Added, out),
        (Some(l), Some(u)) => match (&l.kind, &u.kind) {
            (NodeKind::Dir(lc), NodeKind::Dir(uc)) => {
                if removed.contains(&path) {
                    add_subtree(u, prefix, ChangeKind::OpaqueDir, out);
                } else {
                    if !l.same_entry(u) {
                        out.push(Change {
                            path,
                            kind: ChangeKind::Modified,
                            node: Some(u.clone()),
                        });
                    }
                    if !Arc::ptr_eq(lc, uc) {
                        diff_dirs(lc, uc, prefix, removed, out);
                    }
                }
            }
            (_, NodeKind::Dir(_)) => add_subtree(u, prefix, ChangeKind::Modified, out),
            _ => {
                if !l.same_entry(u) || removed.contains(&path) {
                    out.push(Change {
                        path,
                        kind: ChangeKind::Modified,
                        node: Some(u.clone()),
                    });
                }
            }
        },
        (None, None) => {}
    }
    prefix.pop();
}

/// `node` at `prefix` as `kind`, then every descendant as `Added`.
fn add_subtree(node: &Node, prefix: &mut Vec<String>, kind: ChangeKind, out: &mut Vec<Change>) {
    out.push(Change {
        path: join_components(prefix),
        kind,
        node: Some(node.clone()),
    });
    node.visit_descendants(prefix, &mut |comps, child| {
        out.push(Change {
            path: join_components(comps),
            kind: ChangeKind::Added,
            node: Some(child.clone()),
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::{Content, Meta};

    fn m(mode: u32) -> Meta {
        Meta::new(mode, 0, 0, 0)
    }

    fn kinds(d: &LayerDiff) -> Vec<(String, ChangeKind)> {
        d.changes()
            .iter()
            .map(|c| (c.path.clone(), c.kind))
            .collect()
    }

    #[test]
    fn added_modified_deleted_opaque() {
        let mut t = Tree::new();
        t.mkdir_p("/a/d", m(0o755)).unwrap();
        t.write_file("/a/f", Content::known(b"1".to_vec()), m(0o644))
            .unwrap();
        t.write_file("/a/d/x", Content::known(b"x".to_vec()), m(0o644))
            .unwrap();
        t.write_file("/keep", Content::known(b"k".to_vec()), m(0o644))
            .unwrap();
        let lower = t.begin_layer();
        t.write_file("/a/f", Content::known(b"2".to_vec()), m(0o644))
            .unwrap();
        t.remove("/keep").unwrap();
        t.remove("/a/d").unwrap();
        t.mkdir("/a/d", m(0o755)).unwrap();
        t.write_file("/a/d/y", Content::known(b"y".to_vec()), m(0o644))
            .unwrap();
        t.write_file(
            "/a-b",
            Content::Unknown {
                estimated_size: Some(10),
                origin: "RUN x".into(),
            },
            m(0o644),
        )
        .unwrap();
        let d = LayerDiff::between(&lower, &t);
        assert_eq!(
            kinds(&d),
            vec![
                ("/a/d".to_string(), ChangeKind::OpaqueDir),
                ("/a/d/y".to_string(), ChangeKind::Added),
                ("/a/f".to_string(), ChangeKind::Modified),
                ("/a-b".to_string(), ChangeKind::Added),
                ("/keep".to_string(), ChangeKind::Deleted),
            ]
        );
        assert!(!d.is_fully_known());
        assert_eq!(d.unknown_paths(), vec!["/a-b".to_string()]);
        assert_eq!(
            d.content_size(),
            SizeEstimate {
                bytes: 12,
                exact: false
            }
        );
        let walked: Vec<(String, ChangeKind)> = d
            .walking_changes()
            .iter()
            .map(|c| (c.path.clone(), c.kind))
            .collect();
        assert_eq!(
            walked,
            vec![
                ("/a/d/x".to_string(), ChangeKind::Deleted),
                ("/a/d/y".to_string(), ChangeKind::Added),
                ("/a/f".to_string(), ChangeKind::Modified),
                ("/a-b".to_string(), ChangeKind::Added),
                ("/keep".to_string(), ChangeKind::Deleted),
            ]
        );
        let again = t.begin_layer();
        assert!(LayerDiff::between(&again, &t).is_empty());
    }
}
