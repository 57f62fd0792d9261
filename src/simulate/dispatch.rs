//! The build: stages in order, each instruction dispatched as BuildKit's `dispatch` does,
//! with cache keys, layers, config and history.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use sha2::{Digest as _, Sha256};

use super::catalogs::Catalogs;
use super::certainty::Certainty;
use super::chmod::Chmod;
use super::copy::{self, hex, CopySpec, HashCounter};
use super::git_ref;
use super::history::{
    go_list, go_quoted_list, healthcheck_text, run_command_string, HISTORY_COMMENT,
};
use super::model::*;
use super::options::BuildOptions;
use super::owner;
use super::paths::{copy_destination, normalize_workdir};
use super::report;
use super::run::{simulate_run, EffectKind, RunCommand, RunInput};
use super::source::Source;
use crate::catalog::base_images::BaseImage;
use crate::context::Context;
use crate::diagnostic::Diagnostic;
use crate::expand::{Env, Lex};
use crate::fs::{LayerDiff, Meta, Tree};
use crate::image::{Descriptor, Digest, Layer};
use crate::instructions::{Command, Instructions, Located, Stage};
use crate::span::Span;
use crate::syntax::{Parsed, Word};

/// Args that never become environment variables (`nonEnvArgs`).
const NON_ENV_ARGS: &[&str] = &["BUILDKIT_SYNTAX", "BUILDKIT_CACHE_MOUNT_NS"];
/// Proxy args usable without an ARG line.
const PROXY_ARGS: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// A layer of a stage, inherited or built.
#[derive(Clone, Debug)]
enum StageLayer {
    Base {
        report: LayerReport,
        layer: Arc<Layer>,
    },
    Built {
        step: usize,
        built: Arc<BuiltLayer>,
    },
}

/// The image config being built.
#[derive(Clone, Debug, Default)]
struct ConfigState {
    env: Vec<(String, String)>,
    cmd: Option<Vec<String>>,
    entrypoint: Option<Vec<String>>,
    working_dir: String,
    user: String,
    exposed_ports: BTreeSet<String>,
    volumes: BTreeSet<String>,
    labels: BTreeMap<String, String>,
    stop_signal: String,
    healthcheck: Option<crate::instructions::HealthConfig>,
    shell: Vec<String>,
    on_build: Vec<String>,
    args_escaped: bool,
}

#[derive(Clone, Debug)]
struct StageState {
    tree: Tree,
    /// Whether the whole filesystem is known (scratch and what was built on it).
    base_known: bool,
    /// Whether every file of the stage is known (no registry base, no RUN, no download).
    complete: bool,
    /// The catalog image the stage starts from (for the RUN simulation's package estimate).
    base_image: Option<BaseImage>,
    /// Packages installed by the stage's RUNs so far.
    installed: BTreeSet<String>,
    /// The llb state env: base ENV, ARG values and ENV, in order.
    state_env: Vec<(String, String)>,
    config: ConfigState,
    history: Vec<HistoryRow>,
    layers: Vec<StageLayer>,
    /// Declared ARGs with their values (`d.buildArgs`).
    build_args: Vec<(String, Option<String>)>,
    fs_key: String,
    fs_ordinal: usize,
    cmd_set: bool,
    os: String,
    architecture: String,
    distro: Option<crate::catalog::base_images::Distro>,
}

/// Private per-step data for cache reasons.
#[derive(Clone, Debug, Default)]
pub(crate) struct KeyParts {
    pub match_id: String,
    pub parent: String,
    pub text: String,
    pub args: Vec<(String, String)>,
    pub inputs: Vec<(String, String)>,
    pub extra: String,
}

struct Builder<'a> {
    parsed: &'a Parsed,
    ins: &'a Instructions,
    ctx: &'a Context,
    opts: &'a BuildOptions,
    catalogs: &'a Catalogs,
    previous: Option<&'a Build>,
    lex: Lex,
    global_env: Vec<(String, String)>,
    consumed_args: BTreeSet<String>,
    diagnostics: Vec<Diagnostic>,
    steps: Vec<Step>,
    parts: Vec<KeyParts>,
    cache: BTreeMap<String, CachedResult>,
    hashes: HashCounter,
    stats: BuildStats,
    filtered_context: OnceLock<Context>,
    done: Vec<Option<StageState>>,
    /// Set by a `COPY --link` step: its layer is the copy onto an empty tree (BuildKit's
    /// MergeOp), not the difference with the stage below.
    link_layer: Option<LayerDiff>,
}

/// Simulates `docker build` (BuildKit) of `ins` (parsed from `parsed`) with `ctx` as the
/// build context. `previous` is the result of the last simulation: steps with the same cache
/// key are reported CACHED (and their results reused), others with the reason of the miss.
pub fn build(
    parsed: &Parsed,
    ins: &Instructions,
    ctx: &Context,
    opts: &BuildOptions,
    catalogs: &Catalogs,
    previous: Option<&Build>,
) -> Build {
    let b = Builder {
        parsed,
        ins,
        ctx,
        opts,
        catalogs,
        previous,
        lex: Lex::new(parsed.dockerfile.escape),
        global_env: Vec::new(),
        consumed_args: BTreeSet::new(),
        diagnostics: Vec::new(),
        steps: Vec::new(),
        parts: Vec::new(),
        cache: BTreeMap::new(),
        hashes: HashCounter::default(),
        stats: BuildStats::default(),
        filtered_context: OnceLock::new(),
        done: vec![None; ins.stages.len()],
        link_layer: None,
    };
    b.run()
}

fn env_of(pairs: &[(String, String)]) -> Env {
    let mut env = Env::new();
    for (k, v) in pairs {
        env.set(k.clone(), v.clone());
    }
    env
}

fn set_pair(list: &mut Vec<(String, String)>, key: &str, value: &str) {
    match list.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value.to_string(),
        None => list.push((key.to_string(), value.to_string())),
    }
}

fn sha(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    hex(&h.finalize())
}

fn platform_args(platform: &str, build_platform: &str) -> Vec<(String, String)> {
    let split = |p: &str| {
        let mut it = p.split('/');
        (
            it.next().unwrap_or("linux").to_string(),
            it.next().unwrap_or("amd64").to_string(),
            it.next().unwrap_or("").to_string(),
        )
    };
    let (tos, tarch, tvar) = split(platform);
    let (bos, barch, bvar) = split(build_platform);
    vec![
        ("BUILDPLATFORM".into(), build_platform.into()),
        ("BUILDOS".into(), bos),
        ("BUILDARCH".into(), barch),
        ("BUILDVARIANT".into(), bvar),
        ("TARGETPLATFORM".into(), platform.into()),
        ("TARGETOS".into(), tos),
        ("TARGETARCH".into(), tarch),
        ("TARGETVARIANT".into(), tvar),
    ]
}

/// Directories every distribution image has; the rest of a registry base is unknown.
const WELL_KNOWN_DIRS: &[(&str, u32)] = &[
    ("/bin", 0o755),
    ("/dev", 0o755),
    ("/etc", 0o755),
    ("/home", 0o755),
    ("/lib", 0o755),
    ("/mnt", 0o755),
    ("/opt", 0o755),
    ("/proc", 0o755),
    ("/root", 0o700),
    ("/run", 0o755),
    ("/sbin", 0o755),
    ("/srv", 0o755),
    ("/sys", 0o755),
    ("/tmp", 0o1777),
    ("/usr", 0o755),
    ("/usr/bin", 0o755),
    ("/usr/local", 0o755),
    ("/usr/local/bin", 0o755),
    ("/usr/sbin", 0o755),
    ("/var", 0o755),
];

impl<'a> Builder<'a> {
    fn run(mut self) -> Build {
        self.global_args();
        let target = self.select_target();
        let needed = match target {
            Some(t) => self.needed_stages(t),
            None => BTreeSet::new(),
        };
        let mut stage_reports = Vec::new();
        for (i, stage) in self.ins.stages.iter().enumerate() {
            let base = self.expand_global(&stage.base);
            stage_reports.push(StageReport {
                index: i,
                name: stage.name.clone(),
                base,
                base_kind: BaseKind::Scratch,
                platform: self.opts.platform().to_string(),
                built: needed.contains(&i),
                skipped_reason: if needed.contains(&i) {
                    None
                } else {
                    Some(match target {
                        Some(t) => {
                            format!("not needed by the target stage {}", self.stage_label(t))
                        }
                        None => "no target stage".to_string(),
                    })
                },
                span: stage.span,
                line: stage.start_line,
                steps: Vec::new(),
            });
        }
        for (i, report) in stage_reports.iter_mut().enumerate() {
            if !needed.contains(&i) {
                continue;
            }
            let first_step = self.steps.len();
            let (state, kind, platform) = self.dispatch_stage(i);
            report.base_kind = kind;
            report.platform = platform;
            report.steps = (first_step..self.steps.len()).collect();
            self.done[i] = Some(state);
        }
        let unused: Vec<String> = self
            .opts
            .build_args
            .iter()
            .map(|(k, _)| k.clone())
            .filter(|k| !self.consumed_args.contains(k) && !PROXY_ARGS.contains(&k.as_str()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !unused.is_empty() {
            self.diagnostics.push(Diagnostic::warning(
                "UnusedBuildArg",
                format!(
                    "One or more build-args [{}] were not consumed",
                    unused.join(" ")
                ),
                Span::at(0),
            ));
        }
        self.finish(target, stage_reports)
    }

    fn stage_label(&self, i: usize) -> String {
        match &self.ins.stages[i].name {
            Some(n) => format!("\"{n}\""),
            None => format!("#{i}"),
        }
    }

    fn error(&mut self, message: impl Into<String>, span: Span) {
        self.diagnostics
            .push(Diagnostic::error("simulate", message, span));
    }

    fn global_args(&mut self) {
        let build_platform = super::options::DEFAULT_PLATFORM;
        let mut env = platform_args(self.opts.platform(), build_platform);
        let target_name = match &self.opts.target {
            Some(t) => t.clone(),
            None => self
                .ins
                .stages
                .last()
                .and_then(|s| s.name.clone())
                .unwrap_or_else(|| "default".into()),
        };
        env.push(("TARGETSTAGE".into(), target_name));
        for arg in &self.ins.meta_args {
            for pair in &arg.value.args {
                let key = pair.key.value.to_string();
                let value = if let Some(v) = self.opts.build_arg(&key) {
                    self.consumed_args.insert(key.clone());
                    Some(v.to_string())
                } else if let Some(w) = &pair.value {
                    let e = env_of(&env);
                    match self.lex.process_word(&w.value, &e) {
                        Ok(x) => Some(x.value),
                        Err(err) => {
                            self.error(err.to_string(), w.span);
                            Some(w.value.to_string())
                        }
                    }
                } else {
                    None
                };
                if let Some(v) = value {
                    set_pair(&mut env, &key, &v);
                }
            }
        }
        self.global_env = env;
    }

    fn expand_global(&mut self, word: &Word) -> String {
        let env = env_of(&self.global_env);
        match self.lex.process_word(&word.value, &env) {
            Ok(x) => x.value,
            Err(e) => {
                self.error(e.to_string(), word.span);
                word.value.to_string()
            }
        }
    }

    fn find_stage(&self, name: &str, before: usize) -> Option<usize> {
        let lower = name.to_ascii_lowercase();
        if let Ok(n) = name.parse::<usize>() {
            return (n < before).then_some(n);
        }
        self.ins.stages[..before]
            .iter()
            .rposition(|s| s.name.as_deref() == Some(lower.as_str()))
    }

    fn select_target(&mut self) -> Option<usize> {
        let n = self.ins.stages.len();
        if n == 0 {
            return None;
        }
        match self.opts.target.clone() {
            None => Some(n - 1),
            Some(t) => {
                let lower = t.to_ascii_lowercase();
                let found = self
                    .ins
                    .stages
                    .iter()
                    .position(|s| s.name.as_deref() == Some(lower.as_str()));
                if found.is_none() {
                    self.error(
                        format!("target stage \"{t}\" could not be found"),
                        Span::at(0),
                    );
                }
                found
            }
        }
    }

    /// Stages the target depends on: its base stage, `COPY --from` and `RUN --mount=from`.
    fn needed_stages(&mut self, target: usize) -> BTreeSet<usize> {
        let mut needed = BTreeSet::new();
        let mut todo = vec![target];
        while let Some(i) = todo.pop() {
            if !needed.insert(i) {
                continue;
            }
            let stage = &self.ins.stages[i];
            let base = self.expand_global(&stage.base.clone());
            if let Some(j) = self.find_stage(&base, i) {
                todo.push(j);
            }
            let mut refs = Vec::new();
            for c in &stage.commands {
                match &c.value {
                    Command::Copy(cp) => {
                        if let Some(f) = &cp.from {
                            refs.push(f.value.clone());
                        }
                    }
                    Command::Run(r) => {
                        for m in &r.mounts {
                            if let Some(f) = m.get(&["from"]) {
                                refs.push(f.to_string());
                            }
                        }
                    }
                    _ => {}
                }
            }
            for r in refs {
                let w = Word {
                    value: r.into(),
                    span: Span::at(0),
                };
                let name = self.expand_global(&w);
                if let Some(j) = self.find_stage(&name, i) {
                    todo.push(j);
                }
            }
        }
        needed
    }

    fn filtered_context(&mut self) -> &Context {
        if self.filtered_context.get().is_none() {
            let ctx = match self.ctx.dockerignore_for(self.opts.dockerfile_path()) {
                Ok(Some(ignore)) => {
                    let mut filtered = self.ctx.clone();
                    if let Ok(walked) = self.ctx.walk_included(Some(&ignore)) {
                        let mut keep_dirs: BTreeSet<String> = BTreeSet::new();
                        for w in &walked {
                            if !w.excluded {
                                let mut p = w.path.as_str();
                                while let Some((parent, _)) = p.rsplit_once('/') {
                                    keep_dirs.insert(parent.to_string());
                                    p = parent;
                                }
                            }
                        }
                        for w in walked.iter().rev() {
                            if w.excluded && !(w.entry.is_dir() && keep_dirs.contains(&w.path)) {
                                let _ = filtered.remove(&w.path);
                            }
                        }
                    }
                    filtered
                }
                Ok(None) => self.ctx.clone(),
                Err(e) => {
                    self.error(e.to_string(), Span::at(0));
                    self.ctx.clone()
                }
            };
            let _ = self.filtered_context.set(ctx);
        }
        self.filtered_context.get().unwrap_or(self.ctx)
    }

    fn base_from_catalog(&self, image: &BaseImage) -> StageState {
        let mut layers = Vec::new();
        for l in &image.layers {
            let diff_id = l.diff_id.as_deref().and_then(|d| Digest::parse(d).ok());
            let media = l
                .media_type
                .clone()
                .unwrap_or_else(|| "application/vnd.oci.image.layer.v1.tar+gzip".into());
            let layer = match Digest::parse(&l.digest) {
                Ok(d) => Layer::base(diff_id.clone(), Descriptor::new(&media, d, l.size)),
                Err(e) => Layer::unknown(l.uncompressed_size, e),
            };
            layers.push(StageLayer::Base {
                report: LayerReport {
                    created_by: l
                        .created_by
                        .clone()
                        .unwrap_or_else(|| format!("base image {}", image.reference)),
                    step: None,
                    from_base: true,
                    size: l.uncompressed_size.or(Some(l.size)),
                    certainty: Certainty::Exact,
                    changes: Vec::new(),
                    diff_id: diff_id.map(|d| d.as_str().to_string()),
                    unknown_reason: None,
                },
                layer: Arc::new(layer),
            });
        }
        let c = &image.config;
        let config = ConfigState {
            env: c
                .env
                .iter()
                .map(|e| match e.split_once('=') {
                    Some((k, v)) => (k.to_string(), v.to_string()),
                    None => (e.clone(), String::new()),
                })
                .collect(),
            cmd: c.cmd.clone(),
            entrypoint: c.entrypoint.clone(),
            working_dir: c.working_dir.clone().unwrap_or_default(),
            user: c.user.clone().unwrap_or_default(),
            exposed_ports: c.exposed_ports.keys().cloned().collect(),
            volumes: c.volumes.keys().cloned().collect(),
            labels: c.labels.clone(),
            stop_signal: c.stop_signal.clone().unwrap_or_default(),
            ..ConfigState::default()
        };
        let history = image
            .history
            .iter()
            .map(|h| HistoryRow {
                created_by: h.created_by.clone(),
                comment: h.args_comment.clone().unwrap_or_default(),
                empty_layer: h.empty_layer,
            })
            .collect();
        let mut tree = Tree::new();
        for (dir, mode) in WELL_KNOWN_DIRS {
            let _ = tree.mkdir_p(dir, Meta::new(*mode, 0, 0, 0));
        }
        if !config.working_dir.is_empty() {
            let _ = tree.mkdir_p(&config.working_dir, Meta::new(0o755, 0, 0, 0));
        }
        StageState {
            tree,
            base_known: false,
            complete: false,
            base_image: Some(image.clone()),
            installed: BTreeSet::new(),
            state_env: config.env.clone(),
            config,
            history,
            layers,
            build_args: Vec::new(),
            fs_key: String::new(),
            fs_ordinal: 0,
            cmd_set: false,
            os: image.os.clone(),
            architecture: image.architecture.clone(),
            distro: image.distro.clone(),
        }
    }

    fn dispatch_stage(&mut self, i: usize) -> (StageState, BaseKind, String) {
        let stage: &'a Stage = &self.ins.stages[i];
        let base = self.expand_global(&stage.base);
        let platform = match &stage.platform {
            Some(p) => {
                let w = Word {
                    value: p.value.as_str().into(),
                    span: p.span,
                };
                self.expand_global(&w)
            }
            None => self.opts.platform().to_string(),
        };
        let (os, arch) = platform
            .split_once('/')
            .map(|(o, a)| (o.to_string(), a.split('/').next().unwrap_or(a).to_string()))
            .unwrap_or(("linux".into(), "amd64".into()));
        let mut triggers: Vec<String> = Vec::new();
        let (mut state, kind, base_identity) = if let Some(j) = self.find_stage(&base, i) {
            match self.done[j].clone() {
                Some(mut parent) => {
                    triggers = std::mem::take(&mut parent.config.on_build);
                    let key = parent.fs_key.clone();
                    (parent, BaseKind::Stage(j), format!("stage:{key}"))
                }
                None => (
                    self.empty_state(&os, &arch),
                    BaseKind::Stage(j),
                    String::new(),
                ),
            }
        } else if base.eq_ignore_ascii_case("scratch") {
            let mut s = self.empty_state(&os, &arch);
            s.base_known = true;
            s.complete = true;
            (s, BaseKind::Scratch, "scratch".into())
        } else {
            let lookup = self
                .catalogs
                .base_images
                .as_ref()
                .map(|c| c.lookup(&base, Some(&platform)).cloned());
            match lookup {
                Some(Ok(image)) => {
                    let id = image
                        .manifest_digest
                        .clone()
                        .unwrap_or_else(|| image.reference.clone());
                    (self.base_from_catalog(&image), BaseKind::CatalogImage, id)
                }
                other => {
                    let why = match other {
                        Some(Err(e)) => e.to_string(),
                        _ => "no base-image catalog loaded".into(),
                    };
                    self.diagnostics.push(Diagnostic::warning(
                        "UnknownBaseImage",
                        format!(
                            "unknown base image {base}: {why}; its layers and files are unknown"
                        ),
                        stage.base.span,
                    ));
                    let mut s = self.empty_state(&os, &arch);
                    for (dir, mode) in WELL_KNOWN_DIRS {
                        let _ = s.tree.mkdir_p(dir, Meta::new(*mode, 0, 0, 0));
                    }
                    s.layers.push(StageLayer::Base {
                        report: LayerReport {
                            created_by: format!("layers of {base}"),
                            step: None,
                            from_base: true,
                            size: None,
                            certainty: Certainty::Unknown,
                            changes: Vec::new(),
                            diff_id: None,
                            unknown_reason: Some(format!("{base} is not in the catalog")),
                        },
                        layer: Arc::new(Layer::unknown(
                            None,
                            format!("{base} is not in the catalog"),
                        )),
                    });
                    (s, BaseKind::UnknownImage, format!("unknown:{base}"))
                }
            }
        };
        state.cmd_set = false;
        // FROM step.
        let from_key = sha(&["FROM", &base_identity, &platform]);
        let match_id = format!("{}#from", self.stage_id(i));
        let parts = KeyParts {
            match_id,
            parent: String::new(),
            text: base_identity.clone(),
            ..KeyParts::default()
        };
        let cache = match (self.cache_state(&from_key, &parts, true), &kind) {
            (CacheState::Rebuilt(_), BaseKind::Stage(j)) => {
                CacheState::Rebuilt(format!("base stage {} rebuilt", self.stage_label(*j)))
            }
            (state, _) => state,
        };
        state.fs_key = from_key.clone();
        state.fs_ordinal = 0;
        self.cache.insert(
            from_key.clone(),
            CachedResult {
                tree: state.tree.clone(),
                layer: None,
                effects: Vec::new(),
                certainty: Certainty::Exact,
                complete: state.complete,
                installed: state.installed.clone(),
            },
        );
        self.push_step(
            Step {
                stage: i,
                instruction: "FROM".into(),
                text: stage.source_code.clone(),
                span: stage.span,
                line: stage.start_line,
                onbuild: false,
                layer: None,
                creates_layer: false,
                cache,
                cache_key: Some(from_key),
                effects: vec![format!("base: {base}")],
                certainty: if matches!(kind, BaseKind::UnknownImage) {
                    Certainty::Unknown
                } else {
                    Certainty::Exact
                },
            },
            parts,
        );
        // ONBUILD triggers of the base stage run first.
        let mut trigger_cmds: Vec<Located<Command>> = Vec::new();
        for t in &triggers {
            let parsed = crate::syntax::parse(t);
            for inst in &parsed.dockerfile.instructions {
                match crate::instructions::parse_instruction(inst) {
                    Ok(crate::instructions::ParsedInstruction::Command(c)) => {
                        trigger_cmds.push(Located {
                            value: c,
                            index: stage.index,
                            span: stage.span,
                            start_line: stage.start_line,
                            end_line: stage.start_line,
                            keyword: inst.keyword.clone(),
                        })
                    }
                    Ok(_) => self.error(
                        format!("ONBUILD trigger cannot be a stage: {t}"),
                        stage.span,
                    ),
                    Err(e) => self.error(e.message, stage.span),
                }
            }
        }
        for c in &trigger_cmds {
            self.dispatch(i, &mut state, c, true, Some(t_source(c)));
        }
        for c in &stage.commands {
            self.dispatch(i, &mut state, c, false, None);
        }
        (state, kind, platform)
    }

    fn empty_state(&self, os: &str, arch: &str) -> StageState {
        StageState {
            tree: Tree::new(),
            base_known: false,
            complete: false,
            base_image: None,
            installed: BTreeSet::new(),
            state_env: vec![(
                "PATH".into(),
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
            )],
            config: ConfigState {
                env: vec![(
                    "PATH".into(),
                    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
                )],
                ..ConfigState::default()
            },
            history: Vec::new(),
            layers: Vec::new(),
            build_args: Vec::new(),
            fs_key: String::new(),
            fs_ordinal: 0,
            cmd_set: false,
            os: os.into(),
            architecture: arch.into(),
            distro: None,
        }
    }

    fn stage_id(&self, i: usize) -> String {
        match &self.ins.stages[i].name {
            Some(n) => format!("stage {n}"),
            None => format!("stage {i}"),
        }
    }

    fn push_step(&mut self, step: Step, parts: KeyParts) {
        self.steps.push(step);
        self.parts.push(parts);
    }

    /// Cached, or rebuilt with the first reason (compared with the matching previous step).
    fn cache_state(&self, key: &str, parts: &KeyParts, is_from: bool) -> CacheState {
        let Some(prev) = self.previous else {
            return CacheState::Fresh;
        };
        if prev.cache.contains_key(key) {
            return CacheState::Cached;
        }
        let Some(old) = prev.parts.iter().find(|p| p.match_id == parts.match_id) else {
            return CacheState::Rebuilt("new step".into());
        };
        if is_from {
            return CacheState::Rebuilt("base image changed".into());
        }
        if old.parent != parts.parent {
            return CacheState::Rebuilt("parent step rebuilt".into());
        }
        if old.text != parts.text {
            return CacheState::Rebuilt("instruction changed".into());
        }
        for (k, v) in &parts.args {
            let before = old.args.iter().find(|(ok, _)| ok == k).map(|(_, v)| v);
            if before != Some(v) {
                return CacheState::Rebuilt(format!("ARG {k} changed"));
            }
        }
        if old.args.len() != parts.args.len() {
            return CacheState::Rebuilt("build args changed".into());
        }
        let old_inputs: BTreeMap<&str, &str> = old
            .inputs
            .iter()
            .map(|(p, d)| (p.as_str(), d.as_str()))
            .collect();
        let new_inputs: BTreeMap<&str, &str> = parts
            .inputs
            .iter()
            .map(|(p, d)| (p.as_str(), d.as_str()))
            .collect();
        for (p, d) in &new_inputs {
            match old_inputs.get(p) {
                Some(od) if od == d => {}
                Some(_) => return CacheState::Rebuilt(format!("{p} changed")),
                None => return CacheState::Rebuilt(format!("{p} added")),
            }
        }
        if let Some(p) = old_inputs.keys().find(|p| !new_inputs.contains_key(*p)) {
            return CacheState::Rebuilt(format!("{p} removed"));
        }
        if old.extra != parts.extra {
            return CacheState::Rebuilt("environment changed".into());
        }
        CacheState::Rebuilt("not in the previous build's cache".into())
    }

    /// Expands `word` with the stage's state env; errors and undefined names become
    /// diagnostics. Returns the value (the raw text on error).
    fn expand(&mut self, state: &StageState, word: &str, span: Span) -> (String, BTreeSet<String>) {
        // The pairs as they are: a name appears once (`set_pair`), and a slice looks names up
        // like an `Env` built from it would (the last definition wins, first position kept).
        match self.lex.process_word(word, state.state_env.as_slice()) {
            Ok(x) => {
                for name in &x.unmatched {
                    let declared = state.build_args.iter().any(|(k, _)| k == name);
                    if !declared {
                        self.diagnostics.push(Diagnostic::warning(
                            "UndefinedVar",
                            format!("Usage of undefined variable '${name}'"),
                            span,
                        ));
                    }
                }
                (x.value, x.matched)
            }
            Err(e) => {
                self.error(e.to_string(), span);
                (word.to_string(), BTreeSet::new())
            }
        }
    }

    /// ENV's or LABEL's pairs, every one expanded in the state before the instruction.
    fn expand_pairs(
        &mut self,
        state: &StageState,
        pairs: &[crate::instructions::KeyValuePair],
    ) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|p| {
                (
                    self.expand_word(state, &p.key),
                    self.expand_word(state, &p.value),
                )
            })
            .collect()
    }

    fn expand_word(&mut self, state: &StageState, word: &Word) -> String {
        self.expand(state, &word.value, word.span).0
    }

    fn config_step(
        &mut self,
        stage: usize,
        state: &mut StageState,
        c: &Located<Command>,
        onbuild: bool,
        text: String,
        history: Option<String>,
    ) {
        if let Some(h) = history {
            state.history.push(HistoryRow {
                created_by: h,
                comment: HISTORY_COMMENT.into(),
                empty_layer: true,
            });
        }
        self.push_step(
            Step {
                stage,
                instruction: c.value.name().into(),
                text,
                span: c.span,
                line: c.start_line,
                onbuild,
                layer: None,
                creates_layer: false,
                cache: CacheState::ConfigOnly,
                cache_key: None,
                effects: Vec::new(),
                certainty: Certainty::Exact,
            },
            KeyParts::default(),
        );
    }

    fn dispatch(
        &mut self,
        stage: usize,
        state: &mut StageState,
        c: &Located<Command>,
        onbuild: bool,
        _trigger: Option<String>,
    ) {
        match &c.value {
            Command::Env(e) => {
                let mut texts = Vec::new();
                let pairs = self.expand_pairs(state, &e.pairs);
                for (k, v) in &pairs {
                    texts.push(format!("{k}={v}"));
                    set_pair(&mut state.state_env, k, v);
                    set_pair(&mut state.config.env, k, v);
                }
                let t = format!("ENV {}", texts.join(" "));
                self.config_step(stage, state, c, onbuild, t.clone(), Some(t));
            }
            Command::Label(l) => {
                let mut texts = Vec::new();
                let pairs = self.expand_pairs(state, &l.pairs);
                for (k, v) in pairs {
                    texts.push(format!("{k}={v}"));
                    state.config.labels.insert(k, v);
                }
                let t = format!("LABEL {}", texts.join(" "));
                self.config_step(stage, state, c, onbuild, t.clone(), Some(t));
            }
            Command::Maintainer(m) => {
                let t = format!("MAINTAINER {}", m.maintainer.value);
                self.config_step(stage, state, c, onbuild, t.clone(), Some(t));
            }
            Command::Onbuild(o) => {
                state.config.on_build.push(o.expression.clone());
                let t = format!("ONBUILD {}", o.expression);
                self.config_step(stage, state, c, onbuild, t, None);
            }
            Command::Cmd(cmd) => {
                let args = self.command_args(state, &cmd.cmd);
                state.config.cmd = Some(args.clone());
                state.config.args_escaped = true;
                state.cmd_set = true;
                let t = format!("CMD {}", go_quoted_list(&args));
                self.config_step(stage, state, c, onbuild, t.clone(), Some(t));
            }
            Command::Entrypoint(ep) => {
                let args = self.command_args(state, &ep.cmd);
                state.config.entrypoint = Some(args.clone());
                if !state.cmd_set {
                    state.config.cmd = None;
                }
                let t = format!("ENTRYPOINT {}", go_quoted_list(&args));
                self.config_step(stage, state, c, onbuild, t.clone(), Some(t));
            }
            Command::Healthcheck(h) => {
                state.config.healthcheck = Some(h.health.clone());
                let t = healthcheck_text(&h.health);
                self.config_step(stage, state, c, onbuild, t.clone(), Some(t));
            }
            Command::Expose(e) => {
                let env = env_of(&state.state_env);
                let mut ports = Vec::new();
                for p in &e.ports {
                    match self.lex.process_words(&p.value, &env) {
                        Ok(words) => {
                            for w in words {
                                let spec = if w.contains('/') {
                                    w.to_ascii_lowercase()
                                } else {
                                    format!("{w}/tcp")
                                };
                                let port = spec.rsplit(':').next().unwrap_or(&spec).to_string();
                                ports.push(port);
                            }
                        }
                        Err(err) => self.error(err.to_string(), p.span),
                    }
                }
                for p in &ports {
                    state.config.exposed_ports.insert(p.clone());
                }
                let t = format!("EXPOSE {}", go_list(&ports));
                self.config_step(stage, state, c, onbuild, t.clone(), Some(t));
            }
            Command::User(u) => {
                let user = self.expand_word(state, &u.user);
                state.config.user = user.clone();
                let t = format!("USER {user}");
                self.config_step(stage, state, c, onbuild, t.clone(), Some(t));
            }
            Command::Volume(v) => {
                let mut vols = Vec::new();
                for w in &v.volumes {
                    let x = self.expand_word(state, w);
                    if x.is_empty() {
                        self.error("VOLUME specified can not be an empty string", w.span);
                        continue;
                    }
                    vols.push(x);
                }
                for x in &vols {
                    state.config.volumes.insert(x.clone());
                }
                let t = format!("VOLUME {}", go_list(&vols));
                self.config_step(stage, state, c, onbuild, t.clone(), Some(t));
            }
            Command::StopSignal(s) => {
                let sig = self.expand_word(state, &s.signal);
                state.config.stop_signal = sig.clone();
                let t = format!("STOPSIGNAL {sig}");
                self.config_step(stage, state, c, onbuild, t.clone(), Some(t));
            }
            Command::Shell(s) => {
                let sh: Vec<String> = s.shell.iter().map(|w| w.value.to_string()).collect();
                state.config.shell = sh.clone();
                let t = format!("SHELL {}", go_list(&sh));
                self.config_step(stage, state, c, onbuild, t.clone(), Some(t));
            }
            Command::Arg(a) => {
                let mut texts = Vec::new();
                for pair in &a.args {
                    let key = pair.key.value.to_string();
                    let value = if let Some(v) = self.opts.build_arg(&key) {
                        self.consumed_args.insert(key.clone());
                        Some(v.to_string())
                    } else if let Some(w) = &pair.value {
                        Some(self.expand(state, &w.value, w.span).0)
                    } else {
                        self.global_env
                            .iter()
                            .find(|(k, _)| *k == key)
                            .map(|(_, v)| v.clone())
                    };
                    if let Some(v) = &value {
                        if !NON_ENV_ARGS.contains(&key.as_str()) {
                            set_pair(&mut state.state_env, &key, v);
                        }
                        texts.push(format!("{key}={v}"));
                    } else {
                        texts.push(key.clone());
                    }
                    state.build_args.push((key, value));
                }
                let t = format!("ARG {}", texts.join(" "));
                self.config_step(stage, state, c, onbuild, t.clone(), Some(t));
            }
            Command::Workdir(w) => {
                let path = self.expand_word(state, &w.path);
                let wd = normalize_workdir(&state.config.working_dir, &path);
                state.config.working_dir = wd.clone();
                let text = format!("WORKDIR {wd}");
                if wd == "/" {
                    self.config_step(stage, state, c, onbuild, text.clone(), Some(text));
                    return;
                }
                let user = state.config.user.clone();
                let extra = format!("user={user}");
                self.fs_step(
                    stage,
                    state,
                    c,
                    onbuild,
                    text.clone(),
                    text,
                    Vec::new(),
                    Vec::new(),
                    extra,
                    |b, st| {
                        let owner = if user.is_empty() {
                            owner::Owner::ROOT
                        } else {
                            match owner::resolve(&user, &st.tree, st.base_known) {
                                Ok(o) => o,
                                Err(e) => {
                                    b.error(e.0, c.span);
                                    owner::Owner::ROOT
                                }
                            }
                        };
                        let mut effects = Vec::new();
                        let mut certainty = Certainty::Exact;
                        if let Some(n) = &owner.unresolved {
                            effects.push(n.clone());
                            certainty = Certainty::Estimated;
                        }
                        let exists = st.tree.lookup(&wd).is_ok();
                        if let Err(e) = st
                            .tree
                            .mkdir_p(&wd, Meta::new(0o755, owner.uid, owner.gid, b.opts.epoch))
                        {
                            b.error(format!("WORKDIR {wd}: {e}"), c.span);
                        }
                        effects.push(if exists {
                            format!("{wd} exists: nothing to create")
                        } else {
                            format!("mkdir -p {wd} (0755, {}:{})", owner.uid, owner.gid)
                        });
                        (effects, certainty, None)
                    },
                );
            }
            Command::Copy(cp) => {
                let from = cp.from.as_ref().map(|f| {
                    let w = Word {
                        value: f.value.as_str().into(),
                        span: f.span,
                    };
                    (self.expand_global(&w), f.span)
                });
                self.copy_like(
                    stage,
                    state,
                    c,
                    onbuild,
                    CopyFlags {
                        is_add: false,
                        sd: &cp.sources_and_dest,
                        from,
                        chown: cp.chown.as_ref().map(|f| (f.value.clone(), f.span)),
                        chmod: cp.chmod.as_ref().map(|f| (f.value.clone(), f.span)),
                        link: cp.link,
                        parents: cp.parents,
                        excludes: cp.exclude.iter().map(|f| f.value.clone()).collect(),
                        unpack: Some(false),
                        checksum: None,
                        keep_git_dir: None,
                    },
                );
            }
            Command::Add(ad) => {
                self.copy_like(
                    stage,
                    state,
                    c,
                    onbuild,
                    CopyFlags {
                        is_add: true,
                        sd: &ad.sources_and_dest,
                        from: None,
                        chown: ad.chown.as_ref().map(|f| (f.value.clone(), f.span)),
                        chmod: ad.chmod.as_ref().map(|f| (f.value.clone(), f.span)),
                        link: ad.link,
                        parents: false,
                        excludes: ad.exclude.iter().map(|f| f.value.clone()).collect(),
                        unpack: ad.unpack,
                        checksum: ad.checksum.as_ref().map(|f| (f.value.clone(), f.span)),
                        keep_git_dir: ad
                            .keep_git_dir
                            .as_ref()
                            .map(|f| (f.value == "true", f.span)),
                    },
                );
            }
            Command::Run(r) => self.run_step(stage, state, c, onbuild, r),
        }
    }

    fn command_args(
        &self,
        state: &StageState,
        cmd: &crate::instructions::CommandLine,
    ) -> Vec<String> {
        let args: Vec<String> = cmd.args.iter().map(|w| w.value.to_string()).collect();
        if cmd.prepend_shell {
            let mut sh = if state.config.shell.is_empty() {
                vec!["/bin/sh".to_string(), "-c".to_string()]
            } else {
                state.config.shell.clone()
            };
            sh.push(args.join(" "));
            sh
        } else {
            args
        }
    }

    /// A step that changes the filesystem: cache key, reuse from `previous`, layer.
    #[allow(clippy::too_many_arguments)]
    fn fs_step(
        &mut self,
        stage: usize,
        state: &mut StageState,
        c: &Located<Command>,
        onbuild: bool,
        text: String,
        history: String,
        args: Vec<(String, String)>,
        inputs: Vec<(String, String)>,
        extra: String,
        apply: impl FnOnce(&mut Self, &mut StageState) -> (Vec<String>, Certainty, Option<String>),
    ) {
        state.fs_ordinal += 1;
        let input_text: String = inputs.iter().map(|(p, d)| format!("{p}\0{d}\n")).collect();
        let args_text: String = args.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        let key = sha(&[&state.fs_key, &text, &input_text, &args_text, &extra]);
        let parts = KeyParts {
            match_id: format!("{}#{}", self.stage_id(stage), state.fs_ordinal),
            parent: state.fs_key.clone(),
            text: text.clone(),
            args,
            inputs,
            extra,
        };
        let cache = self.cache_state(&key, &parts, false);
        // BuildKit's cache would hit; the *simulated* result is reused only when it was made
        // from the same catalog data (packages fetched since then give better estimates).
        let reused = self
            .previous
            .filter(|p| p.catalogs_fingerprint == self.catalogs.fingerprint())
            .and_then(|p| p.cache.get(&key))
            .cloned();
        let (effects, certainty, built) = match reused {
            Some(r) => {
                self.stats.steps_reused += 1;
                state.tree = r.tree.clone();
                state.complete = r.complete;
                state.installed = r.installed.clone();
                (r.effects.clone(), r.certainty, r.layer.clone())
            }
            None => {
                self.stats.steps_computed += 1;
                let lower = state.tree.begin_layer();
                self.link_layer = None;
                let (effects, certainty, forced) = apply(self, state);
                let diff = match self.link_layer.take() {
                    Some(linked) => linked,
                    None => LayerDiff::between(&lower, &state.tree),
                };
                let built = if diff.is_empty() && forced.is_none() {
                    None
                } else {
                    Some(Arc::new(BuiltLayer {
                        diff: Arc::new(diff),
                        forced_unknown: forced,
                        epoch: self.opts.epoch,
                        layer: OnceLock::new(),
                    }))
                };
                (effects, certainty, built)
            }
        };
        let certainty = match &built {
            Some(b) => certainty.combine(b.certainty()),
            None => certainty,
        };
        self.cache.insert(
            key.clone(),
            CachedResult {
                tree: state.tree.clone(),
                layer: built.clone(),
                effects: effects.clone(),
                certainty,
                complete: state.complete,
                installed: state.installed.clone(),
            },
        );
        state.fs_key = key.clone();
        let step_index = self.steps.len();
        let creates_layer = built.is_some();
        state.history.push(HistoryRow {
            created_by: history,
            comment: HISTORY_COMMENT.into(),
            empty_layer: !creates_layer,
        });
        if let Some(b) = built {
            state.layers.push(StageLayer::Built {
                step: step_index,
                built: b,
            });
        }
        self.push_step(
            Step {
                stage,
                instruction: c.value.name().into(),
                text,
                span: c.span,
                line: c.start_line,
                onbuild,
                layer: None,
                creates_layer,
                cache,
                cache_key: Some(key),
                effects,
                certainty,
            },
            parts,
        );
    }

    fn copy_like(
        &mut self,
        stage: usize,
        state: &mut StageState,
        c: &Located<Command>,
        onbuild: bool,
        f: CopyFlags<'_>,
    ) {
        let keyword = if f.is_add { "ADD" } else { "COPY" };
        let sources: Vec<String> =
            f.sd.source_paths
                .iter()
                .map(|w| self.expand_word(state, w))
                .collect();
        let dest_raw = self.expand_word(state, &f.sd.dest);
        let chown = f
            .chown
            .as_ref()
            .map(|(v, s)| (self.expand(state, v, *s).0, *s));
        let chmod_text = f
            .chmod
            .as_ref()
            .map(|(v, s)| (self.expand(state, v, *s).0, *s));
        let env = env_of(&state.state_env);
        let heredoc_lex = self.lex.skip_process_quotes(true);
        let mut heredocs = Vec::new();
        for h in &f.sd.source_contents {
            let data = if h.expand {
                match heredoc_lex.process_word(&h.data, &env) {
                    Ok(x) => x.value,
                    Err(e) => {
                        self.error(e.to_string(), h.span);
                        h.data.clone()
                    }
                }
            } else {
                h.data.clone()
            };
            heredocs.push((h.path.clone(), data));
        }
        // History text.
        let mut hist = String::from(keyword);
        if f.parents {
            hist.push_str(" --parents");
        }
        if let Some((v, _)) = &chown {
            hist.push_str(&format!(" --chown={v}"));
        }
        if let Some((v, _)) = &chmod_text {
            hist.push_str(&format!(" --chmod={v}"));
        }
        for s in &sources {
            hist.push(' ');
            hist.push_str(s);
        }
        for (name, _) in &heredocs {
            hist.push_str(&format!(" <<{name}"));
        }
        hist.push(' ');
        hist.push_str(&dest_raw);
        let mut text = hist.clone();
        if let Some((from, _)) = &f.from {
            text = text.replacen(keyword, &format!("{keyword} --from={from}"), 1);
        }
        if f.link {
            text = text.replacen(keyword, &format!("{keyword} --link"), 1);
        }
        let history = format!("{hist} # buildkit");
        let chmod = match &chmod_text {
            Some((v, span)) => match Chmod::parse(v) {
                Ok(m) => Some(m),
                Err(e) => {
                    self.error(e, *span);
                    None
                }
            },
            None => None,
        };
        let owner = match &chown {
            Some((v, span)) => match owner::resolve(v, &state.tree, state.base_known) {
                Ok(o) => Some(o),
                Err(e) => {
                    self.error(e.0, *span);
                    None
                }
            },
            None => None,
        };
        let checksum = f
            .checksum
            .as_ref()
            .map(|(v, s)| (self.expand(state, v, *s).0, *s));
        // dispatchCopy's checks of remote sources (and the Git checksum check BuildKit makes
        // when it resolves the ref): the step fails with BuildKit's error, underlined where
        // it belongs.
        let source_error = git_ref::check_sources(
            f.is_add,
            &sources,
            checksum.as_ref().map(|(v, _)| v.as_str()),
            f.keep_git_dir.map(|(v, _)| v),
        )
        .err()
        .map(|(message, blame)| {
            let span = match blame {
                git_ref::Blame::Checksum => checksum.as_ref().map(|(_, s)| *s),
                git_ref::Blame::KeepGitDir => f.keep_git_dir.map(|(_, s)| s),
                git_ref::Blame::Source(i) => f.sd.source_paths.get(i).map(|w| w.span),
            };
            (message, span.unwrap_or(c.span))
        });
        let dest = copy_destination(&state.config.working_dir, &dest_raw);
        let spec = CopySpec {
            is_add: f.is_add,
            sources,
            heredocs,
            dest: dest.clone(),
            chown: owner.clone(),
            chmod,
            parents: f.parents,
            excludes: f.excludes.clone(),
            unpack: f.unpack,
            checksum: checksum.as_ref().map(|(v, _)| v.clone()),
            keep_git_dir: f.keep_git_dir.map(|(v, _)| v),
            epoch: self.opts.epoch,
        };
        // Source filesystem.
        enum From {
            Context,
            Stage(Tree, bool, String),
            Image(String),
        }
        let from = match &f.from {
            None => From::Context,
            Some((name, span)) => match self.find_stage(name, stage) {
                Some(j) => match &self.done[j] {
                    Some(s) => From::Stage(s.tree.clone(), s.complete, name.clone()),
                    None => {
                        self.error(
                            format!(
                                "cannot copy from stage \"{name}\", it needs to be built first"
                            ),
                            *span,
                        );
                        From::Image(name.clone())
                    }
                },
                None => {
                    if self
                        .ins
                        .stages
                        .iter()
                        .any(|s| s.name.as_deref() == Some(name.to_ascii_lowercase().as_str()))
                    {
                        self.error(
                            format!(
                                "cannot copy from stage \"{name}\", it needs to be defined before current stage \"{}\"",
                                self.ins.stages[stage].name.clone().unwrap_or_else(|| stage.to_string())
                            ),
                            *span,
                        );
                    }
                    From::Image(name.clone())
                }
            },
        };
        let mut counter = HashCounter::default();
        let planned = match &from {
            // Not planned: the step already fails with the source error reported below.
            _ if source_error.is_some() => Err(String::new()),
            From::Context => {
                let ctx = self.filtered_context();
                copy::plan(&spec, Source::Context(ctx), &state.tree, &mut counter)
            }
            From::Stage(tree, complete, name) => {
                match copy::plan(&spec, Source::Stage(tree), &state.tree, &mut counter) {
                    Err(e) if !complete && e.ends_with("not found") => {
                        Ok(copy::unknown_plan(&spec, &format!("stage {name}")))
                    }
                    other => other,
                }
            }
            From::Image(name) => Err(format!("\u{0}image:{name}")),
        };
        self.stats.files_hashed += counter.computed;
        self.stats.digests_reused += counter.reused;
        let (plan, plan_error, image_source) = match planned {
            Ok(p) => (Some(p), None, None),
            Err(_) if source_error.is_some() => (None, None, None),
            Err(e) if e.starts_with('\u{0}') => (None, None, Some(e[7..].to_string())),
            Err(e) => (None, Some(e), None),
        };
        if let Some(e) = &plan_error {
            self.error(
                format!("failed to compute cache key: failed to calculate checksum of ref: {e}"),
                c.span,
            );
        }
        if let Some((message, span)) = source_error {
            self.error(message, span);
        }
        let inputs = plan.as_ref().map(|p| p.inputs.clone()).unwrap_or_default();
        let extra = format!(
            "link={} owner={:?} from={:?}",
            f.link,
            owner.as_ref().map(|o| (o.uid, o.gid)),
            f.from.as_ref().map(|(n, _)| n)
        );
        let args = Vec::new();
        let owner_note = owner.and_then(|o| o.unresolved);
        let link = f.link;
        let has_chmod = f.chmod.is_some();
        self.fs_step(
            stage,
            state,
            c,
            onbuild,
            text,
            history,
            args,
            inputs,
            extra,
            |b, st| {
                let mut effects = Vec::new();
                let mut certainty = Certainty::Exact;
                let mut forced = None;
                if let Some(n) = owner_note {
                    effects.push(n);
                    certainty = Certainty::Estimated;
                }
                if let Some(image) = image_source {
                    let why = format!(
                        "files copied from image {image}, whose filesystem layerlab does not have"
                    );
                    effects.push(why.clone());
                    forced = Some(why);
                    certainty = Certainty::Unknown;
                    return (effects, certainty, forced);
                }
                let Some(plan) = plan else {
                    effects.push("nothing copied: the step fails".into());
                    return (effects, Certainty::Exact, None);
                };
                if let Err(e) = copy::execute(&plan, &mut st.tree) {
                    b.error(e, c.span);
                }
                // --link without --chmod: the files go onto an empty layer merged on top, so
                // the layer holds every copied entry and the parents it created, whatever the
                // stage below has (BuildKit `llb.Merge`).
                if link && !has_chmod {
                    let mut alone = Tree::new();
                    if copy::execute(&plan, &mut alone).is_ok() {
                        b.link_layer = Some(LayerDiff::between(&Tree::new(), &alone));
                        effects.push("--link: copied onto an empty layer, merged on top".into());
                    }
                }
                if !plan.unknown.is_empty() {
                    st.complete = false;
                    forced = Some(plan.unknown.join("; "));
                    certainty = certainty.combine(Certainty::Unknown);
                }
                effects.extend(copy::summarize(&plan, &dest));
                (effects, certainty, forced)
            },
        );
    }

    fn run_step(
        &mut self,
        stage: usize,
        state: &mut StageState,
        c: &Located<Command>,
        onbuild: bool,
        r: &crate::instructions::RunCommand,
    ) {
        let mut args: Vec<String> = r.cmd.args.iter().map(|w| w.value.to_string()).collect();
        let mut script = args.join(" ");
        if !r.files.is_empty() && r.cmd.prepend_shell {
            if r.files.len() == 1
                && args.len() == 1
                && crate::syntax::parse_heredoc_word(&args[0])
                    .ok()
                    .flatten()
                    .is_some()
            {
                let f0 = &r.files[0];
                let data = if f0.chomp {
                    crate::syntax::chomp_heredoc_content(&f0.data)
                } else {
                    f0.data.clone()
                };
                if data.starts_with("#!") {
                    args = vec![format!("/dev/pipes/{}", f0.name)];
                } else {
                    args = vec![data.clone()];
                }
                script = data;
            } else {
                let mut s = args.first().cloned().unwrap_or_default();
                for f in &r.files {
                    s.push('\n');
                    s.push_str(&f.data);
                    s.push_str(&f.name);
                }
                args = vec![s.clone()];
                script = s;
            }
        }
        let argv = if r.cmd.prepend_shell {
            let mut sh = if state.config.shell.is_empty() {
                vec!["/bin/sh".to_string(), "-c".to_string()]
            } else {
                state.config.shell.clone()
            };
            sh.push(args.join(" "));
            sh
        } else {
            args
        };
        // runCommandString: every ARG in scope, its value from the env (ENV overrides).
        let mut hist_args: Vec<(String, String)> = Vec::new();
        for (k, v) in &state.build_args {
            let value = state
                .state_env
                .iter()
                .find(|(ek, _)| ek == k)
                .map(|(_, ev)| ev.clone())
                .or_else(|| v.clone())
                .unwrap_or_default();
            set_pair(&mut hist_args, k, &value);
        }
        let history = format!("RUN {} # buildkit", run_command_string(&argv, &hist_args));
        let text = format!(
            "RUN {}",
            r.cmd
                .args
                .iter()
                .map(|w| w.value.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
        let env_text: String = state
            .state_env
            .iter()
            .map(|(k, v)| format!("{k}={v}\n"))
            .collect();
        let extra = format!(
            "argv={argv:?} env={env_text} cwd={} user={} mounts={:?} network={:?}",
            state.config.working_dir,
            state.config.user,
            r.mounts
                .iter()
                .map(|m| m.raw.value.clone())
                .collect::<Vec<_>>(),
            r.network.as_ref().map(|n| n.value.clone())
        );
        let command = if r.cmd.prepend_shell {
            RunCommand::Shell(script)
        } else {
            RunCommand::Exec(argv.clone())
        };
        let shell = if state.config.shell.is_empty() {
            vec!["/bin/sh".to_string(), "-c".to_string()]
        } else {
            state.config.shell.clone()
        };
        // The RUN's environment: the state env plus proxy build args (usable undeclared).
        let mut env = state.state_env.clone();
        for (k, v) in &self.opts.build_args {
            if PROXY_ARGS.contains(&k.as_str()) && !env.iter().any(|(ek, _)| ek == k) {
                env.push((k.clone(), v.clone()));
            }
        }
        let catalogs = self.catalogs;
        let epoch = self.opts.epoch;
        let span = c.span;
        self.fs_step(
            stage,
            state,
            c,
            onbuild,
            text,
            history,
            hist_args,
            Vec::new(),
            extra,
            move |b, st: &mut StageState| {
                let base_image = st.base_image.clone();
                let input = RunInput {
                    command,
                    shell,
                    env,
                    workdir: if st.config.working_dir.is_empty() {
                        "/".to_string()
                    } else {
                        st.config.working_dir.clone()
                    },
                    user: st.config.user.clone(),
                    distro: st.distro.clone(),
                    architecture: st.architecture.clone(),
                    base_image: base_image.as_ref(),
                    base_known: st.complete,
                    installed_packages: st.installed.clone(),
                    mtime: epoch,
                };
                let report = simulate_run(&input, &mut st.tree, catalogs);
                if let Some(f) = &report.failure {
                    b.error(format!("RUN would fail: {}", f.message), span);
                }
                let mut effects: Vec<String> = report
                    .effects
                    .iter()
                    .map(|e| format!("[{}] {}", e.certainty.label(), e.description))
                    .collect();
                effects.extend(report.notes.iter().cloned());
                let unknown: Vec<&str> = report
                    .effects
                    .iter()
                    .filter(|e| e.kind == EffectKind::Unknown || e.certainty == Certainty::Unknown)
                    .map(|e| e.description.as_str())
                    .collect();
                let forced =
                    (!unknown.is_empty()).then(|| format!("not simulated: {}", unknown.join("; ")));
                st.complete =
                    st.complete && report.certainty == Certainty::Exact && forced.is_none();
                st.installed
                    .extend(report.installed_packages.iter().cloned());
                (effects, report.certainty, forced)
            },
        );
    }

    fn finish(mut self, target: Option<usize>, stages: Vec<StageReport>) -> Build {
        let state = target.and_then(|t| self.done[t].clone());
        let mut layers = Vec::new();
        let mut image_layers = Vec::new();
        let mut config = FinalConfig::default();
        let mut history = Vec::new();
        let mut image_config = crate::image::ImageConfig::default();
        let mut previews = super::preview::PreviewBudget::default();
        if let Some(s) = &state {
            for l in &s.layers {
                match l {
                    StageLayer::Base { report, layer } => {
                        layers.push(report.clone());
                        image_layers.push(FinalLayer::Base(Arc::clone(layer)));
                    }
                    StageLayer::Built { step, built } => {
                        let idx = layers.len();
                        if let Some(st) = self.steps.get_mut(*step) {
                            st.layer = Some(idx);
                        }
                        layers.push(report::layer_report(
                            &self.steps[*step].text,
                            *step,
                            built,
                            &mut previews,
                        ));
                        image_layers.push(FinalLayer::Built(Arc::clone(built)));
                    }
                }
            }
            let c = &s.config;
            config = FinalConfig {
                env: c.env.iter().map(|(k, v)| format!("{k}={v}")).collect(),
                cmd: c.cmd.clone(),
                entrypoint: c.entrypoint.clone(),
                working_dir: c.working_dir.clone(),
                user: c.user.clone(),
                exposed_ports: c.exposed_ports.clone(),
                volumes: c.volumes.clone(),
                labels: c.labels.clone(),
                stop_signal: c.stop_signal.clone(),
                healthcheck: c.healthcheck.as_ref().map(|h| h.test.clone()),
                shell: c.shell.clone(),
                on_build: c.on_build.clone(),
                os: s.os.clone(),
                architecture: s.architecture.clone(),
            };
            history = s.history.clone();
            image_config = report::image_config(
                &config,
                c.healthcheck.as_ref(),
                c.args_escaped,
                &history,
                self.opts.epoch,
            );
        }
        let mut build = Build {
            stages,
            steps: self.steps,
            layers,
            config,
            history,
            artifacts: ArtifactsReport::default(),
            diagnostics: std::mem::take(&mut self.diagnostics),
            target,
            stats: BuildStats { ..self.stats },
            image_config,
            final_layers: image_layers,
            cache: self.cache,
            parts: self.parts,
            catalogs_fingerprint: self.catalogs.fingerprint(),
        };
        // The bytes a gzip of the built layers would read (estimated sizes of unknown
        // content cannot be gzipped, and do not count).
        let built_bytes: u64 = build
            .final_layers
            .iter()
            .map(|l| match l {
                FinalLayer::Built(b) => {
                    let size = b.diff.content_size();
                    if size.exact {
                        size.bytes
                    } else {
                        0
                    }
                }
                FinalLayer::Base(_) => 0,
            })
            .sum();
        build.fill_layer_digests();
        // Without every layer's diff_id the image digests are not computable whatever the
        // size, and saying why costs nothing; with them, they need every layer gzipped.
        let every_layer_known = build.image_layers().iter().all(|l| l.diff_id().is_ok());
        if built_bytes <= EAGER_DIGEST_LIMIT || !every_layer_known {
            build.artifacts = super::report::artifacts(&build);
        } else {
            build.artifacts.deferred_bytes = Some(built_bytes);
        }
        let _ = &self.done;
        let _ = (self.hashes, self.parsed, self.catalogs);
        build
    }
}

/// Flags common to COPY and ADD.
struct CopyFlags<'x> {
    is_add: bool,
    sd: &'x crate::instructions::SourcesAndDest,
    from: Option<(String, Span)>,
    chown: Option<(String, Span)>,
    chmod: Option<(String, Span)>,
    link: bool,
    parents: bool,
    excludes: Vec<String>,
    unpack: Option<bool>,
    /// `ADD --checksum` (before expansion) and its span.
    checksum: Option<(String, Span)>,
    /// `ADD --keep-git-dir` when given, and its span.
    keep_git_dir: Option<(bool, Span)>,
}

fn t_source(c: &Located<Command>) -> String {
    c.keyword.to_string()
}
