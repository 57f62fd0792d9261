//! DL3044: Do not refer to an environment variable within the same `ENV` statement where it is defined.

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3044",
    name: "env-self-reference",
    set: RuleSet::Hadolint,
    summary: "Do not refer to an environment variable within the same `ENV` statement where it is defined.",
    rationale: "Within one ENV instruction every value is expanded with the environment from before it: `ENV A=1 B=$A` sets B to the old A, not 1.",
    bad: "FROM alpine:3.20\nENV A=1 B=$A\n",
    good: "FROM alpine:3.20\nENV A=1\nENV B=$A\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3044",
    default_severity: Severity::Error,
    off_by_default: false,
};

use crate::expand::Env;

use super::model::plain;

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let empty = Env::new();
    for h in plain(cx).filter(|h| h.kind() == Keyword::Env) {
        // parseNameVal: key, value, separator triples.
        let args = &h.inst.args;
        if args.len() < 3 || !args.len().is_multiple_of(3) {
            continue;
        }
        let mut defined: Vec<&str> = Vec::new();
        let mut bad = false;
        for triple in args.chunks(3) {
            let (key, value) = (&triple[0].value, &triple[1].value);
            let refs = cx.lex.variable_references(value, &empty);
            if refs.iter().any(|r| defined.contains(&r.name.as_str())) {
                bad = true;
            }
            defined.push(key);
        }
        if bad {
            out.push_summary(h.span(cx));
        }
    }
}
