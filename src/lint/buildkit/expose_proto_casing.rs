//! ExposeProtoCasing: the protocol in EXPOSE should be lowercase.

use crate::diagnostic::Severity;
use crate::instructions::Command;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

use super::dispatch::dispatch;

pub const DOC: RuleDoc = RuleDoc {
    code: "ExposeProtoCasing",
    name: "expose-proto-casing",
    set: RuleSet::BuildKit,
    summary: "Protocol in EXPOSE instruction should be lowercase",
    rationale: "Protocols are `tcp`/`udp`/`sctp`; other casings are normalised by some tools and rejected by others.",
    bad: "FROM alpine\nEXPOSE 80/TcP\n",
    good: "FROM alpine\nEXPOSE 80/tcp\n",
    url: "https://docs.docker.com/go/dockerfile/rule/expose-proto-casing/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// The EXPOSE entries as BuildKit sees them (expanded and split into words).
pub fn expose_ports(
    cx: &LintContext<'_>,
    env: &crate::expand::Env,
    ports: &[crate::syntax::Word],
) -> Vec<String> {
    let mut out = Vec::new();
    for p in ports {
        match cx.lex.process_words(&p.value, env) {
            Ok(words) => out.extend(words),
            Err(_) => out.push(p.value.to_string()),
        }
    }
    out
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for d in dispatch(cx) {
        let Command::Expose(e) = &d.command.value else {
            continue;
        };
        for port in expose_ports(cx, &d.before.env, &e.ports) {
            if let Some((_, proto)) = port.split_once('/') {
                if proto.to_lowercase() != proto {
                    out.push(
                        cx.first_line_span(d.command.span),
                        format!(
                            "Defined protocol '{port}' in EXPOSE instruction should be lowercase"
                        ),
                    );
                }
            }
        }
    }
}
