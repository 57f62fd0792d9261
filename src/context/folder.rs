//! Loading a context from a folder on disk (native builds only), keeping relative paths,
//! modes, owners, mtimes and symbolic links (not followed).

use std::fs;
use std::io::Read;
use std::path::Path;

use super::content::FileContent;
use super::error::ContextError;
use super::limits::Limits;
use super::path::join;
use super::tree::{Context, Metadata, SYMLINK_MODE};

impl Context {
    /// Loads every entry below `root` with the default limits.
    pub fn from_dir(root: &Path) -> Result<Context, ContextError> {
        Context::from_dir_with_limits(root, Limits::default())
    }

    /// Loads every entry below `root`. Sockets are skipped (as the Docker CLI does); devices
    /// and FIFOs are refused, like in an archive.
    pub fn from_dir_with_limits(root: &Path, limits: Limits) -> Result<Context, ContextError> {
        let mut context = Context::with_limits(limits);
        let root_meta = fs::metadata(root).map_err(|e| io_error(root, &e))?;
        if !root_meta.is_dir() {
            return Err(ContextError::Io {
                path: root.display().to_string(),
                detail: "not a directory".to_string(),
            });
        }
        context.set_root_metadata(metadata_of(&root_meta, false));
        // Explicit stack: deep trees cannot overflow the call stack.
        let mut stack = vec![String::new()];
        while let Some(rel_dir) = stack.pop() {
            let disk_dir = root.join(&rel_dir);
            let mut names = Vec::new();
            for item in fs::read_dir(&disk_dir).map_err(|e| io_error(&disk_dir, &e))? {
                let item = item.map_err(|e| io_error(&disk_dir, &e))?;
                let name = item.file_name();
                let name = name.to_str().ok_or_else(|| ContextError::NonUtf8Path {
                    lossy: join(&rel_dir, &name.to_string_lossy()),
                })?;
                names.push(name.to_string());
            }
            crate::sort::sort(&mut names);
            // Push subdirectories in reverse so they are visited in name order.
            let mut subdirs = Vec::new();
            for name in names {
                let rel = join(&rel_dir, &name);
                let disk = root.join(&rel);
                let meta = fs::symlink_metadata(&disk).map_err(|e| io_error(&disk, &e))?;
                let file_type = meta.file_type();
                if file_type.is_symlink() {
                    let target = fs::read_link(&disk).map_err(|e| io_error(&disk, &e))?;
                    let target = target
                        .to_str()
                        .ok_or_else(|| ContextError::NonUtf8Path {
                            lossy: target.to_string_lossy().into_owned(),
                        })?
                        .to_string();
                    context.insert_symlink(
                        &rel,
                        &target,
                        Metadata {
                            mode: SYMLINK_MODE,
                            ..metadata_of(&meta, true)
                        },
                    )?;
                } else if file_type.is_dir() {
                    context.insert_dir(&rel, metadata_of(&meta, false))?;
                    subdirs.push(rel);
                } else if file_type.is_file() {
                    let remaining = limits
                        .max_context_bytes
                        .saturating_sub(context.total_bytes());
                    if meta.len() > remaining {
                        return Err(ContextError::TooLarge {
                            limit: limits.max_context_bytes,
                        });
                    }
                    let mut data = Vec::with_capacity(meta.len() as usize);
                    let file = fs::File::open(&disk).map_err(|e| io_error(&disk, &e))?;
                    // One byte more than allowed tells a file that grew past the limit.
                    file.take(remaining.saturating_add(1))
                        .read_to_end(&mut data)
                        .map_err(|e| io_error(&disk, &e))?;
                    context.insert_file(
                        &rel,
                        FileContent::from_vec(data),
                        metadata_of(&meta, false),
                    )?;
                } else if is_socket(&file_type) {
                    continue;
                } else {
                    return Err(ContextError::UnsupportedEntry {
                        path: rel,
                        kind: special_kind(&file_type),
                    });
                }
            }
            stack.extend(subdirs.into_iter().rev());
        }
        Ok(context)
    }
}

fn io_error(path: &Path, error: &std::io::Error) -> ContextError {
    ContextError::Io {
        path: path.display().to_string(),
        detail: error.to_string(),
    }
}

fn mtime_of(meta: &fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(unix)]
fn metadata_of(meta: &fs::Metadata, _symlink: bool) -> Metadata {
    use std::os::unix::fs::MetadataExt;
    Metadata {
        mode: meta.mode() & 0o7777,
        uid: meta.uid(),
        gid: meta.gid(),
        mtime: mtime_of(meta),
    }
}

#[cfg(not(unix))]
fn metadata_of(meta: &fs::Metadata, symlink: bool) -> Metadata {
    let mode = if symlink {
        SYMLINK_MODE
    } else if meta.is_dir() {
        super::tree::DEFAULT_DIR_MODE
    } else if meta.permissions().readonly() {
        0o444
    } else {
        super::tree::DEFAULT_FILE_MODE
    };
    Metadata {
        mode,
        uid: 0,
        gid: 0,
        mtime: mtime_of(meta),
    }
}

#[cfg(unix)]
fn is_socket(file_type: &fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    file_type.is_socket()
}

#[cfg(not(unix))]
fn is_socket(_file_type: &fs::FileType) -> bool {
    false
}

#[cfg(unix)]
fn special_kind(file_type: &fs::FileType) -> String {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        "FIFO".to_string()
    } else if file_type.is_char_device() {
        "character device".to_string()
    } else if file_type.is_block_device() {
        "block device".to_string()
    } else {
        "special file".to_string()
    }
}

#[cfg(not(unix))]
fn special_kind(_file_type: &fs::FileType) -> String {
    "special file".to_string()
}
