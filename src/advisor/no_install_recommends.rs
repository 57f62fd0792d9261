//! `no-install-recommends`: `apt-get install` without `--no-install-recommends`.
//!
//! By default apt also installs every package the requested ones *recommend* — often
//! compilers, documentation or GUI libraries a container never uses. The bytes they add are
//! computed from the package catalog: the resolution as written minus the resolution
//! without Recommends, on top of what the base image and earlier installs already have.
//!
//! The fix inserts `--no-install-recommends` after `install`. The description names the
//! recommended packages that would no longer be installed so the user can add back the
//! ones the application needs.

use super::stage::{AptInstall, StageFacts};
use super::{format_bytes, new_advice, with_sizes, Advice, AdviceDoc, Fix, TextEdit};
use crate::simulate::Certainty;
use crate::span::Span;

pub const DOC: AdviceDoc = AdviceDoc {
    id: "no-install-recommends",
    title: "Install without Recommends",
    what: "`apt-get install` runs without `--no-install-recommends`.",
    why: "Recommended packages are optional. In an image they are mostly dead weight (and \
          attack surface): install only what the application needs.",
    bad: "RUN apt-get install -y python3-pip\n",
    good: "RUN apt-get install -y --no-install-recommends python3-pip\n",
};

/// How many recommended package names the detail lists.
const NAMES_SHOWN: usize = 8;

pub fn check(facts: &StageFacts) -> Vec<Advice> {
    let mut out = Vec::new();
    for install in facts.apt_installs.iter().filter(|a| a.with_recommends) {
        if install.packages.is_empty() {
            continue;
        }
        let (Some(with), Some(without)) = (&install.resolution, &install.without_recommends) else {
            out.push(without_package_data(facts, install));
            continue;
        };
        let extra_bytes = with
            .total_installed_bytes
            .saturating_sub(without.total_installed_bytes);
        let extra: Vec<&str> = with
            .packages
            .iter()
            .filter(|p| !without.packages.iter().any(|q| q.name == p.name))
            .map(|p| p.name.as_str())
            .collect();
        if extra.is_empty() {
            continue;
        }
        let line = facts.line(install.instruction);
        let names = install
            .packages
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let title = format!(
            "--no-install-recommends on line {line}: −{} ({} recommended packages)",
            format_bytes(extra_bytes),
            extra.len()
        );
        let mut shown: Vec<&str> = extra.iter().copied().take(NAMES_SHOWN).collect();
        if extra.len() > NAMES_SHOWN {
            shown.push("…");
        }
        let detail = format!(
            "`apt-get install {names}` on line {line} adds {} packages, {} installed; without \
             Recommends it adds {} packages, {}. The {} extra packages ({}) are only \
             recommended. Numbers: {}.",
            with.packages.len(),
            format_bytes(with.total_installed_bytes),
            without.packages.len(),
            format_bytes(without.total_installed_bytes),
            extra.len(),
            shown.join(", "),
            facts.package_source()
        );
        let span = install.install_word.span;
        let mut advice = with_sizes(
            new_advice("no-install-recommends", title, detail, span),
            Some(with.total_installed_bytes),
            Some(without.total_installed_bytes),
        );
        advice.lines = vec![line];
        advice.certainty = Certainty::Estimated;
        advice.fix = insert_fix(facts, install, line, Some(&shown.join(", ")));
        out.push(advice);
    }
    out
}

/// The advice when the base image has no package data: the practice holds, the bytes are
/// unknown.
fn without_package_data(facts: &StageFacts, install: &AptInstall) -> Advice {
    let line = facts.line(install.instruction);
    let names = install
        .packages
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let detail = format!(
        "`apt-get install {names}` on line {line} also installs the packages they recommend. \
         How much that adds is unknown: {}.",
        if facts.packages_note.is_empty() {
            "the base image is not in the catalog"
        } else {
            facts.packages_note.as_str()
        }
    );
    let mut advice = new_advice(
        "no-install-recommends",
        format!("--no-install-recommends on line {line}"),
        detail,
        install.install_word.span,
    );
    advice.lines = vec![line];
    advice.certainty = Certainty::Unknown;
    advice.fix = insert_fix(facts, install, line, None);
    advice
}

/// Inserts `--no-install-recommends` after `install` (shell-form RUN without heredocs).
fn insert_fix(
    facts: &StageFacts,
    install: &AptInstall,
    line: usize,
    dropped: Option<&str>,
) -> Option<Fix> {
    let plain = facts
        .instructions
        .get(install.instruction)
        .is_some_and(|si| si.is_plain_run());
    plain.then(|| Fix {
        description: match dropped {
            Some(names) => format!(
                "Add --no-install-recommends on line {line} (no longer installed: {names}; add \
                 back any the application needs)"
            ),
            None => format!("Add --no-install-recommends on line {line}"),
        },
        edits: vec![TextEdit {
            span: Span::at(install.install_word.span.end),
            new_text: " --no-install-recommends".to_string(),
        }],
    })
}
