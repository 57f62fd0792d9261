//! UndefinedVar: variables should be defined before their use.

use std::collections::BTreeSet;

use crate::diagnostic::Severity;
use crate::expand::EnvLookup;
use crate::instructions::{suggest_search, Command};
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

use super::dispatch::dispatch;

pub const DOC: RuleDoc = RuleDoc {
    code: "UndefinedVar",
    name: "undefined-var",
    set: RuleSet::BuildKit,
    summary: "Variables should be defined before their use",
    rationale: "BuildKit expands an undefined `$VAR` to an empty string without complaint: a typo or an ARG declared too late silently changes paths, users and env.",
    bad: "FROM alpine AS base\nCOPY $foo .\n",
    good: "FROM alpine AS base\nARG foo\nCOPY $foo .\n",
    url: "https://docs.docker.com/go/dockerfile/rule/undefined-var/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// Args BuildKit never reports (`nonEnvArgs`).
const NON_ENV_ARGS: [&str; 2] = ["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

/// The words BuildKit expands with match tracking for a command (never the shell text of
/// RUN/CMD/ENTRYPOINT; EXPOSE is expanded without tracking).
fn tracked_words(command: &Command) -> Vec<&str> {
    let mut words = Vec::new();
    match command {
        Command::Env(e) => {
            for p in &e.pairs {
                words.push(p.key.value.as_str());
                words.push(p.value.value.as_str());
            }
        }
        Command::Label(l) => {
            for p in &l.pairs {
                words.push(p.key.value.as_str());
                words.push(p.value.value.as_str());
            }
        }
        Command::Copy(c) => {
            let sd = &c.sources_and_dest;
            words.extend(sd.source_paths.iter().map(|w| w.value.as_str()));
            words.push(sd.dest.value.as_str());
            words.extend(
                sd.source_contents
                    .iter()
                    .filter(|s| s.expand)
                    .map(|s| s.data.as_str()),
            );
            words.extend(c.chown.iter().map(|f| f.value.as_str()));
            words.extend(c.chmod.iter().map(|f| f.value.as_str()));
        }
        Command::Add(a) => {
            let sd = &a.sources_and_dest;
            words.extend(sd.source_paths.iter().map(|w| w.value.as_str()));
            words.push(sd.dest.value.as_str());
            words.extend(
                sd.source_contents
                    .iter()
                    .filter(|s| s.expand)
                    .map(|s| s.data.as_str()),
            );
            words.extend(a.chown.iter().map(|f| f.value.as_str()));
            words.extend(a.chmod.iter().map(|f| f.value.as_str()));
            words.extend(a.checksum.iter().map(|f| f.value.as_str()));
        }
        Command::Workdir(w) => words.push(w.path.value.as_str()),
        Command::User(u) => words.push(u.user.value.as_str()),
        Command::Volume(v) => words.extend(v.volumes.iter().map(|w| w.value.as_str())),
        Command::StopSignal(s) => words.push(s.signal.value.as_str()),
        Command::Arg(a) => words.extend(
            a.args
                .iter()
                .filter_map(|p| p.value.as_ref())
                .map(|w| w.value.as_str()),
        ),
        _ => {}
    }
    words
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for d in dispatch(cx) {
        if !d.before.env_known {
            // The base image's env is not in the catalog: a name may be defined there.
            continue;
        }
        let mut unmatched = BTreeSet::new();
        for word in tracked_words(&d.command.value) {
            if let Ok(e) = cx.lex.process_word(word, &d.before.env) {
                unmatched.extend(e.unmatched);
            }
        }
        let options = d.before.env.keys();
        for name in unmatched {
            if d.before.declared_args.contains(&name) || NON_ENV_ARGS.contains(&name.as_str()) {
                continue;
            }
            let mut message = format!("Usage of undefined variable '${name}'");
            if let Some(s) = suggest_search(&name, &options, true) {
                message.push_str(&format!(" (did you mean ${s}?)"));
            }
            out.push(cx.first_line_span(d.command.span), message);
        }
    }
}
