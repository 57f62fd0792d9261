//! `package-cache`: package managers that keep their download cache in the layer.
//!
//! - `pip install` without `--no-cache-dir` (and without `PIP_NO_CACHE_DIR` in the
//!   environment) keeps every downloaded wheel and sdist in `/root/.cache/pip`;
//! - `apk add` without `--no-cache` keeps the APKINDEX and packages in `/var/cache/apk`.
//!
//! The size is read from the simulated layer's files under the cache directory when the RUN
//! simulation knows them; pip and apk downloads are otherwise not simulated, so the size is
//! reported as unknown rather than guessed. The fix adds the flag after `install`/`add`.

use super::script::SimpleCommand;
use super::stage::StageFacts;
use super::{format_bytes, new_advice, with_sizes, Advice, AdviceDoc, Fix, TextEdit};
use crate::simulate::{Certainty, ChangeKindRow};
use crate::span::Span;

pub const DOC: AdviceDoc = AdviceDoc {
    id: "package-cache",
    title: "Do not keep package-manager caches",
    what: "`pip install` without `--no-cache-dir`, or `apk add` without `--no-cache`.",
    why: "The cache only speeds up a second install on the same machine; in an image layer it \
          is never used again but is shipped with every pull.",
    bad: "RUN pip install -r requirements.txt\n",
    good: "RUN pip install --no-cache-dir -r requirements.txt\n",
};

struct Manager {
    name: &'static str,
    flag: &'static str,
    cache_dirs: &'static [&'static str],
}

const PIP: Manager = Manager {
    name: "pip",
    flag: "--no-cache-dir",
    cache_dirs: &["/root/.cache/pip"],
};

const APK: Manager = Manager {
    name: "apk",
    flag: "--no-cache",
    cache_dirs: &["/var/cache/apk", "/etc/apk/cache"],
};

/// The manager and the verb word (`install`/`add`) of a command, if it is one of them.
fn manager_of(cmd: &SimpleCommand) -> Option<(&'static Manager, &super::script::ScriptWord)> {
    let program = cmd.program()?;
    let args = cmd.args();
    let is_pip =
        program.starts_with("pip") && program[3..].chars().all(|c| c.is_ascii_digit() || c == '.');
    let is_python_m_pip = program.starts_with("python")
        && args.first().is_some_and(|w| w.text == "-m")
        && args.get(1).is_some_and(|w| w.text == "pip");
    if is_pip || is_python_m_pip {
        let verb = args.iter().find(|w| w.text == "install")?;
        return Some((&PIP, verb));
    }
    if program == "apk" {
        let verb = cmd.verb()?;
        return (verb.text == "add").then_some((&APK, verb));
    }
    None
}

pub fn check(facts: &StageFacts) -> Vec<Advice> {
    let pip_env_off = facts
        .build
        .config
        .env
        .iter()
        .any(|e| e.starts_with("PIP_NO_CACHE_DIR="));
    let mut out = Vec::new();
    for (i, si) in facts.instructions.iter().enumerate() {
        for cmd in &si.commands {
            let Some((manager, verb)) = manager_of(cmd) else {
                continue;
            };
            if cmd
                .args()
                .iter()
                .any(|w| w.text.starts_with(manager.flag) || w.text == "--no-network")
                || (manager.name == "pip" && pip_env_off)
                || manager.cache_dirs.iter().any(|d| si.mounted_over(d))
            {
                continue;
            }
            let line = facts.line(i);
            let cached = cache_bytes(facts, i, manager);
            let title = match cached {
                Some(b) => format!(
                    "{} on line {line}: −{} of {} cache",
                    manager.flag,
                    format_bytes(b),
                    manager.name
                ),
                None => format!(
                    "{} on line {line}: {} keeps its download cache in the layer",
                    manager.flag, manager.name
                ),
            };
            let size = match cached {
                Some(b) => format!("{} (from the simulated layer)", format_bytes(b)),
                None => format!(
                    "an unknown amount (the simulator does not download {} packages; it is \
                     about the size of everything downloaded)",
                    manager.name
                ),
            };
            let detail = format!(
                "`{}` on line {line} keeps its download cache in {}: {size}. {} makes {} \
                 skip the cache.",
                cmd.text(),
                manager.cache_dirs[0],
                manager.flag,
                manager.name
            );
            let mut advice = with_sizes(
                new_advice(
                    "package-cache",
                    title,
                    detail,
                    cmd.span().unwrap_or(si.ins.span),
                ),
                cached,
                cached.map(|_| 0),
            );
            advice.lines = vec![line];
            advice.certainty = if cached.is_some() {
                facts.layer(i).map_or(Certainty::Estimated, |l| l.certainty)
            } else {
                Certainty::Unknown
            };
            if si.is_plain_run() {
                advice.fix = Some(Fix {
                    description: format!("Add {} on line {line}", manager.flag),
                    edits: vec![TextEdit {
                        span: Span::at(verb.span.end),
                        new_text: format!(" {}", manager.flag),
                    }],
                });
            }
            out.push(advice);
        }
    }
    out
}

/// Bytes under the manager's cache directories in the RUN's simulated layer.
fn cache_bytes(facts: &StageFacts, i: usize, manager: &Manager) -> Option<u64> {
    let layer = facts.layer(i)?;
    let files: Vec<u64> = layer
        .changes
        .iter()
        .filter(|c| {
            c.change != ChangeKindRow::Deleted
                && manager
                    .cache_dirs
                    .iter()
                    .any(|d| c.path.starts_with(&format!("{d}/")))
        })
        .filter_map(|c| c.size)
        .collect();
    (!files.is_empty()).then(|| files.iter().sum())
}
