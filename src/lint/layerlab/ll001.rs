//! LL001: apt lists removed in a later layer than the `apt-get update` that downloaded them.

use crate::diagnostic::Severity;
use crate::instructions::Command;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::lint::run_scripts::ParsedRun;

pub const DOC: RuleDoc = RuleDoc {
    code: "LL001",
    name: "apt-lists-removed-in-later-layer",
    set: RuleSet::Layerlab,
    summary: "apt lists are removed in a later layer than the one that downloaded them",
    rationale: "Layers only add: removing /var/lib/apt/lists in a later RUN writes whiteouts that hide the files, but the earlier layer still carries every byte (tens of MB) to every pull. Remove them in the same RUN as `apt-get update`.",
    bad: "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n",
    good: "FROM debian:12\nRUN apt-get update && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists/*\n",
    url: "",
    default_severity: Severity::Warning,
    off_by_default: false,
};

fn updates(run: &ParsedRun) -> bool {
    run.any(|c| {
        ["apt-get", "apt", "aptitude"]
            .iter()
            .any(|m| c.has_args(m, &["update"]))
    })
}

fn removes_lists(run: &ParsedRun) -> bool {
    run.any(|c| c.name == "rm" && c.args.iter().any(|a| a.starts_with("/var/lib/apt/lists")))
}

/// Follows each stage (and the stages built FROM it): a RUN that removes the lists while an
/// earlier RUN of the chain downloaded them without removing them.
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    // Line of the RUN that left lists behind, per stage (end of stage).
    let mut left: Vec<Option<usize>> = Vec::with_capacity(cx.typed.stages.len());
    for (i, stage) in cx.typed.stages.iter().enumerate() {
        let mut downloaded = cx.semantics.stages[i]
            .parent
            .and_then(|p| left.get(p).copied().flatten());
        for cmd in &stage.commands {
            if !matches!(cmd.value, Command::Run(_)) {
                continue;
            }
            let Some(run) = cx.run_script(cmd.index, false) else {
                continue;
            };
            let (update, remove) = (updates(run), removes_lists(run));
            match (update, remove, downloaded) {
                (false, true, Some(line)) => out.push(
                    cx.first_line_span(cmd.span),
                    format!(
                        "apt lists are removed here, in a later layer than the `apt-get update` on line {line}: that layer still ships them; remove them in the same RUN"
                    ),
                ),
                (true, false, _) => downloaded = Some(cmd.start_line),
                _ => {}
            }
        }
        left.push(downloaded);
    }
}
