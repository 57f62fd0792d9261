//! UndefinedArgInFrom: FROM must use declared ARGs.

use std::collections::BTreeSet;

use crate::diagnostic::Severity;
use crate::instructions::suggest_search;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::lint::semantic::BUILTIN_PLATFORM_ARGS;

pub const DOC: RuleDoc = RuleDoc {
    code: "UndefinedArgInFrom",
    name: "undefined-arg-in-from",
    set: RuleSet::BuildKit,
    summary: "FROM command must use declared ARGs",
    rationale: "FROM can only use ARGs declared before the first FROM (and BuildKit's platform args); anything else expands to an empty string, usually a typo.",
    bad: "FROM node:${NODE_VERSION}-alpine\n",
    good: "ARG NODE_VERSION=22\nFROM node:${NODE_VERSION}-alpine\n",
    url: "https://docs.docker.com/go/dockerfile/rule/undefined-arg-in-from/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let mut known: Vec<&str> = cx
        .semantics
        .global_arg_names
        .iter()
        .map(String::as_str)
        .collect();
    known.extend(BUILTIN_PLATFORM_ARGS);
    for stage in &cx.typed.stages {
        let mut words = vec![stage.base.value.as_str()];
        if let Some(p) = &stage.platform {
            words.push(p.value.as_str());
        }
        let mut undefined = BTreeSet::new();
        for word in words {
            for r in cx.lex.variable_references(word, &cx.semantics.global_args) {
                if !known.contains(&r.name.as_str()) {
                    undefined.insert(r.name);
                }
            }
        }
        for name in undefined {
            let mut message = format!("FROM argument '{name}' is not declared");
            if let Some(s) = suggest_search(&name, &known, true) {
                message.push_str(&format!(" (did you mean {s}?)"));
            }
            out.push(cx.first_line_span(stage.span), message);
        }
    }
}
