//! `ADD` of a local archive: BuildKit detects tar (plain or compressed) by content and
//! extracts it into the destination directory. Plain tar and gzip are extracted here; bzip2,
//! xz and zstd are recognised but their bytes cannot be decompressed (honestly unknown).

use std::io::Read;

use crate::context::{detect_format, ArchiveFormat};

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
    /// An archive layerlab cannot decompress (its format), or a damaged one (why).
    Opaque(String),
}

/// Sniffs and extracts `bytes` the way BuildKit's `AttemptUnpack` does.
pub fn unpack(bytes: &[u8]) -> Unpacked {
    match detect_format(bytes) {
        ArchiveFormat::Tar => read_tar(bytes),
        ArchiveFormat::Gzip => {
            let mut out = Vec::new();
            let decoder = flate2::read::GzDecoder::new(bytes);
            match decoder.take(MAX_EXTRACTED_BYTES + 1).read_to_end(&mut out) {
                Ok(n) if n as u64 > MAX_EXTRACTED_BYTES => {
                    Unpacked::Opaque("gzip archive larger than 1 GiB once decompressed".into())
                }
                Ok(_) if looks_like_tar(&out) => read_tar(&out),
                // BuildKit copies a compressed non-tar file as it is.
                Ok(_) => Unpacked::NotArchive,
                Err(_) => Unpacked::NotArchive,
            }
        }
        ArchiveFormat::Bzip2 => Unpacked::Opaque("bzip2".into()),
        ArchiveFormat::Xz => Unpacked::Opaque("xz".into()),
        ArchiveFormat::Zstd => Unpacked::Opaque("zstd".into()),
        ArchiveFormat::Unknown => Unpacked::NotArchive,
    }
}

fn looks_like_tar(bytes: &[u8]) -> bool {
    matches!(detect_format(bytes), ArchiveFormat::Tar)
}

fn read_tar(bytes: &[u8]) -> Unpacked {
    let mut archive = tar::Archive::new(bytes);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => return Unpacked::Opaque(format!("damaged tar: {e}")),
    };
    let mut out = Vec::new();
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => return Unpacked::Opaque(format!("damaged tar: {e}")),
        };
        let raw_path = match entry.path() {
            Ok(p) => p.to_string_lossy().into_owned(),
            Err(e) => return Unpacked::Opaque(format!("damaged tar: {e}")),
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
                return Unpacked::Opaque(format!("damaged tar: {e}"));
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
        assert!(matches!(unpack(b"BZh91AY&SY"), Unpacked::Opaque(_)));
    }
}
