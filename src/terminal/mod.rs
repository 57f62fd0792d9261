//! A simulated `docker` command line for the commands labs teach: `build`, `images`,
//! `history`, `inspect`, `tag`, `rmi`, `push`, `pull`, `image prune`, `help`.
//!
//! Pure logic, no web dependency: [`execute`] takes one command line, the local
//! [`ImageStore`] (serialisable, so the page keeps it across reloads), the [`Workspace`]
//! (the editor's Dockerfile and the build context), the base-image catalog and the time
//! (`now`, seconds since the epoch: wasm has no clock the engine may read), and returns what
//! Docker would print, in its formats (tabwriter tables, BuildKit plain progress, daemon
//! error texts). Where the simulation cannot know something (the effect of RUN), the output
//! says so in a line starting `layerlab:`.

pub mod build;
pub mod commands;
mod complete;
pub mod remote;
pub mod store;
pub mod words;

pub use build::{BuildOutcome, BuildRequest, Workspace};
pub use complete::{common_prefix, complete};
pub use remote::{Advance, HttpRequest, HttpResponse, RemotePush};
pub use store::{
    ImageStore, RegistryEntry, SessionBuilds, SizeKnowledge, StoredConfig, StoredHistory,
    StoredImage, StoredLayer,
};

use crate::simulate::Catalogs;

/// What a command printed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    /// The exit status (0 = success).
    pub status: i32,
    /// The command was `clear`: the panel empties its screen.
    pub clear: bool,
    /// A `docker push` to a real registry that the page carries on: it makes the requests
    /// ([`RemotePush::advance`]) and prints what each step gives.
    #[serde(skip)]
    pub remote_push: Option<Box<RemotePush>>,
}

impl Output {
    pub fn ok(stdout: String) -> Output {
        Output {
            stdout,
            ..Output::default()
        }
    }

    pub fn err(stderr: String) -> Output {
        Output {
            stderr,
            status: 1,
            ..Output::default()
        }
    }
}

/// Runs one command line. The line is remembered in the store's history.
pub fn execute(
    line: &str,
    store: &mut ImageStore,
    workspace: Workspace<'_>,
    catalogs: &Catalogs,
    now: i64,
) -> Output {
    store.remember(line);
    let words = match words::split_words(line) {
        Ok(w) => w,
        Err(e) => return Output::err(format!("sh: syntax error: {e}\n")),
    };
    let Some((program, args)) = words.split_first() else {
        return Output::default();
    };
    match program.as_str() {
        "help" => Output::ok(commands::HELP.to_string()),
        "clear" => Output {
            clear: true,
            ..Output::default()
        },
        "docker" => docker(args, store, workspace, catalogs, now),
        other => Output {
            stderr: format!(
                "sh: {other}: command not found (type `help` for the docker commands)\n"
            ),
            status: 127,
            ..Output::default()
        },
    }
}

fn docker(
    args: &[String],
    store: &mut ImageStore,
    workspace: Workspace<'_>,
    catalogs: &Catalogs,
    now: i64,
) -> Output {
    let Some((command, rest)) = args.split_first() else {
        return Output::ok(commands::HELP.to_string());
    };
    match command.as_str() {
        "help" | "--help" | "-h" => Output::ok(commands::HELP.to_string()),
        "build" | "buildx" if command == "build" || rest.first().is_some_and(|a| a == "build") => {
            let rest = if command == "buildx" {
                &rest[1..]
            } else {
                rest
            };
            commands::build(rest, store, workspace, catalogs, now)
        }
        "images" => commands::images(rest, store, now),
        "history" => commands::history(rest, store, now),
        "inspect" => commands::inspect(rest, store),
        "tag" => commands::tag(rest, store),
        "rmi" => commands::rmi(rest, store),
        "push" => commands::push(rest, store),
        "pull" => commands::pull(rest, store, catalogs),
        "image" => {
            let Some((sub, rest)) = rest.split_first() else {
                return Output::ok(commands::HELP.to_string());
            };
            match sub.as_str() {
                "ls" | "list" => commands::images(rest, store, now),
                "rm" | "remove" => commands::rmi(rest, store),
                "prune" => commands::prune(rest, store),
                "inspect" => commands::inspect(rest, store),
                "history" => commands::history(rest, store, now),
                "tag" => commands::tag(rest, store),
                "push" => commands::push(rest, store),
                "pull" => commands::pull(rest, store, catalogs),
                "build" => commands::build(rest, store, workspace, catalogs, now),
                other => Output::err(format!(
                    "docker: 'image {other}' is not a docker command.\nSee 'docker image --help'\n"
                )),
            }
        }
        other => Output::err(format!(
            "docker: '{other}' is not a docker command.\nSee 'docker --help'\n"
        )),
    }
}
