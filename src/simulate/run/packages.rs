//! Package managers and downloads: `apt-get`/`apt`, `dpkg`, `apk`, `pip`, `npm`/`yarn`,
//! `curl`, `wget`.
//!
//! `apt-get update` adds the package lists with the sizes measured for the release
//! ([`PackageCatalog::apt_list_files`]); `apt-get install` resolves the dependency closure in
//! the Debian catalog minus the base image's estimated packages and adds, per package, its
//! dpkg file list `/var/lib/dpkg/info/<name>.list` as an unknown file that carries the
//! package's `Installed-Size` (the package's own files are not known individually, so the
//! layer's size is right while its file list is not). Both are Estimated and name their data.
//! The official Debian/Ubuntu images delete downloaded `.deb`s after each install
//! (`/etc/apt/apt.conf.d/docker-clean`), so none are added.

use std::sync::Arc;

use super::exec::{Call, Outcome, Sim, Status, Stream};
use super::files::Args;
use super::EffectKind;
use crate::catalog::distro_data::{package_data_for, PackageDataset};
use crate::catalog::packages::{InstalledSet, PackageCatalog};
use crate::fs::Content;
use crate::simulate::Certainty;

const APT_LISTS: &str = "/var/lib/apt/lists";
const DPKG_INFO: &str = "/var/lib/dpkg/info";

pub(crate) fn run(sim: &mut Sim, call: &Call) -> Outcome {
    match call.program() {
        "apt-get" | "apt" => apt(sim, call),
        "dpkg" => super::exec::unknown_command(sim, call),
        "apk" => apk(sim, call),
        "pip" | "pip3" => pip(sim, call),
        "npm" | "yarn" => npm(sim, call),
        "curl" | "wget" => download(sim, call),
        _ => super::exec::unknown_command(sim, call),
    }
}

/// The package data chosen for a stage: the catalog, which dataset it is, the note that
/// labels its numbers.
struct Chosen<'c> {
    catalog: &'c PackageCatalog,
    dataset: PackageDataset,
    note: String,
}

/// The catalog for the stage's distro, with the note that labels its numbers.
fn catalog<'c>(sim: &Sim<'_, '_, 'c>) -> Result<Chosen<'c>, String> {
    let choice = package_data_for(sim.input.distro.as_ref(), &sim.input.architecture);
    let Some(dataset) = choice.dataset else {
        return Err(choice.note);
    };
    match sim.catalogs.packages(dataset) {
        Some(catalog) => Ok(Chosen {
            catalog,
            dataset,
            note: choice.note,
        }),
        None => Err(format!(
            "the {} package data is not loaded",
            dataset.codename()
        )),
    }
}

fn apt(sim: &mut Sim, call: &Call) -> Outcome {
    let args: Vec<String> = call.argv.iter().skip(1).cloned().collect();
    let parsed = Args::parse(&args, &['o', 't', 'c']);
    let Some(subcommand) = parsed.operands.first().cloned() else {
        return Outcome::fail("apt-get: no command given");
    };
    let names: Vec<String> = parsed.operands.iter().skip(1).cloned().collect();
    match subcommand.as_str() {
        "update" => apt_update(sim, call),
        "install" => {
            let recommends = !parsed.has_long("no-install-recommends")
                && !parsed.values.get(&'o').is_some_and(|o| {
                    o.contains("Install-Recommends=false") || o.contains("Install-Recommends=0")
                });
            let assume_yes = parsed.has('y')
                || parsed.has_long("yes")
                || parsed.has_long("assume-yes")
                || parsed.flags.iter().filter(|c| **c == 'q').count() >= 2;
            if !assume_yes && call.program() == "apt-get" {
                sim.note("apt-get install without -y asks for confirmation and aborts in a non-interactive build when more than the named packages are needed");
            }
            apt_install(sim, call, &names, recommends)
        }
        "clean" | "autoclean" => {
            let removed = remove_under(sim, "/var/cache/apt/archives", |name| {
                name.ends_with(".deb")
            });
            let effect = sim.effect(
                call,
                EffectKind::Remove,
                Certainty::Exact,
                "apt-get clean: downloaded .deb files removed",
            );
            effect.bytes = Some(0);
            effect.removed_bytes = Some(removed);
            Outcome::ok()
        }
        "remove" | "purge" | "autoremove" => {
            let mut removed = 0;
            let mut gone = Vec::new();
            for name in &names {
                let path = format!("{DPKG_INFO}/{name}.list");
                if let Ok(node) = sim.tree.lookup(&path) {
                    removed += super::files::node_bytes(node);
                    let _ = sim.tree.remove(&path);
                    sim.installed.remove(name);
                    gone.push(name.clone());
                }
            }
            let effect = sim.effect(
                call,
                EffectKind::Remove,
                Certainty::Unknown,
                format!("apt-get {subcommand} {}: removes packages (and for autoremove, dependencies no longer needed), not resolved", names.join(" ")),
            );
            effect.removed_bytes = Some(removed);
            effect.paths = gone;
            Outcome::unknown()
        }
        "upgrade" | "dist-upgrade" | "full-upgrade" => {
            sim.effect(
                call,
                EffectKind::Unknown,
                Certainty::Unknown,
                format!("apt-get {subcommand}: which packages have newer versions than the base image depends on the day of the build"),
            );
            Outcome::unknown()
        }
        _ => super::exec::unknown_command(sim, call),
    }
}

fn apt_update(sim: &mut Sim, call: &Call) -> Outcome {
    let Chosen { catalog, note, .. } = match catalog(sim) {
        Ok(found) => found,
        Err(why) => {
            sim.effect(
                call,
                EffectKind::Install,
                Certainty::Unknown,
                format!("apt-get update: package lists of unknown size ({why})"),
            );
            return Outcome::unknown();
        }
    };
    let _ = sim.tree.mkdir_p(APT_LISTS, sim.meta(0o755));
    let mut paths = Vec::new();
    let origin: Arc<str> = Arc::from(format!("apt-get update ({})", catalog.source));
    for (name, size) in &catalog.apt_list_files {
        let path = format!("{APT_LISTS}/{name}");
        let content = Content::Unknown {
            estimated_size: Some(*size),
            origin: Arc::clone(&origin),
        };
        if sim.tree.write_file(&path, content, sim.meta(0o644)).is_ok() {
            paths.push(path);
        }
    }
    sim.note(format!("apt package data: {note}"));
    let effect = sim.effect(
        call,
        EffectKind::Install,
        Certainty::Estimated,
        format!(
            "apt-get update: {} list files in {APT_LISTS} ({} bytes measured for {})",
            paths.len(),
            catalog.apt_lists_bytes,
            catalog.release
        ),
    );
    effect.bytes = Some(catalog.apt_lists_bytes);
    effect.paths = paths;
    Outcome::ok()
}

/// Package names as apt takes them: `name=version` and `name/release` select a version.
fn package_name(word: &str) -> String {
    let name = word.split(['=', '/']).next().unwrap_or(word);
    name.trim_end_matches(':').to_string()
}

/// The packages the stage already has: the base image's estimate plus earlier RUNs.
fn base_set(sim: &Sim, chosen: &Chosen) -> (InstalledSet, String) {
    let catalog = chosen.catalog;
    let (mut set, how) = match sim.input.base_image {
        Some(image) => {
            let estimate = sim.catalogs.base_estimate(chosen.dataset, catalog, image);
            (estimate.installed.clone(), estimate.note.clone())
        }
        None if sim.input.distro.is_some() => (
            catalog.installed_set(catalog.minbase().iter()),
            "base packages: debootstrap minbase estimate".to_string(),
        ),
        None => (
            InstalledSet::default(),
            "no base packages known".to_string(),
        ),
    };
    catalog.extend_installed(&mut set, &sim.installed);
    (set, how)
}

fn apt_install(sim: &mut Sim, call: &Call, names: &[String], recommends: bool) -> Outcome {
    let requested: Vec<String> = names
        .iter()
        .filter(|n| !n.starts_with('-'))
        .map(|n| package_name(n))
        .filter(|n| !n.is_empty())
        .collect();
    if requested.is_empty() {
        let effect = sim.effect(
            call,
            EffectKind::None,
            Certainty::Exact,
            "apt-get install: no packages named",
        );
        effect.bytes = Some(0);
        return Outcome::ok();
    }
    let chosen = match catalog(sim) {
        Ok(found) => found,
        Err(why) => {
            sim.effect(
                call,
                EffectKind::Install,
                Certainty::Unknown,
                format!(
                    "apt-get install {}: sizes not known ({why})",
                    requested.join(" ")
                ),
            );
            return Outcome::unknown();
        }
    };
    let (installed, base_note) = base_set(sim, &chosen);
    let Chosen { catalog, note, .. } = chosen;
    let lists_present = sim
        .tree
        .lookup(APT_LISTS)
        .ok()
        .and_then(|n| {
            n.children()
                .map(|c| c.keys().any(|k| k.contains("Packages")))
        })
        .unwrap_or(false);
    if !lists_present {
        sim.note(
            "apt-get install runs without package lists from an apt-get update in this stage: the official Debian/Ubuntu images ship with empty lists, so apt-get would fail with `Unable to locate package`",
        );
    }
    // A requested name installed by an earlier RUN adds nothing (the id set holds only the
    // names the catalog knows, which is every name a RUN installed).
    let to_resolve: Vec<&str> = requested
        .iter()
        .map(String::as_str)
        .filter(|n| !sim.installed.contains(*n))
        .collect();
    let resolution = catalog.resolve_install_in(&to_resolve, recommends, &installed);
    let missing_requested: Vec<&String> = resolution
        .missing
        .iter()
        .filter(|m| requested.contains(m))
        .collect();
    // A name the Debian index lacks may come from a repository added before (nodesource,
    // docker-ce, a PPA) or be a typo: apt would fail on the latter. Which one is not known,
    // so the install is labelled unknown rather than predicted to fail.
    let third_party = !missing_requested.is_empty();
    if third_party {
        let names: Vec<&str> = missing_requested.iter().map(|s| s.as_str()).collect();
        sim.note(format!(
            "not in {}'s index: {} (a third-party repository's package, or apt-get fails with `Unable to locate package`)",
            catalog.release,
            names.join(", ")
        ));
    }
    let _ = sim.tree.mkdir_p(DPKG_INFO, sim.meta(0o755));
    let meta = sim.meta(0o644);
    let lists = resolution.packages.iter().map(|package| {
        let content = Content::Unknown {
            estimated_size: Some(package.installed_size_bytes),
            origin: Arc::from(format!(
                "apt-get install: {} {} (Installed-Size; its files are not known individually)",
                package.name, package.version
            )),
        };
        (format!("{}.list", package.name), content, meta)
    });
    let paths: Vec<String> = match sim.tree.write_files_in(DPKG_INFO, lists) {
        Ok(written) => written
            .into_iter()
            .map(|name| format!("{DPKG_INFO}/{name}"))
            .collect(),
        Err(_) => Vec::new(),
    };
    sim.installed
        .extend(resolution.packages.iter().map(|p| p.name.clone()));
    sim.note(format!("apt package data: {note}"));
    sim.note(base_note);
    let mut description =
        format!(
        "apt-get install {}: {} packages, {} bytes installed (Installed-Size; {} to download){}",
        requested.join(" "),
        resolution.packages.len(),
        resolution.total_installed_bytes,
        resolution.download_bytes,
        if recommends { ", with Recommends" } else { ", --no-install-recommends" }
    );
    if !resolution.missing.is_empty() {
        description.push_str(&format!(
            "; not in the data: {}",
            resolution.missing.join(", ")
        ));
    }
    let certainty = if third_party {
        Certainty::Unknown
    } else {
        Certainty::Estimated
    };
    let effect = sim.effect(call, EffectKind::Install, certainty, description);
    effect.bytes = Some(resolution.total_installed_bytes);
    effect.paths = paths;
    Outcome::ok()
}

/// Removes the files under `dir` whose name satisfies `select`; returns the bytes removed.
fn remove_under(sim: &mut Sim, dir: &str, select: impl Fn(&str) -> bool) -> u64 {
    let names: Vec<String> = sim
        .tree
        .lookup(dir)
        .ok()
        .and_then(|n| n.children().map(|c| c.keys().cloned().collect()))
        .unwrap_or_default();
    let mut removed = 0;
    for name in names.into_iter().filter(|n| select(n)) {
        let path = format!("{dir}/{name}");
        if let Ok(node) = sim.tree.remove(&path) {
            removed += super::files::node_bytes(&node);
        }
    }
    removed
}

fn apk(sim: &mut Sim, call: &Call) -> Outcome {
    let args: Vec<String> = call.argv.iter().skip(1).cloned().collect();
    let parsed = Args::parse(&args, &['X', 'p', 't']);
    let subcommand = parsed.operands.first().cloned().unwrap_or_default();
    let packages: Vec<String> = parsed.operands.iter().skip(1).cloned().collect();
    let no_cache = parsed.has_long("no-cache") || sim.under_mount("/var/cache/apk");
    let why = package_data_for(sim.input.distro.as_ref(), &sim.input.architecture).note;
    let description = match subcommand.as_str() {
        "add" => {
            if !no_cache {
                sim.note("apk add without --no-cache leaves the package index in /var/cache/apk (about 2-3 MB on Alpine)");
            }
            format!(
                "apk add {}: sizes not known ({why}){}",
                packages.join(" "),
                if no_cache {
                    ""
                } else {
                    "; the index is cached in /var/cache/apk"
                }
            )
        }
        "del" => format!(
            "apk del {}: removal not resolved ({why})",
            packages.join(" ")
        ),
        "update" => {
            "apk update: the package index goes to /var/cache/apk (size not known)".to_string()
        }
        "upgrade" => "apk upgrade: depends on the day of the build".to_string(),
        _ => return super::exec::unknown_command(sim, call),
    };
    let kind = if subcommand == "del" {
        EffectKind::Remove
    } else {
        EffectKind::Install
    };
    sim.effect(call, kind, Certainty::Unknown, description);
    Outcome::unknown()
}

fn pip(sim: &mut Sim, call: &Call) -> Outcome {
    let args: Vec<String> = call.argv.iter().skip(1).cloned().collect();
    let parsed = Args::parse(&args, &['r', 'c', 'e', 't', 'i']);
    if parsed.operands.first().map(String::as_str) != Some("install") {
        return super::exec::unknown_command(sim, call);
    }
    let mut packages: Vec<String> = parsed.operands.iter().skip(1).cloned().collect();
    if let Some(requirements) = parsed.values.get(&'r').or(parsed
        .long
        .iter()
        .find_map(|l| l.strip_prefix("requirement=").map(str::to_string))
        .as_ref())
    {
        let abs = sim.abs(requirements);
        match sim
            .tree
            .lookup(&abs)
            .ok()
            .and_then(|n| n.content())
            .and_then(|c| c.bytes())
        {
            Some(bytes) => {
                let text = String::from_utf8_lossy(bytes).into_owned();
                packages.extend(
                    text.lines()
                        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
                        .filter(|l| !l.is_empty() && !l.starts_with('-')),
                );
            }
            None => packages.push(format!("(requirements in {requirements}, not known)")),
        }
    }
    let pip_cache = format!("{}/.cache/pip", sim.home().trim_end_matches('/'));
    let no_cache = parsed.has_long("no-cache-dir")
        || sim.under_mount(&pip_cache)
        || sim.var("PIP_NO_CACHE_DIR").is_some_and(|v| {
            v.as_deref()
                .is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
        });
    if !no_cache {
        sim.note("pip install without --no-cache-dir keeps the downloaded wheels in ~/.cache/pip, in the layer");
    }
    sim.effect(
        call,
        EffectKind::Install,
        Certainty::Unknown,
        format!(
            "pip install {}: no PyPI data, sizes not known{}",
            packages.join(" "),
            if no_cache {
                ""
            } else {
                "; the download cache stays in ~/.cache/pip"
            }
        ),
    );
    Outcome::unknown()
}

fn npm(sim: &mut Sim, call: &Call) -> Outcome {
    let sub = call.argv.get(1).cloned().unwrap_or_default();
    if !matches!(sub.as_str(), "install" | "i" | "ci" | "add" | "") {
        return super::exec::unknown_command(sim, call);
    }
    let node_modules = format!("{}/node_modules", sim.cwd.trim_end_matches('/'));
    let npm_cache = format!("{}/.npm", sim.home().trim_end_matches('/'));
    if !sim.under_mount(&npm_cache) {
        sim.note("npm/yarn keep their download cache (~/.npm, ~/.cache/yarn) in the layer unless it is cleaned in the same RUN");
    }
    sim.effect(
        call,
        EffectKind::Install,
        Certainty::Unknown,
        format!(
            "{}: installs into {node_modules}; no npm registry data, sizes not known",
            call.argv.join(" ")
        ),
    );
    Outcome::unknown()
}

/// `curl -o FILE`, `curl -O`, `wget -O FILE`, `wget URL`, `-P DIR`: a file of unknown
/// content; to stdout otherwise (`curl URL | sh`).
fn download(sim: &mut Sim, call: &Call) -> Outcome {
    let args: Vec<String> = call.argv.iter().skip(1).cloned().collect();
    let curl = call.program() == "curl";
    let with_value: &[char] = if curl {
        &[
            'o', 'H', 'd', 'u', 'X', 'A', 'e', 'w', 'm', 'T', 'F', 'x', 'b', 'c', 'r', 'y', 'Y',
            'z', 'C', 'K', 'E', 'U', 'Q',
        ]
    } else {
        &[
            'O', 'P', 'o', 'a', 'U', 't', 'T', 'w', 'e', 'i', 'l', 'A', 'R', 'D', 'B', 'Q', 'X',
            'I',
        ]
    };
    let parsed = Args::parse(&args, with_value);
    let urls: Vec<&String> = parsed.operands.iter().collect();
    let url_name = |url: &str| {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if name.is_empty() || name.contains(':') {
            "index.html".to_string()
        } else {
            name.to_string()
        }
    };
    let output: Option<String> = if curl {
        parsed
            .values
            .get(&'o')
            .cloned()
            .or_else(|| parsed.long_value("output"))
            .or_else(|| {
                (parsed.has('O') || parsed.has_long("remote-name"))
                    .then(|| urls.first().map(|u| url_name(u)))
                    .flatten()
            })
    } else {
        match parsed
            .values
            .get(&'O')
            .cloned()
            .or_else(|| parsed.long_value("output-document"))
        {
            Some(doc) => Some(doc),
            None => urls.first().map(|u| {
                let name = url_name(u);
                match parsed
                    .values
                    .get(&'P')
                    .cloned()
                    .or_else(|| parsed.long_value("directory-prefix"))
                {
                    Some(dir) => format!("{}/{name}", dir.trim_end_matches('/')),
                    None => name,
                }
            }),
        }
    };
    let url_text = urls
        .iter()
        .map(|u| u.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    match output {
        Some(path) if path != "-" => match sim.write_stream(&path, Stream::Unknown(None), false) {
            Ok(_) => {
                let abs = sim.abs(&path);
                let effect = sim.effect(
                    call,
                    EffectKind::Write,
                    Certainty::Unknown,
                    format!(
                        "{} {url_text} → {abs}: downloaded, content and size not known",
                        call.program()
                    ),
                );
                effect.paths.push(abs);
                Outcome::unknown()
            }
            Err(message) => Outcome::fail(format!("{}: {message}", call.program())),
        },
        _ => {
            sim.effect(
                call,
                EffectKind::None,
                Certainty::Unknown,
                format!("{} {url_text}: downloads to stdout", call.program()),
            );
            Outcome {
                status: Status::Unknown,
                stdout: Stream::Unknown(None),
            }
        }
    }
}
