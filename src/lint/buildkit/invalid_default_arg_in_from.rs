//! InvalidDefaultArgInFrom: the ARG defaults must give a valid base image name.

use crate::catalog::reference::ImageReference;
use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::lint::semantic::stage_index;

pub const DOC: RuleDoc = RuleDoc {
    code: "InvalidDefaultArgInFrom",
    name: "invalid-default-arg-in-from",
    set: RuleSet::BuildKit,
    summary: "Default value for global ARG results in an empty or invalid base image name",
    rationale: "Without `--build-arg`, the FROM line must still name an image; an empty or half default (`busybox:`) makes the build fail for anyone who forgets the flag.",
    bad: "ARG TAG\nFROM busybox:${TAG}\n",
    good: "ARG TAG=latest\nFROM busybox:${TAG}\n",
    url: "https://docs.docker.com/go/dockerfile/rule/invalid-default-arg-in-from/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// The base name expanded with the global ARG defaults only (no build args).
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for (i, stage) in cx.typed.stages.iter().enumerate() {
        let raw = &stage.base.value;
        if cx
            .lex
            .variable_references(raw, &cx.semantics.global_defaults)
            .is_empty()
        {
            continue;
        }
        let Ok(expanded) = cx.lex.process_word(raw, &cx.semantics.global_defaults) else {
            continue;
        };
        let name = expanded.value;
        let valid = !name.is_empty()
            && (name == "scratch"
                || stage_index(&cx.typed.stages[..i], &name).is_some()
                || ImageReference::parse_normalized(&name).is_ok());
        if !valid {
            out.push(
                cx.first_line_span(stage.span),
                format!("Default value for ARG {raw} results in empty or invalid base image name"),
            );
        }
    }
}
