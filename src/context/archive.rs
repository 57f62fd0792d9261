//! Loading a context from a tar buffer, plain or compressed with gzip, bzip2, xz or zstd, as
//! `docker build - < ctx.tar.zst` takes it (moby's `DecompressStream`).
//!
//! The format is detected by magic bytes. Plain tar is read without copying file data: each
//! file is a view into the archive buffer. A compressed one is decompressed as a stream
//! ([`super::decompress`]), each file read straight into its own buffer, with the total
//! bounded by [`Limits::max_context_bytes`] and the expansion ratio by
//! [`Limits::max_compression_ratio`], so a bomb is refused after a bounded amount of work,
//! whatever the compression.
//!
//! Extension records (GNU long names, PAX headers) are handled here rather than by the
//! `tar` crate so that their size is bounded before they are read into memory. Names are
//! taken as bytes (`path_bytes`, which also works in wasm) and must be UTF-8.

use std::io::{self, Cursor, Read};

use tar::{Archive, EntryType};

use super::content::{FileContent, SharedBuffer};
use super::decompress::{decompressed, is_bomb};
use super::error::ContextError;
use super::limits::Limits;
use super::tree::{Context, Metadata, SYMLINK_MODE};

/// What a buffer holds, judged from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    Tar,
    Gzip,
    Bzip2,
    Xz,
    Zstd,
    /// Nothing recognisable (`docker build -` would take such input as a Dockerfile).
    Unknown,
}

/// Detects the format of a context archive by its magic bytes (Docker's `DetectCompression`
/// plus a tar header check).
pub fn detect_format(bytes: &[u8]) -> ArchiveFormat {
    if bytes.starts_with(&[0x1f, 0x8b, 0x08]) {
        ArchiveFormat::Gzip
    } else if bytes.starts_with(b"BZh") {
        ArchiveFormat::Bzip2
    } else if bytes.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        ArchiveFormat::Xz
    } else if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) || starts_with_skippable_frame(bytes) {
        ArchiveFormat::Zstd
    } else if looks_like_tar(bytes) {
        ArchiveFormat::Tar
    } else {
        ArchiveFormat::Unknown
    }
}

/// moby's `zstdMatcher` also takes a stream that opens with a skippable frame (magic
/// `0x184D2A50`–`0x184D2A5F` and a length: 8 bytes at least).
fn starts_with_skippable_frame(bytes: &[u8]) -> bool {
    bytes.len() >= 8
        && bytes
            .get(..4)
            .and_then(|m| m.try_into().ok())
            .map(u32::from_le_bytes)
            .is_some_and(|magic| magic & 0xFFFF_FFF0 == 0x184D_2A50)
}

/// A tar header has a valid checksum at offset 148, or the archive is only end-of-archive zeros.
fn looks_like_tar(bytes: &[u8]) -> bool {
    let Some(header) = bytes.get(..512) else {
        return false;
    };
    if header.iter().all(|&b| b == 0) {
        return true;
    }
    let field = &header[148..156];
    let text: String = field
        .iter()
        .take_while(|&&b| b != 0 && b != b' ')
        .map(|&b| b as char)
        .collect();
    let Ok(stored) = u32::from_str_radix(text.trim(), 8) else {
        return false;
    };
    let sum: u32 = header
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                u32::from(b' ')
            } else {
                u32::from(b)
            }
        })
        .sum();
    sum == stored
}

impl Context {
    /// Loads a tar buffer (plain, gzip, bzip2, xz or zstd) with the default limits.
    pub fn from_archive(bytes: Vec<u8>) -> Result<Context, ContextError> {
        Context::from_archive_with_limits(bytes, Limits::default())
    }

    /// Loads a tar buffer (plain, gzip, bzip2, xz or zstd) with explicit limits.
    pub fn from_archive_with_limits(
        bytes: Vec<u8>,
        limits: Limits,
    ) -> Result<Context, ContextError> {
        match detect_format(&bytes) {
            ArchiveFormat::Tar => {
                let buffer = SharedBuffer::new(bytes);
                let reader = Cursor::new(buffer.bytes());
                load_tar(reader, Some(&buffer), limits)
            }
            format @ (ArchiveFormat::Gzip
            | ArchiveFormat::Bzip2
            | ArchiveFormat::Xz
            | ArchiveFormat::Zstd) => {
                let reader =
                    decompressed(format, &bytes, limits).map_err(|e| archive_error(e, &limits))?;
                load_tar(reader, None, limits)
            }
            ArchiveFormat::Unknown if bytes.len() < 512 && !bytes.is_empty() => {
                Err(ContextError::NotAnArchive {
                    detail: format!("only {} bytes, shorter than a tar header", bytes.len()),
                })
            }
            ArchiveFormat::Unknown if bytes.is_empty() => Ok(Context::with_limits(limits)),
            ArchiveFormat::Unknown => Err(ContextError::NotAnArchive {
                detail: "the first header has no valid tar checksum".to_string(),
            }),
        }
    }
}

/// Maps an I/O error from the tar and decompression layers to a context error.
fn archive_error(error: io::Error, limits: &Limits) -> ContextError {
    if is_bomb(&error) {
        return ContextError::CompressionBomb {
            ratio_limit: limits.max_compression_ratio,
        };
    }
    let detail = error.to_string();
    match error.kind() {
        io::ErrorKind::UnexpectedEof => ContextError::Truncated { detail },
        _ if detail.contains("failed to read entire block") => ContextError::Truncated { detail },
        _ if detail.contains("checksum mismatch") => ContextError::NotAnArchive { detail },
        // The decompression layers name themselves (`xz: …`, see `decompress::Named`).
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData | io::ErrorKind::Other
            if ["gzip: ", "bzip2: ", "xz: ", "zstd: "]
                .iter()
                .any(|p| detail.starts_with(p)) =>
        {
            ContextError::MalformedArchive { detail }
        }
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData
            if detail.contains("gzip") || detail.contains("deflate") =>
        {
            ContextError::MalformedArchive {
                detail: format!("gzip: {detail}"),
            }
        }
        _ => ContextError::MalformedArchive { detail },
    }
}

/// Extension records that describe the next real entry.
#[derive(Default)]
struct Pending {
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
    pax: Option<Vec<u8>>,
}

/// Values from a PAX record set that override the header.
#[derive(Default)]
struct PaxOverrides {
    path: Option<Vec<u8>>,
    link: Option<Vec<u8>>,
    size: Option<u64>,
    uid: Option<u32>,
    gid: Option<u32>,
    mtime: Option<i64>,
}

/// Parses PAX records (`"<len> <key>=<value>\n"`), refusing malformed ones.
fn parse_pax(data: &[u8]) -> Result<PaxOverrides, ContextError> {
    let bad = |what: &str| ContextError::MalformedArchive {
        detail: format!("bad PAX extended header: {what}"),
    };
    let mut out = PaxOverrides::default();
    let mut rest = data;
    while !rest.is_empty() {
        if rest.iter().all(|&b| b == 0) {
            break;
        }
        let space = rest
            .iter()
            .position(|&b| b == b' ')
            .ok_or_else(|| bad("record without length"))?;
        let len: usize = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("invalid record length"))?;
        if len <= space + 1 || len > rest.len() || rest[len - 1] != b'\n' {
            return Err(bad("record length out of range"));
        }
        let record = &rest[space + 1..len - 1];
        rest = &rest[len..];
        let eq = record
            .iter()
            .position(|&b| b == b'=')
            .ok_or_else(|| bad("record without '='"))?;
        let (key, value) = (&record[..eq], &record[eq + 1..]);
        let number = |v: &[u8]| std::str::from_utf8(v).ok().map(str::to_string);
        match key {
            b"path" => out.path = Some(value.to_vec()),
            b"linkpath" => out.link = Some(value.to_vec()),
            b"size" => {
                out.size = Some(
                    number(value)
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| bad("size"))?,
                )
            }
            b"uid" => {
                out.uid = Some(
                    number(value)
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| bad("uid"))?,
                )
            }
            b"gid" => {
                out.gid = Some(
                    number(value)
                        .and_then(|s| s.parse().ok())
                        .ok_or_else(|| bad("gid"))?,
                )
            }
            b"mtime" => {
                // Decimal seconds, possibly with a fraction; whole seconds are kept.
                let text = number(value).ok_or_else(|| bad("mtime"))?;
                let whole = text.split('.').next().unwrap_or("");
                out.mtime = Some(whole.parse().map_err(|_| bad("mtime"))?);
            }
            _ => {}
        }
    }
    Ok(out)
}

fn utf8_name(bytes: &[u8]) -> Result<String, ContextError> {
    let trimmed = match bytes.iter().position(|&b| b == 0) {
        Some(nul) => &bytes[..nul],
        None => bytes,
    };
    String::from_utf8(trimmed.to_vec()).map_err(|_| ContextError::NonUtf8Path {
        lossy: String::from_utf8_lossy(trimmed).into_owned(),
    })
}

/// Reads a tar stream into a context. `shared` is the whole archive when it is uncompressed,
/// so file data can be referenced instead of copied.
fn load_tar<R: Read>(
    reader: R,
    shared: Option<&SharedBuffer>,
    limits: Limits,
) -> Result<Context, ContextError> {
    let mut context = Context::with_limits(limits);
    let mut archive = Archive::new(reader);
    let entries = archive
        .entries()
        .map_err(|e| archive_error(e, &limits))?
        .raw(true);
    let mut pending = Pending::default();
    // Raw records, extension headers included, bounded so a stream of empty records ends.
    let mut records = 0usize;
    let max_records = limits.max_entries.saturating_mul(4).saturating_add(16);
    for entry in entries {
        let mut entry = entry.map_err(|e| archive_error(e, &limits))?;
        records += 1;
        if records > max_records {
            return Err(ContextError::TooManyEntries {
                limit: limits.max_entries,
            });
        }
        let header = entry.header().clone();
        let entry_type = header.entry_type();
        let size = entry.size();
        let extension = matches!(
            entry_type,
            EntryType::GNULongName
                | EntryType::GNULongLink
                | EntryType::XHeader
                | EntryType::XGlobalHeader
        );
        if extension {
            let limit = match entry_type {
                EntryType::GNULongName | EntryType::GNULongLink => limits.max_path_bytes as u64 + 1,
                _ => limits.max_extension_header_bytes,
            };
            if size > limit {
                return Err(match entry_type {
                    EntryType::GNULongName | EntryType::GNULongLink => ContextError::PathTooLong {
                        path: String::from_utf8_lossy(&header.as_old().name)
                            .chars()
                            .take(80)
                            .collect(),
                        limit: limits.max_path_bytes,
                    },
                    _ => ContextError::MalformedArchive {
                        detail: format!("extended header of {size} bytes exceeds {limit} bytes"),
                    },
                });
            }
            let mut data = Vec::with_capacity(size as usize);
            entry
                .read_to_end(&mut data)
                .map_err(|e| archive_error(e, &limits))?;
            if data.len() as u64 != size {
                return Err(ContextError::Truncated {
                    detail: "extension header data cut short".to_string(),
                });
            }
            match entry_type {
                EntryType::GNULongName => pending.long_name = Some(data),
                EntryType::GNULongLink => pending.long_link = Some(data),
                EntryType::XHeader => pending.pax = Some(data),
                // Global PAX records carry no per-file information a context needs.
                _ => {}
            }
            continue;
        }

        let pax = match pending.pax.take() {
            Some(data) => parse_pax(&data)?,
            None => PaxOverrides::default(),
        };
        if let Some(pax_size) = pax.size {
            if pax_size != size {
                return Err(ContextError::MalformedArchive {
                    detail: format!("PAX size {pax_size} disagrees with header size {size}"),
                });
            }
        }
        let raw_name = pax
            .path
            .or(pending.long_name.take())
            .unwrap_or_else(|| entry.path_bytes().into_owned());
        let raw_link = pax
            .link
            .or(pending.long_link.take())
            .or_else(|| entry.link_name_bytes().map(|c| c.into_owned()));
        let name = utf8_name(&raw_name)?;
        let old = header.as_old();
        let meta = Metadata {
            mode: lenient(&old.mode, header.mode().map(u64::from), &limits)? as u32 & 0o7777,
            uid: match pax.uid {
                Some(uid) => uid,
                None => lenient(&old.uid, header.uid(), &limits)? as u32,
            },
            gid: match pax.gid {
                Some(gid) => gid,
                None => lenient(&old.gid, header.gid(), &limits)? as u32,
            },
            mtime: match pax.mtime {
                Some(mtime) => mtime,
                None => lenient(&old.mtime, header.mtime(), &limits)? as i64,
            },
        };
        // Validate the name before anything else so that `../evil` is reported as such.
        let path = context.check_path(&name)?;
        match entry_type {
            EntryType::Regular | EntryType::Continuous => {
                if size
                    > limits
                        .max_context_bytes
                        .saturating_sub(context.total_bytes())
                {
                    return Err(ContextError::TooLarge {
                        limit: limits.max_context_bytes,
                    });
                }
                let content = match shared {
                    Some(buffer) => {
                        let start = usize::try_from(entry.raw_file_position()).ok();
                        let len = usize::try_from(size).ok();
                        match (start, len) {
                            (Some(start), Some(len)) => {
                                buffer
                                    .slice(start, len)
                                    .ok_or_else(|| ContextError::Truncated {
                                        detail: format!(
                                            "data of {name:?} goes past the end of the archive"
                                        ),
                                    })?
                            }
                            _ => {
                                return Err(ContextError::TooLarge {
                                    limit: limits.max_context_bytes,
                                })
                            }
                        }
                    }
                    None => {
                        // Grow as data arrives: a lying header cannot make us allocate up front.
                        let mut data = Vec::with_capacity(size.min(64 * 1024 * 1024) as usize);
                        entry
                            .read_to_end(&mut data)
                            .map_err(|e| archive_error(e, &limits))?;
                        if data.len() as u64 != size {
                            return Err(ContextError::Truncated {
                                detail: format!("data of {name:?} is cut short"),
                            });
                        }
                        FileContent::from_vec(data)
                    }
                };
                context.insert_file(&path, content, meta)?;
            }
            EntryType::Directory => {
                context.insert_dir(&path, meta)?;
            }
            EntryType::Symlink => {
                let target = raw_link
                    .as_deref()
                    .map(utf8_name)
                    .transpose()?
                    .unwrap_or_default();
                context.insert_symlink(
                    &path,
                    &target,
                    Metadata {
                        mode: SYMLINK_MODE,
                        ..meta
                    },
                )?;
            }
            EntryType::Link => {
                let target_name = raw_link
                    .as_deref()
                    .map(utf8_name)
                    .transpose()?
                    .unwrap_or_default();
                let bad = || ContextError::BadHardLink {
                    path: path.clone(),
                    target: target_name.clone(),
                };
                let target = context.check_path(&target_name).map_err(|_| bad())?;
                let content = context
                    .get_canonical(&target)
                    .and_then(|e| e.content())
                    .cloned()
                    .ok_or_else(bad)?;
                context.insert_file(&path, content, meta)?;
            }
            EntryType::Char => return Err(unsupported(&name, "character device")),
            EntryType::Block => return Err(unsupported(&name, "block device")),
            EntryType::Fifo => return Err(unsupported(&name, "FIFO")),
            EntryType::GNUSparse => return Err(unsupported(&name, "sparse file")),
            other => {
                return Err(unsupported(
                    &name,
                    &format!("tar type {:?}", other.as_byte() as char),
                ))
            }
        }
    }
    if pending.long_name.is_some() || pending.long_link.is_some() || pending.pax.is_some() {
        return Err(ContextError::Truncated {
            detail: "extension header without the entry it describes".to_string(),
        });
    }
    Ok(context)
}

/// A numeric header field; an empty one (all NULs or spaces, as some tools write) reads as 0,
/// as Go's `archive/tar` does.
fn lenient(raw: &[u8], parsed: io::Result<u64>, limits: &Limits) -> Result<u64, ContextError> {
    match parsed {
        Ok(value) => Ok(value),
        Err(_) if raw.iter().all(|&b| b == 0 || b == b' ') => Ok(0),
        Err(e) => Err(archive_error(e, limits)),
    }
}

fn unsupported(name: &str, kind: &str) -> ContextError {
    ContextError::UnsupportedEntry {
        path: name.to_string(),
        kind: kind.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        assert_eq!(detect_format(&[0x1f, 0x8b, 0x08, 0]), ArchiveFormat::Gzip);
        assert_eq!(detect_format(b"BZh91AY"), ArchiveFormat::Bzip2);
        assert_eq!(detect_format(b"FROM alpine\n"), ArchiveFormat::Unknown);
        assert_eq!(detect_format(&[0u8; 1024]), ArchiveFormat::Tar);
        assert_eq!(
            detect_format(&[0x28, 0xb5, 0x2f, 0xfd, 0]),
            ArchiveFormat::Zstd
        );
        let skippable = [0x5f, 0x2a, 0x4d, 0x18, 0, 0, 0, 0];
        assert_eq!(detect_format(&skippable), ArchiveFormat::Zstd);
        assert_eq!(detect_format(&skippable[..7]), ArchiveFormat::Unknown);
        assert_eq!(
            detect_format(&[0xfd, b'7', b'z', b'X', b'Z', 0]),
            ArchiveFormat::Xz
        );
    }

    #[test]
    fn pax_records_parse() {
        let data = b"30 mtime=1700000000.123456789\n21 path=dir/name.txt\n";
        let pax = parse_pax(data).expect("valid");
        assert_eq!(pax.mtime, Some(1_700_000_000));
        assert_eq!(pax.path.as_deref(), Some(&b"dir/name.txt"[..]));
        assert!(parse_pax(b"99 path=x\n").is_err());
    }
}
