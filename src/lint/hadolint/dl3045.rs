//! DL3045: `COPY` to a relative destination without `WORKDIR` set.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3045",
    name: "copy-relative-needs-workdir",
    set: RuleSet::Hadolint,
    summary: "`COPY` to a relative destination without `WORKDIR` set.",
    rationale: "A relative COPY destination lands in the base image's working directory, which you do not control; set WORKDIR first.",
    bad: "FROM node:20\nCOPY package.json .\n",
    good: "FROM node:20\nWORKDIR /app\nCOPY package.json .\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3045",
    default_severity: Severity::Warning,
    off_by_default: false,
};

use std::collections::HashMap;

use super::model::{base_image, drop_quotes, plain};

/// hadolint's bookkeeping: stages keyed by alias (or image name), whether a WORKDIR was
/// set, inherited by `FROM <key>`.
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let mut current: Option<Option<String>> = None; // None = no FROM yet; Some(None) = ONBUILD context
    let mut set: HashMap<Option<String>, bool> = HashMap::new();
    for h in plain(cx) {
        match h.kind() {
            Keyword::From => {
                let b = base_image(h.inst);
                let key = b.alias.unwrap_or(b.name).to_string();
                let parent = set.get(&Some(b.name.to_string())).copied().unwrap_or(false);
                set.insert(Some(key.clone()), parent);
                current = Some(Some(key));
            }
            Keyword::Workdir => {
                let cur = current.clone().unwrap_or(None);
                set.insert(cur.clone(), true);
                current = Some(cur);
            }
            Keyword::Copy => {
                if let Some(cur) = &current {
                    if set.get(cur).copied().unwrap_or(false) {
                        continue;
                    }
                }
                let Some(dest) = h.inst.args.last() else {
                    continue;
                };
                let d = drop_quotes(&dest.value);
                let tail = d.get(1..).unwrap_or("");
                let absolute = d.starts_with('/')
                    || tail.starts_with(":\\")
                    || tail.starts_with(":/")
                    || d.starts_with('$');
                if !absolute {
                    out.push_summary(h.span(cx));
                }
            }
            _ => {}
        }
    }
}
