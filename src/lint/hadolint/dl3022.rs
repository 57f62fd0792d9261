//! DL3022: `COPY --from` should reference a previously defined `FROM` alias

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3022",
    name: "copy-from-known-alias",
    set: RuleSet::Hadolint,
    summary: "`COPY --from` should reference a previously defined `FROM` alias",
    rationale: "`COPY --from=name` with a name that is not an earlier stage pulls an image of that name from a registry instead.",
    bad: "FROM alpine:3.20\nCOPY --from=build /app /app\n",
    good: "FROM golang:1.22 AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3022",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use super::model::{base_image, plain};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let mut aliases: Vec<&str> = Vec::new();
    let mut stages = 0usize;
    for h in plain(cx) {
        match h.kind() {
            Keyword::From => {
                if let Some(a) = base_image(h.inst).alias {
                    aliases.push(a);
                }
                stages += 1;
            }
            Keyword::Copy => {
                let Some(from) = h.flag("from") else { continue };
                let known = aliases.contains(&from)
                    || from.parse::<usize>().is_ok_and(|n| n < stages)
                    || from.contains(':')
                    || from.starts_with('$');
                if !known {
                    out.push_summary(h.span(cx));
                }
            }
            _ => {}
        }
    }
}
