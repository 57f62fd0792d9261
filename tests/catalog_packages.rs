//! The Debian package catalog and `apt-get install` resolution, checked against Debian's own
//! Packages index as apt stored it on this machine (read here independently of the generator,
//! with its full relation syntax), and against the shipped data file.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use layerlab::catalog::packages::{PackageCatalog, Resolution};

const LISTS: &str = "/var/lib/apt/lists";

/// One stanza of the raw index: Installed-Size (KiB), Size, and the raw relation fields.
struct RawPackage {
    installed_kib: u64,
    size: u64,
    depends: String,
    provides: String,
}

/// The bookworm, bookworm-updates and bookworm-security amd64 indexes apt keeps, later suites
/// replacing earlier ones; `None` when this machine has no such lists (then the checks that
/// need them are skipped loudly).
fn raw_bookworm_index() -> Option<&'static HashMap<String, RawPackage>> {
    static RAW: OnceLock<Option<HashMap<String, RawPackage>>> = OnceLock::new();
    RAW.get_or_init(read_raw_bookworm_index).as_ref()
}

/// The shipped catalog is a snapshot: compare with the machine's lists only when their
/// InRelease `Date:` lines are the ones the catalog records (a later `apt-get update`
/// brings newer security updates; then regenerate with scripts/catalog/debian-packages.py).
fn lists_are_the_catalogs_snapshot() -> bool {
    let mut dates: Vec<String> = Vec::new();
    for suite in ["bookworm", "bookworm-updates", "bookworm-security"] {
        let Ok(entries) = std::fs::read_dir(LISTS) else {
            return false;
        };
        let suffix = format!("_dists_{suite}_InRelease");
        let Some(file) = entries
            .filter_map(|e| e.ok())
            .find(|e| e.file_name().to_string_lossy().ends_with(&suffix))
        else {
            eprintln!("SKIPPED: no {suite} InRelease in {LISTS}");
            return false;
        };
        let text = std::fs::read_to_string(file.path()).unwrap_or_default();
        match text.lines().find_map(|l| l.strip_prefix("Date: ")) {
            Some(d) => dates.push(d.to_string()),
            None => return false,
        }
    }
    let recorded: Vec<String> = catalog()
        .suites
        .iter()
        .filter_map(|s| s.split("InRelease Date: ").nth(1).map(str::to_string))
        .collect();
    if recorded != dates {
        eprintln!(
            "SKIPPED: {LISTS} is a different snapshot ({dates:?}) than the catalog ({recorded:?})"
        );
        return false;
    }
    true
}

fn read_raw_bookworm_index() -> Option<HashMap<String, RawPackage>> {
    let mut files: Vec<String> = std::fs::read_dir(LISTS)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.contains("_dists_bookworm") && n.contains("_main_binary-amd64_Packages"))
        .collect();
    let rank = |n: &str| {
        if n.contains("bookworm-security") {
            2
        } else if n.contains("bookworm-updates") {
            1
        } else {
            0
        }
    };
    files.sort_by_key(|n| rank(n));
    if !lists_are_the_catalogs_snapshot() {
        return None;
    }
    if files.is_empty() || !Path::new("/usr/lib/apt/apt-helper").exists() {
        eprintln!("SKIPPED: no bookworm Packages index in {LISTS} (run apt-get update)");
        return None;
    }
    let mut out = HashMap::new();
    for file in files {
        let output = Command::new("/usr/lib/apt/apt-helper")
            .args(["cat-file", &format!("{LISTS}/{file}")])
            .output()
            .expect("apt-helper runs");
        assert!(output.status.success(), "apt-helper cat-file {file}");
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        for stanza in text.split("\n\n") {
            let mut fields: HashMap<&str, String> = HashMap::new();
            let mut last = "";
            for line in stanza.lines() {
                if line.starts_with([' ', '\t']) {
                    if let Some(v) = fields.get_mut(last) {
                        v.push(' ');
                        v.push_str(line.trim());
                    }
                } else if let Some((k, v)) = line.split_once(':') {
                    last = k;
                    fields.insert(k, v.trim().to_string());
                }
            }
            let Some(name) = fields.get("Package") else {
                continue;
            };
            let num = |k: &str| {
                fields
                    .get(k)
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            let depends = [fields.get("Pre-Depends"), fields.get("Depends")]
                .into_iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            out.insert(
                name.clone(),
                RawPackage {
                    installed_kib: num("Installed-Size"),
                    size: num("Size"),
                    depends,
                    provides: fields.get("Provides").cloned().unwrap_or_default(),
                },
            );
        }
    }
    Some(out)
}

/// The package name of one alternative of a raw relation: `libc6 (>= 2.34)` → `libc6`,
/// `python3:any` → `python3`.
fn relation_name(alt: &str) -> &str {
    let alt = alt.trim();
    let end = alt.find([' ', '(', ':', '[']).unwrap_or(alt.len());
    &alt[..end]
}

/// Checks a resolution against the raw index: sizes per package, sums, and that every
/// (Pre-)Depends group of every package to install is satisfied by the result or the
/// installed set (directly or through Provides).
fn check_against_raw(
    raw: &HashMap<String, RawPackage>,
    r: &Resolution,
    installed: &BTreeSet<String>,
) {
    let mut present: BTreeSet<String> = installed.clone();
    for name in installed {
        if let Some(rp) = raw.get(name) {
            present.extend(
                rp.provides
                    .split(',')
                    .map(relation_name)
                    .filter(|n| !n.is_empty())
                    .map(str::to_string),
            );
        }
    }
    for p in &r.packages {
        present.insert(p.name.clone());
        let rp = raw
            .get(&p.name)
            .unwrap_or_else(|| panic!("{} is in Debian's index", p.name));
        for provided in rp
            .provides
            .split(',')
            .map(relation_name)
            .filter(|n| !n.is_empty())
        {
            present.insert(provided.to_string());
        }
        assert_eq!(
            p.installed_size_bytes,
            rp.installed_kib * 1024,
            "{}: Installed-Size",
            p.name
        );
        assert_eq!(p.download_bytes, rp.size, "{}: Size", p.name);
    }
    for p in &r.packages {
        for group in raw[&p.name]
            .depends
            .split(',')
            .filter(|g| !g.trim().is_empty())
        {
            assert!(
                group
                    .split('|')
                    .any(|alt| present.contains(relation_name(alt))),
                "{}'s dependency {group:?} is not satisfied",
                p.name
            );
        }
    }
    let installed_sum: u64 = r
        .packages
        .iter()
        .map(|p| raw[&p.name].installed_kib * 1024)
        .sum();
    let download_sum: u64 = r.packages.iter().map(|p| raw[&p.name].size).sum();
    assert_eq!(r.total_installed_bytes, installed_sum);
    assert_eq!(r.download_bytes, download_sum);
    assert!(
        r.packages.iter().all(|p| !installed.contains(&p.name)),
        "installed packages are not reinstalled"
    );
}

fn catalog() -> &'static PackageCatalog {
    static CATALOG: OnceLock<PackageCatalog> = OnceLock::new();
    CATALOG
        .get_or_init(|| PackageCatalog::bundled_bookworm_amd64().expect("bundled catalog parses"))
}

fn names(r: &Resolution) -> BTreeSet<&str> {
    r.packages.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn python3_and_pip_with_and_without_recommends() {
    let catalog = catalog();
    let none = BTreeSet::new();
    let base = catalog.minbase_estimate();
    let lean = catalog.resolve_install(&["python3", "python3-pip"], false, &base);
    let full = catalog.resolve_install(&["python3", "python3-pip"], true, &base);
    let lean_bare = catalog.resolve_install(&["python3", "python3-pip"], false, &none);
    for r in [&lean, &full, &lean_bare] {
        assert!(r.missing.is_empty(), "{:?}", r.missing);
        assert!(
            r.source.starts_with("Debian bookworm Packages index ("),
            "{}",
            r.source
        );
        assert_eq!(&r.packages[0].name, "python3");
        assert_eq!(&r.packages[1].name, "python3-pip");
    }
    // Dependencies the index names; recommends add the compiler toolchain pip recommends.
    for needed in [
        "python3.11",
        "python3-minimal",
        "libpython3.11-stdlib",
        "python3-setuptools",
        "ca-certificates",
    ] {
        assert!(names(&lean).contains(needed), "{needed}");
    }
    for recommended in ["build-essential", "python3-dev", "gcc"] {
        assert!(
            !names(&lean).contains(recommended) && names(&full).contains(recommended),
            "{recommended}"
        );
    }
    assert!(names(&lean).is_subset(&names(&full)));
    assert!(
        full.total_installed_bytes > 3 * lean.total_installed_bytes,
        "recommends pull in gcc & co"
    );
    // Subtracting the base: nothing installed twice, strictly less to add.
    assert!(names(&lean).is_disjoint(&base.iter().map(String::as_str).collect()));
    assert!(lean.total_installed_bytes < lean_bare.total_installed_bytes);
    assert!(names(&lean_bare).contains("libc6") && !names(&lean).contains("libc6"));
    // Plausible magnitudes for a bookworm python3 + pip layer: tens of MB installed.
    assert!(
        (20_000_000..200_000_000).contains(&lean.total_installed_bytes),
        "{}",
        lean.total_installed_bytes
    );
    assert!(lean.download_bytes < lean.total_installed_bytes);

    let Some(raw) = raw_bookworm_index() else {
        return;
    };
    check_against_raw(raw, &lean, &base);
    check_against_raw(raw, &lean_bare, &none);
    // With recommends, the (Pre-)Depends of everything added must hold as well.
    check_against_raw(raw, &full, &base);
}

#[test]
fn every_package_matches_debians_index() {
    let catalog = catalog();
    let Some(raw) = raw_bookworm_index() else {
        return;
    };
    assert_eq!(
        catalog.len(),
        raw.len(),
        "one record per package of the merged suites"
    );
    for p in catalog.packages() {
        let rp = raw
            .get(&p.name)
            .unwrap_or_else(|| panic!("{} in the raw index", p.name));
        assert_eq!(
            (p.installed_size_kib, p.download_size),
            (rp.installed_kib, rp.size),
            "{}",
            p.name
        );
    }
}

#[test]
fn installed_and_unknown_names() {
    let catalog = catalog();
    let installed: BTreeSet<String> = ["curl".to_string()].into();
    let r = catalog.resolve_install(&["curl"], false, &installed);
    assert!(r.packages.is_empty() && r.total_installed_bytes == 0 && r.download_bytes == 0);

    let r = catalog.resolve_install(&["curl", "no-such-package-xyz"], false, &BTreeSet::new());
    assert_eq!(r.missing, vec!["no-such-package-xyz".to_string()]);
    assert!(names(&r).contains("curl") && names(&r).contains("libcurl4"));

    // A virtual package resolves through Provides (no real package has that name).
    assert!(catalog.get("mail-transport-agent").is_none());
    let r = catalog.resolve_install(&["mail-transport-agent"], false, &BTreeSet::new());
    assert!(r.missing.is_empty());
    let chosen = &r.packages[0].name;
    let provider = catalog.get(chosen).expect("provider is a real package");
    assert!(
        provider
            .provides
            .iter()
            .any(|v| v == "mail-transport-agent"),
        "{chosen}"
    );
}

#[test]
fn minbase_estimate_is_the_required_set() {
    let catalog = catalog();
    let base = catalog.minbase_estimate();
    for p in catalog.packages().filter(|p| p.essential) {
        // Every Essential package of bookworm is also Priority: required.
        assert!(base.contains(&p.name), "{}", p.name);
    }
    for name in ["apt", "usr-is-merged", "libc6", "tzdata"] {
        assert!(base.contains(name), "{name}");
    }
    assert!(
        !base.contains("usrmerge") && !base.contains("perl"),
        "usr-is-merged satisfies init-system-helpers"
    );
    assert!((60..150).contains(&base.len()), "{}", base.len());
}

#[test]
fn apt_lists_size_is_the_measured_files() {
    let catalog = catalog();
    let sum: u64 = catalog.apt_list_files.iter().map(|(_, size)| size).sum();
    assert_eq!(catalog.apt_lists_bytes, sum);
    assert!(catalog
        .apt_list_files
        .iter()
        .any(|(n, _)| n.ends_with("_bookworm_main_binary-amd64_Packages.lz4")));
    assert_eq!(catalog.suites.len(), 3, "{:?}", catalog.suites);
    assert_eq!(
        (catalog.release.as_str(), catalog.arch.as_str()),
        ("debian bookworm", "amd64")
    );
}

#[test]
fn from_bytes_reports_bad_input() {
    for bad in [
        &b""[..],
        b"\x1f\x8b\x08garbage",
        b"#layerlab-debian-packages 1\nfoo\tbar\n",
        b"hello",
    ] {
        assert!(PackageCatalog::from_bytes(bad).is_err());
    }
    let text = "#layerlab-debian-packages 1\n#source test\na\t1\t10\t100\to\t\tb|c\td\t\nc\t2\t5\t50\trE\t\t\t\tv\n";
    let c = PackageCatalog::from_bytes(text.as_bytes()).expect("plain text parses");
    let r = c.resolve_install(&["a"], true, &BTreeSet::new());
    // b is missing, c is the available alternative; the unsatisfiable recommend d is skipped.
    assert_eq!(names(&r), ["a", "c"].into());
    assert_eq!(r.total_installed_bytes, 15 * 1024);
    assert_eq!(r.download_bytes, 150);
    assert!(r.missing.is_empty());
    let r = c.resolve_install(&["v"], false, &BTreeSet::new());
    assert_eq!(names(&r), ["c"].into(), "v is provided by c");
}

#[test]
fn trixie_catalog_resolves_with_its_own_records() {
    use layerlab::catalog::distro_data::PackageDataset;
    let trixie = PackageCatalog::bundled(PackageDataset::DebianTrixieAmd64).expect("trixie parses");
    assert_eq!(trixie.release, "debian trixie");
    assert!(trixie.source.starts_with("Debian trixie Packages index ("));
    let base = trixie.minbase_estimate();
    let r = trixie.resolve_install(&["python3", "python3-pip"], false, &base);
    assert!(r.missing.is_empty(), "{:?}", r.missing);
    assert!(names(&r).contains("python3.13"), "trixie's python3 is 3.13");
    let mut sum = 0;
    for p in &r.packages {
        let record = trixie
            .get(&p.name)
            .expect("resolved names are real packages");
        assert_eq!(p.version, record.version);
        sum += record.installed_size_kib * 1024;
    }
    assert_eq!(r.total_installed_bytes, sum);
    // The bookworm answer differs: the data is per release, not shared.
    let bookworm = catalog().resolve_install(&["python3"], false, &catalog().minbase_estimate());
    assert!(names(&bookworm).contains("python3.11"));
}

#[test]
fn base_images_map_to_package_data() {
    use layerlab::catalog::base_images::BaseImageCatalog;
    use layerlab::catalog::distro_data::{package_data_for, PackageDataset};
    let images = BaseImageCatalog::bundled().expect("base images");
    let choice = |reference: &str, platform: Option<&str>| {
        let image = images.lookup(reference, platform).expect(reference);
        package_data_for(image.distro.as_ref(), &image.architecture)
    };
    let c = choice("python:3.12-slim", None);
    assert_eq!(
        (c.dataset, c.exact),
        (Some(PackageDataset::DebianTrixieAmd64), true)
    );
    let c = choice("debian:bookworm", None);
    assert_eq!(
        (c.dataset, c.exact),
        (Some(PackageDataset::DebianBookwormAmd64), true)
    );
    let c = choice("debian:bookworm", Some("linux/arm64"));
    assert_eq!(
        (c.dataset, c.exact),
        (Some(PackageDataset::DebianBookwormAmd64), false)
    );
    assert!(c.note.contains("amd64"), "{}", c.note);
    let c = choice("ubuntu:22.04", None);
    assert_eq!(
        (c.dataset, c.exact),
        (Some(PackageDataset::DebianBookwormAmd64), false)
    );
    assert!(
        c.note.starts_with("approximation: ubuntu jammy"),
        "{}",
        c.note
    );
    let c = choice("ubuntu:24.04", None);
    assert_eq!(c.dataset, Some(PackageDataset::DebianTrixieAmd64));
    for no_data in ["alpine:3.20", "busybox", "scratch"] {
        let c = choice(no_data, None);
        assert_eq!(c.dataset, None, "{no_data}");
        assert!(!c.note.is_empty());
    }
    // Every dataset named here is a file under data/.
    for d in [
        PackageDataset::DebianBookwormAmd64,
        PackageDataset::DebianTrixieAmd64,
    ] {
        let path = format!("{}/data/{}", env!("CARGO_MANIFEST_DIR"), d.file_name());
        assert!(std::path::Path::new(&path).is_file(), "{path}");
    }
}

#[test]
fn id_set_resolutions_are_memoized_and_equal_the_name_set_ones() {
    // A catalog of its own: the memo starts empty.
    let catalog = PackageCatalog::bundled_bookworm_amd64().expect("bundled catalog");
    let base = catalog.minbase_estimate();
    let mut installed = catalog.installed_set(base.iter());
    assert_eq!(installed.len(), base.len());
    let names = ["python3", "python3-pip"];
    let before = catalog.memoized_resolutions();
    let first = catalog.resolve_install_in(&names, true, &installed);
    let again = catalog.resolve_install_in(&names, true, &installed);
    assert!(std::sync::Arc::ptr_eq(&first, &again), "memo hit");
    assert_eq!(catalog.memoized_resolutions(), before + 1);
    assert_eq!(*first, catalog.resolve_install(&names, true, &base));
    // Another flag, or another installed set, is another resolution.
    let lean = catalog.resolve_install_in(&names, false, &installed);
    assert!(lean.packages.len() < first.packages.len());
    catalog.extend_installed(&mut installed, ["python3"]);
    let on_python = catalog.resolve_install_in(&names, true, &installed);
    assert_eq!(on_python.packages[0].name, "python3-pip");
    assert_eq!(catalog.memoized_resolutions(), before + 3);
    // Unknown names are in no set, and are missing when requested.
    assert!(catalog.installed_set(["no-such-package-xyz"]).is_empty());
    let unknown = catalog.resolve_install_in(&["no-such-package-xyz"], false, &installed);
    assert_eq!(unknown.missing, vec!["no-such-package-xyz".to_string()]);
}
