//! The Debian package catalog behind the `RUN apt-get install` simulation: for each binary
//! package of a release, its version, `Installed-Size`, `.deb` size, priority, and the names
//! in `Pre-Depends`, `Depends`, `Recommends` and `Provides`.
//!
//! Data: `data/debian-bookworm-amd64.tsv.gz` and `data/debian-trixie-amd64.tsv.gz`, built by
//! `scripts/catalog/debian-packages.py` from the Packages indexes `apt-get update` fetched
//! (<release>, <release>-updates and <release>-security; main; amd64). The header records the suites and their InRelease dates
//! and the bytes the lists take on disk, i.e. what an `apt-get update` leaves in a layer.
//!
//! Resolution is a faithful-in-spirit, simplified apt: version constraints are ignored (the
//! index holds one version per package, so only conflicts with an installed older version
//! could differ), Conflicts/Breaks are not considered, alternatives `a | b` take the first
//! one that is already installed, already chosen, or available, in that order, and a virtual
//! package is satisfied by its providers in the same way (a real package of the name wins).
//!
//! Resolution works on interned ids with bitsets, and its results are memoized per catalog:
//! the same (installed set, requested names, Recommends flag) is resolved once, so simulating
//! a Dockerfile again after an edit does not redo it.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock};

use super::distro_data::PackageDataset;

/// The bookworm/amd64 catalog shipped with the native build (gzip-compressed text). The
/// browser build leaves the 4 MB of package data out of the wasm: the page fetches
/// `data/<file_name>` on demand and calls [`PackageCatalog::from_bytes`].
#[cfg(not(target_arch = "wasm32"))]
const BUNDLED_BOOKWORM_AMD64: &[u8] = include_bytes!("../../data/debian-bookworm-amd64.tsv.gz");
/// The trixie/amd64 catalog shipped with the native build (gzip-compressed text).
#[cfg(not(target_arch = "wasm32"))]
const BUNDLED_TRIXIE_AMD64: &[u8] = include_bytes!("../../data/debian-trixie-amd64.tsv.gz");

/// The first header line of the format this code reads.
pub const FORMAT_MAGIC: &str = "#layerlab-debian-packages 1";

/// Priority field of a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// `required`: part of every Debian system (debootstrap installs them all).
    Required,
    /// `important`.
    Important,
    /// `standard`.
    Standard,
    /// `optional`.
    Optional,
    /// `extra` (obsolete).
    Extra,
    /// No Priority field.
    Unknown,
}

/// One binary package of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// Package name.
    pub name: String,
    /// Version string.
    pub version: String,
    /// `Installed-Size` in KiB (dpkg's unit).
    pub installed_size_kib: u64,
    /// Size of the `.deb` in bytes.
    pub download_size: u64,
    /// Priority.
    pub priority: Priority,
    /// `Essential: yes`.
    pub essential: bool,
    /// `Pre-Depends`: groups of alternatives.
    pub pre_depends: Vec<Vec<String>>,
    /// `Depends`: groups of alternatives.
    pub depends: Vec<Vec<String>>,
    /// `Recommends`: groups of alternatives.
    pub recommends: Vec<Vec<String>>,
    /// `Provides`: virtual names.
    pub provides: Vec<String>,
}

impl Package {
    /// `Installed-Size` in bytes.
    pub fn installed_size_bytes(&self) -> u64 {
        self.installed_size_kib * 1024
    }
}

/// One package an install would add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPackage {
    /// Package name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Installed size in bytes (`Installed-Size` × 1024).
    pub installed_size_bytes: u64,
    /// `.deb` size in bytes.
    pub download_bytes: u64,
}

/// What `apt-get install` would add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// Packages to install, in the order they were reached (requested ones first).
    pub packages: Vec<ResolvedPackage>,
    /// Sum of their installed sizes in bytes (what dpkg reports as "will be used").
    pub total_installed_bytes: u64,
    /// Sum of their `.deb` sizes in bytes (apt's "Need to get").
    pub download_bytes: u64,
    /// Requested names, or dependency groups (`a | b`), that nothing in the index satisfies.
    pub missing: Vec<String>,
    /// Which data this was computed from.
    pub source: String,
}

/// A malformed package catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageCatalogError(pub String);

impl fmt::Display for PackageCatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "package catalog: {}", self.0)
    }
}

impl std::error::Error for PackageCatalogError {}

/// The packages of one Debian release and architecture.
///
/// Stored compactly (the page holds it in wasm memory): every package and virtual name is
/// interned once, relations are flat arrays of name ids, and [`Package`] values are built on
/// demand by [`PackageCatalog::get`] and [`PackageCatalog::packages`].
#[derive(Debug, Clone)]
pub struct PackageCatalog {
    /// `debian bookworm`.
    pub release: String,
    /// `amd64`.
    pub arch: String,
    /// `Debian bookworm Packages index (<InRelease Date>)`.
    pub source: String,
    /// One line per suite merged in (suite, version, package count, InRelease date).
    pub suites: Vec<String>,
    /// Bytes `apt-get update` leaves in `/var/lib/apt/lists` for this release in a
    /// `debian:<release>` image (InRelease files plus compressed Packages indexes, measured).
    pub apt_lists_bytes: u64,
    /// The measured files behind [`PackageCatalog::apt_lists_bytes`]: (file name, bytes).
    pub apt_list_files: Vec<(String, u64)>,
    /// Interned names: real and virtual packages.
    names: Vec<Box<str>>,
    name_ids: FastMap<Box<str>, u32>,
    /// For each name id, the record of the real package of that name, or `NO_RECORD`.
    record_of_name: Vec<u32>,
    /// For each name id, the records that `Provides` it (empty for most names).
    providers: FastMap<u32, Vec<u32>>,
    records: Vec<Record>,
    /// Relation groups: (start, len) into `alternatives`.
    groups: Vec<(u32, u32)>,
    /// Name ids of the alternatives of all groups, back to back.
    alternatives: Vec<u32>,
    /// Name ids of all `Provides`, back to back.
    provided: Vec<u32>,
    /// Results computed from this (immutable) data: shared by clones.
    memo: Arc<Memo>,
}

/// A set of packages of one catalog, as a bitset over the catalog's name ids: what
/// [`PackageCatalog::resolve_install_in`] takes as the installed packages. Names the catalog
/// does not know are not in any set.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct InstalledSet {
    words: Vec<u64>,
}

impl InstalledSet {
    fn contains(&self, id: u32) -> bool {
        self.words
            .get(id as usize / 64)
            .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }

    fn insert(&mut self, id: u32) {
        let word = id as usize / 64;
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << (id % 64);
    }

    /// Drops trailing empty words, so that equal sets compare and hash equal.
    fn normalized(mut self) -> InstalledSet {
        while self.words.last() == Some(&0) {
            self.words.pop();
        }
        self
    }

    /// Number of packages in the set.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// True when no package is in the set.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }
}

/// What a memoized resolution depends on besides the catalog.
#[derive(Clone, PartialEq, Eq, Hash)]
struct ResolutionKey {
    installed: InstalledSet,
    names: Vec<String>,
    with_recommends: bool,
}

/// Resolutions kept per catalog; cleared when it grows past this many (an editing session
/// produces a new key per distinct package list typed).
const MEMO_LIMIT: usize = 512;

#[derive(Default)]
struct Memo {
    minbase: OnceLock<Arc<BTreeSet<String>>>,
    resolutions: Mutex<HashMap<ResolutionKey, Arc<Resolution>>>,
}

impl fmt::Debug for Memo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.resolutions.lock().map_or(0, |m| m.len());
        f.debug_struct("Memo")
            .field("resolutions", &cached)
            .finish()
    }
}

const NO_RECORD: u32 = u32::MAX;

/// FNV-1a: the name tables hash ~800k short strings while parsing, where std's SipHash
/// dominates the load time; these keys come from a trusted data file, not from users.
#[derive(Default, Clone, Copy)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// One package, with its relations as ranges into the catalog's flat arrays.
#[derive(Debug, Clone)]
struct Record {
    name: u32,
    version: Box<str>,
    installed_size_kib: u64,
    download_size: u64,
    priority: Priority,
    essential: bool,
    /// (start, len) into `groups`.
    pre_depends: (u32, u32),
    depends: (u32, u32),
    recommends: (u32, u32),
    /// (start, len) into `provided`.
    provides: (u32, u32),
}

fn parse_u64(s: &str, what: &str, line_no: usize) -> Result<u64, PackageCatalogError> {
    s.parse()
        .map_err(|_| PackageCatalogError(format!("line {line_no}: bad {what} {s:?}")))
}

fn range(r: (u32, u32)) -> std::ops::Range<usize> {
    r.0 as usize..(r.0 + r.1) as usize
}

impl PackageCatalog {
    /// Parses a catalog file: gzip-compressed (as shipped) or plain text.
    pub fn from_bytes(bytes: &[u8]) -> Result<PackageCatalog, PackageCatalogError> {
        let text = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut out = String::new();
            flate2::read::GzDecoder::new(bytes)
                .read_to_string(&mut out)
                .map_err(|e| PackageCatalogError(format!("gzip: {e}")))?;
            out
        } else {
            String::from_utf8(bytes.to_vec())
                .map_err(|e| PackageCatalogError(format!("not UTF-8: {e}")))?
        };
        PackageCatalog::from_text(&text)
    }

    /// A catalog compiled into the binary (native CLI and tests; the page fetches
    /// [`PackageDataset::file_name`] instead and calls [`PackageCatalog::from_bytes`]).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn bundled(dataset: PackageDataset) -> Result<PackageCatalog, PackageCatalogError> {
        PackageCatalog::from_bytes(match dataset {
            PackageDataset::DebianBookwormAmd64 => BUNDLED_BOOKWORM_AMD64,
            PackageDataset::DebianTrixieAmd64 => BUNDLED_TRIXIE_AMD64,
        })
    }

    /// In the browser nothing is bundled: the page fetches `data/<file_name>` lazily.
    #[cfg(target_arch = "wasm32")]
    pub fn bundled(dataset: PackageDataset) -> Result<PackageCatalog, PackageCatalogError> {
        Err(PackageCatalogError(format!(
            "the browser build does not bundle {}: fetch it and use PackageCatalog::from_bytes",
            dataset.file_name()
        )))
    }

    /// The bookworm/amd64 catalog compiled into the binary.
    pub fn bundled_bookworm_amd64() -> Result<PackageCatalog, PackageCatalogError> {
        PackageCatalog::bundled(PackageDataset::DebianBookwormAmd64)
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.name_ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.into());
        self.name_ids.insert(name.into(), id);
        self.record_of_name.push(NO_RECORD);
        id
    }

    /// Appends the groups of a `a|b,c` field and returns their range in `groups`.
    fn push_relations(&mut self, field: &str) -> (u32, u32) {
        let start = self.groups.len() as u32;
        if !field.is_empty() {
            for group in field.split(',') {
                let alt_start = self.alternatives.len() as u32;
                for alt in group.split('|') {
                    let id = self.intern(alt);
                    self.alternatives.push(id);
                }
                let len = self.alternatives.len() as u32 - alt_start;
                self.groups.push((alt_start, len));
            }
        }
        (start, self.groups.len() as u32 - start)
    }

    fn from_text(text: &str) -> Result<PackageCatalog, PackageCatalogError> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, first)) if first == FORMAT_MAGIC => {}
            _ => {
                return Err(PackageCatalogError(format!(
                    "not a catalog: first line must be {FORMAT_MAGIC:?}"
                )))
            }
        }
        let mut catalog = PackageCatalog {
            release: String::new(),
            arch: String::new(),
            source: String::new(),
            suites: Vec::new(),
            apt_lists_bytes: 0,
            apt_list_files: Vec::new(),
            names: Vec::new(),
            name_ids: FastMap::default(),
            record_of_name: Vec::new(),
            providers: FastMap::default(),
            records: Vec::new(),
            groups: Vec::new(),
            alternatives: Vec::new(),
            provided: Vec::new(),
            memo: Arc::default(),
        };
        for (i, line) in lines {
            let line_no = i + 1;
            if let Some(header) = line.strip_prefix('#') {
                let (key, value) = header.split_once(' ').unwrap_or((header, ""));
                match key {
                    "release" => catalog.release = value.to_string(),
                    "arch" => catalog.arch = value.to_string(),
                    "source" => catalog.source = value.to_string(),
                    "suite" => catalog.suites.push(value.to_string()),
                    "apt_lists_bytes" => {
                        catalog.apt_lists_bytes = parse_u64(value, "apt_lists_bytes", line_no)?
                    }
                    "apt_list_file" => {
                        let (name, size) = value.rsplit_once(' ').ok_or_else(|| {
                            PackageCatalogError(format!("line {line_no}: bad apt_list_file"))
                        })?;
                        catalog
                            .apt_list_files
                            .push((name.to_string(), parse_u64(size, "file size", line_no)?));
                    }
                    _ => {}
                }
                continue;
            }
            if line.is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() != 9 || f[0].is_empty() {
                return Err(PackageCatalogError(format!(
                    "line {line_no}: expected 9 fields and a name, got {} fields",
                    f.len()
                )));
            }
            let mut flags = f[4].chars();
            let priority = match flags.next() {
                Some('r') => Priority::Required,
                Some('i') => Priority::Important,
                Some('s') => Priority::Standard,
                Some('o') => Priority::Optional,
                Some('x') => Priority::Extra,
                _ => Priority::Unknown,
            };
            let index = catalog.records.len() as u32;
            let name = catalog.intern(f[0]);
            if catalog.record_of_name[name as usize] != NO_RECORD {
                return Err(PackageCatalogError(format!(
                    "line {line_no}: package {} listed twice",
                    f[0]
                )));
            }
            catalog.record_of_name[name as usize] = index;
            let provides_start = catalog.provided.len() as u32;
            if !f[8].is_empty() {
                for virtual_name in f[8].split(',') {
                    let id = catalog.intern(virtual_name);
                    catalog.provided.push(id);
                    catalog.providers.entry(id).or_default().push(index);
                }
            }
            let record = Record {
                name,
                version: f[1].into(),
                installed_size_kib: parse_u64(f[2], "Installed-Size", line_no)?,
                download_size: parse_u64(f[3], "Size", line_no)?,
                priority,
                essential: flags.any(|c| c == 'E'),
                pre_depends: catalog.push_relations(f[5]),
                depends: catalog.push_relations(f[6]),
                recommends: catalog.push_relations(f[7]),
                provides: (
                    provides_start,
                    catalog.provided.len() as u32 - provides_start,
                ),
            };
            catalog.records.push(record);
        }
        if catalog.records.is_empty() {
            return Err(PackageCatalogError("no packages".into()));
        }
        Ok(catalog)
    }

    fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    fn groups_as_names(&self, r: (u32, u32)) -> Vec<Vec<String>> {
        self.groups[range(r)]
            .iter()
            .map(|&g| {
                self.alternatives[range(g)]
                    .iter()
                    .map(|&id| self.name(id).to_string())
                    .collect()
            })
            .collect()
    }

    fn package(&self, record: &Record) -> Package {
        Package {
            name: self.name(record.name).to_string(),
            version: record.version.to_string(),
            installed_size_kib: record.installed_size_kib,
            download_size: record.download_size,
            priority: record.priority,
            essential: record.essential,
            pre_depends: self.groups_as_names(record.pre_depends),
            depends: self.groups_as_names(record.depends),
            recommends: self.groups_as_names(record.recommends),
            provides: self.provided[range(record.provides)]
                .iter()
                .map(|&id| self.name(id).to_string())
                .collect(),
        }
    }

    fn record_index(&self, name: &str) -> Option<u32> {
        let id = *self.name_ids.get(name)?;
        let index = self.record_of_name[id as usize];
        (index != NO_RECORD).then_some(index)
    }

    /// Number of packages.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when the catalog has no package (never for a parsed file).
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// A real package by name.
    pub fn get(&self, name: &str) -> Option<Package> {
        self.record_index(name)
            .map(|i| self.package(&self.records[i as usize]))
    }

    /// Packages that `Provides` a (virtual) name, in index order.
    pub fn providers_of(&self, name: &str) -> Vec<Package> {
        let Some(id) = self.name_ids.get(name) else {
            return Vec::new();
        };
        self.providers
            .get(id)
            .map(|v| {
                v.iter()
                    .map(|&i| self.package(&self.records[i as usize]))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// All packages, sorted by name.
    pub fn packages(&self) -> impl Iterator<Item = Package> + '_ {
        self.records.iter().map(|r| self.package(r))
    }

    /// An estimate of the packages a `debian:<release>` image already has: what
    /// `debootstrap --variant=minbase` installs (every `Priority: required` package plus
    /// `apt`, with their dependency closure), which is how debuerreotype builds the official
    /// images. On a merged-/usr system (Debian 12 and later) debootstrap also installs
    /// `usr-is-merged`, which satisfies `init-system-helpers`' `usrmerge | usr-is-merged`.
    /// The base-image data itself has no package list, so this is derived, not read.
    pub fn minbase_estimate(&self) -> BTreeSet<String> {
        self.minbase().as_ref().clone()
    }

    /// [`PackageCatalog::minbase_estimate`], computed once per catalog and shared.
    pub fn minbase(&self) -> Arc<BTreeSet<String>> {
        let set = self.memo.minbase.get_or_init(|| {
            let mut roots: Vec<&str> = self
                .records
                .iter()
                .filter(|r| r.priority == Priority::Required)
                .map(|r| self.name(r.name))
                .collect();
            roots.push("apt");
            if self.record_index("usr-is-merged").is_some() {
                roots.push("usr-is-merged");
            }
            let resolution = self.resolve_install(&roots, false, &BTreeSet::new());
            Arc::new(resolution.packages.into_iter().map(|p| p.name).collect())
        });
        Arc::clone(set)
    }

    /// The catalog's ids of `names` as a set (names it does not know are left out).
    pub fn installed_set<S: AsRef<str>>(&self, names: impl IntoIterator<Item = S>) -> InstalledSet {
        let mut set = InstalledSet::default();
        for name in names {
            if let Some(&id) = self.name_ids.get(name.as_ref()) {
                set.insert(id);
            }
        }
        set.normalized()
    }

    /// Adds `names` (those the catalog knows) to `set`.
    pub fn extend_installed<S: AsRef<str>>(
        &self,
        set: &mut InstalledSet,
        names: impl IntoIterator<Item = S>,
    ) {
        for name in names {
            if let Some(&id) = self.name_ids.get(name.as_ref()) {
                set.insert(id);
            }
        }
    }

    /// The packages `apt-get install [--no-install-recommends] NAMES` would add on a system
    /// that has `already_installed`, with their sizes. A name that is both requested and
    /// installed adds nothing, and the installed packages' dependencies are not revisited.
    pub fn resolve_install<S: AsRef<str>>(
        &self,
        names: &[S],
        with_recommends: bool,
        already_installed: &BTreeSet<String>,
    ) -> Resolution {
        // A requested name that is installed adds nothing, even one the catalog does not know
        // (which an id set cannot hold): those are dropped here.
        let names: Vec<&str> = names
            .iter()
            .map(AsRef::as_ref)
            .filter(|n| !already_installed.contains(*n))
            .collect();
        let installed = self.installed_set(already_installed);
        self.resolve_install_in(&names, with_recommends, &installed)
            .as_ref()
            .clone()
    }

    /// [`PackageCatalog::resolve_install`] on an installed set of this catalog, memoized: the
    /// same set, names and flag give the same shared result without resolving again.
    pub fn resolve_install_in<S: AsRef<str>>(
        &self,
        names: &[S],
        with_recommends: bool,
        installed: &InstalledSet,
    ) -> Arc<Resolution> {
        let key = ResolutionKey {
            installed: installed.clone().normalized(),
            names: names.iter().map(|n| n.as_ref().to_string()).collect(),
            with_recommends,
        };
        if let Some(hit) = self
            .memo
            .resolutions
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return hit;
        }
        let resolution = Arc::new(self.resolve(&key.names, with_recommends, &key.installed));
        if let Ok(mut memo) = self.memo.resolutions.lock() {
            if memo.len() >= MEMO_LIMIT {
                memo.clear();
            }
            memo.insert(key, Arc::clone(&resolution));
        }
        resolution
    }

    /// The number of memoized resolutions (for tests of the memo).
    pub fn memoized_resolutions(&self) -> usize {
        self.memo.resolutions.lock().map_or(0, |m| m.len())
    }

    fn resolve(
        &self,
        names: &[String],
        with_recommends: bool,
        installed: &InstalledSet,
    ) -> Resolution {
        let mut state = Resolver {
            catalog: self,
            installed,
            chosen: Vec::new(),
            chosen_set: InstalledSet {
                words: vec![0; self.records.len().div_ceil(64)],
            },
            missing: Vec::new(),
        };
        for name in names {
            let Some(&id) = self.name_ids.get(name.as_str()) else {
                state.missing.push(name.to_string());
                continue;
            };
            if installed.contains(id) || state.is_satisfied(id) {
                continue;
            }
            match state.pick(id) {
                Some(i) => state.choose(i),
                None => state.missing.push(name.to_string()),
            }
        }
        let mut next = 0;
        while next < state.chosen.len() {
            let record = &self.records[state.chosen[next] as usize];
            next += 1;
            let hard = self.groups[range(record.pre_depends)]
                .iter()
                .chain(&self.groups[range(record.depends)])
                .map(|g| (false, g));
            let soft: &[(u32, u32)] = if with_recommends {
                &self.groups[range(record.recommends)]
            } else {
                &[]
            };
            for (is_recommend, &group) in hard.chain(soft.iter().map(|g| (true, g))) {
                let alternatives = &self.alternatives[range(group)];
                if alternatives.iter().any(|&alt| state.is_satisfied(alt)) {
                    continue;
                }
                match alternatives.iter().find_map(|&alt| state.pick(alt)) {
                    Some(i) => state.choose(i),
                    // apt skips a recommendation it cannot satisfy; a dependency is an error.
                    None if is_recommend => {}
                    None => {
                        let text = alternatives
                            .iter()
                            .map(|&a| self.name(a))
                            .collect::<Vec<_>>()
                            .join(" | ");
                        if !state.missing.contains(&text) {
                            state.missing.push(text);
                        }
                    }
                }
            }
        }
        let packages: Vec<ResolvedPackage> = state
            .chosen
            .iter()
            .map(|&i| {
                let r = &self.records[i as usize];
                ResolvedPackage {
                    name: self.name(r.name).to_string(),
                    version: r.version.to_string(),
                    installed_size_bytes: r.installed_size_kib * 1024,
                    download_bytes: r.download_size,
                }
            })
            .collect();
        Resolution {
            total_installed_bytes: packages.iter().map(|p| p.installed_size_bytes).sum(),
            download_bytes: packages.iter().map(|p| p.download_bytes).sum(),
            packages,
            missing: state.missing,
            source: self.source.clone(),
        }
    }
}

/// The state of one resolution; names are interned ids, packages record indexes.
struct Resolver<'a> {
    catalog: &'a PackageCatalog,
    /// Name ids of the installed packages.
    installed: &'a InstalledSet,
    /// Records to install, in the order they were reached (also the work queue).
    chosen: Vec<u32>,
    /// The same records as a bitset over record indexes.
    chosen_set: InstalledSet,
    missing: Vec<String>,
}

impl Resolver<'_> {
    /// A name is satisfied by an installed or chosen package of that name or a provider of it.
    fn is_satisfied(&self, id: u32) -> bool {
        if self.installed.contains(id) {
            return true;
        }
        let own = self.catalog.record_of_name[id as usize];
        if own != NO_RECORD && self.chosen_set.contains(own) {
            return true;
        }
        self.catalog.providers.get(&id).is_some_and(|ps| {
            ps.iter().any(|&i| {
                self.chosen_set.contains(i)
                    || self
                        .installed
                        .contains(self.catalog.records[i as usize].name)
            })
        })
    }

    /// The record that would satisfy a name: the real package, else the first provider by
    /// priority (required before optional), then index order.
    fn pick(&self, id: u32) -> Option<u32> {
        let own = self.catalog.record_of_name[id as usize];
        if own != NO_RECORD {
            return Some(own);
        }
        let providers = self.catalog.providers.get(&id)?;
        providers
            .iter()
            .copied()
            .min_by_key(|&i| self.catalog.records[i as usize].priority)
    }

    fn choose(&mut self, index: u32) {
        if !self.chosen_set.contains(index) {
            self.chosen_set.insert(index);
            self.chosen.push(index);
        }
    }
}
