//! The state BuildKit's dispatcher carries from instruction to instruction of a stage, as
//! far as the build checks need it: the environment words are expanded with (ENV, ARG with
//! a value, the base image's env), the ARG names declared in the stage, whether a SHELL or a
//! WORKDIR was set (in the stage or a parent stage). Only reachable stages are dispatched.

use std::collections::BTreeSet;

use crate::expand::{Env, EnvLookup};
use crate::instructions::{Command, Located};

use crate::lint::context::LintContext;

/// The dispatcher's state before one command.
#[derive(Clone, Debug, Default)]
pub struct DispatchState {
    /// ENV values, ARG values and the base image's env, in declaration order.
    pub env: Env,
    /// Every ARG name declared so far (with or without a value): BuildKit never reports
    /// these as undefined.
    pub declared_args: BTreeSet<String>,
    /// Whether the base image's env is known (scratch, a catalog image, or a stage chain
    /// ending in one). When it is not, a variable may come from the image.
    pub env_known: bool,
    /// A SHELL instruction ran in this stage or a parent stage.
    pub shell_set: bool,
    /// A WORKDIR ran in this stage or a parent stage.
    pub workdir_set: bool,
}

/// One dispatched command with the state before it.
pub struct Dispatched<'a> {
    pub stage: usize,
    pub command: &'a Located<Command>,
    pub before: DispatchState,
}

/// BuildKit's default PATH (`system.DefaultPathEnv` for Linux), set when the image has none.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Every reachable stage's commands with the state before each, computed once per lint run.
pub fn dispatch<'c, 'a>(cx: &'c LintContext<'a>) -> &'c [Dispatched<'a>] {
    cx.dispatched.get_or_init(|| compute(cx))
}

/// Walks every reachable stage in order and returns each command with the state before it.
fn compute<'a>(cx: &LintContext<'a>) -> Vec<Dispatched<'a>> {
    let stages = &cx.typed.stages;
    let mut finals: Vec<Option<DispatchState>> = vec![None; stages.len()];
    let mut out = Vec::new();
    for (i, stage) in stages.iter().enumerate() {
        let facts = &cx.semantics.stages[i];
        let mut state = match facts.parent.and_then(|p| finals[p].clone()) {
            Some(parent) => parent,
            None => {
                let mut st = DispatchState {
                    env_known: facts.image_known,
                    ..DispatchState::default()
                };
                if let Some(image) = facts.image {
                    for (k, v) in image.env_pairs() {
                        st.env.set(k, v);
                    }
                }
                if st.env.get("PATH").is_none() {
                    st.env.set("PATH", DEFAULT_PATH);
                }
                st
            }
        };
        let reachable = cx.semantics.reachable(i);
        for command in &stage.commands {
            if reachable {
                out.push(Dispatched {
                    stage: i,
                    command,
                    before: state.clone(),
                });
            }
            apply(cx, &mut state, &command.value);
        }
        finals[i] = Some(state);
    }
    out
}

/// The effect of one command on the state.
fn apply(cx: &LintContext<'_>, state: &mut DispatchState, command: &Command) {
    match command {
        Command::Env(env) => {
            let mut values = Vec::new();
            for pair in &env.pairs {
                let key = expand_or_raw(cx, &pair.key.value, &state.env);
                let value = expand_or_raw(cx, &pair.value.value, &state.env);
                values.push((key, value));
            }
            for (k, v) in values {
                state.env.set(k, v);
            }
        }
        Command::Arg(arg) => {
            for pair in &arg.args {
                let name = pair.key.value.to_string();
                let value = match cx.options.build_arg(&name) {
                    Some(v) => Some(v.to_string()),
                    None => match &pair.value {
                        Some(v) => Some(expand_or_raw(cx, &v.value, &state.env)),
                        None => cx.semantics.global_args.get(&name).map(str::to_string),
                    },
                };
                if let Some(v) = value {
                    state.env.set(name.clone(), v);
                }
                state.declared_args.insert(name);
            }
        }
        Command::Shell(_) => state.shell_set = true,
        Command::Workdir(_) => state.workdir_set = true,
        _ => {}
    }
}

/// `word` expanded in `env`, or as written when it has a syntax error.
pub fn expand_or_raw(cx: &LintContext<'_>, word: &str, env: &Env) -> String {
    cx.lex
        .process_word(word, env)
        .map(|e| e.value)
        .unwrap_or_else(|_| word.to_string())
}
