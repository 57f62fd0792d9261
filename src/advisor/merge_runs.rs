//! `merge-runs`: consecutive RUN instructions that could be one.
//!
//! Every RUN commits a layer. Consecutive RUNs (nothing but comments between them) with the
//! same flags can be chained with `&&` into one RUN: one layer instead of several, and files
//! that one command creates and a later one deletes never reach the image.
//!
//! The fix writes the merged RUN with one command per continuation line. It is offered when
//! every RUN is shell form without flags or heredocs and without an unquoted `#`; a RUN that
//! changes the shell's state for what follows (`cd`, `export`, `set`, `source`, `exit`,
//! `unset`, `trap`) is wrapped in `( … )` so the next command still starts in WORKDIR with
//! the original environment; so is any RUN that is more than a plain `a && b` chain (a `;`
//! list, `||`, pipes, compound commands), so that a failure still fails the merged RUN.
//! A RUN ending in `&` is not merged.

use super::stage::StageFacts;
use super::{format_bytes, new_advice, with_sizes, Advice, AdviceDoc, Fix, TextEdit};
use crate::simulate::Certainty;

pub const DOC: AdviceDoc = AdviceDoc {
    id: "merge-runs",
    title: "Merge consecutive RUN instructions",
    what: "Two or more RUN instructions follow each other and could be chained with `&&`.",
    why: "Each RUN adds a layer. Fewer layers mean less metadata and, above all, that temporary \
          files (package lists, caches, build leftovers) can be deleted in the same layer \
          that created them, so they never take space in the image.",
    bad: "RUN apt-get update\nRUN apt-get install -y curl\n",
    good: "RUN apt-get update \\\n    && apt-get install -y curl\n",
};

/// Commands whose effect on the shell would leak into the next merged command.
const STATEFUL: [&str; 9] = [
    "cd", "export", "set", "source", ".", "exit", "unset", "trap", "alias",
];

pub fn check(facts: &StageFacts) -> Vec<Advice> {
    let mut out = Vec::new();
    for group in consecutive_runs(facts) {
        if group.len() < 2 {
            continue;
        }
        let lines: Vec<usize> = group.iter().map(|&i| facts.line(i)).collect();
        let layers_now = group
            .iter()
            .filter(|&&i| facts.instructions[i].step.is_none_or(|s| s.creates_layer))
            .count();
        let sizes: Vec<Option<u64>> = group
            .iter()
            .map(|&i| facts.layer(i).and_then(|l| l.size))
            .collect();
        let certainty = group
            .iter()
            .filter_map(|&i| facts.layer(i))
            .fold(Certainty::Exact, |c, l| c.combine(l.certainty));
        let title = format!(
            "Merge the RUNs on lines {}: {} layer{} fewer",
            join_lines(&lines),
            group.len() - 1,
            if group.len() > 2 { "s" } else { "" }
        );
        let mut detail = format!(
            "Lines {} are consecutive RUN instructions: {} layers. Chained with && in one RUN \
             they make 1 layer",
            join_lines(&lines),
            layers_now
        );
        let total = sizes.iter().copied().sum::<Option<u64>>();
        if let Some(total) = total.filter(|_| certainty != Certainty::Unknown) {
            detail.push_str(&format!(
                " (together {} now{})",
                format_bytes(total),
                if certainty == Certainty::Exact {
                    ""
                } else {
                    ", estimated"
                }
            ));
        }
        detail.push_str(
            ", and whatever one command leaves behind for the next (package lists, \
             downloads) can be deleted before the layer is committed.",
        );
        let first = &facts.instructions[group[0]];
        let last = &facts.instructions[group[group.len() - 1]];
        let mut advice = with_sizes(
            new_advice(
                "merge-runs",
                title,
                detail,
                first.ins.span.cover(last.ins.span),
            ),
            Some(layers_now as u64),
            Some(1),
        );
        // For this advice the numbers are layers, not bytes: keep the byte fields honest.
        advice.estimated_before_bytes = None;
        advice.estimated_after_bytes = None;
        advice.saving_bytes = None;
        advice.lines = lines;
        advice.certainty = Certainty::Exact;
        advice.fix = merged_run_fix(facts, &group);
        out.push(advice);
    }
    out
}

fn join_lines(lines: &[usize]) -> String {
    let texts: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match texts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => texts.join(""),
    }
}

/// Groups of consecutive RUN instructions (indices into the stage's instructions).
pub fn consecutive_runs(facts: &StageFacts) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    for (i, si) in facts.instructions.iter().enumerate() {
        let same_flags = current.first().is_none_or(|&f| {
            let a: Vec<&str> = facts.instructions[f]
                .ins
                .flags
                .iter()
                .map(|f| f.raw.as_str())
                .collect();
            let b: Vec<&str> = si.ins.flags.iter().map(|f| f.raw.as_str()).collect();
            a == b
        });
        if si.is_run() && same_flags {
            current.push(i);
        } else {
            if current.len() > 1 {
                groups.push(std::mem::take(&mut current));
            }
            current.clear();
            if si.is_run() {
                current.push(i);
            }
        }
    }
    if current.len() > 1 {
        groups.push(current);
    }
    groups
}

/// One RUN replacing the instructions `group` (consecutive RUNs, in order), or `None` when
/// merging them text-wise could change what they do.
pub fn merged_run_fix(facts: &StageFacts, group: &[usize]) -> Option<Fix> {
    let (&first, &last) = (group.first()?, group.last()?);
    if group.windows(2).any(|w| w[1] != w[0] + 1) {
        return None;
    }
    let mut parts: Vec<String> = Vec::new();
    let mut comments: Vec<String> = Vec::new();
    for (n, &i) in group.iter().enumerate() {
        let si = &facts.instructions[i];
        if !si.is_plain_run() || si.commands.is_empty() || !facts.posix_shell_at(i) {
            return None;
        }
        let joined = si.ins.rest.trim();
        if has_unquoted(joined, '#') || joined.ends_with('&') && !joined.ends_with("&&") {
            return None;
        }
        // The command as written (continuation lines kept).
        let text = facts
            .text(crate::span::Span::new(
                si.ins.rest_span.start,
                si.ins.span.end,
            ))
            .trim();
        if si.commands.iter().any(|c| c.terminator == "&") {
            return None;
        }
        let stateful = si
            .commands
            .iter()
            .any(|c| c.program().is_some_and(|p| STATEFUL.contains(&p)));
        // Only a plain `a && b && c` keeps its meaning when chained with `&&` to others:
        // after `x &&`, a list `p; q` would run `q` even when `x` failed (and the RUN would
        // then succeed), and a `set -e` or `cd` would reach the next RUN's commands. Those
        // parts run in a subshell, whose status is the list's, as the RUN's was.
        let plain_chain = si
            .commands
            .iter()
            .all(|c| matches!(c.terminator.as_str(), "&&" | ""));
        let last_part = n + 1 == group.len();
        if !plain_chain || (stateful && !last_part) {
            parts.push(format!("( {text} )"));
        } else {
            parts.push(text.to_string());
        }
        if n > 0 {
            let previous = &facts.instructions[group[n - 1]].ins.span;
            let between = facts.text(crate::span::Span::new(previous.end, si.ins.span.start));
            comments.extend(
                between
                    .lines()
                    .map(str::trim)
                    .filter(|l| l.starts_with('#'))
                    .map(str::to_string),
            );
        }
    }
    let span = facts.instructions[first]
        .ins
        .span
        .cover(facts.instructions[last].ins.span);
    let keyword = &facts.instructions[first].ins.keyword;
    let mut new_text = String::new();
    for c in &comments {
        new_text.push_str(c);
        new_text.push('\n');
    }
    new_text.push_str(keyword);
    new_text.push(' ');
    new_text.push_str(&parts.join(&format!(" {}    && ", facts.continuation())));
    Some(Fix {
        description: format!(
            "One RUN for lines {} (commands chained with &&)",
            join_lines(&group.iter().map(|&i| facts.line(i)).collect::<Vec<_>>())
        ),
        edits: vec![TextEdit { span, new_text }],
    })
}

/// True when `c` occurs outside quotes.
fn has_unquoted(text: &str, c: char) -> bool {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for ch in text.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if ch == '\\' => escaped = true,
            None if ch == '"' || ch == '\'' => quote = Some(ch),
            None if ch == c => return true,
            None => {}
        }
    }
    false
}
