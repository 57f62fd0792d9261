//! `ADD` of a local archive: BuildKit detects a tar archive, plain or compressed (gzip,
//! bzip2, xz, zstd: moby's `DecompressStream`), by content — `IsArchivePath`: the
//! decompressed stream's first tar header reads — and extracts it into the destination.
//!
//! The stream is read as untar reads it: entry by entry, up to the end-of-archive blocks
//! (a stream damaged after them goes unnoticed, as in Go). Decompression is bounded like a
//! build context's ([`Limits`]: the ratio guard against bombs, the entry count) and by
//! [`MAX_EXTRACTED_BYTES`]; an archive past those bounds is honestly unknown
//! ([`Unpacked::Opaque`]). One whose first header reads but which breaks further on makes
//! the step fail, as BuildKit's untar does ([`Unpacked::Failed`]).

use std::io::Read;

use crate::context::{decompressed, detect_format, format_name, is_bomb, ArchiveFormat, Limits};

/// Largest decompressed archive layerlab extracts (guards against decompression bombs).
pub const MAX_EXTRACTED_BYTES: u64 = 1 << 30;

/// One entry of an extracted archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchiveEntry {
    /// Cleaned relative path (no leading `/`, no `..` escaping).
    pub path: String,
    pub kind: ArchiveEntryKind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub mtime: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArchiveEntryKind {
    File(Vec<u8>),
    Dir,
    Symlink(String),
    /// A hard link to an earlier entry (relative path).
    Hardlink(String),
}

/// What an ADD source file is.
#[derive(Debug)]
pub enum Unpacked {
    /// Not an archive: copied as a file.
    NotArchive,
    /// Extracted entries.
    Entries(Vec<ArchiveEntry>),
    /// An archive layerlab cannot hold (past its bounds): why.
    Opaque(String),
    /// An archive whose extraction fails part-way (BuildKit's build fails): why.
    Failed(String),
}

/// Sniffs and extracts `bytes` the way BuildKit's `AttemptUnpack` does.
pub fn unpack(bytes: &[u8]) -> Unpacked {
    let limits = Limits::default();
    let format = detect_format(bytes);
    match format {
        ArchiveFormat::Unknown => Unpacked::NotArchive,
        ArchiveFormat::Tar => read_tar(bytes, format, &limits),
        _ => match decompressed(format, bytes, limits) {
            Ok(reader) => read_tar(reader, format, &limits),
            // A compressed file that does not even start decoding is copied as it is.
            Err(_) => Unpacked::NotArchive,
        },
    }
}

/// Reads the entries of a tar stream. Until the first header has read, a failure means
/// "not an archive" (the file is copied as it is); after it, the extraction fails.
fn read_tar<R: Read>(reader: R, format: ArchiveFormat, limits: &Limits) -> Unpacked {
    let name = format_name(format);
    let broken = |started: bool, error: std::io::Error| {
        if is_bomb(&error) {
            Unpacked::Opaque(format!(
                "{name} archive that expands more than {} times (a likely decompression bomb)",
                limits.max_compression_ratio
            ))
        } else if started {
            Unpacked::Failed(error.to_string())
        } else {
            Unpacked::NotArchive
        }
    };
    let mut archive = tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => return broken(false, e),
    };
    let mut out = Vec::new();
    let mut total: u64 = 0;
    for (index, entry) in entries.enumerate() {
        if out.len() >= limits.max_entries {
            return Unpacked::Opaque(format!(
                "tar archive with more than {} entries",
                limits.max_entries
            ));
        }
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => return broken(index > 0, e),
        };
        let raw_path = match entry.path() {
            Ok(p) => p.to_string_lossy().into_owned(),
            Err(e) => return broken(true, e),
        };
        let path = clean_member(&raw_path);
        if path.is_empty() {
            continue;
        }
        let header = entry.header();
        let mode = header.mode().unwrap_or(0o644) & 0o7777;
        let uid = header.uid().unwrap_or(0) as u32;
        let gid = header.gid().unwrap_or(0) as u32;
        let mtime = header.mtime().unwrap_or(0) as i64;
        let ty = header.entry_type();
        let kind = if ty.is_dir() {
            ArchiveEntryKind::Dir
        } else if ty.is_symlink() {
            let target = entry
                .link_name()
                .ok()
                .flatten()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            ArchiveEntryKind::Symlink(target)
        } else if ty.is_hard_link() {
            let target = entry
                .link_name()
                .ok()
                .flatten()
                .map(|p| clean_member(&p.to_string_lossy()))
                .unwrap_or_default();
            ArchiveEntryKind::Hardlink(target)
        } else if ty.is_file() || ty == tar::EntryType::Continuous {
            total = total.saturating_add(entry.size());
            if total > MAX_EXTRACTED_BYTES {
                return Unpacked::Opaque(format!(
                    "{name} archive larger than {} MiB once extracted",
                    MAX_EXTRACTED_BYTES >> 20
                ));
            }
            let mut data = Vec::new();
            if let Err(e) = entry.read_to_end(&mut data) {
                return broken(true, e);
            }
            ArchiveEntryKind::File(data)
        } else {
            // Devices, FIFOs and PAX records are not simulated.
            continue;
        };
        out.push(ArchiveEntry {
            path,
            kind,
            mode,
            uid,
            gid,
            mtime,
        });
    }
    if out.is_empty() {
        // Go's `tar.Reader.Next` finds no header: `IsArchivePath` says no.
        return Unpacked::NotArchive;
    }
    Unpacked::Entries(out)
}

/// A member path made relative and kept inside the destination (`../x` → `x`).
fn clean_member(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_tar() -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(5);
        h.set_mode(0o640);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, "dir/a.txt", &b"hello"[..])
            .expect("append");
        b.into_inner().expect("tar")
    }

    #[test]
    fn tar_and_gzip_are_extracted() {
        let t = sample_tar();
        let Unpacked::Entries(e) = unpack(&t) else {
            panic!("tar not extracted")
        };
        assert_eq!(e[0].path, "dir/a.txt");
        assert_eq!(e[0].mode, 0o640);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &t).expect("gz");
        let gz = gz.finish().expect("gz");
        assert!(matches!(unpack(&gz), Unpacked::Entries(_)));
        assert!(matches!(unpack(b"plain text"), Unpacked::NotArchive));
        // bzip2 magic with nothing behind it: not an archive, copied as a file.
        assert!(matches!(unpack(b"BZh91AY&SY"), Unpacked::NotArchive));
    }
}
