//! LegacyKeyValueFormat: `ENV key=value`, not `ENV key value`.

use crate::diagnostic::Severity;
use crate::instructions::Command;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

use super::dispatch::dispatch;

pub const DOC: RuleDoc = RuleDoc {
    code: "LegacyKeyValueFormat",
    name: "legacy-key-value-format",
    set: RuleSet::BuildKit,
    summary: "Legacy key/value format with whitespace separator should not be used",
    rationale: "`ENV key value` sets one variable to the whole rest of the line, spaces included; it cannot set several and reads like two words. `key=value` is unambiguous.",
    bad: "FROM alpine\nENV DEPS curl git make\n",
    good: "FROM alpine\nENV DEPS=\"curl git make\"\n",
    url: "https://docs.docker.com/go/dockerfile/rule/legacy-key-value-format/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// Dispatch-time (only stages that are built).
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for d in dispatch(cx) {
        let (name, legacy) = match &d.command.value {
            Command::Env(e) => ("ENV", e.pairs.iter().any(|p| p.legacy)),
            Command::Label(l) => ("LABEL", l.pairs.iter().any(|p| p.legacy)),
            _ => continue,
        };
        if legacy {
            out.push(
                cx.first_line_span(d.command.span),
                format!(
                    "\"{name} key=value\" should be used instead of legacy \"{name} key value\" format"
                ),
            );
        }
    }
}
