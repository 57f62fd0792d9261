//! The errors of building and querying a context.

use std::fmt;

use super::dockerignore::DockerignoreError;

/// Everything that can go wrong loading or querying a build context. Each variant names
/// the offending path where there is one, so the UI can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextError {
    /// An absolute entry name (`/etc/passwd`).
    AbsolutePath { path: String },
    /// A name whose `..` components climb above the context root (`../evil`).
    PathEscapes { path: String },
    /// A name that is not valid UTF-8 (shown lossily).
    NonUtf8Path { lossy: String },
    /// An empty name, or one containing a NUL byte.
    InvalidPath { path: String },
    /// A path longer than the limit (the path is shown truncated).
    PathTooLong { path: String, limit: usize },
    /// A path component longer than the limit.
    NameTooLong { path: String, limit: usize },
    /// An entry under something that is not a directory (`file/child`, `link/child`).
    NotADirectory { path: String },
    /// A hard link whose target is outside the context or not an earlier regular file.
    BadHardLink { path: String, target: String },
    /// A device, FIFO, sparse file or other entry type a context cannot hold.
    UnsupportedEntry { path: String, kind: String },
    /// More entries than the limit.
    TooManyEntries { limit: usize },
    /// More file content than the limit.
    TooLarge { limit: u64 },
    /// The decompressed stream is implausibly larger than its compressed input (a bomb).
    CompressionBomb { ratio_limit: u64 },
    /// The archive ends in the middle of a header or of a file's data.
    Truncated { detail: String },
    /// The bytes are not a tar archive (nor a compressed one).
    NotAnArchive { detail: String },
    /// Another malformation of the archive.
    MalformedArchive { detail: String },
    /// Reading a folder from disk failed.
    Io { path: String, detail: String },
    /// A path that does not exist in the context.
    NotFound { path: String },
    /// A path that exists but is not a regular file where one is needed.
    NotAFile { path: String },
    /// Too many symbolic links while resolving a path (a cycle).
    TooManySymlinks { path: String },
    /// The applicable ignore file is invalid.
    Dockerignore {
        file: String,
        error: DockerignoreError,
    },
}

impl fmt::Display for ContextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ContextError::*;
        match self {
            AbsolutePath { path } => write!(f, "{path:?}: absolute paths are not allowed in a build context"),
            PathEscapes { path } => write!(f, "{path:?}: path escapes the build context"),
            NonUtf8Path { lossy } => write!(f, "{lossy:?}: file name is not valid UTF-8"),
            InvalidPath { path } => write!(f, "{path:?}: invalid file name"),
            PathTooLong { path, limit } => write!(f, "{path:?}...: path longer than {limit} bytes"),
            NameTooLong { path, limit } => write!(f, "{path:?}: a file name is longer than {limit} bytes"),
            NotADirectory { path } => write!(f, "{path:?}: a parent of this path is not a directory"),
            BadHardLink { path, target } => {
                write!(f, "{path:?}: hard link to {target:?} does not name an earlier file of the context")
            }
            UnsupportedEntry { path, kind } => write!(f, "{path:?}: {kind} entries are not supported in a build context"),
            TooManyEntries { limit } => write!(f, "the build context has more than {limit} entries"),
            TooLarge { limit } => write!(f, "the build context is larger than {} MiB", limit / (1024 * 1024)),
            CompressionBomb { ratio_limit } => write!(
                f,
                "the compressed build context expands more than {ratio_limit} times: refusing a likely decompression bomb"
            ),
            Truncated { detail } => write!(f, "the archive is truncated: {detail}"),
            NotAnArchive { detail } => write!(f, "not a tar archive: {detail}"),
            MalformedArchive { detail } => write!(f, "malformed tar archive: {detail}"),
            Io { path, detail } => write!(f, "{path}: {detail}"),
            NotFound { path } => write!(f, "{path:?}: not found in the build context"),
            NotAFile { path } => write!(f, "{path:?}: not a regular file"),
            TooManySymlinks { path } => write!(f, "{path:?}: too many levels of symbolic links"),
            Dockerignore { file, error } => write!(f, "{file}: {error}"),
        }
    }
}

impl std::error::Error for ContextError {}
