//! One entry of a [`crate::fs::Tree`]: metadata plus a kind (directory, file, symlink).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::context::FileContent;

/// Ownership, permission and time of an entry, as a tar header carries them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Meta {
    /// Permission bits including setuid/setgid/sticky (`0o7777`); never the file-type bits.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Modification time, whole seconds since the Unix epoch.
    pub mtime: i64,
}

impl Meta {
    /// `mode` owned by `uid:gid` with `mtime`.
    pub fn new(mode: u32, uid: u32, gid: u32, mtime: i64) -> Meta {
        Meta {
            mode: mode & 0o7777,
            uid,
            gid,
            mtime,
        }
    }
}

/// The bytes of a regular file, when known.
#[derive(Clone, Debug)]
pub enum Content {
    /// Exact bytes, shared between snapshots (cloning is a reference-count bump). The same
    /// buffer as the build context's file when `COPY`/`ADD` put it here (no copy), with the
    /// context's cached digest.
    Known(FileContent),
    /// Produced by something layerlab cannot run (a `RUN`, a remote `ADD`): no bytes, maybe a
    /// size estimate. `origin` says what produced it (shown to the user); two unknown contents
    /// are the same content only when they share the same `origin` allocation and estimate.
    Unknown {
        estimated_size: Option<u64>,
        origin: Arc<str>,
    },
}

impl Content {
    /// Known content from bytes (a `Vec<u8>` is taken without copying).
    pub fn known(bytes: impl Into<FileContent>) -> Content {
        Content::Known(bytes.into())
    }

    /// The exact size when known, else the estimate.
    pub fn size(&self) -> Option<u64> {
        match self {
            Content::Known(b) => Some(b.len() as u64),
            Content::Unknown { estimated_size, .. } => *estimated_size,
        }
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Content::Known(_))
    }

    /// The bytes, when known.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Content::Known(b) => Some(b.bytes()),
            Content::Unknown { .. } => None,
        }
    }

    /// Same content: shared or equal bytes; for unknown content, the same origin and estimate.
    pub fn same_as(&self, other: &Content) -> bool {
        match (self, other) {
            (Content::Known(a), Content::Known(b)) => a == b,
            (
                Content::Unknown {
                    estimated_size: ea,
                    origin: oa,
                },
                Content::Unknown {
                    estimated_size: eb,
                    origin: ob,
                },
            ) => ea == eb && Arc::ptr_eq(oa, ob),
            _ => false,
        }
    }
}

/// What an entry is.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A directory: children by name, sorted bytewise (the order of a layer tar).
    Dir(Arc<BTreeMap<String, Node>>),
    /// A regular file. Entries created by [`crate::fs::Tree::hardlink`] share a `link_group`;
    /// the tar writer emits the second and later ones of a layer as hard links.
    File {
        content: Content,
        link_group: Option<u64>,
    },
    /// A symbolic link with its target as written.
    Symlink(String),
}

/// An entry: metadata and kind. Cloning is cheap (directories and contents are shared).
#[derive(Clone, Debug)]
pub struct Node {
    pub meta: Meta,
    pub kind: NodeKind,
}

impl Node {
    /// An empty directory.
    pub fn dir(meta: Meta) -> Node {
        Node {
            meta,
            kind: NodeKind::Dir(Arc::new(BTreeMap::new())),
        }
    }

    /// A regular file.
    pub fn file(meta: Meta, content: Content) -> Node {
        Node {
            meta,
            kind: NodeKind::File {
                content,
                link_group: None,
            },
        }
    }

    /// A symlink to `target`.
    pub fn symlink(meta: Meta, target: impl Into<String>) -> Node {
        Node {
            meta,
            kind: NodeKind::Symlink(target.into()),
        }
    }

    pub fn is_dir(&self) -> bool {
        matches!(self.kind, NodeKind::Dir(_))
    }

    /// The children of a directory.
    pub fn children(&self) -> Option<&BTreeMap<String, Node>> {
        match &self.kind {
            NodeKind::Dir(c) => Some(c),
            _ => None,
        }
    }

    /// The content of a regular file.
    pub fn content(&self) -> Option<&Content> {
        match &self.kind {
            NodeKind::File { content, .. } => Some(content),
            _ => None,
        }
    }

    /// The entry itself is unchanged: same kind, metadata and (for files and symlinks) content.
    /// Directory children are not compared (a diff walks into them).
    pub fn same_entry(&self, other: &Node) -> bool {
        if self.meta != other.meta {
            return false;
        }
        match (&self.kind, &other.kind) {
            (NodeKind::Dir(_), NodeKind::Dir(_)) => true,
            (
                NodeKind::File {
                    content: a,
                    link_group: la,
                },
                NodeKind::File {
                    content: b,
                    link_group: lb,
                },
            ) => la == lb && a.same_as(b),
            (NodeKind::Symlink(a), NodeKind::Symlink(b)) => a == b,
            _ => false,
        }
    }

    /// Visits this subtree depth-first, names sorted, calling `f(path_components, node)`
    /// for every descendant (not for `self`).
    pub fn visit_descendants(&self, prefix: &mut Vec<String>, f: &mut dyn FnMut(&[String], &Node)) {
        if let Some(children) = self.children() {
            for (name, child) in children.iter() {
                prefix.push(name.clone());
                f(prefix, child);
                child.visit_descendants(prefix, f);
                prefix.pop();
            }
        }
    }
}
