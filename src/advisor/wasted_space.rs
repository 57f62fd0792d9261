//! `wasted-space`: bytes a layer ships although a later layer deletes or overwrites them
//! (what `dive` calls wasted space).
//!
//! Computed from the simulated layers' changes: walking the final image's layers in order,
//! a file added (or modified) in layer *i* is wasted when a later layer *j* deletes it (a
//! whiteout of the file or of a directory above it, or an opaque directory) or writes the
//! same path again. Its size in layer *i* still counts in the image. One advice per pair of
//! (adding line, deleting line), with the paths and bytes.
//!
//! Package lists an `apt-get update` left behind are reported by `clean-in-same-layer`
//! instead (same bytes, more specific advice).
//!
//! The fix: do it in one layer. When the two lines are consecutive RUNs, the fix merges them
//! (see `merge-runs`); otherwise the detail says what to move.

use std::collections::BTreeMap;

use super::merge_runs::merged_run_fix;
use super::stage::StageFacts;
use super::{format_bytes, new_advice, with_sizes, Advice, AdviceDoc};
use crate::simulate::{Certainty, ChangeKindRow, NodeKindRow};

pub const DOC: AdviceDoc = AdviceDoc {
    id: "wasted-space",
    title: "Delete files in the layer that creates them",
    what: "A file is added by one instruction and deleted or overwritten by a later one.",
    why: "Layers are stacked, never rewritten: a deletion in a later layer only hides the \
          file, whose bytes are still downloaded with the earlier layer. Create, use and \
          delete temporary files in the same RUN (or in a build stage).",
    bad: "RUN curl -o /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt\nRUN rm /tmp/tool.tgz\n",
    good: "RUN curl -o /tmp/tool.tgz https://example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt \\\n    && rm /tmp/tool.tgz\n",
};

/// How many paths the detail names.
const PATHS_SHOWN: usize = 5;

/// A live file: the layer that wrote it and its size.
#[derive(Clone, Copy)]
struct Live {
    layer: usize,
    size: u64,
    known: bool,
}

#[derive(Default)]
struct Waste {
    bytes: u64,
    paths: Vec<String>,
    known: bool,
    overwritten: bool,
    deleted: bool,
}

pub fn check(facts: &StageFacts) -> Vec<Advice> {
    let layers = &facts.build.layers;
    let mut live: BTreeMap<String, Live> = BTreeMap::new();
    let mut wastes: BTreeMap<(usize, usize), Waste> = BTreeMap::new();
    for (j, layer) in layers.iter().enumerate() {
        for change in &layer.changes {
            let path = change.path.as_str();
            let hidden: Vec<String> = match (change.change, change.kind) {
                (ChangeKindRow::Deleted, _) | (_, NodeKindRow::Whiteout) => {
                    under(&live, path, true)
                }
                (ChangeKindRow::Opaque, _) => under(&live, path, false),
                (_, NodeKindRow::File | NodeKindRow::Symlink) => live
                    .contains_key(path)
                    .then(|| path.to_string())
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            };
            for p in hidden {
                let Some(old) = live.remove(&p) else { continue };
                if old.layer == j || old.size == 0 {
                    continue;
                }
                let w = wastes.entry((old.layer, j)).or_insert_with(|| Waste {
                    known: true,
                    ..Waste::default()
                });
                w.bytes += old.size;
                w.known &= old.known && change.known;
                w.paths.push(p);
                if change.change == ChangeKindRow::Deleted || change.kind == NodeKindRow::Whiteout {
                    w.deleted = true;
                } else {
                    w.overwritten = true;
                }
            }
            if change.change != ChangeKindRow::Deleted
                && matches!(change.kind, NodeKindRow::File | NodeKindRow::Symlink)
            {
                live.insert(
                    change.path.clone(),
                    Live {
                        layer: j,
                        size: change.size.unwrap_or(0),
                        known: change.known && change.size.is_some(),
                    },
                );
            }
        }
    }
    wastes
        .into_iter()
        .filter(|(_, w)| w.bytes > 0)
        .filter(|((i, _), w)| !reported_as_apt_lists(facts, *i, w))
        .filter_map(|((i, j), w)| advice_for(facts, i, j, w))
        .collect()
}

/// Apt lists left by an `apt-get update` are the `clean-in-same-layer` advice's (same bytes,
/// more specific fix): not counted twice.
fn reported_as_apt_lists(facts: &StageFacts, layer: usize, w: &Waste) -> bool {
    let all_lists = w.paths.iter().all(|p| p.starts_with("/var/lib/apt/lists/"));
    let updating = facts.instructions.iter().any(|si| {
        si.layer_index == Some(layer)
            && si.runs(&["apt-get", "apt"], "update")
            && !super::clean_apt_lists::removes_lists(si)
    });
    all_lists && updating
}

/// Live paths equal to `path` (when `itself`) or below it.
fn under(live: &BTreeMap<String, Live>, path: &str, itself: bool) -> Vec<String> {
    let prefix = format!("{}/", path.trim_end_matches('/'));
    let mut out: Vec<String> = live
        .range(prefix.clone()..)
        .take_while(|(p, _)| p.starts_with(&prefix))
        .map(|(p, _)| p.clone())
        .collect();
    if itself && live.contains_key(path) {
        out.push(path.to_string());
    }
    out
}

fn advice_for(facts: &StageFacts, i: usize, j: usize, w: Waste) -> Option<Advice> {
    let layers = &facts.build.layers;
    let (adder, remover) = (layers.get(i)?, layers.get(j)?);
    let step_of = |l: &crate::simulate::LayerReport| l.step.and_then(|s| facts.build.steps.get(s));
    let (add_step, remove_step) = (step_of(adder)?, step_of(remover)?);
    let (add_line, remove_line) = (add_step.line, remove_step.line);
    let what = match (w.deleted, w.overwritten) {
        (true, true) => "deletes or rewrites",
        (false, true) => "rewrites",
        _ => "deletes",
    };
    let mut shown: Vec<&str> = w
        .paths
        .iter()
        .map(String::as_str)
        .take(PATHS_SHOWN)
        .collect();
    if w.paths.len() > PATHS_SHOWN {
        shown.push("…");
    }
    let title = format!(
        "{} wasted: line {add_line} adds what line {remove_line} {what}",
        format_bytes(w.bytes)
    );
    let mut detail = format!(
        "Line {add_line} ({}) adds {} file{} ({}) that line {remove_line} ({}) {what}. The \
         bytes stay in line {add_line}'s layer: the image ships {} it never shows (a file \
         changed later, even only its mode or owner, is stored again in full). Do both in the \
         same RUN so the files are never committed.",
        add_step.text,
        w.paths.len(),
        if w.paths.len() == 1 { "" } else { "s" },
        shown.join(", "),
        remove_step.text,
        format_bytes(w.bytes)
    );
    // The instructions of the final stage for the two layers.
    let index_of = |span| facts.instructions.iter().position(|si| si.ins.span == span);
    let fix = match (index_of(add_step.span), index_of(remove_step.span)) {
        (Some(a), Some(b)) if a < b => {
            let group: Vec<usize> = (a..=b).collect();
            if group.iter().all(|&k| facts.instructions[k].is_run()) {
                merged_run_fix(facts, &group)
            } else {
                None
            }
        }
        _ => None,
    };
    if fix.is_none() {
        detail.push_str(" (No automatic fix: the lines are not consecutive RUNs.)");
    }
    let mut advice = with_sizes(
        new_advice("wasted-space", title, detail, add_step.span),
        Some(w.bytes),
        Some(0),
    );
    advice.lines = vec![add_line, remove_line];
    advice.certainty = if w.known {
        adder.certainty.combine(remover.certainty)
    } else {
        Certainty::Estimated.combine(adder.certainty)
    };
    advice.fix = fix;
    Some(advice)
}
