//! `docker build`, on the engine's build simulation ([`crate::simulate`]): the Dockerfile is
//! parsed and typed, base images come from the catalog, COPY/ADD read the build context
//! (after `.dockerignore`), config and history follow BuildKit's dispatcher, and layers get
//! their real digests where every byte is known. RUN is not executed: what the RUN
//! simulation knows is printed under its step, and its layer is estimated or unknown.
//!
//! The progress is printed like BuildKit's `--progress=plain`: `#N [stage i/n] INSTRUCTION`
//! vertices for the steps that touch the filesystem, `CACHED` for steps whose cache key the
//! image store has seen, `DONE 0.0s` (nothing ran).

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest as _, Sha256};

use crate::catalog::base_images::BaseImage;
use crate::catalog::reference::ImageReference;
use crate::context::Context;
use crate::diagnostic::Severity;
use crate::image::views::human_size;
use crate::instructions;
use crate::simulate::{
    self, BaseKind, Build, BuildOptions, Catalogs, Certainty, ChangeKindRow, NodeKindRow,
};

use super::store::{
    ImageStore, SizeKnowledge, StoredConfig, StoredHistory, StoredImage, StoredLayer,
};

/// What the command line asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildRequest {
    /// Familiar references to name the result (`app:latest`).
    pub tags: Vec<String>,
    /// `-f FILE` (a context path); `None` = the editor's Dockerfile.
    pub file: Option<String>,
    pub target: Option<String>,
    pub build_args: Vec<(String, String)>,
    pub no_cache: bool,
}

/// The files a build reads: the editor's Dockerfile and the build context.
#[derive(Clone, Copy, Debug)]
pub struct Workspace<'a> {
    pub dockerfile: &'a str,
    pub context: &'a Context,
}

/// The result: the progress text, the image when the build succeeded, and the simulation.
#[derive(Clone, Debug)]
pub struct BuildOutcome {
    pub progress: String,
    pub image: Option<StoredImage>,
    pub error: Option<String>,
    /// Cache keys of the steps, with the time each step's result was made (for the store).
    pub cache: BTreeMap<String, i64>,
    /// The simulation behind the output (layers with their changes, certainty, artifacts).
    pub build: Option<Build>,
}

struct Printer {
    out: String,
    vertex: usize,
}

impl Printer {
    fn vertex(&mut self, name: &str, lines: &[String], cached: bool) {
        self.vertex += 1;
        let n = self.vertex;
        self.out.push_str(&format!("#{n} {name}\n"));
        for line in lines {
            self.out.push_str(&format!("#{n} {line}\n"));
        }
        if cached {
            self.out.push_str(&format!("#{n} CACHED\n\n"));
        } else {
            self.out.push_str(&format!("#{n} DONE 0.0s\n\n"));
        }
    }

    fn error(&mut self, name: &str, message: &str) {
        self.vertex += 1;
        let n = self.vertex;
        self.out
            .push_str(&format!("#{n} {name}\n#{n} ERROR: {message}\n------\n"));
    }
}

fn sha256_hex(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

/// The familiar `name:tag` form of a reference a user typed (`app` → `app:latest`).
pub fn familiar_tag(reference: &str) -> Result<String, String> {
    let parsed = ImageReference::parse_normalized(reference).map_err(|e| e.to_string())?;
    if parsed.digest.is_some() {
        return Err(format!(
            "invalid reference format: {reference} (a digest cannot name a new image)"
        ));
    }
    Ok(format!(
        "{}:{}",
        parsed.familiar_name(),
        parsed.tag.as_deref().unwrap_or("latest")
    ))
}

/// The canonical form Docker prints after `naming to`: `docker.io/library/app:latest`.
pub fn canonical(familiar: &str) -> String {
    ImageReference::parse_normalized(familiar)
        .map(|r| r.to_string())
        .unwrap_or_else(|_| familiar.to_string())
}

/// Seconds since the epoch from an RFC 1123 date (`Fri, 11 Sep 2026 11:53:33 GMT`).
pub fn parse_rfc1123(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, _] = parts.as_slice() else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = MONTHS.iter().position(|x| x == month)? as i64 + 1;
    let d: i64 = day.parse().ok()?;
    let y: i64 = year.parse().ok()?;
    let hms: Vec<i64> = time.split(':').filter_map(|x| x.parse().ok()).collect();
    let [hh, mm, ss] = hms.as_slice() else {
        return None;
    };
    // Days from civil (Howard Hinnant).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// The store key that says a base image's layers are present (pulled or used by a build).
pub fn base_cache_key(image: &BaseImage) -> String {
    sha256_hex(&[
        "base",
        image.manifest_digest.as_deref().unwrap_or(&image.reference),
    ])
}

fn knowledge(c: Certainty) -> SizeKnowledge {
    match c {
        Certainty::Exact => SizeKnowledge::Exact,
        Certainty::Estimated => SizeKnowledge::Estimated,
        Certainty::Unknown => SizeKnowledge::Unknown,
    }
}

/// Runs the build. `now` (seconds since the epoch) dates the steps; a build whose every
/// step is cached keeps the time of the build it repeats, so its image ID stays the same.
pub fn build(
    request: &BuildRequest,
    workspace: Workspace<'_>,
    catalogs: &Catalogs,
    store: &ImageStore,
    now: i64,
) -> BuildOutcome {
    let mut p = Printer {
        out: String::from("#0 building with \"default\" instance using docker driver\n\n"),
        vertex: 0,
    };
    let fail = |mut p: Printer, message: String, build: Option<Build>| {
        p.out
            .push_str(&format!("ERROR: failed to solve: {message}\n"));
        BuildOutcome {
            progress: p.out,
            image: None,
            error: Some(message),
            cache: BTreeMap::new(),
            build,
        }
    };
    let file_name = request
        .file
        .clone()
        .unwrap_or_else(|| "Dockerfile".to_string());
    let text: String = match &request.file {
        None => workspace.dockerfile.to_string(),
        Some(f) if f == "Dockerfile" || f == "./Dockerfile" => workspace.dockerfile.to_string(),
        Some(f) => match workspace.context.file(f.trim_start_matches("./")) {
            Some(content) => String::from_utf8_lossy(content.bytes()).into_owned(),
            None => {
                return fail(
                    p,
                    format!("failed to read dockerfile: open {f}: no such file or directory"),
                    None,
                )
            }
        },
    };
    p.vertex(
        &format!("[internal] load build definition from {file_name}"),
        &[format!(
            "transferring dockerfile: {} done",
            human_size(text.len() as u64)
        )],
        false,
    );
    let (parsed, typed) = instructions::parse_text(&text);
    if let Some(d) = parsed
        .diagnostics
        .iter()
        .chain(&typed.diagnostics)
        .find(|d| d.severity == Severity::Error)
    {
        let (start, _) = d.located(&parsed.source, &parsed.line_index);
        return fail(
            p,
            format!(
                "dockerfile parse error on line {}: {}",
                start.line, d.message
            ),
            None,
        );
    }
    if typed.stages.is_empty() {
        return fail(
            p,
            "failed to parse stages: file with no instructions".into(),
            None,
        );
    }
    if let Some(t) = &request.target {
        let lower = t.to_ascii_lowercase();
        if !typed
            .stages
            .iter()
            .any(|s| s.name.as_deref() == Some(lower.as_str()))
        {
            return fail(p, format!("target stage \"{t}\" could not be found"), None);
        }
    }
    // The build arg SOURCE_DATE_EPOCH fixes the time written into the image, as BuildKit
    // does: the same input then always gives the same digests (those of the Image tab).
    let fixed_epoch = match request
        .build_args
        .iter()
        .rev()
        .find(|(k, _)| k == "SOURCE_DATE_EPOCH")
    {
        Some((_, v)) => match v.parse::<i64>() {
            Ok(secs) if secs >= 0 => Some(secs),
            _ => {
                return fail(
                    p,
                    format!("invalid SOURCE_DATE_EPOCH: {v:?} is not a number of seconds"),
                    None,
                )
            }
        },
        None => None,
    };
    let mut opts = BuildOptions {
        target: request.target.clone(),
        build_args: request.build_args.clone(),
        platform: None,
        epoch: fixed_epoch.unwrap_or(now),
        // `-f FILE` also picks `<FILE>.dockerignore`, as BuildKit does.
        dockerfile_path: request.file.clone(),
    };
    let mut sim = simulate::build(&parsed, &typed, workspace.context, &opts, catalogs, None);
    // A build whose every step is cached repeats an earlier one: same times, same ID.
    let keys: Vec<&str> = sim
        .steps
        .iter()
        .filter_map(|s| s.cache_key.as_deref())
        .collect();
    let all_key = sha256_hex(&[&format!("all\n{}", keys.join("\n"))]);
    if !request.no_cache && fixed_epoch.is_none() {
        if let Some(&then) = store.cache.get(&all_key) {
            if then != now {
                opts.epoch = then;
                sim = simulate::build(&parsed, &typed, workspace.context, &opts, catalogs, None);
            }
        }
    }
    let epoch = opts.epoch;
    let mut cache: BTreeMap<String, i64> = BTreeMap::new();
    let is_cached = |key: &str| !request.no_cache && store.cache.contains_key(key);

    // Base images of the stages that are built.
    let multi = sim.stages.len() > 1;
    let mut base_lines: BTreeMap<usize, (String, Vec<String>, bool)> = BTreeMap::new();
    for stage in sim.stages.iter().filter(|s| s.built) {
        match &stage.base_kind {
            BaseKind::CatalogImage => {
                let Some(image) = catalogs
                    .base_images
                    .as_ref()
                    .and_then(|c| c.lookup(&stage.base, Some(&stage.platform)).ok())
                else {
                    continue;
                };
                let reference = canonical(&image.reference);
                if !base_lines
                    .values()
                    .any(|(label, _, _)| label.contains(&format!(" {reference}@")))
                {
                    p.vertex(
                        &format!("[internal] load metadata for {reference}"),
                        &[],
                        false,
                    );
                }
                let pinned = match &image.index_digest {
                    Some(d) => format!("{reference}@{d}"),
                    None => reference.clone(),
                };
                let key = base_cache_key(image);
                let pulled = store.by_tag(&image.reference).is_some()
                    || store.cache.contains_key(&key)
                    || cache.contains_key(&key);
                cache.insert(key, epoch);
                let mut lines = vec![format!("resolve {pinned} done")];
                if !pulled {
                    for l in &image.layers {
                        let size = human_size(l.size);
                        lines.push(format!("{} {size} / {size} done", l.digest));
                    }
                    for l in &image.layers {
                        lines.push(format!("extracting {} done", l.digest));
                    }
                }
                base_lines.insert(stage.index, (format!("FROM {pinned}"), lines, pulled));
            }
            BaseKind::UnknownImage => {
                let reference = ImageReference::parse_normalized(&stage.base)
                    .map(|r| r.to_string())
                    .unwrap_or_else(|_| stage.base.clone());
                p.error(
                    &format!("[internal] load metadata for {reference}"),
                    &format!("{reference}: not found"),
                );
                let local = familiar_tag(&stage.base)
                    .ok()
                    .and_then(|t| store.by_tag(&t))
                    .is_some();
                let note = if local {
                    "layerlab: building FROM an image of the terminal's store is not simulated; the build simulation knows the base-image catalog"
                } else {
                    "layerlab: the image is not in the base-image catalog"
                };
                return fail(
                    p,
                    format!(
                        "{}: failed to resolve source metadata for {reference}: {reference}: not found\n({note})",
                        stage.base
                    ),
                    Some(sim),
                );
            }
            BaseKind::Scratch | BaseKind::Stage(_) => {}
        }
    }
    let ignore_name = if workspace
        .context
        .file(&format!("{file_name}.dockerignore"))
        .is_some()
    {
        format!("{file_name}.dockerignore")
    } else {
        ".dockerignore".to_string()
    };
    let ignore_size = workspace
        .context
        .file(&ignore_name)
        .map_or(2, |c| c.len() as u64);
    p.vertex(
        "[internal] load .dockerignore",
        &[format!(
            "transferring context: {} done",
            human_size(ignore_size)
        )],
        false,
    );

    // The steps, in execution order.
    let mut context_loaded = false;
    let mut position: BTreeMap<usize, usize> = BTreeMap::new();
    for step in &sim.steps {
        let n = position.entry(step.stage).or_insert(0);
        *n += 1;
        let i = *n;
        let total = typed
            .stages
            .get(step.stage)
            .map_or(i, |s| s.commands.len() + 1);
        let prefix = if multi {
            let name = sim
                .stages
                .get(step.stage)
                .and_then(|s| s.name.clone())
                .unwrap_or_else(|| format!("stage-{}", step.stage));
            format!("{name} ")
        } else {
            String::new()
        };
        if step.instruction == "FROM" {
            if let Some((label, lines, pulled)) = base_lines.get(&step.stage) {
                p.vertex(&format!("[{prefix}{i}/{total}] {label}"), lines, *pulled);
            }
            continue;
        }
        let Some(key) = &step.cache_key else {
            // Config-only instructions have no vertex in BuildKit's progress.
            continue;
        };
        let reads_context =
            matches!(step.instruction.as_str(), "COPY" | "ADD") && !step.text.contains("--from=");
        if reads_context && !context_loaded {
            let bytes: u64 = workspace
                .context
                .walk()
                .iter()
                .filter(|(_, e)| e.is_file())
                .map(|(_, e)| e.size())
                .sum();
            p.vertex(
                "[internal] load build context",
                &[format!("transferring context: {} done", human_size(bytes))],
                false,
            );
            context_loaded = true;
        }
        let cached = is_cached(key);
        cache.insert(key.clone(), epoch);
        let mut lines = Vec::new();
        if !cached {
            if step.instruction == "RUN" {
                lines.push(
                    "0.000 [layerlab] RUN is simulated: the command was not executed".to_string(),
                );
            }
            for effect in &step.effects {
                lines.push(format!("0.000 [layerlab] {effect}"));
            }
        }
        p.vertex(
            &format!("[{prefix}{i}/{total}] {}", step.text),
            &lines,
            cached,
        );
    }
    if let Some(d) = sim
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
    {
        let message = d.message.clone();
        return fail(p, message, Some(sim));
    }
    cache.insert(all_key, epoch);
    let image = stored_image(&sim, request, epoch, catalogs);
    let mut lines = vec![
        "exporting layers done".to_string(),
        format!("writing image {} done", image.id),
    ];
    for t in &request.tags {
        lines.push(format!("naming to {} done", canonical(t)));
    }
    p.vertex("exporting to image", &lines, false);
    if sim.artifacts.config_digest.is_none() {
        // Say which layer keeps the image ID from being the real config digest.
        let why = sim
            .layers
            .iter()
            .enumerate()
            .find(|(_, l)| l.diff_id.is_none())
            .map(|(n, l)| {
                if l.from_base {
                    format!(
                        "layer {}: the base image's diff_ids are not in the catalog",
                        n + 1
                    )
                } else {
                    format!(
                        "layer {} ({}) is {}",
                        n + 1,
                        l.created_by.trim_end_matches(" # buildkit"),
                        l.certainty.label()
                    )
                }
            })
            .unwrap_or_else(|| "some layer is not known".to_string());
        p.out.push_str(&format!(
            "layerlab: simulated build (no daemon). The image ID is a simulated key: {why}.\n"
        ));
    }
    BuildOutcome {
        progress: p.out,
        image: Some(image),
        error: None,
        cache,
        build: Some(sim),
    }
}

/// The image a simulated build stores.
fn stored_image(
    sim: &Build,
    request: &BuildRequest,
    epoch: i64,
    catalogs: &Catalogs,
) -> StoredImage {
    let base = sim.target.and_then(|mut i| {
        // Follow `FROM <stage>` to the image the chain starts from.
        for _ in 0..sim.stages.len() {
            let stage = sim.stages.get(i)?;
            match stage.base_kind {
                BaseKind::Stage(j) => i = j,
                _ => return Some(stage.base.clone()),
            }
        }
        None
    });
    let base_familiar = base.as_deref().map(|b| {
        if b == "scratch" {
            b.to_string()
        } else {
            ImageReference::parse_normalized(b)
                .map(|r| r.familiar_string())
                .unwrap_or_else(|_| b.to_string())
        }
    });
    // The catalog entry of the base: its blob digests name the base layers (the catalog has
    // no diff_ids) and its history dates are the base's own.
    let base_image = base.as_deref().and_then(|b| {
        let platform = sim
            .target
            .and_then(|t| sim.stages.get(t))
            .map(|s| s.platform.as_str());
        catalogs.base_images.as_ref()?.lookup(b, platform).ok()
    });
    let mut base_blobs = base_image
        .iter()
        .flat_map(|b| b.layers.iter().map(|l| l.digest.clone()));
    let layers: Vec<StoredLayer> = sim
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| StoredLayer {
            digest: l
                .diff_id
                .clone()
                .or_else(|| if l.from_base { base_blobs.next() } else { None })
                .unwrap_or_else(|| {
                    let step_key = l
                        .step
                        .and_then(|s| sim.steps.get(s))
                        .and_then(|s| s.cache_key.clone())
                        .unwrap_or_default();
                    format!(
                        "sha256:{}",
                        sha256_hex(&["layer", &i.to_string(), &step_key])
                    )
                }),
            size: l.size.unwrap_or(0),
            size_knowledge: if l.from_base {
                SizeKnowledge::Compressed
            } else {
                knowledge(l.certainty)
            },
            from_base: l
                .from_base
                .then(|| base_familiar.clone().unwrap_or_default()),
        })
        .collect();
    let base_dates: Vec<(String, Option<i64>)> = base_image
        .map(|b| {
            b.history
                .iter()
                .map(|h| {
                    (
                        h.created_by.clone(),
                        h.created.as_deref().and_then(parse_rfc1123),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut layer_iter = layers.iter();
    let mut history: Vec<StoredHistory> = sim
        .image_config()
        .history
        .iter()
        .map(|h| {
            let layer = if h.empty_layer {
                None
            } else {
                layer_iter.next()
            };
            StoredHistory {
                created_by: h.created_by.clone(),
                created: h.created.map(|t| t.secs),
                comment: h.comment.clone(),
                empty_layer: h.empty_layer,
                size: layer.map(|l| l.size),
                size_knowledge: layer.map_or(SizeKnowledge::Exact, |l| l.size_knowledge),
            }
        })
        .collect();
    for (entry, (created_by, date)) in history.iter_mut().zip(&base_dates) {
        if &entry.created_by == created_by && date.is_some() {
            entry.created = *date;
        }
    }
    let c = &sim.config;
    let config = StoredConfig::new(
        &sim.image_config().config,
        if c.os.is_empty() {
            "linux".into()
        } else {
            c.os.clone()
        },
        if c.architecture.is_empty() {
            "amd64".into()
        } else {
            c.architecture.clone()
        },
    );
    let mut added: BTreeSet<String> = BTreeSet::new();
    for l in sim.layers.iter().filter(|l| !l.from_base) {
        for ch in &l.changes {
            if matches!(ch.change, ChangeKindRow::Deleted) || ch.kind == NodeKindRow::Whiteout {
                added.remove(&ch.path);
                continue;
            }
            let path = if ch.path.starts_with('/') {
                ch.path.clone()
            } else {
                format!("/{}", ch.path)
            };
            let mut parent = path.as_str();
            while let Some((up, _)) = parent.rsplit_once('/') {
                if up.is_empty() {
                    break;
                }
                added.insert(up.to_string());
                parent = up;
            }
            added.insert(path);
        }
    }
    let created = history
        .iter()
        .rev()
        .find_map(|h| h.created)
        .unwrap_or(epoch);
    let id = match &sim.artifacts.config_digest {
        Some(d) => d.clone(),
        None => {
            let identity = serde_json::json!({
                "config": config,
                "history": history,
                "layers": layers.iter().map(|l| &l.digest).collect::<Vec<_>>(),
            });
            format!("sha256:{}", sha256_hex(&[&identity.to_string()]))
        }
    };
    StoredImage {
        id,
        tags: request.tags.clone(),
        created,
        config,
        layers,
        history,
        repo_digests: Vec::new(),
        added_paths: added.into_iter().collect(),
        base: base_familiar,
    }
}

/// A catalog image as `docker pull` stores it, tagged `familiar`. Its ID is the catalog's
/// real image ID (config digest) when the data has it.
pub fn stored_from_catalog(image: &BaseImage, familiar: &str) -> StoredImage {
    let c = &image.config;
    let config = StoredConfig {
        user: c.user.clone().unwrap_or_default(),
        exposed_ports: c.exposed_ports.keys().cloned().collect(),
        env: c.env.clone(),
        entrypoint: c.entrypoint.clone(),
        cmd: c.cmd.clone(),
        volumes: c.volumes.keys().cloned().collect(),
        working_dir: c.working_dir.clone().unwrap_or_default(),
        labels: c.labels.clone(),
        stop_signal: c.stop_signal.clone().unwrap_or_default(),
        shell: Vec::new(),
        os: image.os.clone(),
        architecture: image.architecture.clone(),
        ..StoredConfig::default()
    };
    let layers: Vec<StoredLayer> = image
        .layers
        .iter()
        .map(|l| StoredLayer {
            digest: l.digest.clone(),
            size: l.size,
            size_knowledge: SizeKnowledge::Compressed,
            from_base: Some(image.reference.clone()),
        })
        .collect();
    // Layer sizes go to the history entries that made a layer, in order.
    let mut sizes = image.layers.iter().map(|l| l.size);
    let history: Vec<StoredHistory> = image
        .history
        .iter()
        .map(|h| StoredHistory {
            created_by: h.created_by.clone(),
            created: h.created.as_deref().and_then(parse_rfc1123),
            comment: String::new(),
            empty_layer: h.empty_layer,
            size: if h.empty_layer { None } else { sizes.next() },
            size_knowledge: SizeKnowledge::Compressed,
        })
        .collect();
    let created = history.iter().rev().find_map(|h| h.created).unwrap_or(0);
    let id = image.image_id.clone().unwrap_or_else(|| {
        let identity = serde_json::json!({
            "config": config,
            "layers": layers.iter().map(|l| &l.digest).collect::<Vec<_>>(),
        });
        format!("sha256:{}", sha256_hex(&[&identity.to_string()]))
    });
    let repo_digests = match (
        &image.index_digest,
        ImageReference::parse_normalized(familiar),
    ) {
        (Some(d), Ok(r)) => vec![format!("{}@{d}", r.familiar_name())],
        _ => Vec::new(),
    };
    StoredImage {
        id,
        tags: vec![familiar.to_string()],
        created,
        config,
        layers,
        history,
        repo_digests,
        added_paths: Vec::new(),
        base: Some(image.reference.clone()),
    }
}
