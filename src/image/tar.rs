//! Layer tarballs byte-for-byte as Go's `archive/tar` writes them for container layers
//! (BuildKit/containerd, buildah), following docs/layer-tar-format.md: USTAR headers with the
//! file-type bits in the mode field, empty uname/gname, PAX headers only when a name or id does
//! not fit, parent directories before children, depth-first order with names sorted bytewise,
//! whiteouts `.wh.<name>`, the opaque marker `.wh..wh..opq`, in-layer hard links.
//!
//! The headers are written here rather than with the `tar` crate because Go's checksum field
//! (six octal digits, NUL, space), its PAX header names (`<dir>/PaxHeaders.0/<base>`) and its
//! fallback fields differ from that crate's, and every byte is hashed into the `diff_id`.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::fs::{ChangeKind, LayerDiff, Meta, Node, NodeKind};

/// Which mtime every entry gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MtimePolicy {
    /// The mtime each node carries (the simulator sets context or build times).
    AsRecorded,
    /// Every entry gets this time (buildah `--timestamp`, what `oracle-build` uses).
    Fixed(i64),
    /// Times after this one are lowered to it (BuildKit `SOURCE_DATE_EPOCH` with
    /// `rewrite-timestamp=true`).
    ClampTo(i64),
}

/// How a directory that was removed and recreated within the layer is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhiteoutStyle {
    /// BuildKit (`docker build`): its overlay differ (`util/overlay.Changes`) diffs such a
    /// directory entry by entry, so vanished children get their own `.wh.<name>` and no
    /// opaque marker is ever written (containerd's `ChangeWriter` has none).
    BuildKit,
    /// containers/storage and Docker's classic overlay2 graphdriver: `<dir>/.wh..wh..opq`
    /// right after the directory entry (mode = the directory's permission bits, its owner,
    /// mtime 0), then the directory's whole new content.
    OverlayOpaque,
}

/// How to write a layer tar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TarOptions {
    pub mtime: MtimePolicy,
    /// The mtime of whiteout entries, before the policy applies: 0 in BuildKit with containerd
    /// >= 2.0 ("whiteout timestamps are set to zero"), the build time in older versions.
    pub whiteout_mtime: i64,
    pub whiteouts: WhiteoutStyle,
}

impl TarOptions {
    /// Every entry at `epoch` (buildah `--timestamp`; the oracle's `ORACLE_TS`).
    pub fn fixed(epoch: i64) -> TarOptions {
        TarOptions {
            mtime: MtimePolicy::Fixed(epoch),
            whiteout_mtime: epoch,
            whiteouts: WhiteoutStyle::BuildKit,
        }
    }

    /// What current BuildKit writes: recorded mtimes (clamped to `SOURCE_DATE_EPOCH` when
    /// given, as with `rewrite-timestamp=true`), whiteouts at mtime 0, no opaque markers.
    pub fn buildkit(source_date_epoch: Option<i64>) -> TarOptions {
        TarOptions {
            mtime: source_date_epoch.map_or(MtimePolicy::AsRecorded, MtimePolicy::ClampTo),
            whiteout_mtime: 0,
            whiteouts: WhiteoutStyle::BuildKit,
        }
    }

    fn mtime(&self, t: i64) -> i64 {
        match self.mtime {
            MtimePolicy::AsRecorded => t,
            MtimePolicy::Fixed(e) => e,
            MtimePolicy::ClampTo(e) => t.min(e),
        }
    }
}

/// Why a layer tar cannot be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TarError {
    /// These files have unknown bytes: the tar (and its digest) cannot be computed.
    UnknownContent(Vec<String>),
    /// A negative mtime or other value Go's writer would reject.
    Unrepresentable(String),
}

impl fmt::Display for TarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TarError::UnknownContent(paths) => {
                write!(
                    f,
                    "layer content is not fully known ({} file(s) with unknown bytes",
                    paths.len()
                )?;
                if let Some(first) = paths.first() {
                    write!(f, ", e.g. {first}")?;
                }
                write!(f, ")")
            }
            TarError::Unrepresentable(why) => write!(f, "cannot write tar entry: {why}"),
        }
    }
}

impl std::error::Error for TarError {}

const TYPE_REG: u8 = b'0';
const TYPE_LINK: u8 = b'1';
const TYPE_SYMLINK: u8 = b'2';
const TYPE_DIR: u8 = b'5';
const TYPE_PAX: u8 = b'x';

const S_IFDIR: i64 = 0o040000;
const S_IFREG: i64 = 0o100000;
const S_IFLNK: i64 = 0o120000;

/// One entry of a Go `tar.Header` as the layer writer fills it.
#[derive(Clone, Debug)]
pub struct TarHeader {
    pub name: String,
    pub linkname: String,
    pub typeflag: u8,
    pub mode: i64,
    pub uid: i64,
    pub gid: i64,
    pub size: i64,
    pub mtime: i64,
}

/// Where a tar writer puts its bytes, in order: a buffer, a hasher, a compressor. A layer's
/// `diff_id` and gzip blob are computed by streaming the tar into one, so the tar of a large
/// layer is never held whole.
pub trait TarSink {
    /// Appends bytes.
    fn put(&mut self, bytes: &[u8]);

    /// Appends `n` zero bytes (padding).
    fn put_zeros(&mut self, n: usize) {
        const ZEROS: [u8; 1024] = [0; 1024];
        let mut left = n;
        while left > 0 {
            let step = left.min(ZEROS.len());
            self.put(&ZEROS[..step]);
            left -= step;
        }
    }
}

impl TarSink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }

    fn put_zeros(&mut self, n: usize) {
        self.resize(self.len() + n, 0);
    }
}

/// Counts the bytes (the size of a tar without writing it).
#[derive(Default)]
pub struct CountingSink(pub u64);

impl TarSink for CountingSink {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len() as u64;
    }

    fn put_zeros(&mut self, n: usize) {
        self.0 += n as u64;
    }
}

/// Fills a buffer of the exact size from the start; bytes past its end are dropped and
/// counted in `overflow`.
pub(crate) struct SliceSink<'a> {
    pub buf: &'a mut [u8],
    pub at: usize,
    pub overflow: usize,
}

impl TarSink for SliceSink<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let room = self.buf.len() - self.at;
        let n = bytes.len().min(room);
        self.buf[self.at..self.at + n].copy_from_slice(&bytes[..n]);
        self.at += n;
        self.overflow += bytes.len() - n;
    }
}

/// Writes tar entries the way Go's `tar.Writer` does (format chosen per header: USTAR when
/// everything fits, else PAX), into a [`TarSink`] (a `Vec<u8>` unless told otherwise).
#[derive(Default)]
pub struct GoTarWriter<S: TarSink = Vec<u8>> {
    out: S,
}

impl GoTarWriter<Vec<u8>> {
    pub fn new() -> Self {
        GoTarWriter { out: Vec::new() }
    }

    /// Ends the archive with two zero blocks (Go pads to no record size).
    pub fn finish(self) -> Vec<u8> {
        self.finish_sink()
    }
}

impl<S: TarSink> GoTarWriter<S> {
    /// A writer that streams into `sink`.
    pub fn with_sink(sink: S) -> Self {
        GoTarWriter { out: sink }
    }

    /// Ends the archive with two zero blocks and gives the sink back.
    pub fn finish_sink(mut self) -> S {
        self.out.put_zeros(1024);
        self.out
    }

    /// Appends a header and its data (`data.len()` must equal `hdr.size` for regular files).
    pub fn append(&mut self, hdr: &TarHeader, data: &[u8]) -> Result<(), TarError> {
        if hdr.mtime < 0 || hdr.mtime >= 0o77777777777 {
            return Err(TarError::Unrepresentable(format!(
                "{}: mtime {} out of range",
                hdr.name, hdr.mtime
            )));
        }
        if hdr.name.contains('\0') || hdr.linkname.contains('\0') {
            return Err(TarError::Unrepresentable(format!(
                "{:?}: a NUL byte in a name",
                hdr.name
            )));
        }
        let mut pax: BTreeMap<&str, String> = BTreeMap::new();
        let name_ok = hdr.name.len() <= 100 && is_ascii(&hdr.name);
        let split = if name_ok {
            None
        } else {
            split_ustar_path(&hdr.name)
        };
        if !name_ok && split.is_none() {
            pax.insert("path", hdr.name.clone());
        }
        if hdr.linkname.len() > 100 || !is_ascii(&hdr.linkname) {
            pax.insert("linkpath", hdr.linkname.clone());
        }
        if !fits_octal(8, hdr.uid) {
            pax.insert("uid", hdr.uid.to_string());
        }
        if !fits_octal(8, hdr.gid) {
            pax.insert("gid", hdr.gid.to_string());
        }
        if !fits_octal(12, hdr.size) {
            pax.insert("size", hdr.size.to_string());
        }
        if pax.is_empty() {
            let mut blk = [0u8; 512];
            let (prefix, name) = match split {
                Some((p, n)) => (p, n),
                None => ("", hdr.name.as_str()),
            };
            fill_v7(&mut blk, name, &hdr.linkname, hdr, true);
            format_string(&mut blk[345..500], prefix);
            set_ustar_and_checksum(&mut blk);
            self.out.put(&blk);
        } else {
            let mut records = String::new();
            for (k, v) in &pax {
                records.push_str(&format_pax_record(k, v));
            }
            let (dir, file) = match hdr.name.rfind('/') {
                Some(i) => (&hdr.name[..=i], &hdr.name[i + 1..]),
                None => ("", hdr.name.as_str()),
            };
            let pax_name = path_join(&[dir, "PaxHeaders.0", file]);
            let mut pax_name = to_ascii(&pax_name);
            pax_name.truncate(100);
            let pax_name = pax_name.trim_end_matches('/').to_string();
            let mut blk = [0u8; 512];
            blk[156] = TYPE_PAX;
            format_string(&mut blk[0..100], &pax_name);
            format_octal(&mut blk[100..108], 0);
            format_octal(&mut blk[108..116], 0);
            format_octal(&mut blk[116..124], 0);
            format_octal(&mut blk[124..136], records.len() as i64);
            format_octal(&mut blk[136..148], 0);
            set_ustar_and_checksum(&mut blk);
            self.out.put(&blk);
            self.write_padded(records.as_bytes());
            let mut blk = [0u8; 512];
            fill_v7(
                &mut blk,
                &to_ascii(&hdr.name),
                &to_ascii(&hdr.linkname),
                hdr,
                false,
            );
            set_ustar_and_checksum(&mut blk);
            self.out.put(&blk);
        }
        self.write_padded(data);
        Ok(())
    }

    fn write_padded(&mut self, data: &[u8]) {
        self.out.put(data);
        let rem = data.len() % 512;
        if rem != 0 {
            self.out.put_zeros(512 - rem);
        }
    }
}

/// Go's `templateV7Plus`: name, linkname, mode, uid, gid, size, mtime, uname/gname (empty),
/// devmajor/devminor. Numbers that do not fit become 0 (their PAX record carries them).
fn fill_v7(blk: &mut [u8; 512], name: &str, linkname: &str, hdr: &TarHeader, _ustar: bool) {
    blk[156] = hdr.typeflag;
    format_string(&mut blk[0..100], name);
    format_string(&mut blk[157..257], linkname);
    format_octal(&mut blk[100..108], hdr.mode);
    format_octal(&mut blk[108..116], hdr.uid);
    format_octal(&mut blk[116..124], hdr.gid);
    format_octal(&mut blk[124..136], hdr.size);
    format_octal(&mut blk[136..148], hdr.mtime);
    format_octal(&mut blk[329..337], 0);
    format_octal(&mut blk[337..345], 0);
}

fn set_ustar_and_checksum(blk: &mut [u8; 512]) {
    blk[257..263].copy_from_slice(b"ustar\0");
    blk[263..265].copy_from_slice(b"00");
    blk[148..156].fill(b' ');
    let sum: i64 = blk.iter().map(|&b| b as i64).sum();
    format_octal(&mut blk[148..155], sum);
    blk[155] = b' ';
}

/// Go's `formatter.formatString`: copy, NUL-terminate if room, never a trailing `/` at a cut.
fn format_string(field: &mut [u8], s: &str) {
    let b = s.as_bytes();
    let n = b.len().min(field.len());
    field[..n].copy_from_slice(&b[..n]);
    if b.len() < field.len() {
        field[b.len()] = 0;
    } else if b.len() > field.len() && field[field.len() - 1] == b'/' {
        let kept = b[..field.len()]
            .iter()
            .rposition(|&c| c != b'/')
            .map_or(0, |i| i + 1);
        field[kept] = 0;
    }
}

/// Go's `formatter.formatOctal`: zero-padded octal leaving room for a NUL; 0 if it does not fit.
fn format_octal(field: &mut [u8], x: i64) {
    let x = if fits_octal(field.len(), x) { x } else { 0 };
    let s = format!("{x:o}");
    let pad = field.len().saturating_sub(s.len() + 1);
    let padded = format!("{}{}", "0".repeat(pad), s);
    format_string(field, &padded);
}

fn fits_octal(n: usize, x: i64) -> bool {
    let bits = (n as u32 - 1) * 3;
    x >= 0 && (n >= 22 || x < (1i64 << bits))
}

fn is_ascii(s: &str) -> bool {
    s.bytes().all(|b| b != 0 && b < 0x80)
}

fn to_ascii(s: &str) -> String {
    s.chars()
        .filter(|&c| c != '\0' && (c as u32) < 0x80)
        .collect()
}

/// Go's `path.Join` for the PAX header name (inputs are clean relative paths).
fn path_join(parts: &[&str]) -> String {
    let joined: Vec<&str> = parts
        .iter()
        .flat_map(|p| p.split('/'))
        .filter(|p| !p.is_empty())
        .collect();
    joined.join("/")
}

/// Go's `splitUSTARPath`: a name over 100 bytes split at a `/` into prefix (≤155) and name (≤100).
fn split_ustar_path(name: &str) -> Option<(&str, &str)> {
    let mut length = name.len();
    if length <= 100 || !is_ascii(name) {
        return None;
    } else if length > 156 {
        length = 156;
    } else if name.as_bytes()[length - 1] == b'/' {
        length -= 1;
    }
    let i = name[..length].rfind('/')?;
    let nlen = name.len() - i - 1;
    if i == 0 || nlen > 100 || nlen == 0 || i > 155 {
        return None;
    }
    Some((&name[..i], &name[i + 1..]))
}

/// Go's `formatPAXRecord`: `"<len> key=value\n"` where len counts itself.
fn format_pax_record(k: &str, v: &str) -> String {
    let mut size = k.len() + v.len() + 3;
    size += size.to_string().len();
    let mut record = format!("{size} {k}={v}\n");
    if record.len() != size {
        size = record.len();
        record = format!("{size} {k}={v}\n");
    }
    record
}

/// What the layer writes at one path.
enum Planned {
    Node(Node),
    Whiteout,
    Opaque(Meta),
}

/// The uncompressed layer tar of `diff`. Fails when a file's bytes are unknown.
pub fn write_layer_tar(diff: &LayerDiff, opts: &TarOptions) -> Result<Vec<u8>, TarError> {
    stream_layer_tar(diff, opts, Vec::new())
}

/// [`write_layer_tar`] into any [`TarSink`]: the file contents are passed to the sink
/// straight from the tree, one entry at a time. Gives the sink back when done.
pub fn stream_layer_tar<S: TarSink>(
    diff: &LayerDiff,
    opts: &TarOptions,
    sink: S,
) -> Result<S, TarError> {
    let unknown = diff.unknown_paths();
    if !unknown.is_empty() {
        return Err(TarError::UnknownContent(unknown));
    }
    // Sorting on the component vectors gives the layer order: depth-first, names bytewise
    // (`a/x` before `a-b`). A whiteout sits where the deleted name sorts (both differs walk
    // the names, not the `.wh.` names); the opaque marker sorts first in its directory
    // (empty name key).
    let mut plan: BTreeMap<Vec<String>, Planned> = BTreeMap::new();
    let upper = diff.upper();
    let changes = match opts.whiteouts {
        WhiteoutStyle::BuildKit => diff.walking_changes(),
        WhiteoutStyle::OverlayOpaque => diff.changes().to_vec(),
    };
    for change in &changes {
        let comps = crate::fs::path::components(&change.path);
        let Some((name, parent)) = comps.split_last() else {
            continue;
        };
        add_parents(&mut plan, upper, parent);
        match change.kind {
            ChangeKind::Added | ChangeKind::Modified => {
                if let Some(node) = &change.node {
                    plan.insert(comps.clone(), Planned::Node(node.clone()));
                }
            }
            ChangeKind::Deleted => {
                let mut wh = parent.to_vec();
                wh.push(name.clone());
                plan.insert(wh, Planned::Whiteout);
            }
            ChangeKind::OpaqueDir => {
                if let Some(node) = &change.node {
                    plan.insert(comps.clone(), Planned::Node(node.clone()));
                    let mut marker = comps.clone();
                    marker.push(String::new());
                    plan.insert(marker, Planned::Opaque(node.meta));
                }
            }
        }
    }
    let mut w = GoTarWriter::with_sink(sink);
    let mut first_of_link_group: HashMap<u64, String> = HashMap::new();
    for (comps, planned) in &plan {
        let rel = comps.join("/");
        match planned {
            Planned::Whiteout => w.append(
                &TarHeader {
                    name: match comps.split_last() {
                        Some((name, parent)) if !parent.is_empty() => {
                            format!("{}/.wh.{name}", parent.join("/"))
                        }
                        _ => format!(".wh.{rel}"),
                    },
                    linkname: String::new(),
                    typeflag: TYPE_REG,
                    mode: 0,
                    uid: 0,
                    gid: 0,
                    size: 0,
                    mtime: opts.mtime(opts.whiteout_mtime),
                },
                &[],
            )?,
            Planned::Opaque(meta) => {
                let dir = &comps[..comps.len() - 1];
                w.append(
                    &TarHeader {
                        name: format!("{}/.wh..wh..opq", dir.join("/")),
                        linkname: String::new(),
                        typeflag: TYPE_REG,
                        mode: (meta.mode & 0o777) as i64,
                        uid: meta.uid as i64,
                        gid: meta.gid as i64,
                        size: 0,
                        mtime: opts.mtime(0),
                    },
                    &[],
                )?
            }
            Planned::Node(node) => {
                let meta = node.meta;
                let mut hdr = TarHeader {
                    name: rel.clone(),
                    linkname: String::new(),
                    typeflag: TYPE_REG,
                    mode: meta.mode as i64 & 0o7777,
                    uid: meta.uid as i64,
                    gid: meta.gid as i64,
                    size: 0,
                    mtime: opts.mtime(meta.mtime),
                };
                match &node.kind {
                    NodeKind::Dir(_) => {
                        hdr.typeflag = TYPE_DIR;
                        hdr.mode |= S_IFDIR;
                        hdr.name.push('/');
                        w.append(&hdr, &[])?;
                    }
                    NodeKind::Symlink(target) => {
                        hdr.typeflag = TYPE_SYMLINK;
                        hdr.mode |= S_IFLNK;
                        hdr.linkname = target.clone();
                        w.append(&hdr, &[])?;
                    }
                    NodeKind::File {
                        content,
                        link_group,
                    } => {
                        hdr.mode |= S_IFREG;
                        if let Some(first) = link_group.and_then(|g| first_of_link_group.get(&g)) {
                            hdr.typeflag = TYPE_LINK;
                            hdr.linkname = first.clone();
                            w.append(&hdr, &[])?;
                            continue;
                        }
                        if let Some(g) = link_group {
                            first_of_link_group.insert(*g, rel.clone());
                        }
                        let bytes = content
                            .bytes()
                            .ok_or_else(|| TarError::UnknownContent(vec![format!("/{rel}")]))?;
                        hdr.size = bytes.len() as i64;
                        w.append(&hdr, bytes)?;
                    }
                }
            }
        }
    }
    Ok(w.finish_sink())
}

/// Plans every ancestor directory of a changed path (BuildKit emits them all, with their
/// current metadata, even when they exist below).
fn add_parents(
    plan: &mut BTreeMap<Vec<String>, Planned>,
    upper: &crate::fs::Tree,
    parent: &[String],
) {
    for i in 1..=parent.len() {
        let key = parent[..i].to_vec();
        if plan.contains_key(&key) {
            continue;
        }
        if let Some(node) = upper.get(&crate::fs::path::join_components(&key)) {
            plan.insert(key, Planned::Node(node.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::{Content, Tree};

    fn names(tar: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        let mut off = 0;
        while off + 512 <= tar.len() && tar[off] != 0 {
            let h = &tar[off..off + 512];
            let name = String::from_utf8_lossy(&h[..100])
                .trim_end_matches('\0')
                .to_string();
            let size = i64::from_str_radix(String::from_utf8_lossy(&h[124..135]).trim(), 8)
                .unwrap_or(0) as usize;
            out.push(name);
            off += 512 + size.div_ceil(512) * 512;
        }
        out
    }

    fn replaced_dir_layer() -> LayerDiff {
        let m = |mode| Meta::new(mode, 0, 0, 0);
        let mut t = Tree::new();
        t.mkdir_p("/etc/d", m(0o755)).unwrap();
        t.write_file("/etc/d/b-old", Content::known(b"o".to_vec()), m(0o644))
            .unwrap();
        t.write_file("/etc/d/same", Content::known(b"s".to_vec()), m(0o644))
            .unwrap();
        let lower = t.begin_layer();
        t.remove("/etc/d").unwrap();
        t.mkdir("/etc/d", m(0o750)).unwrap();
        t.write_file("/etc/d/a-new", Content::known(b"n".to_vec()), m(0o644))
            .unwrap();
        t.write_file("/etc/d/same", Content::known(b"s".to_vec()), m(0o644))
            .unwrap();
        LayerDiff::between(&lower, &t)
    }

    #[test]
    fn buildkit_style_expands_a_replaced_directory_into_whiteouts() {
        let tar = write_layer_tar(&replaced_dir_layer(), &TarOptions::buildkit(None)).unwrap();
        // The whiteout of `b-old` sits where `b-old` sorts, after `a-new`; `same` is unchanged.
        assert_eq!(
            names(&tar),
            vec!["etc/", "etc/d/", "etc/d/a-new", "etc/d/.wh.b-old"]
        );
    }

    #[test]
    fn overlay_style_writes_the_opaque_marker_first() {
        let opts = TarOptions {
            whiteouts: WhiteoutStyle::OverlayOpaque,
            ..TarOptions::buildkit(None)
        };
        let tar = write_layer_tar(&replaced_dir_layer(), &opts).unwrap();
        assert_eq!(
            names(&tar),
            vec![
                "etc/",
                "etc/d/",
                "etc/d/.wh..wh..opq",
                "etc/d/a-new",
                "etc/d/same"
            ]
        );
        // mode 0000750 (the directory's permission bits, no type bits)
        assert_eq!(&tar[1024 + 100..1024 + 108], b"0000750\0");
    }

    #[test]
    fn pax_record_length_counts_itself() {
        assert_eq!(format_pax_record("path", "abc"), "12 path=abc\n");
        // 4 + 92 + 3 = 99, +2 digits = 101, which needs 3 digits: Go's final adjustment.
        let v = "x".repeat(92);
        assert_eq!(format_pax_record("path", &v).len(), 102);
        assert!(format_pax_record("path", &v).starts_with("102 "));
    }

    #[test]
    fn ustar_split_like_go() {
        let long = format!("{}/{}", "d".repeat(60), "f".repeat(60));
        assert_eq!(split_ustar_path(&long), Some((&long[..60], &long[61..])));
        assert_eq!(split_ustar_path("short"), None);
        assert_eq!(split_ustar_path(&"x".repeat(120)), None);
    }

    #[test]
    fn header_fields_are_go_formatted() {
        let mut w = GoTarWriter::new();
        let hdr = TarHeader {
            name: "a/".into(),
            linkname: String::new(),
            typeflag: TYPE_DIR,
            mode: 0o40755,
            uid: 0,
            gid: 0,
            size: 0,
            mtime: 0,
        };
        w.append(&hdr, &[]).unwrap();
        let out = w.finish();
        assert_eq!(out.len(), 512 * 3);
        assert_eq!(&out[100..108], b"0040755\0");
        assert_eq!(&out[124..136], b"00000000000\0");
        assert_eq!(out[154], 0);
        assert_eq!(out[155], b' ');
        assert_eq!(&out[329..337], b"0000000\0");
        assert_eq!(&out[337..345], b"0000000\0");
        assert_eq!(&out[265..297], &[0u8; 32]);
    }
}
