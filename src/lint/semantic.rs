//! A small semantic pass over the stages, as BuildKit's `dockerfile2llb` does before it
//! dispatches: global (meta) ARGs with build-arg overrides, each stage's base (an image or
//! an earlier stage), the target and the stages it depends on (base stages, `COPY --from`,
//! `RUN --mount=from=`), and what is known of each base image's config from the catalog.
//!
//! The build simulator computes the same facts for building; the linter needs only these,
//! so it computes them itself from `instructions` + `expand`.

use crate::catalog::base_images::{BaseImage, BaseImageCatalog};
use crate::expand::{Env, Lex};
use crate::instructions::{Command, Instructions, Stage};

use super::options::LintOptions;

/// BuildKit's automatic platform args, defined for FROM without an `ARG` (`UndefinedArgInFrom`).
pub const BUILTIN_PLATFORM_ARGS: [&str; 11] = [
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDOSVERSION",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETOSVERSION",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
];

/// What the linter knows about one stage.
#[derive(Clone, Debug, Default)]
pub struct StageFacts {
    /// The base name with global ARGs (and build args) expanded (`None` if it fails).
    pub base_name: Option<String>,
    /// Index of the earlier stage the FROM names, if any.
    pub parent: Option<usize>,
    /// The catalog entry of the base image when it is known (the root of the chain).
    pub image: Option<&'static BaseImage>,
    /// Whether the base image's config (env, workdir, shell) is known: `scratch`, a catalog
    /// image, or a parent stage whose chain ends in one.
    pub image_known: bool,
    /// BuildKit dispatches this stage for the requested target.
    pub reachable: bool,
}

/// The result of the pass.
#[derive(Clone, Debug, Default)]
pub struct Semantics {
    /// Global ARGs, defaults expanded in order, build args applied (what FROM sees).
    pub global_args: Env,
    /// Global ARG names, in declaration order.
    pub global_arg_names: Vec<String>,
    /// Global ARGs with their defaults only (no build args): `InvalidDefaultArgInFrom`.
    pub global_defaults: Env,
    pub stages: Vec<StageFacts>,
    /// Index of the target stage (`None` when there is no stage).
    pub target: Option<usize>,
}

/// The base-image catalog: the bundled one natively, the one the page installed in the
/// browser ([`BaseImageCatalog::shared`]).
pub fn catalog() -> Option<&'static BaseImageCatalog> {
    BaseImageCatalog::shared()
}

impl Semantics {
    pub fn compute(typed: &Instructions, options: &LintOptions, lex: &Lex) -> Semantics {
        let mut out = Semantics::default();
        for arg in &typed.meta_args {
            for pair in &arg.value.args {
                let name = pair.key.value.to_string();
                let default = pair
                    .value
                    .as_ref()
                    .and_then(|v| lex.process_word(&v.value, &out.global_defaults).ok())
                    .map(|e| e.value);
                let with_args = match options.build_arg(&name) {
                    Some(v) => Some(v.to_string()),
                    None => pair
                        .value
                        .as_ref()
                        .and_then(|v| lex.process_word(&v.value, &out.global_args).ok())
                        .map(|e| e.value),
                };
                if let Some(d) = default {
                    out.global_defaults.set(name.clone(), d);
                }
                if let Some(v) = with_args {
                    out.global_args.set(name.clone(), v);
                }
                if !out.global_arg_names.contains(&name) {
                    out.global_arg_names.push(name);
                }
            }
        }
        let platform = options
            .platform
            .clone()
            .unwrap_or_else(|| crate::catalog::base_images::DEFAULT_PLATFORM.to_string());
        for (i, stage) in typed.stages.iter().enumerate() {
            let base_name = lex
                .process_word(&stage.base.value, &out.global_args)
                .ok()
                .map(|e| e.value);
            let parent = base_name
                .as_deref()
                .and_then(|b| stage_index(&typed.stages[..i], b));
            let (image, image_known) = match parent {
                Some(p) => (out.stages[p].image, out.stages[p].image_known),
                None => match base_name.as_deref() {
                    Some("scratch") => (None, true),
                    Some(b) => {
                        let found =
                            catalog().and_then(|c| c.lookup(b, Some(platform.as_str())).ok());
                        (found, found.is_some())
                    }
                    None => (None, false),
                },
            };
            out.stages.push(StageFacts {
                base_name,
                parent,
                image,
                image_known,
                reachable: options.all_stages,
            });
        }
        out.target = match &options.target {
            Some(t) => stage_index(&typed.stages, t),
            None => typed.stages.len().checked_sub(1),
        };
        if !options.all_stages {
            out.mark_reachable(typed, lex);
        }
        out
    }

    /// Marks the target and, transitively, every stage it uses.
    fn mark_reachable(&mut self, typed: &Instructions, lex: &Lex) {
        let Some(target) = self.target else {
            return;
        };
        let mut todo = vec![target];
        while let Some(i) = todo.pop() {
            if self.stages[i].reachable {
                continue;
            }
            self.stages[i].reachable = true;
            if let Some(p) = self.stages[i].parent {
                todo.push(p);
            }
            for dep in self.stage_dependencies(&typed.stages, i, lex) {
                todo.push(dep);
            }
        }
    }

    /// Earlier stages named by `COPY --from` and `RUN --mount=from=` in stage `i`.
    fn stage_dependencies(&self, stages: &[Stage], i: usize, lex: &Lex) -> Vec<usize> {
        let mut names = Vec::new();
        for cmd in &stages[i].commands {
            match &cmd.value {
                Command::Copy(c) => {
                    if let Some(from) = &c.from {
                        names.push(from.value.clone());
                    }
                }
                Command::Run(r) => {
                    for m in &r.mounts {
                        if let Some(from) = m.get(&["from"]) {
                            names.push(from.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
        names
            .iter()
            .filter_map(|n| {
                let n = lex
                    .process_word(n, &self.global_args)
                    .map(|e| e.value)
                    .unwrap_or_else(|_| n.clone());
                stage_index(&stages[..i], &n)
            })
            .collect()
    }

    /// Whether stage `i` is dispatched (always true when linting every stage).
    pub fn reachable(&self, i: usize) -> bool {
        self.stages.get(i).is_some_and(|s| s.reachable)
    }

    /// The stage chain from the root to `i` (parents first).
    pub fn chain(&self, i: usize) -> Vec<usize> {
        let mut chain = vec![i];
        let mut cur = i;
        while let Some(p) = self.stages.get(cur).and_then(|s| s.parent) {
            if chain.contains(&p) {
                break;
            }
            chain.push(p);
            cur = p;
        }
        chain.reverse();
        chain
    }
}

/// The stage a name or index refers to (names compare case-insensitively, as BuildKit
/// lower-cases them).
pub fn stage_index(stages: &[Stage], name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    if let Some(i) = stages
        .iter()
        .position(|s| s.name.as_deref() == Some(lower.as_str()))
    {
        return Some(i);
    }
    match name.parse::<usize>() {
        Ok(n) if n < stages.len() => Some(n),
        _ => None,
    }
}
