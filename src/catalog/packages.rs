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

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::io::Read;

use super::distro_data::PackageDataset;

/// The bookworm/amd64 catalog shipped with layerlab (gzip-compressed text).
const BUNDLED_BOOKWORM_AMD64: &[u8] = include_bytes!("../../data/debian-bookworm-amd64.tsv.gz");
/// The trixie/amd64 catalog shipped with layerlab (gzip-compressed text).
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
    packages: Vec<Package>,
    by_name: HashMap<String, usize>,
    providers: HashMap<String, Vec<usize>>,
}

fn parse_relations(field: &str) -> Vec<Vec<String>> {
    if field.is_empty() {
        return Vec::new();
    }
    field
        .split(',')
        .map(|group| group.split('|').map(str::to_string).collect())
        .collect()
}

fn parse_u64(s: &str, what: &str, line_no: usize) -> Result<u64, PackageCatalogError> {
    s.parse()
        .map_err(|_| PackageCatalogError(format!("line {line_no}: bad {what} {s:?}")))
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
    pub fn bundled(dataset: PackageDataset) -> Result<PackageCatalog, PackageCatalogError> {
        PackageCatalog::from_bytes(match dataset {
            PackageDataset::DebianBookwormAmd64 => BUNDLED_BOOKWORM_AMD64,
            PackageDataset::DebianTrixieAmd64 => BUNDLED_TRIXIE_AMD64,
        })
    }

    /// The bookworm/amd64 catalog compiled into the binary.
    pub fn bundled_bookworm_amd64() -> Result<PackageCatalog, PackageCatalogError> {
        PackageCatalog::bundled(PackageDataset::DebianBookwormAmd64)
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
            packages: Vec::new(),
            by_name: HashMap::new(),
            providers: HashMap::new(),
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
            if f.len() != 9 {
                return Err(PackageCatalogError(format!(
                    "line {line_no}: expected 9 fields, got {}",
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
            let package = Package {
                name: f[0].to_string(),
                version: f[1].to_string(),
                installed_size_kib: parse_u64(f[2], "Installed-Size", line_no)?,
                download_size: parse_u64(f[3], "Size", line_no)?,
                priority,
                essential: flags.any(|c| c == 'E'),
                pre_depends: parse_relations(f[5]),
                depends: parse_relations(f[6]),
                recommends: parse_relations(f[7]),
                provides: if f[8].is_empty() {
                    Vec::new()
                } else {
                    f[8].split(',').map(str::to_string).collect()
                },
            };
            let index = catalog.packages.len();
            for virtual_name in &package.provides {
                catalog
                    .providers
                    .entry(virtual_name.clone())
                    .or_default()
                    .push(index);
            }
            catalog.by_name.insert(package.name.clone(), index);
            catalog.packages.push(package);
        }
        if catalog.packages.is_empty() {
            return Err(PackageCatalogError("no packages".into()));
        }
        Ok(catalog)
    }

    /// Number of packages.
    pub fn len(&self) -> usize {
        self.packages.len()
    }

    /// True when the catalog has no package (never for a parsed file).
    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }

    /// A real package by name.
    pub fn get(&self, name: &str) -> Option<&Package> {
        self.by_name.get(name).map(|&i| &self.packages[i])
    }

    /// Packages that `Provides` a (virtual) name, in index order.
    pub fn providers_of(&self, name: &str) -> Vec<&Package> {
        self.providers
            .get(name)
            .map(|v| v.iter().map(|&i| &self.packages[i]).collect())
            .unwrap_or_default()
    }

    /// All packages, sorted by name.
    pub fn packages(&self) -> &[Package] {
        &self.packages
    }

    /// An estimate of the packages a `debian:<release>` image already has: what
    /// `debootstrap --variant=minbase` installs (every `Priority: required` package plus
    /// `apt`, with their dependency closure), which is how debuerreotype builds the official
    /// images. On a merged-/usr system (Debian 12 and later) debootstrap also installs
    /// `usr-is-merged`, which satisfies `init-system-helpers`' `usrmerge | usr-is-merged`.
    /// The base-image data itself has no package list, so this is derived, not read.
    pub fn minbase_estimate(&self) -> BTreeSet<String> {
        let mut roots: Vec<&str> = self
            .packages
            .iter()
            .filter(|p| p.priority == Priority::Required)
            .map(|p| p.name.as_str())
            .collect();
        roots.push("apt");
        if self.by_name.contains_key("usr-is-merged") {
            roots.push("usr-is-merged");
        }
        let resolution = self.resolve_install(&roots, false, &BTreeSet::new());
        resolution.packages.into_iter().map(|p| p.name).collect()
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
        let mut state = Resolver {
            catalog: self,
            installed: already_installed,
            chosen: Vec::new(),
            chosen_set: BTreeSet::new(),
            missing: Vec::new(),
        };
        let mut queue: Vec<usize> = Vec::new();
        for name in names {
            let name = name.as_ref();
            if state.is_satisfied(name) {
                continue;
            }
            match state.pick(name) {
                Some(i) => state.choose(i, &mut queue),
                None => state.missing.push(name.to_string()),
            }
        }
        let mut next = 0;
        while next < queue.len() {
            let package = &self.packages[queue[next]];
            next += 1;
            let groups = package.pre_depends.iter().chain(package.depends.iter());
            let recommends = package.recommends.iter().filter(|_| with_recommends);
            for (is_recommend, group) in groups
                .map(|g| (false, g))
                .chain(recommends.map(|g| (true, g)))
            {
                if group.iter().any(|alt| state.is_satisfied(alt)) {
                    continue;
                }
                match group.iter().find_map(|alt| state.pick(alt)) {
                    Some(i) => state.choose(i, &mut queue),
                    // apt skips a recommendation it cannot satisfy; a dependency is an error.
                    None if is_recommend => {}
                    None => {
                        let text = group.join(" | ");
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
                let p = &self.packages[i];
                ResolvedPackage {
                    name: p.name.clone(),
                    version: p.version.clone(),
                    installed_size_bytes: p.installed_size_bytes(),
                    download_bytes: p.download_size,
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

struct Resolver<'a> {
    catalog: &'a PackageCatalog,
    installed: &'a BTreeSet<String>,
    chosen: Vec<usize>,
    chosen_set: BTreeSet<usize>,
    missing: Vec<String>,
}

impl Resolver<'_> {
    /// A name is satisfied by an installed or chosen package of that name or a provider of it.
    fn is_satisfied(&self, name: &str) -> bool {
        if self.installed.contains(name) {
            return true;
        }
        if let Some(&i) = self.catalog.by_name.get(name) {
            if self.chosen_set.contains(&i) {
                return true;
            }
        }
        self.catalog.providers.get(name).is_some_and(|ps| {
            ps.iter().any(|&i| {
                self.chosen_set.contains(&i)
                    || self.installed.contains(&self.catalog.packages[i].name)
            })
        })
    }

    /// The package that would satisfy `name`: the real package, else the first provider by
    /// priority (required before optional), then index order.
    fn pick(&self, name: &str) -> Option<usize> {
        if let Some(&i) = self.catalog.by_name.get(name) {
            return Some(i);
        }
        let providers = self.catalog.providers.get(name)?;
        providers
            .iter()
            .copied()
            .min_by_key(|&i| self.catalog.packages[i].priority)
    }

    fn choose(&mut self, index: usize, queue: &mut Vec<usize>) {
        if self.chosen_set.insert(index) {
            self.chosen.push(index);
            queue.push(index);
        }
    }
}
