//! Errors of filesystem operations, phrased like the kernel's so a user recognises them.

use std::fmt;

/// Why a [`crate::fs::Tree`] operation failed. Every variant carries the absolute path concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsError {
    /// No such file or directory.
    NotFound(String),
    /// A path component that must be a directory is something else.
    NotADirectory(String),
    /// A directory was found where a non-directory is needed.
    IsADirectory(String),
    /// The target exists and the operation does not replace it.
    AlreadyExists(String),
    /// More than [`crate::fs::path::MAX_SYMLINKS`] symlinks while resolving.
    SymlinkLoop(String),
    /// The operation cannot apply to `/` (remove or rename the root, write a file as `/`).
    RootNotAllowed(String),
    /// Rename of a directory into its own subtree.
    IntoItself(String),
    /// An entry name that is empty, `.`, `..`, or contains `/` or NUL.
    InvalidName(String),
}

impl fmt::Display for FsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FsError::NotFound(p) => write!(f, "{p}: no such file or directory"),
            FsError::NotADirectory(p) => write!(f, "{p}: not a directory"),
            FsError::IsADirectory(p) => write!(f, "{p}: is a directory"),
            FsError::AlreadyExists(p) => write!(f, "{p}: file exists"),
            FsError::SymlinkLoop(p) => write!(f, "{p}: too many levels of symbolic links"),
            FsError::RootNotAllowed(p) => {
                write!(f, "{p}: operation not permitted on the root directory")
            }
            FsError::IntoItself(p) => write!(f, "{p}: cannot move a directory into itself"),
            FsError::InvalidName(p) => write!(f, "{p:?}: invalid file name"),
        }
    }
}

impl std::error::Error for FsError {}
