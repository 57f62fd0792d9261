//! File contents stored once and shared, with a lazily computed, cached SHA-256.
//!
//! [`FileContent`] is a cheap-to-clone view (`Arc` + range) into a shared buffer: a file read
//! from an uncompressed tar archive points straight into the archive's bytes, so a 200 MB
//! context costs 200 MB, not 400. The simulated filesystem stores the same handle
//! ([`crate::fs::Content::Known`]), so a file `COPY` puts in an image is not copied either. Contents never change once built, so the digest is computed
//! on first request and cached *with the bytes*: cloning a `Context` between two analyses keeps
//! every digest, and a file replaced by new bytes gets a fresh, empty cache — there is no
//! (path, size, mtime) key that could go stale.

use std::fmt;
use std::sync::{Arc, OnceLock};

use sha2::{Digest as _, Sha256};

/// SHA-256 is fed in slices of this size: in V8 one giant first call runs several times slower.
const HASH_CHUNK: usize = 1 << 20;

/// A SHA-256 digest of a file's content.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentDigest(pub [u8; 32]);

impl ContentDigest {
    /// SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> ContentDigest {
        let mut hasher = Sha256::new();
        for chunk in bytes.chunks(HASH_CHUNK) {
            hasher.update(chunk);
        }
        ContentDigest(hasher.finalize().into())
    }

    /// Lower-case hex, 64 characters.
    pub fn hex(&self) -> String {
        let mut out = String::with_capacity(64);
        for byte in self.0 {
            out.push(char::from_digit(u32::from(byte >> 4), 16).unwrap_or('0'));
            out.push(char::from_digit(u32::from(byte & 0xf), 16).unwrap_or('0'));
        }
        out
    }
}

impl fmt::Display for ContentDigest {
    /// OCI form: `sha256:<hex>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl fmt::Debug for ContentDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The shared storage behind one or more files.
#[derive(Debug)]
struct Backing {
    bytes: Vec<u8>,
}

#[derive(Debug)]
struct Inner {
    backing: Arc<Backing>,
    start: usize,
    len: usize,
    digest: OnceLock<ContentDigest>,
}

/// Immutable file bytes, shared by reference counting, with a cached digest.
/// Clones share both the bytes and the digest cache.
#[derive(Clone)]
pub struct FileContent(Arc<Inner>);

impl FileContent {
    /// Takes ownership of a buffer without copying it.
    pub fn from_vec(bytes: Vec<u8>) -> FileContent {
        let len = bytes.len();
        FileContent::slice_of(&Arc::new(Backing { bytes }), 0, len)
    }

    fn slice_of(backing: &Arc<Backing>, start: usize, len: usize) -> FileContent {
        FileContent(Arc::new(Inner {
            backing: Arc::clone(backing),
            start,
            len,
            digest: OnceLock::new(),
        }))
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        let inner = &*self.0;
        &inner.backing.bytes[inner.start..inner.start + inner.len]
    }

    /// Size in bytes.
    pub fn len(&self) -> usize {
        self.0.len
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// SHA-256 of the bytes: computed on the first call, then cached for every clone.
    pub fn digest(&self) -> ContentDigest {
        *self
            .0
            .digest
            .get_or_init(|| ContentDigest::of(self.bytes()))
    }

    /// Whether the digest has already been computed (lets tests and the UI see cache hits).
    pub fn is_digest_cached(&self) -> bool {
        self.0.digest.get().is_some()
    }

    /// Whether two handles share the same stored bytes and digest cache.
    pub fn same_storage(&self, other: &FileContent) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for FileContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileContent")
            .field("len", &self.len())
            .finish()
    }
}

impl PartialEq for FileContent {
    fn eq(&self, other: &Self) -> bool {
        self.same_storage(other) || self.bytes() == other.bytes()
    }
}

impl Eq for FileContent {}

impl From<Vec<u8>> for FileContent {
    fn from(bytes: Vec<u8>) -> Self {
        FileContent::from_vec(bytes)
    }
}

impl From<&[u8]> for FileContent {
    fn from(bytes: &[u8]) -> Self {
        FileContent::from_vec(bytes.to_vec())
    }
}

impl From<&str> for FileContent {
    fn from(text: &str) -> Self {
        FileContent::from_vec(text.as_bytes().to_vec())
    }
}

impl From<String> for FileContent {
    fn from(text: String) -> Self {
        FileContent::from_vec(text.into_bytes())
    }
}

impl<const N: usize> From<&[u8; N]> for FileContent {
    fn from(bytes: &[u8; N]) -> Self {
        FileContent::from_vec(bytes.to_vec())
    }
}

impl std::ops::Deref for FileContent {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.bytes()
    }
}

impl AsRef<[u8]> for FileContent {
    fn as_ref(&self) -> &[u8] {
        self.bytes()
    }
}

/// A whole buffer that files can be carved out of without copying (an uncompressed archive).
#[derive(Clone)]
pub(crate) struct SharedBuffer(Arc<Backing>);

impl SharedBuffer {
    pub(crate) fn new(bytes: Vec<u8>) -> SharedBuffer {
        SharedBuffer(Arc::new(Backing { bytes }))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0.bytes
    }

    /// A file made of `len` bytes at `start`, or `None` if out of bounds.
    pub(crate) fn slice(&self, start: usize, len: usize) -> Option<FileContent> {
        let end = start.checked_add(len)?;
        (end <= self.0.bytes.len()).then(|| FileContent::slice_of(&self.0, start, len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_cached_and_shared_by_clones() {
        let content = FileContent::from("hello\n");
        let clone = content.clone();
        assert!(!clone.is_digest_cached());
        assert_eq!(
            content.digest().to_string(),
            "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
        );
        assert!(clone.is_digest_cached());
        assert!(content.same_storage(&clone));
    }

    #[test]
    fn slices_share_the_buffer() {
        let buffer = SharedBuffer::new(b"abcdef".to_vec());
        let part = buffer.slice(2, 3).expect("in bounds");
        assert_eq!(part.bytes(), b"cde");
        assert!(buffer.slice(4, 3).is_none());
        assert_eq!(buffer.bytes().len(), 6);
    }
}
