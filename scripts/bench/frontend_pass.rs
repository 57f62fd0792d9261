//! The front-end pass the benchmarks time, natively (`benches/frontend.rs`) and in wasm
//! (`scripts/bench/wasm-frontend`): one definition, included by both with `#[path]`.
//!
//! It is what the playground does on every keystroke before any simulation:
//! 1. parse: `syntax::parse` (directives, instructions, spans, heredocs, diagnostics);
//! 2. validate: `instructions::parse` (typed stages, flags, BuildKit's error texts);
//! 3. expand: every word BuildKit's `dockerfile2llb` expands, in order, with the environment
//!    in force (global ARGs for FROM; per stage the ARG and ENV values as they are declared,
//!    themselves expanded): FROM's base and `--platform`, ENV/LABEL keys and values, ARG
//!    defaults, COPY/ADD sources, destination and `--from`/`--chown`/`--chmod`, WORKDIR,
//!    USER, EXPOSE, VOLUME, STOPSIGNAL. RUN/CMD/ENTRYPOINT are not expanded by BuildKit (the
//!    shell does it) but the editor lists their variable references, so those are taken with
//!    `Lex::variable_references` on the shell-form text.
//!
//! The result is a small tally so the optimiser cannot drop any of the work.

use layerlab::expand::{Env, Lex};
use layerlab::instructions::{self, Command, FlagValue};
use layerlab::syntax;

/// Counts from one pass (compared between runs, printed once).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub instructions: usize,
    pub diagnostics: usize,
    pub stages: usize,
    pub expanded_words: usize,
    pub expanded_bytes: usize,
    pub expand_errors: usize,
    pub references: usize,
}

impl Tally {
    /// Sums two tallies (the native bench totals the corpus; the wasm module does not).
    #[allow(dead_code)]
    pub fn add(&mut self, other: &Tally) {
        self.instructions += other.instructions;
        self.diagnostics += other.diagnostics;
        self.stages += other.stages;
        self.expanded_words += other.expanded_words;
        self.expanded_bytes += other.expanded_bytes;
        self.expand_errors += other.expand_errors;
        self.references += other.references;
    }
}

struct Expander {
    lex: Lex,
    tally: Tally,
}

impl Expander {
    /// Expands one word; an error counts and yields the word unchanged (as a diagnostic
    /// would, without stopping the pass).
    fn word(&mut self, word: &str, env: &Env) -> String {
        self.tally.expanded_words += 1;
        match self.lex.process_word(word, env) {
            Ok(expansion) => {
                self.tally.expanded_bytes += expansion.value.len();
                self.tally.references += expansion.references.len();
                expansion.value
            }
            Err(_) => {
                self.tally.expand_errors += 1;
                word.to_string()
            }
        }
    }

    fn flag(&mut self, flag: &Option<FlagValue>, env: &Env) {
        if let Some(flag) = flag {
            self.word(&flag.value, env);
        }
    }

    fn references(&mut self, text: &str, env: &Env) {
        self.tally.references += self.lex.variable_references(text, env).len();
    }
}

/// Parses, validates and expands one Dockerfile.
pub fn frontend_pass(text: &str) -> Tally {
    let parsed = syntax::parse(text);
    let typed = instructions::parse(&parsed.dockerfile);
    let mut x = Expander {
        lex: Lex::new(parsed.dockerfile.escape),
        tally: Tally {
            instructions: parsed.dockerfile.instructions.len(),
            diagnostics: parsed.diagnostics.len() + typed.diagnostics.len() + typed.warnings.len(),
            stages: typed.stages.len(),
            ..Tally::default()
        },
    };

    let mut global = Env::new();
    for arg in &typed.meta_args {
        for pair in &arg.value.args {
            let value = match &pair.value {
                Some(v) => x.word(&v.value, &global),
                None => String::new(),
            };
            global.set(pair.key.value.clone(), value);
        }
    }

    for stage in &typed.stages {
        x.word(&stage.base.value, &global);
        x.flag(&stage.platform, &global);
        let mut env = Env::new();
        for located in &stage.commands {
            match &located.value {
                Command::Env(c) => {
                    for pair in &c.pairs {
                        let key = x.word(&pair.key.value, &env);
                        let value = x.word(&pair.value.value, &env);
                        env.set(key, value);
                    }
                }
                Command::Arg(c) => {
                    for pair in &c.args {
                        let key = x.word(&pair.key.value, &env);
                        let value = match &pair.value {
                            Some(v) => Some(x.word(&v.value, &env)),
                            None => global
                                .iter()
                                .find(|(k, _)| *k == key)
                                .map(|(_, v)| v.to_string()),
                        };
                        env.set(key, value.unwrap_or_default());
                    }
                }
                Command::Label(c) => {
                    for pair in &c.pairs {
                        x.word(&pair.key.value, &env);
                        x.word(&pair.value.value, &env);
                    }
                }
                Command::Copy(c) => {
                    for w in &c.sources_and_dest.source_paths {
                        x.word(&w.value, &env);
                    }
                    x.word(&c.sources_and_dest.dest.value, &env);
                    x.flag(&c.from, &env);
                    x.flag(&c.chown, &env);
                    x.flag(&c.chmod, &env);
                }
                Command::Add(c) => {
                    for w in &c.sources_and_dest.source_paths {
                        x.word(&w.value, &env);
                    }
                    x.word(&c.sources_and_dest.dest.value, &env);
                    x.flag(&c.chown, &env);
                    x.flag(&c.chmod, &env);
                    x.flag(&c.checksum, &env);
                }
                Command::Workdir(c) => {
                    x.word(&c.path.value, &env);
                }
                Command::User(c) => {
                    x.word(&c.user.value, &env);
                }
                Command::StopSignal(c) => {
                    x.word(&c.signal.value, &env);
                }
                Command::Expose(c) => {
                    for w in &c.ports {
                        x.word(&w.value, &env);
                    }
                }
                Command::Volume(c) => {
                    for w in &c.volumes {
                        x.word(&w.value, &env);
                    }
                }
                Command::Run(c) if c.cmd.prepend_shell => {
                    for w in &c.cmd.args {
                        x.references(&w.value, &env);
                    }
                }
                Command::Cmd(c) if c.cmd.prepend_shell => {
                    for w in &c.cmd.args {
                        x.references(&w.value, &env);
                    }
                }
                Command::Entrypoint(c) if c.cmd.prepend_shell => {
                    for w in &c.cmd.args {
                        x.references(&w.value, &env);
                    }
                }
                _ => {}
            }
        }
    }
    x.tally
}

/// Only the parse step (for the parse-only comparison with the `parse-dockerfile` crate).
pub fn parse_only(text: &str) -> usize {
    syntax::parse(text).dockerfile.instructions.len()
}

/// Parse and validate, no expansion.
pub fn parse_validate(text: &str) -> usize {
    let parsed = syntax::parse(text);
    let typed = instructions::parse(&parsed.dockerfile);
    parsed.dockerfile.instructions.len() + typed.stages.len()
}
