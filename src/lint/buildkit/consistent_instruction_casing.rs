//! ConsistentInstructionCasing: all instructions should use the same casing.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "ConsistentInstructionCasing",
    name: "consistent-instruction-casing",
    set: RuleSet::BuildKit,
    summary: "All commands within the Dockerfile should use the same casing (either upper or lower)",
    rationale: "Instruction keywords are case-insensitive, but mixing `RUN` and `run` (or writing `Run`) makes a Dockerfile harder to scan.",
    bad: "From alpine\nRun echo hello > /greeting.txt\nEntRYpOiNT [\"cat\", \"/greeting.txt\"]\n",
    good: "FROM alpine\nRUN echo hello > /greeting.txt\nENTRYPOINT [\"cat\", \"/greeting.txt\"]\n",
    url: "https://docs.docker.com/go/dockerfile/rule/consistent-instruction-casing/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// Counts FROM and every stage command written all-lower or all-upper (global ARGs are not
/// counted); the majority is lowercase only when strictly more; every keyword not in the
/// majority's casing is reported.
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let mut keywords = Vec::new();
    for stage in &cx.typed.stages {
        if let Some(inst) = cx.instructions().get(stage.index) {
            keywords.push((inst.keyword.as_str(), inst.keyword_span));
        }
        for cmd in &stage.commands {
            if let Some(inst) = cx.instructions().get(cmd.index) {
                keywords.push((inst.keyword.as_str(), inst.keyword_span));
            }
        }
    }
    let lower = keywords
        .iter()
        .filter(|(k, _)| k.to_lowercase() == *k)
        .count();
    let upper = keywords
        .iter()
        .filter(|(k, _)| k.to_uppercase() == *k)
        .count();
    let majority_lower = lower > upper;
    for (keyword, span) in keywords {
        let casing = if majority_lower && keyword.to_lowercase() != keyword {
            "lowercase"
        } else if !majority_lower && keyword.to_uppercase() != keyword {
            "uppercase"
        } else {
            continue;
        };
        out.push(
            span,
            format!("Command '{keyword}' should match the case of the command majority ({casing})"),
        );
    }
}
