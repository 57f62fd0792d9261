//! `ADD` of a local archive: BuildKit detects a tar archive, plain or compressed (gzip,
//! bzip2, xz, zstd: moby's `DecompressStream`), by content — the decompressed stream must
//! start with a tar header — and extracts it into the destination directory.
//!
//! Decompression is bounded like a build context's ([`Limits`]: the ratio guard against
//! bombs, the entry count) and by [`MAX_EXTRACTED_BYTES`]; an archive past those bounds is
//! honestly unknown ([`Unpacked::Opaque`]). One whose first header reads but which is
//! damaged further on makes the step fail, as BuildKit's untar does ([`Unpacked::Failed`]).

use std::io::Read;

use crate::context::{
    decompress_all, decompress_prefix, detect_format, format_name, ArchiveFormat,
    DecompressError, Limits,
};

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
        ArchiveFormat::Tar => read_tar(bytes, &limits),
        ArchiveFormat::Gzip | ArchiveFormat::Bzip2 | ArchiveFormat::Xz | ArchiveFormat::Zstd => {
            let name = format_name(format);
            match decompress_all(format, bytes, limits, MAX_EXTRACTED_BYTES) {
                Ok(out) if looks_like_tar(&out) => read_tar(&out, &limits),
                // A compressed file that is not a tar is copied as it is.
                Ok(_) => Unpacked::NotArchive,
                Err(DecompressError::Bomb) => Unpacked::Opaque(format!(
                    "{name} archive that expands more than {} times (a likely decompression bomb)",
                    limits.max_compression_ratio
                )),
                Err(DecompressError::TooLarge) => Unpacked::Opaque(format!(
                    "{name} archive larger than {} MiB once decompressed",
                    MAX_EXTRACTED_BYTES >> 20
                )),
                Err(DecompressError::Truncated(why) | DecompressError::Corrupt(why)) => {
                    damaged(format, bytes, &why)
                }
            }
        }
        ArchiveFormat::Unknown => Unpacked::NotArchive,
    }
}

/// A compressed stream that fails part-way: an archive (and a failed step) when its start
/// decompresses to a tar header, as `IsArchivePath` reads only that far; otherwise a file.
fn damaged(format: ArchiveFormat, bytes: &[u8], why: &str) -> Unpacked {
    match decompress_prefix(format, bytes, 512) {
        Ok(head) if head.len() == 512 && looks_like_tar(&head) => {
            Unpacked::Failed(why.to_string())
        }
        _ => Unpacked::NotArchive,
    }
}

fn looks_like_tar(bytes: &[u8]) -> bool {
    matches!(detect_format(bytes), ArchiveFormat::Tar)
}

fn read_tar(bytes: &[u8], limits: &Limits) -> Unpacked {
    let mut archive = tar::Archive::new(bytes);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => return Unpacked::Failed(format!("damaged tar: {e}")),
    };
    let mut out = Vec::new();
    for entry in entries {
        if out.len() >= limits.max_entries {
            return Unpacked::Opaque(format!(
                "tar archive with more than {} entries",
                limits.max_entries
            ));
        }
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => return Unpacked::Failed(format!("damaged tar: {e}")),
        };
        let raw_path = match entry.path() {
            Ok(p) => p.to_string_lossy().into_owned(),
            Err(e) => return Unpacked::Failed(format!("damaged tar: {e}")),
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
            let mut data = Vec::new();
            if let Err(e) = entry.read_to_end(&mut data) {
                return Unpacked::Failed(format!("damaged tar: {e}"));
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
