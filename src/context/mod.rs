//! The build context: an in-memory tree of files loaded from files, folders or tar archives,
//! and `.dockerignore`.
//!
//! * [`Context`] holds directories, files (real bytes, stored once) and symbolic links with
//!   mode, owner and mtime. Load it from individual files ([`Context::from_files`]), a folder
//!   ([`Context::from_dir`], native only) or a tar buffer, plain or compressed with gzip,
//!   bzip2, xz or zstd
//!   ([`Context::from_archive`]); every load is bounded by [`Limits`].
//! * [`Dockerignore`] reads an ignore file exactly as `moby/patternmatcher` does and says which
//!   pattern (and line) excluded a path; [`Context::dockerignore_for`] picks the file BuildKit
//!   would use.
//! * The query API serves the simulator: [`Context::get`], [`Context::read_dir`],
//!   [`Context::resolve`] (symlinks scoped to the root), [`Context::resolve_wildcards`]
//!   (COPY source globs), [`Context::walk`] / [`Context::walk_included`], and lazily cached
//!   content digests ([`FileContent::digest`]).

mod archive;
mod content;
mod decompress;
mod dockerignore;
mod error;
#[cfg(not(target_arch = "wasm32"))]
mod folder;
mod glob;
mod go_regex;
mod limits;
mod path;
mod patternmatcher;
mod query;
mod tree;

pub use archive::{detect_format, ArchiveFormat};
pub use content::{ContentDigest, FileContent};
pub(crate) use decompress::{decompressed, is_bomb};
pub use decompress::{format_name, MAX_XZ_MEMORY_KIB, MAX_ZSTD_WINDOW_BYTES};
pub use dockerignore::{
    ignore_file_candidates, read_ignore_lines, Dockerignore, DockerignoreError, Exclusion,
    IgnoreLine, DEFAULT_IGNORE_FILE, MAX_IGNORE_LINE_BYTES,
};
pub use error::ContextError;
pub use glob::{contains_wildcards, go_match, BadPattern};
pub use limits::*;
pub use path::{go_clean, normalize_relative, normalize_scoped, PathProblem};
pub use patternmatcher::{
    MatchInfo, MatchKind, MatchOutcome, Pattern, PatternError, PatternMatcher,
};
pub use query::{WalkEntry, WalkedEntry};
pub use tree::{
    Context, Directory, Entry, EntryKind, Metadata, DEFAULT_DIR_MODE, DEFAULT_FILE_MODE,
    SYMLINK_MODE,
};

/// Go's package-level `patternmatcher` functions (`Matches`, `MatchesOrParentMatches`).
pub mod patternmatcher_fns {
    pub use super::patternmatcher::{matches, matches_or_parent_matches};
}
