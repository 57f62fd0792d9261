//! The in-memory build context: a tree of directories, files (real bytes) and symbolic
//! links, each with mode, owner and modification time.

use std::collections::BTreeMap;

use super::content::FileContent;
use super::error::ContextError;
use super::limits::Limits;
use super::path::{normalize_relative, split_parent, PathProblem};

/// Default mode of a file added without metadata (`-rw-r--r--`).
pub const DEFAULT_FILE_MODE: u32 = 0o644;
/// Default mode of a directory added without metadata or created implicitly (`drwxr-xr-x`).
pub const DEFAULT_DIR_MODE: u32 = 0o755;
/// Mode of a symbolic link.
pub const SYMLINK_MODE: u32 = 0o777;

/// Attributes of an entry, as a tar header carries them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Metadata {
    /// Permission bits with setuid/setgid/sticky (`0o7777` at most); no file-type bits.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Modification time, seconds since the Unix epoch.
    pub mtime: i64,
}

impl Metadata {
    /// Metadata with the given mode, owned by root, at the epoch.
    pub const fn with_mode(mode: u32) -> Metadata {
        Metadata {
            mode,
            uid: 0,
            gid: 0,
            mtime: 0,
        }
    }
}

/// A directory's children, sorted by name (byte order, as Go's `filepath.Walk`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    children: BTreeMap<String, Entry>,
}

impl Directory {
    /// The child called `name`.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.children.get(name)
    }

    /// Children in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.children
            .iter()
            .map(|(name, entry)| (name.as_str(), entry))
    }

    /// Number of direct children.
    pub fn len(&self) -> usize {
        self.children.len()
    }

    /// Whether the directory is empty.
    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }
}

/// What an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    File(FileContent),
    Dir(Directory),
    Symlink { target: String },
}

/// One node of the context tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    meta: Metadata,
    kind: EntryKind,
}

impl Entry {
    pub fn metadata(&self) -> &Metadata {
        &self.meta
    }

    pub fn kind(&self) -> &EntryKind {
        &self.kind
    }

    pub fn is_dir(&self) -> bool {
        matches!(self.kind, EntryKind::Dir(_))
    }

    pub fn is_file(&self) -> bool {
        matches!(self.kind, EntryKind::File(_))
    }

    pub fn is_symlink(&self) -> bool {
        matches!(self.kind, EntryKind::Symlink { .. })
    }

    /// The bytes of a regular file.
    pub fn content(&self) -> Option<&FileContent> {
        match &self.kind {
            EntryKind::File(content) => Some(content),
            _ => None,
        }
    }

    /// The children of a directory.
    pub fn dir(&self) -> Option<&Directory> {
        match &self.kind {
            EntryKind::Dir(dir) => Some(dir),
            _ => None,
        }
    }

    /// The target of a symbolic link, as stored.
    pub fn symlink_target(&self) -> Option<&str> {
        match &self.kind {
            EntryKind::Symlink { target } => Some(target),
            _ => None,
        }
    }

    /// Size: the file length, the target length of a link (as `lstat`), 0 for a directory.
    pub fn size(&self) -> u64 {
        match &self.kind {
            EntryKind::File(content) => content.len() as u64,
            EntryKind::Symlink { target } => target.len() as u64,
            EntryKind::Dir(_) => 0,
        }
    }

    fn new_dir(meta: Metadata) -> Entry {
        Entry {
            meta,
            kind: EntryKind::Dir(Directory::default()),
        }
    }

    /// (entries, file bytes) in this subtree, itself included.
    fn subtree_totals(&self) -> (usize, u64) {
        match &self.kind {
            EntryKind::File(content) => (1, content.len() as u64),
            EntryKind::Symlink { .. } => (1, 0),
            EntryKind::Dir(dir) => dir.children.values().fold((1, 0), |(n, b), child| {
                let (cn, cb) = child.subtree_totals();
                (n + cn, b + cb)
            }),
        }
    }
}

/// A build context: what `docker build` sends to BuildKit, held in memory.
///
/// Paths are relative to the root, slash-separated, normalized (`./a//b/` is `a/b`), and can
/// never name anything outside the root. Contents are stored once ([`FileContent`]) and
/// cloning a `Context` is cheap-ish (the tree is copied, the bytes and cached digests are shared).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    root: Entry,
    entries: usize,
    total_bytes: u64,
    limits: Limits,
}

impl Default for Context {
    fn default() -> Self {
        Context::new()
    }
}

impl Context {
    /// An empty context with the default [`Limits`].
    pub fn new() -> Context {
        Context::with_limits(Limits::default())
    }

    /// An empty context with explicit limits.
    pub fn with_limits(limits: Limits) -> Context {
        Context {
            root: Entry::new_dir(Metadata::with_mode(DEFAULT_DIR_MODE)),
            entries: 0,
            total_bytes: 0,
            limits,
        }
    }

    /// A context made of individual files (`name`, bytes), each `-rw-r--r--`, owned by root,
    /// at the epoch; parent directories are created.
    pub fn from_files<I, P, B>(files: I) -> Result<Context, ContextError>
    where
        I: IntoIterator<Item = (P, B)>,
        P: AsRef<str>,
        B: Into<FileContent>,
    {
        let mut context = Context::new();
        for (path, bytes) in files {
            context.insert_file(path.as_ref(), bytes, Metadata::with_mode(DEFAULT_FILE_MODE))?;
        }
        Ok(context)
    }

    /// The limits this context enforces.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Number of entries (files, directories, links), the root excluded.
    pub fn entry_count(&self) -> usize {
        self.entries
    }

    /// Total bytes of all files.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// The root directory entry.
    pub fn root(&self) -> &Entry {
        &self.root
    }

    /// Sets the attributes of the root directory (from a `./` archive entry, or the folder).
    pub fn set_root_metadata(&mut self, meta: Metadata) {
        self.root.meta = meta;
    }

    /// Adds or replaces a regular file.
    pub fn insert_file(
        &mut self,
        path: &str,
        content: impl Into<FileContent>,
        meta: Metadata,
    ) -> Result<(), ContextError> {
        let content = content.into();
        self.insert(
            path,
            Entry {
                meta,
                kind: EntryKind::File(content),
            },
        )
    }

    /// Adds a directory, or updates the attributes of an existing one (keeping its children).
    pub fn insert_dir(&mut self, path: &str, meta: Metadata) -> Result<(), ContextError> {
        self.insert(path, Entry::new_dir(meta))
    }

    /// Adds or replaces a symbolic link. The target is kept as written; resolving it never
    /// leaves the context (see [`check_symlink_target`]).
    pub fn insert_symlink(
        &mut self,
        path: &str,
        target: &str,
        meta: Metadata,
    ) -> Result<(), ContextError> {
        let normalized = self.check_path(path)?;
        check_symlink_target(&normalized, target)?;
        self.insert(
            path,
            Entry {
                meta,
                kind: EntryKind::Symlink {
                    target: target.to_string(),
                },
            },
        )
    }

    /// Validates and normalizes a user path into canonical context form.
    pub(crate) fn check_path(&self, path: &str) -> Result<String, ContextError> {
        if path.len() > self.limits.max_path_bytes {
            let shown: String = path.chars().take(80).collect();
            return Err(ContextError::PathTooLong {
                path: shown,
                limit: self.limits.max_path_bytes,
            });
        }
        if path.contains('\0') {
            return Err(ContextError::InvalidPath {
                path: path.replace('\0', "\\0"),
            });
        }
        let normalized = normalize_relative(path).map_err(|problem| match problem {
            PathProblem::Absolute => ContextError::AbsolutePath {
                path: path.to_string(),
            },
            PathProblem::EscapesRoot => ContextError::PathEscapes {
                path: path.to_string(),
            },
        })?;
        if normalized
            .split('/')
            .any(|name| name.len() > self.limits.max_name_bytes)
        {
            return Err(ContextError::NameTooLong {
                path: normalized,
                limit: self.limits.max_name_bytes,
            });
        }
        Ok(normalized)
    }

    /// Inserts an entry at `path`, creating missing parents as directories. Like Docker's
    /// untar, a later entry replaces an earlier one; a directory over a directory only
    /// updates attributes.
    pub(crate) fn insert(&mut self, path: &str, entry: Entry) -> Result<(), ContextError> {
        let normalized = self.check_path(path)?;
        if normalized.is_empty() {
            return match entry.kind {
                EntryKind::Dir(_) => {
                    self.root.meta = entry.meta;
                    Ok(())
                }
                _ => Err(ContextError::InvalidPath {
                    path: path.to_string(),
                }),
            };
        }
        let (parent, name) = split_parent(&normalized);
        let limits = self.limits;
        // Count the parents we are about to create before touching the tree.
        let (missing_parents, existing) = self.probe(parent, name, &normalized)?;
        let (old_entries, old_bytes) = existing.unwrap_or((0, 0));
        let is_dir_update = matches!(entry.kind, EntryKind::Dir(_))
            && self.get(&normalized).is_some_and(Entry::is_dir);
        let (new_entries, new_bytes) = if is_dir_update {
            (old_entries, old_bytes)
        } else {
            entry.subtree_totals()
        };
        let entries = self.entries - old_entries + new_entries + missing_parents;
        let bytes = self.total_bytes - old_bytes + new_bytes;
        if entries > limits.max_entries {
            return Err(ContextError::TooManyEntries {
                limit: limits.max_entries,
            });
        }
        if bytes > limits.max_context_bytes {
            return Err(ContextError::TooLarge {
                limit: limits.max_context_bytes,
            });
        }
        let mut dir = &mut self.root;
        if !parent.is_empty() {
            for component in parent.split('/') {
                let EntryKind::Dir(d) = &mut dir.kind else {
                    return Err(ContextError::NotADirectory {
                        path: normalized.clone(),
                    });
                };
                dir = d
                    .children
                    .entry(component.to_string())
                    .or_insert_with(|| Entry::new_dir(Metadata::with_mode(DEFAULT_DIR_MODE)));
            }
        }
        let EntryKind::Dir(d) = &mut dir.kind else {
            return Err(ContextError::NotADirectory {
                path: normalized.clone(),
            });
        };
        match d.children.get_mut(name) {
            Some(existing) if is_dir_update => existing.meta = entry.meta,
            _ => {
                d.children.insert(name.to_string(), entry);
            }
        }
        self.entries = entries;
        self.total_bytes = bytes;
        Ok(())
    }

    /// Walks down to `parent` without changing anything: how many directories must be
    /// created, and the totals of the entry currently at `parent/name` if any.
    #[allow(clippy::type_complexity)]
    fn probe(
        &self,
        parent: &str,
        name: &str,
        full: &str,
    ) -> Result<(usize, Option<(usize, u64)>), ContextError> {
        let mut dir = &self.root;
        let components: Vec<&str> = if parent.is_empty() {
            Vec::new()
        } else {
            parent.split('/').collect()
        };
        for (i, component) in components.iter().enumerate() {
            let EntryKind::Dir(d) = &dir.kind else {
                return Err(ContextError::NotADirectory {
                    path: full.to_string(),
                });
            };
            match d.children.get(*component) {
                Some(child) => dir = child,
                None => return Ok((components.len() - i, None)),
            }
        }
        let EntryKind::Dir(d) = &dir.kind else {
            return Err(ContextError::NotADirectory {
                path: full.to_string(),
            });
        };
        Ok((0, d.children.get(name).map(Entry::subtree_totals)))
    }

    /// Removes the entry at `path` (and everything below it). Returns whether it existed.
    pub fn remove(&mut self, path: &str) -> Result<bool, ContextError> {
        let normalized = self.check_path(path)?;
        if normalized.is_empty() {
            return Ok(false);
        }
        let (parent, name) = split_parent(&normalized);
        let mut dir = &mut self.root;
        if !parent.is_empty() {
            for component in parent.split('/') {
                let EntryKind::Dir(d) = &mut dir.kind else {
                    return Ok(false);
                };
                match d.children.get_mut(component) {
                    Some(child) => dir = child,
                    None => return Ok(false),
                }
            }
        }
        let EntryKind::Dir(d) = &mut dir.kind else {
            return Ok(false);
        };
        match d.children.remove(name) {
            Some(removed) => {
                let (n, b) = removed.subtree_totals();
                self.entries -= n;
                self.total_bytes -= b;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// The entry at `path`, without following symbolic links. `""` and `"."` name the root;
    /// a leading `/` and `..` are resolved lexically inside the context (as BuildKit scopes
    /// paths to the context root).
    pub fn get(&self, path: &str) -> Option<&Entry> {
        let normalized = super::path::normalize_scoped(path);
        self.get_canonical(&normalized)
    }

    pub(crate) fn get_canonical(&self, normalized: &str) -> Option<&Entry> {
        let mut entry = &self.root;
        if normalized.is_empty() {
            return Some(entry);
        }
        for component in normalized.split('/') {
            entry = entry.dir()?.get(component)?;
        }
        Some(entry)
    }

    /// The bytes of the regular file at `path` (no symlink following).
    pub fn file(&self, path: &str) -> Option<&FileContent> {
        self.get(path).and_then(Entry::content)
    }

    /// The children of the directory at `path`, in name order.
    pub fn read_dir(&self, path: &str) -> Result<&Directory, ContextError> {
        match self.get(path) {
            Some(entry) => entry.dir().ok_or_else(|| ContextError::NotADirectory {
                path: path.to_string(),
            }),
            None => Err(ContextError::NotFound {
                path: path.to_string(),
            }),
        }
    }
}

/// Checks a link target. Any target is kept as written, absolute ones and ones that climb
/// with `..` included, as `docker build` sends them: a link is data, and every resolution in
/// the context ([`Context::resolve`]) treats the context root as `/`, so no target can reach
/// outside it. Only an empty target or one with a NUL byte is invalid.
pub(crate) fn check_symlink_target(link_path: &str, target: &str) -> Result<(), ContextError> {
    if target.is_empty() || target.contains('\0') {
        return Err(ContextError::InvalidPath {
            path: link_path.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_creates_parents_and_counts() {
        let mut ctx = Context::new();
        ctx.insert_file("./a/b/c.txt", "hi", Metadata::with_mode(0o600))
            .expect("insert");
        assert_eq!(ctx.entry_count(), 3);
        assert_eq!(ctx.total_bytes(), 2);
        assert!(ctx.get("a/b").is_some_and(Entry::is_dir));
        assert_eq!(
            ctx.file("/a/b/c.txt").map(|c| c.bytes().to_vec()),
            Some(b"hi".to_vec())
        );
        // Replacing a directory by a file drops the subtree.
        ctx.insert_file("a", "x", Metadata::with_mode(0o644))
            .expect("replace");
        assert_eq!(ctx.entry_count(), 1);
        assert_eq!(ctx.total_bytes(), 1);
        assert_eq!(
            ctx.insert_file("a/under-file", "", Metadata::with_mode(0o644)),
            Err(ContextError::NotADirectory {
                path: "a/under-file".into()
            })
        );
    }

    #[test]
    fn directory_update_keeps_children() {
        let mut ctx = Context::new();
        ctx.insert_file("d/f", "1", Metadata::with_mode(0o644))
            .expect("insert");
        ctx.insert_dir(
            "d",
            Metadata {
                mode: 0o700,
                uid: 1,
                gid: 2,
                mtime: 3,
            },
        )
        .expect("dir");
        assert_eq!(ctx.read_dir("d").map(Directory::len), Ok(1));
        assert_eq!(ctx.get("d").map(|e| e.metadata().mode), Some(0o700));
        assert_eq!(ctx.entry_count(), 2);
    }

    #[test]
    fn symlink_targets_are_kept_and_resolve_inside() {
        let mut ctx = Context::new();
        let meta = Metadata::with_mode(SYMLINK_MODE);
        ctx.insert_file("etc/passwd", "ctx", Metadata::with_mode(0o644))
            .expect("file");
        assert!(ctx.insert_symlink("a/link", "../b", meta).is_ok());
        // Links that would leave the context on a real disk are kept as written (BuildKit
        // sends them unchanged) and resolve with the context root as `/`.
        ctx.insert_symlink("a/evil", "../../etc", meta)
            .expect("kept");
        ctx.insert_symlink("abs", "/etc/passwd", meta)
            .expect("kept");
        assert_eq!(ctx.resolve("abs", true).expect("resolves"), "etc/passwd");
        assert_eq!(
            ctx.resolve("a/evil/passwd", true).expect("resolves"),
            "etc/passwd"
        );
        assert!(matches!(
            ctx.insert_symlink("empty", "", meta),
            Err(ContextError::InvalidPath { .. })
        ));
    }

    #[test]
    fn limits_are_enforced() {
        let mut ctx = Context::with_limits(Limits {
            max_entries: 2,
            max_context_bytes: 4,
            ..Limits::default()
        });
        assert_eq!(
            ctx.insert_file("a/b/c", "", Metadata::with_mode(0o644)),
            Err(ContextError::TooManyEntries { limit: 2 })
        );
        assert_eq!(
            ctx.insert_file("big", "12345", Metadata::with_mode(0o644)),
            Err(ContextError::TooLarge { limit: 4 })
        );
        assert_eq!(ctx.entry_count(), 0);
    }
}
