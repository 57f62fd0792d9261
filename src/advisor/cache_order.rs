//! `cache-order`: dependency manifests copied together with the source code before the
//! dependency install.
//!
//! BuildKit reuses a step from its cache only while everything before it is unchanged. With
//! `COPY . /app` followed by `RUN pip install -r requirements.txt`, editing `app.py` changes
//! the COPY layer, so the install runs again on every code change. Copying the manifest
//! first (`COPY requirements.txt /app/`), installing, then copying the rest keeps the
//! install layer cached until the manifest itself changes.
//!
//! Recognised: `requirements*.txt` + `pip install -r`, `package.json` (+ lock files) +
//! `npm ci`/`npm install`/`yarn install`/`pnpm install`, `go.mod`/`go.sum` + `go mod
//! download`, `Gemfile`(`.lock`) + `bundle install`, `composer.json` + `composer install`;
//! `Cargo.toml`, `pom.xml` and `go build` are reported without a fix (they need the sources
//! or a dependency-only trick). The COPY's layer changes tell which manifests it copied.
//!
//! The fix (the pattern `COPY . <dest>` directly followed by an install that reads only the
//! manifests) writes `COPY <manifests> <dest>/`, the install, then the original COPY.
//! Numbers: the install layer's size is what is no longer rebuilt on a code change (unknown
//! when the RUN simulation cannot size it).

use super::script::SimpleCommand;
use super::stage::{StageFacts, StageInstruction};
use super::{format_bytes, new_advice, with_sizes, Advice, AdviceDoc, Fix, TextEdit};
use crate::simulate::{Certainty, ChangeKindRow, NodeKindRow};
use crate::span::Span;
use crate::syntax::Keyword;

pub const DOC: AdviceDoc = AdviceDoc {
    id: "cache-order",
    title: "Copy dependency manifests before the code",
    what: "The dependency install runs after a COPY that brings in the whole source tree.",
    why: "Any change to any copied file invalidates the cache of every later step, so the \
          dependencies are downloaded and installed again on each code edit. Copy the \
          manifest, install, then copy the code: the install stays cached.",
    bad: "COPY . /app\nRUN pip install -r requirements.txt\n",
    good: "COPY requirements.txt /app/\nRUN pip install -r requirements.txt\nCOPY . /app\n",
};

/// One ecosystem: its manifest files and how its install command is recognised.
struct Ecosystem {
    name: &'static str,
    /// Manifest file names (`*` = any characters).
    manifests: &'static [&'static str],
    /// Whether a command is this ecosystem's install, and whether it reads only the
    /// manifests (then the reordering fix is safe).
    install: fn(&SimpleCommand) -> Option<bool>,
}

const ECOSYSTEMS: [Ecosystem; 8] = [
    Ecosystem {
        name: "pip",
        manifests: &["requirements*.txt"],
        install: pip_install,
    },
    Ecosystem {
        name: "npm",
        manifests: &[
            "package.json",
            "package-lock.json",
            "npm-shrinkwrap.json",
            "yarn.lock",
            "pnpm-lock.yaml",
            ".npmrc",
        ],
        install: node_install,
    },
    Ecosystem {
        name: "Go",
        manifests: &["go.mod", "go.sum"],
        install: go_install,
    },
    Ecosystem {
        name: "Bundler",
        manifests: &["Gemfile", "Gemfile.lock"],
        install: |c| {
            (c.program() == Some("bundle") && c.verb().is_some_and(|v| v.text == "install"))
                .then(|| positional(c).len() == 1)
        },
    },
    Ecosystem {
        name: "Composer",
        manifests: &["composer.json", "composer.lock"],
        install: |c| {
            (c.program() == Some("composer") && c.verb().is_some_and(|v| v.text == "install"))
                .then(|| positional(c).len() == 1)
        },
    },
    Ecosystem {
        name: "Cargo",
        manifests: &["Cargo.toml", "Cargo.lock"],
        install: |c| {
            (c.program() == Some("cargo")
                && c.verb()
                    .is_some_and(|v| matches!(v.text.as_str(), "build" | "fetch" | "install")))
            .then_some(false)
        },
    },
    Ecosystem {
        name: "Maven",
        manifests: &["pom.xml"],
        install: |c| matches!(c.program(), Some("mvn" | "./mvnw")).then_some(false),
    },
    Ecosystem {
        name: "Gradle",
        manifests: &[
            "build.gradle",
            "build.gradle.kts",
            "settings.gradle",
            "settings.gradle.kts",
        ],
        install: |c| matches!(c.program(), Some("gradle" | "./gradlew")).then_some(false),
    },
];

/// Non-option arguments (`install` included).
fn positional(c: &SimpleCommand) -> Vec<&str> {
    c.args()
        .iter()
        .map(|w| w.text.as_str())
        .filter(|w| !w.starts_with('-'))
        .collect()
}

fn pip_install(c: &SimpleCommand) -> Option<bool> {
    let program = c.program()?;
    let args = c.args();
    let (is_pip, rest) = if program.starts_with("pip") {
        (true, args)
    } else if program.starts_with("python")
        && args.first().is_some_and(|w| w.text == "-m")
        && args.get(1).is_some_and(|w| w.text == "pip")
    {
        (true, &args[2..])
    } else {
        (false, args)
    };
    if !is_pip || !rest.iter().any(|w| w.text == "install") {
        return None;
    }
    // Manifest-only: `-r FILE` and named packages, no paths (`.`, `./x`, `-e .`).
    let mut has_requirement_file = false;
    let mut safe = true;
    let mut i = 0;
    while i < rest.len() {
        let w = rest[i].text.as_str();
        if w == "-r" || w == "--requirement" || w == "-c" || w == "--constraint" {
            has_requirement_file |= w == "-r" || w == "--requirement";
            i += 2;
            continue;
        }
        if w == "-e"
            || w == "--editable"
            || w.starts_with('.')
            || w.starts_with('/')
            || w.contains("/")
        {
            safe = false;
        }
        i += 1;
    }
    Some(safe && has_requirement_file)
}

fn node_install(c: &SimpleCommand) -> Option<bool> {
    let program = c.program()?;
    let verbs: &[&str] = match program {
        "npm" => &["ci", "install", "i"],
        "yarn" => &["install"],
        "pnpm" => &["install", "i"],
        _ => return None,
    };
    let positional = positional(c);
    if program == "yarn" && positional.is_empty() {
        return Some(true);
    }
    let verb = *positional.first()?;
    verbs.contains(&verb).then_some(positional.len() == 1)
}

fn go_install(c: &SimpleCommand) -> Option<bool> {
    if c.program() != Some("go") {
        return None;
    }
    let positional = positional(c);
    match positional.as_slice() {
        ["mod", "download", ..] => Some(true),
        ["build", ..] | ["install", ..] => Some(false),
        _ => None,
    }
}

fn matches_name(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        Some((prefix, suffix)) => {
            name.len() >= prefix.len() + suffix.len()
                && name.starts_with(prefix)
                && name.ends_with(suffix)
        }
        None => pattern == name,
    }
}

pub fn check(facts: &StageFacts) -> Vec<Advice> {
    let mut out = Vec::new();
    for (c, copy) in facts.instructions.iter().enumerate() {
        if !matches!(copy.ins.kind, Keyword::Copy | Keyword::Add)
            || copy.ins.flags.iter().any(|f| f.name == "from")
        {
            continue;
        }
        let Some(layer) = facts.layer(c) else {
            continue;
        };
        let files: Vec<&str> = layer
            .changes
            .iter()
            .filter(|ch| ch.kind == NodeKindRow::File && ch.change != ChangeKindRow::Deleted)
            .map(|ch| ch.path.as_str())
            .collect();
        for eco in &ECOSYSTEMS {
            let manifests: Vec<&str> = files
                .iter()
                .copied()
                .filter(|p| eco.manifests.iter().any(|m| matches_name(m, basename(p))))
                .collect();
            let has_source = files.iter().any(|p| !manifests.contains(p));
            if manifests.is_empty() || !has_source {
                continue;
            }
            let install = facts
                .instructions
                .iter()
                .enumerate()
                .skip(c + 1)
                .find_map(|(r, si)| {
                    si.commands
                        .iter()
                        .find_map(|cmd| (eco.install)(cmd).map(|safe| (r, cmd, safe)))
                });
            let Some((r, cmd, manifest_only)) = install else {
                continue;
            };
            let root = files
                .iter()
                .map(|p| parent(p))
                .min_by_key(|p| p.len())
                .unwrap_or("/");
            let at_root = manifests.iter().all(|p| parent(p) == root);
            out.push(advice(
                facts,
                c,
                r,
                eco,
                &manifests,
                cmd,
                manifest_only && at_root,
                files.len(),
            ));
            break;
        }
    }
    out
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => "",
    }
}

#[allow(clippy::too_many_arguments)]
fn advice(
    facts: &StageFacts,
    c: usize,
    r: usize,
    eco: &Ecosystem,
    manifests: &[&str],
    cmd: &SimpleCommand,
    manifest_only: bool,
    file_count: usize,
) -> Advice {
    let (copy_line, run_line) = (facts.line(c), facts.line(r));
    let names: Vec<&str> = manifests.iter().map(|p| basename(p)).collect();
    let install_layer = facts.layer(r);
    let rebuilt = install_layer.and_then(|l| l.size).filter(|&s| s > 0);
    let title = format!(
        "Copy {} before the code to keep the {} layer cached when the code changes",
        names.join(" and "),
        eco.name
    );
    let mut detail = format!(
        "Line {copy_line} copies {file_count} files including {} together with the code, so \
         any code change invalidates line {run_line} (`{}`), which then reinstalls every \
         dependency. Copy {} first, run the install, then copy the rest.",
        names.join(", "),
        cmd.text(),
        names.join(" and ")
    );
    match rebuilt {
        Some(b) => detail.push_str(&format!(
            " The install layer is {}: that is what each code change rebuilds now.",
            format_bytes(b)
        )),
        None => detail.push_str(
            " (The install layer's size is unknown: the simulator does not download packages.)",
        ),
    }
    let fix = if manifest_only {
        reorder_fix(facts, c, r, manifests)
    } else {
        None
    };
    if fix.is_none() {
        detail.push_str(if manifest_only {
            " No automatic fix: the COPY is not `COPY . <dest>` directly followed by the install."
        } else {
            " No automatic fix: this build command needs the sources (copy the manifests and \
             fetch the dependencies first, e.g. `go mod download`, `cargo fetch`, \
             `mvn dependency:go-offline`)."
        });
    }
    let mut advice = with_sizes(
        new_advice("cache-order", title, detail, facts.instructions[c].ins.span),
        rebuilt,
        rebuilt.map(|_| 0),
    );
    advice.lines = vec![copy_line, run_line];
    advice.certainty = match (rebuilt, install_layer) {
        (Some(_), Some(l)) => l.certainty,
        _ => Certainty::Unknown,
    };
    advice.fix = fix;
    advice
}

/// `COPY . <dest>` + install → `COPY <manifests> <dest>/` + install + `COPY . <dest>`.
fn reorder_fix(facts: &StageFacts, c: usize, r: usize, manifests: &[&str]) -> Option<Fix> {
    if r != c + 1 {
        return None;
    }
    let copy: &StageInstruction = &facts.instructions[c];
    let run = &facts.instructions[r];
    if copy.ins.json || !copy.ins.heredocs.is_empty() || !run.is_run() || copy.ins.args.len() != 2 {
        return None;
    }
    if copy
        .ins
        .flags
        .iter()
        .any(|f| !matches!(f.name.as_str(), "chown" | "chmod" | "link"))
    {
        return None;
    }
    let source = copy.ins.args[0].value.as_str();
    let dest = copy.ins.args[1].value.as_str();
    if !matches!(source, "." | "./") || dest.contains('$') || dest.contains(' ') {
        return None;
    }
    let dest_dir = if dest.ends_with('/') {
        dest.to_string()
    } else {
        format!("{dest}/")
    };
    let flags: String = copy
        .ins
        .flags
        .iter()
        .map(|f| format!("{} ", facts.text(f.span)))
        .collect();
    let names: Vec<&str> = manifests.iter().map(|p| basename(p)).collect();
    let manifest_copy = format!("{} {flags}{} {dest_dir}", copy.ins.keyword, names.join(" "));
    let between = facts.text(Span::new(copy.ins.span.end, run.ins.span.start));
    let new_text = format!(
        "{manifest_copy}{between}{}\n{}",
        facts.text(run.ins.span),
        facts.text(copy.ins.span)
    );
    Some(Fix {
        description: format!(
            "Copy {} first, install, then copy the rest",
            names.join(" and ")
        ),
        edits: vec![TextEdit {
            span: copy.ins.span.cover(run.ins.span),
            new_text,
        }],
    })
}
