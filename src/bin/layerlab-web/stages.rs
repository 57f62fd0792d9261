//! The multi-stage graph from the engine's typed instructions: one node per stage, one per
//! external image, and the edges BuildKit follows (a FROM naming an earlier stage, COPY
//! --from, RUN --mount from=). Base images are expanded with the global ARGs (defaults,
//! overridden by the build-args form) through the engine's expander, as BuildKit does.

use layerlab::expand::{Env, Lex};
use layerlab::instructions::{self, Command};
use layerlab::syntax::Parsed;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageNode {
    /// Position in the Dockerfile (0-based), BuildKit's stage index.
    pub index: usize,
    pub name: Option<String>,
    /// The base as written and as expanded with the build args.
    pub base_written: String,
    pub base: String,
    pub line: usize,
}

/// Where an edge comes from: an earlier stage or an external image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Stage(usize),
    Image(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: Source,
    pub to: usize,
    /// `FROM`, `COPY --from` or `RUN --mount`.
    pub via: &'static str,
    pub line: usize,
}

/// A global ARG (before the first FROM) with its default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetaArg {
    pub name: String,
    pub default: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Graph {
    pub stages: Vec<StageNode>,
    pub edges: Vec<Edge>,
    pub meta_args: Vec<MetaArg>,
}

impl Graph {
    /// The stages a build of `target` (the last stage when `None`) runs: the target and
    /// everything it depends on, as BuildKit prunes unused stages.
    pub fn needed(&self, target: Option<usize>) -> Vec<bool> {
        let mut needed = vec![false; self.stages.len()];
        let Some(start) = target.or(self.stages.len().checked_sub(1)) else {
            return needed;
        };
        let mut stack = vec![start];
        while let Some(s) = stack.pop() {
            if s >= needed.len() || needed[s] {
                continue;
            }
            needed[s] = true;
            for e in self.edges.iter().filter(|e| e.to == s) {
                if let Source::Stage(from) = e.from {
                    stack.push(from);
                }
            }
        }
        needed
    }
}

/// Builds the graph; `build_args` override the global ARG defaults.
pub fn graph(parsed: &Parsed, build_args: &[(String, String)]) -> Graph {
    let typed = instructions::parse(&parsed.dockerfile);
    let lex = Lex::new(parsed.dockerfile.escape);
    let mut env = Env::new();
    let mut meta_args = Vec::new();
    for arg in &typed.meta_args {
        {
            for pair in &arg.value.args {
                let name = pair.key.value.to_string();
                let default = pair.value.as_ref().map(|v| {
                    lex.process_word(&v.value, &env)
                        .map(|x| x.value)
                        .unwrap_or_else(|_| v.value.to_string())
                });
                let given = build_args.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
                if let Some(value) = given.or(default.as_ref()) {
                    env.set(name.clone(), value.clone());
                }
                meta_args.push(MetaArg { name, default });
            }
        }
    }
    let mut stages: Vec<StageNode> = Vec::new();
    let mut edges = Vec::new();
    let find_stage = |stages: &[StageNode], reference: &str| -> Option<usize> {
        let lower = reference.to_ascii_lowercase();
        stages
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| {
                reference
                    .parse::<usize>()
                    .ok()
                    .filter(|&i| i < stages.len())
            })
    };
    for (index, stage) in typed.stages.iter().enumerate() {
        let base = lex
            .process_word(&stage.base.value, &env)
            .map(|x| x.value)
            .unwrap_or_else(|_| stage.base.value.to_string());
        let source = match stages
            .iter()
            .position(|s| s.name.as_deref() == Some(base.to_ascii_lowercase().as_str()))
        {
            Some(i) => Source::Stage(i),
            None => Source::Image(base.clone()),
        };
        edges.push(Edge {
            from: source,
            to: index,
            via: "FROM",
            line: stage.start_line,
        });
        for command in &stage.commands {
            let (reference, via) = match &command.value {
                Command::Copy(c) => match &c.from {
                    Some(from) => (from.value.clone(), "COPY --from"),
                    None => continue,
                },
                Command::Run(r) => {
                    for mount in &r.mounts {
                        if let Some(from) = mount.get(&["from"]) {
                            let source = match find_stage(&stages, from) {
                                Some(i) => Source::Stage(i),
                                None => Source::Image(from.to_string()),
                            };
                            edges.push(Edge {
                                from: source,
                                to: index,
                                via: "RUN --mount",
                                line: command.start_line,
                            });
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            let source = match find_stage(&stages, &reference) {
                Some(i) => Source::Stage(i),
                None => Source::Image(reference),
            };
            edges.push(Edge {
                from: source,
                to: index,
                via,
                line: command.start_line,
            });
        }
        stages.push(StageNode {
            index,
            name: stage.name.clone(),
            base_written: stage.base.value.to_string(),
            base,
            line: stage.start_line,
        });
    }
    Graph {
        stages,
        edges,
        meta_args,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerlab::syntax;

    const MULTI: &str = "ARG GO=1.22\nFROM golang:${GO} AS build\nRUN go build\nFROM alpine AS certs\nFROM scratch\nCOPY --from=build /app /app\nCOPY --from=1 /etc/ssl /etc/ssl\nCOPY --from=nginx:1 /x /x\nRUN --mount=type=cache,from=build,target=/c true\n";

    #[test]
    fn stages_edges_and_expanded_bases() {
        let g = graph(&syntax::parse(MULTI), &[]);
        assert_eq!(
            g.meta_args,
            [MetaArg {
                name: "GO".into(),
                default: Some("1.22".into())
            }]
        );
        let bases: Vec<_> = g.stages.iter().map(|s| s.base.as_str()).collect();
        assert_eq!(bases, ["golang:1.22", "alpine", "scratch"]);
        let edges: Vec<_> = g
            .edges
            .iter()
            .map(|e| (e.from.clone(), e.to, e.via))
            .collect();
        assert_eq!(
            edges,
            [
                (Source::Image("golang:1.22".into()), 0, "FROM"),
                (Source::Image("alpine".into()), 1, "FROM"),
                (Source::Image("scratch".into()), 2, "FROM"),
                (Source::Stage(0), 2, "COPY --from"),
                (Source::Stage(1), 2, "COPY --from"),
                (Source::Image("nginx:1".into()), 2, "COPY --from"),
                (Source::Stage(0), 2, "RUN --mount"),
            ]
        );
        assert_eq!(g.needed(None), [true, true, true]);
        assert_eq!(g.needed(Some(1)), [false, true, false]);
        let g = graph(&syntax::parse(MULTI), &[("GO".into(), "1.23".into())]);
        assert_eq!(g.stages[0].base, "golang:1.23");
    }
}
