//! Explicit bounds on what a build context may hold, so that a hostile or broken archive
//! (a decompression bomb, millions of entries, megabyte-long names) is refused with a
//! clear error instead of exhausting the memory of the page.

/// Most file content a context may hold, all files together (uncompressed): 512 MiB.
pub const MAX_CONTEXT_BYTES: u64 = 512 * 1024 * 1024;

/// Most entries (files, directories, symlinks; implicit parent directories included): 200,000.
pub const MAX_ENTRIES: usize = 200_000;

/// Longest path inside the context, in bytes (Linux `PATH_MAX`): 4,096.
pub const MAX_PATH_BYTES: usize = 4096;

/// Longest single path component, in bytes (Linux `NAME_MAX`): 255.
pub const MAX_NAME_BYTES: usize = 255;

/// Largest ratio of decompressed tar stream to compressed input tolerated once
/// [`COMPRESSION_RATIO_GRACE_BYTES`] have been produced: 200. Real contexts (source text,
/// binaries, tar headers) compress 2–20×; a stream of zeros compresses about 1000×.
pub const MAX_COMPRESSION_RATIO: u64 = 200;

/// Decompressed bytes produced before the ratio check starts: 32 MiB (a small highly
/// compressible context is fine; only big outputs can exhaust memory).
pub const COMPRESSION_RATIO_GRACE_BYTES: u64 = 32 * 1024 * 1024;

/// Largest PAX extended header or GNU long-name record read into memory: 64 KiB.
pub const MAX_EXTENSION_HEADER_BYTES: u64 = 64 * 1024;

/// Most symbolic links followed while resolving one path (as in containerd's `RootPath`): 255.
pub const MAX_SYMLINK_HOPS: usize = 255;

/// The limits one load applies; [`Limits::default`] uses the constants above. Tests and
/// embedders may tighten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_context_bytes: u64,
    pub max_entries: usize,
    pub max_path_bytes: usize,
    pub max_name_bytes: usize,
    pub max_compression_ratio: u64,
    pub compression_ratio_grace_bytes: u64,
    pub max_extension_header_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_context_bytes: MAX_CONTEXT_BYTES,
            max_entries: MAX_ENTRIES,
            max_path_bytes: MAX_PATH_BYTES,
            max_name_bytes: MAX_NAME_BYTES,
            max_compression_ratio: MAX_COMPRESSION_RATIO,
            compression_ratio_grace_bytes: COMPRESSION_RATIO_GRACE_BYTES,
            max_extension_header_bytes: MAX_EXTENSION_HEADER_BYTES,
        }
    }
}
