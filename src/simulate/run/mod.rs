//! RUN simulation: what a RUN command would change in the filesystem, without running it.
//!
//! [`simulate_run`] parses the script with [`crate::shell`], then walks its simple commands
//! in order as `/bin/sh -c` would: it tracks the working directory (`cd`), variables
//! (`X=1`, `export`, the RUN's environment), `set -e`, the status of `&&`/`||` chains and the
//! data flowing through pipes and redirections, and applies each command it understands to
//! the [`Tree`]. Every applied or skipped command is reported as a [`RunEffect`] labelled
//! with its [`Certainty`]:
//!
//! - **Exact** — bytes and metadata are known: `mkdir [-p] [-m]`, `touch`, `echo`/`printf`/
//!   `cat`/`tee` with redirections and heredocs (variables expanded from the environment),
//!   `cp [-r|-a]`, `mv`, `rm [-r] [-f]` (globs matched against the tree), `ln [-s]`,
//!   `chmod` (octal and symbolic), `chown` (ids, or names from `/etc/passwd` in the tree),
//!   `tar -x` of a tar/tar.gz file already in the tree, `useradd`/`groupadd`/`adduser` when
//!   `/etc/passwd`/`/etc/group` are known, `apt-get clean`, `rm -rf /var/lib/apt/lists/*`.
//! - **Estimated** — the shape is known, the bytes are not: `apt-get update` (the lists'
//!   measured size from the package catalog), `apt-get install` (the dependency closure from
//!   the Debian catalog minus the base image's estimated packages, `Installed-Size` summed),
//!   users added to a base image's unknown `/etc/passwd`.
//! - **Unknown** — `curl`/`wget` downloads (a file of unknown content where the output path
//!   is known), `apk add` (no Alpine index is available), `pip install`, `npm install/ci`,
//!   anything else (`make`, `./configure`, a script), and commands that only run under a
//!   condition that is not known (an `if` whose test depends on the base image or a
//!   command's output, `while` bodies, `case`, functions).
//!
//! Control flow: `&&`/`||` chains follow the simulated statuses; `if`/`elif`/`else` runs the
//! branch its condition picks when the condition is known (`[ "$X" = 1 ]`, `[ -f path ]`
//! against the tree); `for` loops over known words run their body once per word; subshells
//! and command substitutions keep their `cd` and variables to themselves; `sh -c '…'` is
//! parsed and followed. A `cd` into a directory that is not known (`cd "$(mktemp -d)"`)
//! makes later relative paths unknown.
//!
//! `RUN --mount` targets go to [`simulate_run_mounted`]: what is written under them stays
//! out of the layer (and a cache mount is not reported as a cache left in the image).
//! A command that would certainly fail (`rm` of a missing file without `-f`, `mkdir` of an
//! existing directory without `-p`, `cd` to a missing directory, a syntax error) is reported
//! in [`RunReport::failure`] when it makes the whole RUN fail (`&&` chains, `set -e`, last
//! command), as `docker build` would stop there.
//!
//! The script is what BuildKit hands to the shell: the RUN text, with heredoc bodies inline
//! (`RUN cat <<EOF > f` … `EOF`) as the dispatcher composes them, or a heredoc body itself
//! (`RUN <<EOF`). Exec form (`RUN ["mkdir", "/x"]`) runs one command without a shell.

mod archive;
mod exec;
mod expand;
mod files;
mod glob;
mod packages;
mod printf;
mod users;

use std::collections::BTreeSet;

use serde::Serialize;

use crate::catalog::base_images::{BaseImage, Distro};
use crate::fs::Tree;
use crate::span::Span;

use super::{Catalogs, Certainty};

/// The command of a RUN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunCommand {
    /// Shell form: the script `shell` (`/bin/sh -c` by default) runs.
    Shell(String),
    /// Exec form: the argv, run without a shell (`["sh", "-c", "…"]` is parsed as a script).
    Exec(Vec<String>),
}

/// Everything about one RUN that decides its effects.
#[derive(Clone, Debug)]
pub struct RunInput<'a> {
    pub command: RunCommand,
    /// The stage's SHELL (`["/bin/sh", "-c"]` when empty). `-e`/`-o pipefail` in it are
    /// honoured, and `bash` enables brace expansion.
    pub shell: Vec<String>,
    /// The environment (ENV, ARG values in scope, `--build-arg`), in order.
    pub env: Vec<(String, String)>,
    /// WORKDIR (absolute).
    pub workdir: String,
    /// USER (`""` = root): new files are owned by it.
    pub user: String,
    /// The stage's distro, when the base image's is known.
    pub distro: Option<Distro>,
    /// `amd64`, `arm64`, … (chooses package data; non-amd64 sizes are labelled).
    pub architecture: String,
    /// The base image from the catalog, when the stage starts from one (its history refines
    /// the estimate of what packages it already has).
    pub base_image: Option<&'a BaseImage>,
    /// True when every file of the stage is in `tree` (scratch-based, or built only by
    /// COPY): a missing path is then really missing. False on a registry base image, whose
    /// files layerlab does not have.
    pub base_known: bool,
    /// Packages installed by earlier RUNs of the stage ([`RunReport::installed_packages`]).
    pub installed_packages: BTreeSet<String>,
    /// The mtime of the files the RUN creates (`SOURCE_DATE_EPOCH` or 0).
    pub mtime: i64,
}

impl<'a> RunInput<'a> {
    /// A shell-form RUN of `script` as root in `/`, `/bin/sh -c`, nothing else known.
    pub fn shell(script: &str) -> RunInput<'a> {
        RunInput {
            command: RunCommand::Shell(script.to_string()),
            shell: vec!["/bin/sh".into(), "-c".into()],
            env: vec![(
                "PATH".into(),
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
            )],
            workdir: "/".into(),
            user: String::new(),
            distro: None,
            architecture: "amd64".into(),
            base_image: None,
            base_known: true,
            installed_packages: BTreeSet::new(),
            mtime: 0,
        }
    }
}

/// What kind of change an effect is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectKind {
    /// Files or directories created or overwritten.
    Write,
    /// Files or directories removed.
    Remove,
    /// Metadata changed (mode, owner).
    Metadata,
    /// Packages (or package lists) added.
    Install,
    /// No filesystem change (`echo` to stdout, `true`, `cd`, `export`).
    None,
    /// Not simulated: the change is not known.
    Unknown,
}

/// One command's effect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunEffect {
    /// What happened, for people (`mkdir -p /app/data`, `apt-get install: 23 packages …`).
    pub description: String,
    pub kind: EffectKind,
    pub certainty: Certainty,
    /// Bytes added to the layer by this command (exact for Exact, the estimate for
    /// Estimated, `None` when unknown).
    pub bytes: Option<u64>,
    /// Bytes removed from the tree (files deleted or overwritten): what the advisor counts as
    /// wasted when an earlier layer added them.
    pub removed_bytes: Option<u64>,
    /// The paths created, changed or removed (absolute; at most a few hundred).
    pub paths: Vec<String>,
    /// The command in the script.
    pub span_in_script: Option<Span>,
}

/// Why the RUN would fail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunFailure {
    pub message: String,
    pub span_in_script: Option<Span>,
}

/// The outcome of simulating one RUN.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// One entry per command, in execution order.
    pub effects: Vec<RunEffect>,
    /// The weakest certainty of all effects (Exact when every command was simulated exactly).
    pub certainty: Certainty,
    /// Remarks for the whole RUN (the data source of package sizes, approximations).
    pub notes: Vec<String>,
    /// Set when the RUN would fail (the build stops at this step).
    pub failure: Option<RunFailure>,
    /// Packages this RUN installs (pass them to the next RUN of the stage).
    pub installed_packages: BTreeSet<String>,
    /// The script's parse, when it is shell form and parses.
    #[serde(skip)]
    pub script: Option<crate::shell::Script>,
}

/// Simulates one RUN on `tree` (the stage's filesystem, mutated in place).
///
/// Never panics, whatever the script: a syntax error is a [`RunReport::failure`] (as `sh`
/// exits with status 2), an unsupported construct an Unknown effect.
pub fn simulate_run(input: &RunInput, tree: &mut Tree, catalogs: &Catalogs) -> RunReport {
    exec::run(input, &[], tree, catalogs)
}

/// [`simulate_run`] for a RUN with `--mount`s: `mount_targets` are their absolute targets
/// (cache, tmpfs, bind, secret, ssh). What the RUN writes under them does not stay in the
/// layer, and BuildKit removes the mount points it had to create, so those paths are left
/// as they were before the RUN.
pub fn simulate_run_mounted(
    input: &RunInput,
    mount_targets: &[String],
    tree: &mut Tree,
    catalogs: &Catalogs,
) -> RunReport {
    exec::run(input, mount_targets, tree, catalogs)
}
