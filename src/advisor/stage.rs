//! What the checks know about the final stage: its instructions with their steps and layers,
//! its base image, and what each `apt-get install` adds according to the package catalog.

use std::collections::BTreeSet;

use super::script::{split_commands, ScriptWord, SimpleCommand};
use crate::catalog::base_images::BaseImage;
use crate::catalog::base_packages::installed_estimate;
use crate::catalog::distro_data::package_data_for;
use crate::catalog::packages::{PackageCatalog, Resolution};
use crate::simulate::{BaseKind, Build, Catalogs, LayerReport, StageReport, Step};
use crate::span::Span;
use crate::syntax::{Instruction, Keyword, Parsed};

/// One instruction of the final stage.
#[derive(Debug)]
pub struct StageInstruction<'a> {
    pub ins: &'a Instruction,
    /// The executed step (`None` if the simulation stopped before it).
    pub step: Option<&'a Step>,
    /// Index into `Build::layers` of the layer it committed.
    pub layer_index: Option<usize>,
    /// The shell-form RUN's simple commands (empty for other instructions, exec form and
    /// heredoc RUNs).
    pub commands: Vec<SimpleCommand>,
}

impl StageInstruction<'_> {
    pub fn is_run(&self) -> bool {
        self.ins.kind == Keyword::Run
    }

    /// A shell-form RUN without heredocs or flags: its text can be rewritten.
    pub fn is_plain_run(&self) -> bool {
        self.is_run() && !self.ins.json && self.ins.heredocs.is_empty() && self.ins.flags.is_empty()
    }

    /// True when a `RUN --mount` (cache, tmpfs, bind…) is mounted on `path` or above it:
    /// what the command writes there does not go into the layer.
    pub fn mounted_over(&self, path: &str) -> bool {
        self.ins
            .flags
            .iter()
            .filter(|f| f.name == "mount")
            .any(|f| {
                let value = f.value.as_deref().unwrap_or("");
                value.split(',').any(|field| {
                    let target = field
                        .strip_prefix("target=")
                        .or_else(|| field.strip_prefix("dst="))
                        .or_else(|| field.strip_prefix("destination="));
                    target.is_some_and(|t| {
                        let t = t.trim_end_matches('/');
                        path == t || path.starts_with(&format!("{t}/"))
                    })
                })
            })
    }

    /// True when one of its commands is `program` with the given verb (`apt-get update`).
    pub fn runs(&self, programs: &[&str], verb: &str) -> bool {
        self.commands.iter().any(|c| {
            c.program().is_some_and(|p| programs.contains(&p))
                && c.verb().is_some_and(|v| v.text == verb)
        })
    }
}

/// One `apt-get install` of the final stage, resolved against the catalog.
#[derive(Debug, Clone)]
pub struct AptInstall {
    /// Index into [`StageFacts::instructions`].
    pub instruction: usize,
    /// Index into that instruction's commands.
    pub command: usize,
    /// The `install` word (where `--no-install-recommends` goes).
    pub install_word: ScriptWord,
    /// The package words (options and words with `$`, `=`, quotes left out).
    pub packages: Vec<ScriptWord>,
    pub with_recommends: bool,
    /// What it adds as written (`None` without package data).
    pub resolution: Option<Resolution>,
    /// What it would add without Recommends.
    pub without_recommends: Option<Resolution>,
    /// Packages installed before this command (base estimate + earlier installs).
    pub installed_before: BTreeSet<String>,
}

/// Everything the checks read.
pub struct StageFacts<'a> {
    pub parsed: &'a Parsed,
    pub build: &'a Build,
    pub stage: &'a StageReport,
    /// The stage's FROM instruction.
    pub from: &'a Instruction,
    /// The instructions after FROM, in order.
    pub instructions: Vec<StageInstruction<'a>>,
    /// The base image, when the catalog has it.
    pub base: Option<&'a BaseImage>,
    /// The package data for the base's distro.
    pub packages: Option<&'a PackageCatalog>,
    /// Whether that data is the distro's own index (else a labelled approximation).
    pub packages_exact: bool,
    /// What the user should be told about the package numbers.
    pub packages_note: String,
    /// The packages the base image is estimated to have.
    pub base_packages: BTreeSet<String>,
    /// Every `apt-get install`, in order.
    pub apt_installs: Vec<AptInstall>,
    /// Number of stages in the Dockerfile.
    pub stage_count: usize,
}

impl<'a> StageFacts<'a> {
    /// Collects the facts of the build's target stage.
    pub fn collect(
        build: &'a Build,
        parsed: &'a Parsed,
        catalogs: &'a Catalogs,
    ) -> Option<StageFacts<'a>> {
        let target = build.target?;
        let stage = build.stages.get(target)?;
        let stages = split_stages(&parsed.dockerfile.instructions);
        let stage_count = stages.len();
        let (from, body) = stages.into_iter().nth(target)?;
        let escape = parsed.dockerfile.escape;
        let instructions: Vec<StageInstruction<'a>> = body
            .iter()
            .map(|ins| {
                let step = build
                    .steps
                    .iter()
                    .find(|s| s.stage == target && !s.onbuild && s.span == ins.span);
                let commands = if ins.kind == Keyword::Run && !ins.json && ins.heredocs.is_empty() {
                    split_commands(
                        &parsed.source,
                        Span::new(ins.rest_span.start, ins.span.end),
                        escape,
                    )
                } else {
                    Vec::new()
                };
                StageInstruction {
                    ins,
                    step,
                    layer_index: step.and_then(|s| s.layer),
                    commands,
                }
            })
            .collect();
        let base = match stage.base_kind {
            BaseKind::CatalogImage => catalogs
                .base_images
                .as_ref()
                .and_then(|c| c.lookup(&stage.base, Some(&stage.platform)).ok()),
            _ => None,
        };
        let choice = base.map(|b| package_data_for(b.distro.as_ref(), &b.architecture));
        let packages = choice
            .as_ref()
            .and_then(|c| c.dataset)
            .and_then(|d| catalogs.packages(d));
        let base_packages = match (base, packages) {
            (Some(b), Some(p)) => installed_estimate(b, p).packages,
            _ => BTreeSet::new(),
        };
        let mut facts = StageFacts {
            parsed,
            build,
            stage,
            from,
            instructions,
            base,
            packages,
            packages_exact: choice.as_ref().is_some_and(|c| c.exact),
            packages_note: choice.map(|c| c.note).unwrap_or_default(),
            base_packages,
            apt_installs: Vec::new(),
            stage_count,
        };
        facts.apt_installs = facts.resolve_apt_installs();
        Some(facts)
    }

    fn resolve_apt_installs(&self) -> Vec<AptInstall> {
        let mut installed = self.base_packages.clone();
        let mut out = Vec::new();
        for (i, si) in self.instructions.iter().enumerate() {
            for (c, cmd) in si.commands.iter().enumerate() {
                let Some((install_word, packages, with_recommends)) = apt_install_words(cmd) else {
                    continue;
                };
                let names: Vec<&str> = packages.iter().map(|w| w.text.as_str()).collect();
                let resolution = self
                    .packages
                    .map(|p| p.resolve_install(&names, with_recommends, &installed));
                let without_recommends = self
                    .packages
                    .map(|p| p.resolve_install(&names, false, &installed));
                let before = installed.clone();
                if let Some(r) = &resolution {
                    installed.extend(r.packages.iter().map(|p| p.name.clone()));
                }
                out.push(AptInstall {
                    instruction: i,
                    command: c,
                    install_word,
                    packages,
                    with_recommends,
                    resolution,
                    without_recommends,
                    installed_before: before,
                });
            }
        }
        out
    }

    /// True when the RUN at `instruction` runs under `/bin/sh -c` (no SHELL before it in the
    /// stage): only then are `&&` chains and `\` continuations what the text fixes write.
    pub fn posix_shell_at(&self, instruction: usize) -> bool {
        !self
            .instructions
            .iter()
            .take(instruction)
            .any(|si| si.ins.kind == Keyword::Shell)
    }

    /// A line continuation in this Dockerfile (its escape character and a newline).
    pub fn continuation(&self) -> String {
        format!("{}\n", self.parsed.dockerfile.escape)
    }

    /// The layer an instruction committed.
    pub fn layer(&self, instruction: usize) -> Option<&'a LayerReport> {
        let index = self.instructions.get(instruction)?.layer_index?;
        self.build.layers.get(index)
    }

    /// The 1-based first line of an instruction.
    pub fn line(&self, instruction: usize) -> usize {
        self.instructions
            .get(instruction)
            .map_or(0, |i| i.ins.start_line)
    }

    /// The text of a span of the Dockerfile.
    pub fn text(&self, span: Span) -> &'a str {
        self.parsed.source.get(span.start..span.end).unwrap_or("")
    }

    /// The span of the whole lines of an instruction, with its newline, plus the comment
    /// lines right above it: what to delete to remove it.
    pub fn removal_span(&self, instruction: usize) -> Option<Span> {
        let si = self.instructions.get(instruction)?;
        let source = &self.parsed.source;
        let index = &self.parsed.line_index;
        let mut first = si.ins.start_line;
        while first > 1 {
            let start = index.line_start(first - 1);
            let end = index.line_start(first).saturating_sub(1);
            let line = source.get(start..end).unwrap_or("").trim_start();
            if line.starts_with('#') && !is_directive_line(line) {
                first -= 1;
            } else {
                break;
            }
        }
        let start = index.line_start(first);
        let end = if si.ins.end_line >= index.line_count() {
            source.len()
        } else {
            index.line_start(si.ins.end_line + 1)
        };
        Some(Span::new(start, end.max(start)))
    }

    /// The installed bytes an `apt-get install` adds as written.
    pub fn apt_bytes(&self, install: &AptInstall) -> Option<u64> {
        install.resolution.as_ref().map(|r| r.total_installed_bytes)
    }

    /// A sentence on where package numbers come from.
    pub fn package_source(&self) -> String {
        match self.packages {
            Some(p) if self.packages_exact => format!(
                "Installed-Size from {}, on top of the ~{} packages the base image is estimated to have",
                p.source,
                self.base_packages.len()
            ),
            Some(p) => format!(
                "Installed-Size from {} ({}), on top of the ~{} packages the base image is estimated to have",
                p.source,
                self.packages_note,
                self.base_packages.len()
            ),
            None => "no package data for this base image".to_string(),
        }
    }
}

fn is_directive_line(line: &str) -> bool {
    let body = line
        .trim_start_matches('#')
        .trim_start()
        .to_ascii_lowercase();
    body.starts_with("syntax=") || body.starts_with("escape=") || body.starts_with("check=")
}

/// The FROM and the instructions of each stage.
fn split_stages(instructions: &[Instruction]) -> Vec<(&Instruction, Vec<&Instruction>)> {
    let mut stages: Vec<(&Instruction, Vec<&Instruction>)> = Vec::new();
    for ins in instructions {
        if ins.kind == Keyword::From {
            stages.push((ins, Vec::new()));
        } else if let Some(last) = stages.last_mut() {
            last.1.push(ins);
        }
    }
    stages
}

/// `apt-get install` / `apt install`: the `install` word, the package words, and whether
/// Recommends are installed.
pub fn apt_install_words(cmd: &SimpleCommand) -> Option<(ScriptWord, Vec<ScriptWord>, bool)> {
    if !matches!(cmd.program(), Some("apt-get" | "apt")) {
        return None;
    }
    let verb = cmd.verb()?;
    if verb.text != "install" {
        return None;
    }
    let args = cmd.args();
    let with_recommends = !args.iter().any(|w| {
        w.text == "--no-install-recommends"
            || w.text.contains("Install-Recommends=false")
            || w.text.contains("Install-Recommends=0")
    });
    let mut packages = Vec::new();
    let mut skip_value = false;
    let mut seen_verb = false;
    for w in args {
        if skip_value {
            skip_value = false;
            continue;
        }
        if w.span == verb.span {
            seen_verb = true;
            continue;
        }
        if w.text == "-o" || w.text == "-t" || w.text == "--target-release" {
            skip_value = true;
            continue;
        }
        if !seen_verb
            || w.text.starts_with('-')
            || w.text.contains(['$', '=', '"', '\'', '\\', '*'])
        {
            continue;
        }
        packages.push(w.clone());
    }
    Some((verb.clone(), packages, with_recommends))
}
