//! MultipleInstructionsDisallowed: only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage
//! counts.

use crate::diagnostic::Severity;
use crate::instructions::Command;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "MultipleInstructionsDisallowed",
    name: "multiple-instructions-disallowed",
    set: RuleSet::BuildKit,
    summary: "Multiple instructions of the same type should not be used in the same stage",
    rationale: "A second CMD, ENTRYPOINT or HEALTHCHECK in a stage replaces the first: the earlier one is dead code that readers take for live.",
    bad: "FROM alpine\nENTRYPOINT [\"echo\", \"Hello, Norway!\"]\nENTRYPOINT [\"echo\", \"Hello, Sweden!\"]\n",
    good: "FROM alpine\nENTRYPOINT [\"echo\", \"Hello, Norway!\\nHello, Sweden!\"]\n",
    url: "https://docs.docker.com/go/dockerfile/rule/multiple-instructions-disallowed/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// Reported at the earlier (overridden) instruction.
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for stage in &cx.typed.stages {
        let mut last: [Option<crate::span::Span>; 3] = [None; 3];
        for cmd in &stage.commands {
            let slot = match cmd.value {
                Command::Entrypoint(_) => 0,
                Command::Cmd(_) => 1,
                Command::Healthcheck(_) => 2,
                _ => continue,
            };
            if let Some(previous) = last[slot] {
                out.push(
                    cx.first_line_span(previous),
                    format!(
                        "Multiple {} instructions should not be used in the same stage because only the last one will be used",
                        cmd.value.name()
                    ),
                );
            }
            last[slot] = Some(cmd.span);
        }
    }
}
