//! `clean-in-same-layer`: `apt-get update` leaves its package lists in the layer.
//!
//! `apt-get update` downloads the package indexes into `/var/lib/apt/lists`; they are only
//! needed by the `apt-get install` that follows. Unless the same RUN deletes them
//! (`rm -rf /var/lib/apt/lists/*`), they are committed with the layer — and deleting them in
//! a later RUN does not help, the bytes stay in the earlier layer.
//!
//! Size: the files `apt-get update` wrote in the simulated layer when the RUN simulation
//! knows them, else the measured size of the lists for the base's release from the package
//! catalog (an estimate). The fix appends `&& rm -rf /var/lib/apt/lists/*` to the RUN; it
//! is offered when no later RUN of the stage installs packages without its own update
//! (those would find no lists — merge the RUNs first).

use super::stage::StageFacts;
use super::{format_bytes, new_advice, with_sizes, Advice, AdviceDoc, Fix, TextEdit};
use crate::simulate::{Certainty, ChangeKindRow, NodeKindRow};
use crate::span::Span;

pub const DOC: AdviceDoc = AdviceDoc {
    id: "clean-in-same-layer",
    title: "Delete the apt lists in the same RUN",
    what: "A RUN runs `apt-get update` and does not remove `/var/lib/apt/lists/*` before it \
           ends.",
    why: "The package lists are tens of megabytes only useful while installing. A layer keeps \
          every file it contains when it is committed; removing them in a later instruction \
          hides them but the image still ships them.",
    bad: "RUN apt-get update && apt-get install -y curl\n",
    good: "RUN apt-get update && apt-get install -y --no-install-recommends curl \\\n    && rm -rf /var/lib/apt/lists/*\n",
};

const LISTS: &str = "/var/lib/apt/lists";

pub fn check(facts: &StageFacts) -> Vec<Advice> {
    let mut out = Vec::new();
    for (i, si) in facts.instructions.iter().enumerate() {
        let updates = si.runs(&["apt-get", "apt"], "update");
        if !updates || removes_lists(si) || si.mounted_over(LISTS) {
            continue;
        }
        let line = facts.line(i);
        let (bytes, certainty, from) = lists_size(facts, i);
        let later_removal = facts
            .instructions
            .iter()
            .enumerate()
            .skip(i + 1)
            .find(|(_, s)| removes_lists(s))
            .map(|(j, _)| facts.line(j));
        let size_text = bytes.map_or_else(|| "an unknown size".to_string(), format_bytes);
        let title = match bytes {
            Some(b) => format!(
                "Delete the apt lists in the RUN on line {line}: −{}",
                format_bytes(b)
            ),
            None => format!("Delete the apt lists in the RUN on line {line}"),
        };
        let mut detail = format!(
            "Line {line} runs apt-get update, which leaves {size_text} of package lists in \
             {LISTS} ({from}). Add `rm -rf {LISTS}/*` at the end of the same RUN, after the \
             installs."
        );
        if let Some(l) = later_removal {
            detail.push_str(&format!(
                " Line {l} deletes them later, but that only hides them: they stay in line \
                 {line}'s layer."
            ));
        }
        let later_install = facts
            .instructions
            .iter()
            .enumerate()
            .skip(i + 1)
            .find(|(_, s)| {
                s.runs(&["apt-get", "apt"], "install") && !s.runs(&["apt-get", "apt"], "update")
            });
        if let Some((j, _)) = later_install {
            detail.push_str(&format!(
                " Line {} installs packages with these lists: merge it into line {line}'s \
                 RUN first (see merge-runs), then clean up at the end.",
                facts.line(j)
            ));
        }
        let mut advice = with_sizes(
            new_advice("clean-in-same-layer", title, detail, si.ins.span),
            bytes,
            bytes.map(|_| 0),
        );
        advice.lines = vec![line];
        if let Some(l) = later_removal {
            advice.lines.push(l);
        }
        advice.certainty = certainty;
        if later_install.is_none() {
            advice.fix = append_fix(facts, i, &format!("rm -rf {LISTS}/*"));
        }
        out.push(advice);
    }
    out
}

/// True when the RUN deletes the lists (`rm -rf /var/lib/apt/lists/*`, the directory, or
/// `apt-get dist-clean`).
pub fn removes_lists(si: &super::stage::StageInstruction) -> bool {
    // apt 3's `dist-clean` deletes the lists too.
    si.runs(&["apt-get", "apt"], "dist-clean")
        || si.commands.iter().any(|c| {
            c.program() == Some("rm")
                && c.args()
                    .iter()
                    .any(|w| w.text.trim_matches(['"', '\'']).starts_with(LISTS))
        })
}

/// The lists' size: from the layer's changes when the simulation knows them, else the
/// catalog's measured `apt-get update` size.
fn lists_size(facts: &StageFacts, i: usize) -> (Option<u64>, Certainty, String) {
    if let Some(layer) = facts.layer(i) {
        let files: Vec<_> = layer
            .changes
            .iter()
            .filter(|c| {
                c.path.starts_with(LISTS)
                    && c.kind == NodeKindRow::File
                    && c.change != ChangeKindRow::Deleted
            })
            .collect();
        if !files.is_empty() {
            let total = files.iter().filter_map(|c| c.size).sum::<u64>();
            return (
                Some(total),
                layer.certainty.combine(Certainty::Estimated),
                "the simulated layer's files".to_string(),
            );
        }
    }
    match facts.packages {
        Some(p) => (
            Some(p.apt_lists_bytes),
            Certainty::Estimated,
            format!(
                "measured for Debian {}{}",
                p.release.trim_start_matches("debian "),
                if facts.packages_exact {
                    String::new()
                } else {
                    format!("; {}", facts.packages_note)
                }
            ),
        ),
        None => (
            None,
            Certainty::Unknown,
            "no package data for this base image".to_string(),
        ),
    }
}

/// Appends `&& command` to the RUN `i` on a continuation line, when its text allows it.
pub fn append_fix(facts: &StageFacts, i: usize, command: &str) -> Option<Fix> {
    let si = facts.instructions.get(i)?;
    if !si.is_plain_run() || si.commands.is_empty() || !facts.posix_shell_at(i) {
        return None;
    }
    let text = si.ins.rest.trim_end();
    let last = si.commands.last()?;
    if !last.terminator.is_empty() || text.contains('#') {
        return None;
    }
    let end = last.span()?.end;
    Some(Fix {
        description: format!("Append `&& {command}` to the RUN on line {}", facts.line(i)),
        edits: vec![TextEdit {
            span: Span::at(end),
            new_text: format!(" {}    && {command}", facts.continuation()),
        }],
    })
}
