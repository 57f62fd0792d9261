//! `docker build`, simulated: the Dockerfile is parsed and typed by the engine, base images
//! come from the local store or the base-image catalog, COPY/ADD read the build context
//! (after `.dockerignore`), and the config and history follow BuildKit's dispatcher. RUN is
//! not executed: its step is listed, its layer size is unknown, and the output says so.
//!
//! The progress is printed like BuildKit's `--progress=plain`: `#N [stage i/n] INSTRUCTION`
//! vertices, `CACHED` for steps whose cache key the store has seen, `DONE 0.0s` (nothing ran).

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest as _, Sha256};

use crate::catalog::base_images::{BaseImage, BaseImageCatalog};
use crate::catalog::reference::ImageReference;
use crate::context::Context;
use crate::expand::{Env, EnvLookup, Lex};
use crate::image::views::human_size;
use crate::instructions::{self, Command, CommandLine, Located, Stage};

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

/// The result: the progress text, and the image when the build succeeded.
#[derive(Clone, Debug)]
pub struct BuildOutcome {
    pub progress: String,
    pub image: Option<StoredImage>,
    pub error: Option<String>,
    /// Cache keys of the steps, with the time each step's result was made.
    pub cache: BTreeMap<String, i64>,
}

/// The state of one stage while it is simulated.
#[derive(Clone, Debug, Default)]
struct StageState {
    env: Env,
    config: StoredConfig,
    layers: Vec<StoredLayer>,
    history: Vec<StoredHistory>,
    /// Build arguments declared in this stage, with their values.
    args: Vec<(String, String)>,
    cache_key: String,
    added_paths: BTreeSet<String>,
    base: Option<String>,
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

/// The state a catalog base image starts a stage with.
fn state_from_catalog(image: &BaseImage) -> StageState {
    let mut state = StageState::default();
    let c = &image.config;
    state.config = StoredConfig {
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
    };
    state.env = Env::from_slice(&c.env);
    state.layers = image
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
    state.history = image
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
    state.base = Some(image.reference.clone());
    state.cache_key = sha256_hex(&[
        "base",
        image.manifest_digest.as_deref().unwrap_or(&image.reference),
    ]);
    state
}

fn state_from_stored(image: &StoredImage) -> StageState {
    StageState {
        env: Env::from_slice(&image.config.env),
        config: image.config.clone(),
        layers: image.layers.clone(),
        history: image.history.clone(),
        args: Vec::new(),
        cache_key: sha256_hex(&["local", &image.id]),
        added_paths: image.added_paths.iter().cloned().collect(),
        base: image.tags.first().cloned(),
    }
}

/// Folds a logical line for the progress label: runs of white space become one space.
fn label_text(original: &str) -> String {
    original.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Go's `%q` of a string slice: `["a" "b"]`.
fn go_quoted_list(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| serde_json::to_string(s).unwrap_or_default())
        .collect();
    format!("[{}]", quoted.join(" "))
}

fn normalize_abs(path: &str) -> String {
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
    format!("/{}", parts.join("/"))
}

fn resolve_in_workdir(workdir: &str, path: &str) -> String {
    if path.starts_with('/') {
        normalize_abs(path)
    } else {
        let base = if workdir.is_empty() { "/" } else { workdir };
        normalize_abs(&format!("{base}/{path}"))
    }
}

/// Runs the build. `now` (seconds since the epoch) dates the steps that are not cached.
pub fn build(
    request: &BuildRequest,
    workspace: Workspace<'_>,
    catalog: &BaseImageCatalog,
    store: &ImageStore,
    now: i64,
) -> BuildOutcome {
    Builder {
        request,
        workspace,
        catalog,
        store,
        now,
        p: Printer {
            out: String::from("#0 building with \"default\" instance using docker driver\n\n"),
            vertex: 0,
        },
        cache_times: BTreeMap::new(),
    }
    .run()
}

struct Builder<'a> {
    request: &'a BuildRequest,
    workspace: Workspace<'a>,
    catalog: &'a BaseImageCatalog,
    store: &'a ImageStore,
    now: i64,
    p: Printer,
    /// Cache keys this build used, with the time of the step (kept for the store).
    cache_times: BTreeMap<String, i64>,
}

impl Builder<'_> {
    fn fail(mut self, message: String) -> BuildOutcome {
        self.p
            .out
            .push_str(&format!("ERROR: failed to solve: {message}\n"));
        BuildOutcome {
            progress: self.p.out,
            image: None,
            error: Some(message),
            cache: BTreeMap::new(),
        }
    }

    fn run(mut self) -> BuildOutcome {
        let file_name = self
            .request
            .file
            .clone()
            .unwrap_or_else(|| "Dockerfile".to_string());
        let text: String = match &self.request.file {
            None => self.workspace.dockerfile.to_string(),
            Some(f) if f == "Dockerfile" || f == "./Dockerfile" => {
                self.workspace.dockerfile.to_string()
            }
            Some(f) => match self.workspace.context.file(f.trim_start_matches("./")) {
                Some(content) => String::from_utf8_lossy(content.bytes()).into_owned(),
                None => {
                    return self.fail(format!(
                        "failed to read dockerfile: open {f}: no such file or directory"
                    ))
                }
            },
        };
        self.p.vertex(
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
            .find(|d| d.severity == crate::diagnostic::Severity::Error)
        {
            let (start, _) = d.located(&parsed.source, &parsed.line_index);
            return self.fail(format!(
                "dockerfile parse error on line {}: {}",
                start.line, d.message
            ));
        }
        if typed.stages.is_empty() {
            return self.fail("failed to parse stages: file with no instructions".to_string());
        }
        let escape = parsed.dockerfile.escape;
        let lex = Lex::new(escape);

        // Global ARGs (before the first FROM), overridden by --build-arg.
        let mut meta = Env::new();
        for arg in &typed.meta_args {
            for pair in &arg.value.args {
                let name = pair.key.value.clone();
                let given = self.build_arg(&name);
                let default = pair
                    .value
                    .as_ref()
                    .and_then(|v| lex.process_word(&v.value, &meta).ok())
                    .map(|e| e.value);
                if let Some(v) = given.or(default) {
                    meta.set(name, v);
                }
            }
        }

        // The target stage and the stages it needs.
        let stage_names: Vec<String> = typed
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| s.name.clone().unwrap_or_else(|| format!("stage-{i}")))
            .collect();
        let target = match &self.request.target {
            Some(t) => match typed
                .stages
                .iter()
                .position(|s| s.name.as_deref() == Some(&t.to_ascii_lowercase()))
            {
                Some(i) => i,
                None => return self.fail(format!("target stage \"{t}\" could not be found")),
            },
            None => typed.stages.len() - 1,
        };
        let bases: Vec<String> = typed
            .stages
            .iter()
            .map(|s| {
                lex.process_word(&s.base.value, &meta)
                    .map(|e| e.value)
                    .unwrap_or_else(|_| s.base.value.clone())
            })
            .collect();
        let stage_ref = |name: &str, before: usize| stage_index_of(&typed.stages, before, name);
        let mut needed = vec![false; typed.stages.len()];
        let mut todo = vec![target];
        while let Some(i) = todo.pop() {
            if needed[i] {
                continue;
            }
            needed[i] = true;
            if let Some(dep) = stage_ref(&bases[i], i) {
                todo.push(dep);
            }
            for c in &typed.stages[i].commands {
                if let Command::Copy(copy) = &c.value {
                    if let Some(dep) = copy.from.as_ref().and_then(|f| stage_ref(&f.value, i)) {
                        todo.push(dep);
                    }
                }
            }
        }

        // Base images: the local store first (as the docker driver does), then the catalog.
        let mut external: BTreeMap<String, StageState> = BTreeMap::new();
        let mut external_labels: BTreeMap<String, (String, Vec<String>, bool)> = BTreeMap::new();
        for (i, base) in bases.iter().enumerate() {
            if !needed[i] || stage_ref(base, i).is_some() || external.contains_key(base) {
                continue;
            }
            if base == "scratch" {
                external.insert(
                    base.clone(),
                    StageState {
                        base: Some("scratch".into()),
                        ..StageState::default()
                    },
                );
                continue;
            }
            let tag = familiar_tag(base).ok();
            if let Some(n) = tag.as_deref().and_then(|t| self.store.by_tag(t)) {
                let image = &self.store.images[n];
                external.insert(base.clone(), state_from_stored(image));
                external_labels.insert(
                    base.clone(),
                    (
                        format!("FROM {}", canonical(tag.as_deref().unwrap_or(base))),
                        vec![],
                        true,
                    ),
                );
                continue;
            }
            match self.catalog.lookup(base, None) {
                Ok(image) => {
                    let reference = canonical(&image.reference);
                    self.p.vertex(
                        &format!("[internal] load metadata for {reference}"),
                        &[],
                        false,
                    );
                    let pinned = match &image.index_digest {
                        Some(d) => format!("{reference}@{d}"),
                        None => reference.clone(),
                    };
                    let state = state_from_catalog(image);
                    self.cache_times.insert(state.cache_key.clone(), self.now);
                    let pulled = self.store.by_tag(&image.reference).is_some()
                        || self.store.cache.contains_key(&state.cache_key);
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
                    external_labels.insert(base.clone(), (format!("FROM {pinned}"), lines, pulled));
                    external.insert(base.clone(), state);
                }
                Err(e) => {
                    let reference = ImageReference::parse_normalized(base)
                        .map(|r| r.to_string())
                        .unwrap_or_else(|_| base.clone());
                    self.p.error(
                        &format!("[internal] load metadata for {reference}"),
                        &format!("{reference}: not found"),
                    );
                    return self.fail(format!(
                        "{base}: failed to resolve source metadata for {reference}: {reference}: not found\n(layerlab: {e})"
                    ));
                }
            }
        }

        let ignore = self
            .workspace
            .context
            .dockerignore_for(&file_name)
            .ok()
            .flatten();
        let ignore_name = if self
            .workspace
            .context
            .file(&format!("{file_name}.dockerignore"))
            .is_some()
        {
            format!("{file_name}.dockerignore")
        } else {
            ".dockerignore".to_string()
        };
        let ignore_size = self
            .workspace
            .context
            .file(&ignore_name)
            .map_or(2, |c| c.len() as u64);
        self.p.vertex(
            "[internal] load .dockerignore",
            &[format!(
                "transferring context: {} done",
                human_size(ignore_size)
            )],
            false,
        );

        let uses_context = typed.stages.iter().enumerate().any(|(i, s)| {
            needed[i]
                && s.commands.iter().any(|c| match &c.value {
                    Command::Copy(copy) => copy.from.is_none(),
                    Command::Add(_) => true,
                    _ => false,
                })
        });
        let context_files: Vec<String> = self
            .workspace
            .context
            .included_files(ignore.as_ref())
            .unwrap_or_default();
        let multi = typed.stages.len() > 1;
        let mut done: Vec<Option<StageState>> = vec![None; typed.stages.len()];
        let mut context_loaded = false;
        for (i, stage) in typed.stages.iter().enumerate() {
            if !needed[i] {
                continue;
            }
            let prefix = if multi {
                format!("{} ", stage_names[i])
            } else {
                String::new()
            };
            let total = stage.commands.len() + 1;
            let mut state = if let Some(dep) = stage_ref(&bases[i], i) {
                match done[dep].clone() {
                    Some(s) => s,
                    None => return self.fail(format!("stage {} was not built", stage_names[dep])),
                }
            } else {
                match external.get(&bases[i]) {
                    Some(s) => s.clone(),
                    None => return self.fail(format!("base image {} was not resolved", bases[i])),
                }
            };
            state.args.clear();
            if let Some((label, lines, cached)) = external_labels.get(&bases[i]) {
                self.p
                    .vertex(&format!("[{prefix}1/{total}] {label}"), lines, *cached);
            } else if bases[i] == "scratch" {
                // FROM scratch has no vertex of its own in BuildKit.
            }
            if !context_loaded && uses_context {
                let bytes: u64 = context_files
                    .iter()
                    .filter_map(|f| self.workspace.context.file(f))
                    .map(|c| c.len() as u64)
                    .sum();
                self.p.vertex(
                    "[internal] load build context",
                    &[format!("transferring context: {} done", human_size(bytes))],
                    false,
                );
                context_loaded = true;
            }
            for (n, command) in stage.commands.iter().enumerate() {
                let label = format!(
                    "[{prefix}{}/{total}] {}",
                    n + 2,
                    label_text(
                        &parsed
                            .dockerfile
                            .instructions
                            .get(command.index)
                            .map(|i| i.original.clone())
                            .unwrap_or_default()
                    )
                );
                if let Err(message) = self.dispatch(
                    &mut state,
                    command,
                    &lex,
                    &meta,
                    &label,
                    &context_files,
                    &done,
                    &typed.stages,
                    i,
                ) {
                    self.p.error(&label, &message);
                    return self.fail(message);
                }
            }
            done[i] = Some(state);
        }
        let Some(state) = done[target].take() else {
            return self.fail("the target stage was not built".to_string());
        };
        self.finish(state)
    }

    fn build_arg(&self, name: &str) -> Option<String> {
        self.request
            .build_args
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// Whether a step with `key` is cached, and its time.
    fn step_time(&mut self, key: &str) -> (bool, i64) {
        let stored = self.store.cache.get(key).copied();
        let cached = !self.request.no_cache && stored.is_some();
        let time = match stored {
            Some(t) if cached => t,
            _ => self.now,
        };
        self.cache_times.insert(key.to_string(), time);
        (cached, time)
    }

    #[allow(clippy::too_many_arguments)]
    fn dispatch(
        &mut self,
        state: &mut StageState,
        command: &Located<Command>,
        lex: &Lex,
        meta: &Env,
        label: &str,
        context_files: &[String],
        done: &[Option<StageState>],
        stages: &[Stage],
        stage_index: usize,
    ) -> Result<(), String> {
        // Expansion sees the stage's args and the image env (env wins, as in BuildKit).
        let mut scope = Env::new();
        for (k, v) in &state.args {
            scope.set(k.clone(), v.clone());
        }
        for (k, v) in state.env.iter() {
            scope.set(k.to_string(), v.to_string());
        }
        let expand = |w: &str| -> Result<String, String> {
            lex.process_word(w, &scope)
                .map(|e| e.value)
                .map_err(|e| e.to_string())
        };
        let original = label.split_once("] ").map_or(label, |(_, r)| r).to_string();
        let key = sha256_hex(&[&state.cache_key, &original, &args_text(&state.args)]);
        let metadata = |state: &mut StageState, created_by: String, time: i64| {
            state.history.push(StoredHistory {
                created_by,
                created: Some(time),
                comment: "buildkit.dockerfile.v0".into(),
                empty_layer: true,
                size: None,
                size_knowledge: SizeKnowledge::Exact,
            });
        };
        match &command.value {
            Command::Env(env) => {
                let mut parts = Vec::new();
                for pair in &env.pairs {
                    let k = expand(&pair.key.value)?;
                    let v = expand(&pair.value.value)?;
                    state.env.set(k.clone(), v.clone());
                    parts.push(format!("{k}={v}"));
                }
                state.config.env = state.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
                let (_, t) = self.step_time(&key);
                metadata(state, format!("ENV {}", parts.join(" ")), t);
                state.cache_key = key;
            }
            Command::Label(l) => {
                let mut parts = Vec::new();
                for pair in &l.pairs {
                    let k = expand(&pair.key.value)?;
                    let v = expand(&pair.value.value)?;
                    parts.push(format!("{k}={v}"));
                    state.config.labels.insert(k, v);
                }
                let (_, t) = self.step_time(&key);
                metadata(state, format!("LABEL {}", parts.join(" ")), t);
                state.cache_key = key;
            }
            Command::Maintainer(m) => {
                let (_, t) = self.step_time(&key);
                metadata(state, format!("MAINTAINER {}", m.maintainer.value), t);
                state.cache_key = key;
            }
            Command::Arg(arg) => {
                let mut parts = Vec::new();
                for pair in &arg.args {
                    let name = pair.key.value.clone();
                    let default = match &pair.value {
                        Some(v) => Some(expand(&v.value)?),
                        None => meta.get(&name).map(str::to_string),
                    };
                    let value = self.build_arg(&name).or(default);
                    match &value {
                        Some(v) => parts.push(format!("{name}={v}")),
                        None => parts.push(name.clone()),
                    }
                    if let Some(v) = value {
                        state.args.retain(|(k, _)| k != &name);
                        state.args.push((name, v));
                    }
                }
                let (_, t) = self.step_time(&key);
                metadata(state, format!("ARG {}", parts.join(" ")), t);
                state.cache_key = key;
            }
            Command::Workdir(w) => {
                let path = expand(&w.path.value)?;
                state.config.working_dir = resolve_in_workdir(&state.config.working_dir, &path);
                let (cached, t) = self.step_time(&key);
                self.p.vertex(label, &[], cached);
                state.history.push(StoredHistory {
                    created_by: format!("WORKDIR {}", state.config.working_dir),
                    created: Some(t),
                    comment: "buildkit.dockerfile.v0".into(),
                    empty_layer: false,
                    size: Some(0),
                    size_knowledge: SizeKnowledge::Exact,
                });
                state.layers.push(StoredLayer {
                    digest: format!("sha256:{key}"),
                    size: 0,
                    size_knowledge: SizeKnowledge::Exact,
                    from_base: None,
                });
                state.added_paths.insert(state.config.working_dir.clone());
                state.cache_key = key;
            }
            Command::Run(run) => {
                let argv = command_argv(&run.cmd, &state.config.shell);
                let prefix = if state.args.is_empty() {
                    String::new()
                } else {
                    format!("|{} {} ", state.args.len(), args_text(&state.args))
                };
                let (cached, t) = self.step_time(&key);
                let note = vec![
                    "0.000 [layerlab] RUN is simulated: the command was not executed; its layer size is unknown".to_string(),
                ];
                self.p
                    .vertex(label, if cached { &[] } else { &note }, cached);
                state.history.push(StoredHistory {
                    created_by: format!("RUN {prefix}{} # buildkit", argv.join(" ")),
                    created: Some(t),
                    comment: "buildkit.dockerfile.v0".into(),
                    empty_layer: false,
                    size: None,
                    size_knowledge: SizeKnowledge::Unknown,
                });
                state.layers.push(StoredLayer {
                    digest: format!("sha256:{key}"),
                    size: 0,
                    size_knowledge: SizeKnowledge::Unknown,
                    from_base: None,
                });
                state.cache_key = key;
            }
            Command::Copy(_) | Command::Add(_) => {
                let (sd, from, is_add) = match &command.value {
                    Command::Copy(c) => (&c.sources_and_dest, c.from.as_ref(), false),
                    Command::Add(a) => (&a.sources_and_dest, None, true),
                    _ => return Ok(()),
                };
                let dest_raw = expand(&sd.dest.value)?;
                let dest = resolve_in_workdir(&state.config.working_dir, &dest_raw);
                // BuildKit copies into a directory when the destination ends with `/` or is
                // `.`, when there are several sources, or when the directory exists.
                let prefix = format!("{dest}/");
                let dest_is_dir = dest_raw.ends_with('/')
                    || dest_raw == "."
                    || dest_raw.ends_with("/.")
                    || sd.source_paths.len() > 1
                    || dest == state.config.working_dir
                    || state.added_paths.iter().any(|p| p.starts_with(&prefix));
                let mut size = 0u64;
                let mut knowledge = SizeKnowledge::Exact;
                let mut inputs: Vec<String> = Vec::new();
                let mut added: Vec<String> = Vec::new();
                for content in &sd.source_contents {
                    size += content.data.len() as u64;
                    inputs.push(sha256_hex(&[&content.path, &content.data]));
                    added.push(resolve_in_workdir(&dest, &content.path));
                }
                if let Some(from) = from {
                    let name = expand(&from.value)?;
                    let dep = stage_index_of(stages, stage_index, &name)
                        .ok_or_else(|| {
                            format!("COPY --from={name}: only earlier build stages are simulated (an image as a --from source is not)")
                        })?;
                    let Some(src) = done.get(dep).and_then(|s| s.as_ref()) else {
                        return Err(format!("stage {name} was not built"));
                    };
                    inputs.push(src.cache_key.clone());
                    knowledge = SizeKnowledge::Unknown;
                    for s in &sd.source_paths {
                        let s = expand(&s.value)?;
                        let abs = normalize_abs(&s);
                        let name = abs.rsplit('/').next().unwrap_or("").to_string();
                        let target = if dest_is_dir || dest == "/" {
                            resolve_in_workdir(&dest, &name)
                        } else {
                            dest.clone()
                        };
                        added.push(target.clone());
                        // Paths the source stage added below the source come along.
                        for p in &src.added_paths {
                            if let Some(rest) = p.strip_prefix(&abs) {
                                if rest.starts_with('/') {
                                    added.push(format!("{target}{rest}"));
                                }
                            }
                        }
                    }
                } else {
                    for s in &sd.source_paths {
                        let s = expand(&s.value)?;
                        if is_add
                            && (s.starts_with("http://")
                                || s.starts_with("https://")
                                || s.starts_with("git@"))
                        {
                            knowledge = SizeKnowledge::Unknown;
                            inputs.push(s.clone());
                            let name = s.rsplit('/').next().unwrap_or("download").to_string();
                            added.push(if dest_is_dir {
                                resolve_in_workdir(&dest, &name)
                            } else {
                                dest.clone()
                            });
                            continue;
                        }
                        let matched = self
                            .workspace
                            .context
                            .resolve_wildcards(&s, true)
                            .unwrap_or_default();
                        let rel_root = crate::context::normalize_scoped(&s);
                        let mut any = false;
                        for m in &matched {
                            let files: Vec<&String> = context_files
                                .iter()
                                .filter(|f| {
                                    m.is_empty() || *f == m || f.starts_with(&format!("{m}/"))
                                })
                                .collect();
                            let is_dir = self.workspace.context.get(m).is_some_and(|e| e.is_dir());
                            for f in files {
                                any = true;
                                let bytes =
                                    self.workspace.context.file(f).map_or(0, |c| c.len() as u64);
                                size += bytes;
                                let digest = self
                                    .workspace
                                    .context
                                    .file_digest(f)
                                    .map(|d| d.hex())
                                    .unwrap_or_default();
                                inputs.push(format!("{f}:{digest}"));
                                let target = if is_dir || m.is_empty() {
                                    let rest = if m.is_empty() {
                                        f.as_str()
                                    } else {
                                        &f[m.len() + 1..]
                                    };
                                    resolve_in_workdir(&dest, rest)
                                } else if dest_is_dir || dest == "/" || matched.len() > 1 {
                                    let name = f.rsplit('/').next().unwrap_or(f);
                                    resolve_in_workdir(&dest, name)
                                } else {
                                    dest.clone()
                                };
                                added.push(target);
                            }
                            if is_dir {
                                any = true;
                            }
                        }
                        if !any {
                            let shown = if rel_root.is_empty() {
                                "/".to_string()
                            } else {
                                format!("/{rel_root}")
                            };
                            return Err(format!(
                                "failed to compute cache key: failed to calculate checksum of ref: \"{shown}\": not found"
                            ));
                        }
                    }
                }
                let key = sha256_hex(&[&key, &inputs.join("\n")]);
                let (cached, t) = self.step_time(&key);
                self.p.vertex(label, &[], cached);
                let keyword = if is_add { "ADD" } else { "COPY" };
                let created_by = format!(
                    "{keyword} {} # buildkit",
                    original
                        .split_once(char::is_whitespace)
                        .map_or("", |(_, r)| r.trim())
                );
                state.history.push(StoredHistory {
                    created_by,
                    created: Some(t),
                    comment: "buildkit.dockerfile.v0".into(),
                    empty_layer: false,
                    size: Some(size),
                    size_knowledge: knowledge,
                });
                state.layers.push(StoredLayer {
                    digest: format!("sha256:{key}"),
                    size,
                    size_knowledge: knowledge,
                    from_base: None,
                });
                for a in added {
                    let mut p = a.as_str();
                    // Parents of an added path exist too.
                    while let Some((parent, _)) = p.rsplit_once('/') {
                        if parent.is_empty() {
                            break;
                        }
                        state.added_paths.insert(parent.to_string());
                        p = parent;
                    }
                    state.added_paths.insert(a);
                }
                state.cache_key = key;
            }
            Command::Cmd(c) => {
                let argv = command_argv(&c.cmd, &state.config.shell);
                let (_, t) = self.step_time(&key);
                metadata(state, format!("CMD {}", go_quoted_list(&argv)), t);
                state.config.cmd = Some(argv);
                state.cache_key = key;
            }
            Command::Entrypoint(e) => {
                let argv = command_argv(&e.cmd, &state.config.shell);
                let (_, t) = self.step_time(&key);
                metadata(state, format!("ENTRYPOINT {}", go_quoted_list(&argv)), t);
                state.config.entrypoint = Some(argv);
                // BuildKit resets CMD inherited from the base when ENTRYPOINT is set.
                state.config.cmd = None;
                state.cache_key = key;
            }
            Command::Expose(e) => {
                let mut ports = Vec::new();
                for p in &e.ports {
                    let p = expand(&p.value)?;
                    let p = if p.contains('/') {
                        p
                    } else {
                        format!("{p}/tcp")
                    };
                    state.config.exposed_ports.insert(p.clone());
                    ports.push(format!("{p}:{{}}"));
                }
                let (_, t) = self.step_time(&key);
                metadata(state, format!("EXPOSE map[{}]", ports.join(" ")), t);
                state.cache_key = key;
            }
            Command::User(u) => {
                state.config.user = expand(&u.user.value)?;
                let (_, t) = self.step_time(&key);
                let user = state.config.user.clone();
                metadata(state, format!("USER {user}"), t);
                state.cache_key = key;
            }
            Command::Volume(v) => {
                let mut vols = Vec::new();
                for p in &v.volumes {
                    let p = expand(&p.value)?;
                    state.config.volumes.insert(p.clone());
                    vols.push(p);
                }
                let (_, t) = self.step_time(&key);
                metadata(state, format!("VOLUME [{}]", vols.join(" ")), t);
                state.cache_key = key;
            }
            Command::StopSignal(s) => {
                state.config.stop_signal = expand(&s.signal.value)?;
                let (_, t) = self.step_time(&key);
                let sig = state.config.stop_signal.clone();
                metadata(state, format!("STOPSIGNAL {sig}"), t);
                state.cache_key = key;
            }
            Command::Shell(s) => {
                state.config.shell = s.shell.iter().map(|w| w.value.clone()).collect();
                let (_, t) = self.step_time(&key);
                let shell = state.config.shell.join(" ");
                metadata(state, format!("SHELL [{shell}]"), t);
                state.cache_key = key;
            }
            Command::Healthcheck(_) | Command::Onbuild(_) => {
                let (_, t) = self.step_time(&key);
                metadata(state, original.clone(), t);
                state.cache_key = key;
            }
        }
        Ok(())
    }

    fn finish(mut self, state: StageState) -> BuildOutcome {
        let created = state
            .history
            .iter()
            .rev()
            .find_map(|h| h.created)
            .unwrap_or(self.now);
        let mut config = state.config.clone();
        if config.os.is_empty() {
            config.os = "linux".into();
            config.architecture = "amd64".into();
        }
        let identity = serde_json::json!({
            "config": config,
            "history": state.history,
            "layers": state.layers.iter().map(|l| &l.digest).collect::<Vec<_>>(),
        });
        let id = format!("sha256:{}", sha256_hex(&[&identity.to_string()]));
        let mut lines = vec![
            "exporting layers done".to_string(),
            format!("writing image {id} done"),
        ];
        for t in &self.request.tags {
            lines.push(format!("naming to {} done", canonical(t)));
        }
        self.p.vertex("exporting to image", &lines, false);
        let unknown = state
            .history
            .iter()
            .filter(|h| h.size_knowledge == SizeKnowledge::Unknown && !h.empty_layer)
            .count();
        if unknown > 0 {
            self.p.out.push_str(&format!(
                "layerlab: simulated build (no daemon). {unknown} layer(s) from RUN have an unknown size.\n"
            ));
        }
        let image = StoredImage {
            id,
            tags: self.request.tags.clone(),
            created,
            config,
            layers: state.layers,
            history: state.history,
            repo_digests: Vec::new(),
            added_paths: state.added_paths.into_iter().collect(),
            base: state.base,
        };
        BuildOutcome {
            progress: self.p.out,
            image: Some(image),
            error: None,
            cache: self.cache_times,
        }
    }
}

fn args_text(args: &[(String, String)]) -> String {
    args.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The argv a RUN/CMD/ENTRYPOINT runs: exec form as written, shell form through SHELL.
fn command_argv(cmd: &CommandLine, shell: &[String]) -> Vec<String> {
    let words: Vec<String> = cmd.args.iter().map(|w| w.value.clone()).collect();
    if cmd.prepend_shell {
        let mut argv = if shell.is_empty() {
            vec!["/bin/sh".to_string(), "-c".to_string()]
        } else {
            shell.to_vec()
        };
        argv.push(words.join(" "));
        argv
    } else {
        words
    }
}

/// The earlier stage a `--from` or `FROM` names: by (lower-case) name, or by index.
fn stage_index_of(stages: &[Stage], current: usize, name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    stages[..current.min(stages.len())]
        .iter()
        .position(|s| s.name.as_deref() == Some(lower.as_str()))
        .or_else(|| name.parse::<usize>().ok().filter(|i| *i < current))
}

/// The cache key a base image starts a stage with (recorded on pull, so a later build
/// finds the base "already pulled").
pub fn base_cache_key(image: &BaseImage) -> String {
    state_from_catalog(image).cache_key
}

/// A catalog image as `docker pull` stores it, tagged `familiar`. Its ID is the catalog's
/// real image ID (config digest) when the data has it.
pub fn stored_from_catalog(image: &BaseImage, familiar: &str) -> StoredImage {
    let state = state_from_catalog(image);
    let created = state
        .history
        .iter()
        .rev()
        .find_map(|h| h.created)
        .unwrap_or(0);
    let id = image.image_id.clone().unwrap_or_else(|| {
        let identity = serde_json::json!({
            "config": state.config,
            "layers": state.layers.iter().map(|l| &l.digest).collect::<Vec<_>>(),
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
        config: state.config,
        layers: state.layers,
        history: state.history,
        repo_digests,
        added_paths: Vec::new(),
        base: Some(image.reference.clone()),
    }
}
