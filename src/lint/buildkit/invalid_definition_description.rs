//! InvalidDefinitionDescription (experimental): description comments name what they
//! describe.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::span::Span;
use crate::syntax::Text;

pub const DOC: RuleDoc = RuleDoc {
    code: "InvalidDefinitionDescription",
    name: "invalid-definition-description",
    set: RuleSet::BuildKit,
    summary: "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.",
    rationale: "`docker buildx build --call=outline` shows a comment right above an ARG or a named FROM as its description only when it starts with the name; other comments there are taken for broken descriptions.",
    bad: "# check=experimental=InvalidDefinitionDescription\n# a non-descriptive comment\nFROM scratch AS base\n",
    good: "# check=experimental=InvalidDefinitionDescription\n# base is a stage for compiling source\nFROM scratch AS base\n",
    url: "https://docs.docker.com/go/dockerfile/rule/invalid-definition-description/",
    default_severity: Severity::Warning,
    off_by_default: true,
};

fn validate(out: &mut Report, span: Span, kind: &str, keys: &[&str], comments: &[Text]) {
    let (Some(last), Some(first_key)) = (comments.last(), keys.first()) else {
        return;
    };
    let first_word = last.split(' ').next().unwrap_or("");
    if keys.contains(&first_word) {
        return;
    }
    let example = if keys.len() > 1 {
        "<arg_key>"
    } else {
        first_key
    };
    out.push(
        span,
        format!("Comment for {kind} should follow the format: `# {example} <description>`"),
    );
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let instructions = cx.instructions();
    // Global ARGs.
    for arg in &cx.typed.meta_args {
        if let Some(inst) = instructions.get(arg.index) {
            let keys: Vec<&str> = arg
                .value
                .args
                .iter()
                .map(|p| p.key.value.as_str())
                .collect();
            validate(
                out,
                cx.first_line_span(arg.span),
                "ARG",
                &keys,
                &inst.prev_comments,
            );
        }
    }
    for stage in &cx.typed.stages {
        if let (Some(name), Some(inst)) = (&stage.name, instructions.get(stage.index)) {
            validate(
                out,
                cx.first_line_span(stage.span),
                "FROM",
                &[name.as_str()],
                &inst.prev_comments,
            );
        }
        for cmd in &stage.commands {
            if let crate::instructions::Command::Arg(a) = &cmd.value {
                if let Some(inst) = instructions.get(cmd.index) {
                    let keys: Vec<&str> = a.args.iter().map(|p| p.key.value.as_str()).collect();
                    validate(
                        out,
                        cx.first_line_span(cmd.span),
                        "ARG",
                        &keys,
                        &inst.prev_comments,
                    );
                }
            }
        }
    }
}
