//! ExposeInvalidFormat: EXPOSE takes container ports, not IPs or host mappings.

use crate::diagnostic::Severity;
use crate::instructions::Command;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

use super::dispatch::dispatch;
use super::expose_proto_casing::expose_ports;

pub const DOC: RuleDoc = RuleDoc {
    code: "ExposeInvalidFormat",
    name: "expose-invalid-format",
    set: RuleSet::BuildKit,
    summary: "IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release",
    rationale: "EXPOSE documents the container's ports; which host address and port to publish on is decided by `docker run -p`, and the IP/host part is ignored today.",
    bad: "FROM alpine\nEXPOSE 127.0.0.1:80:80\n",
    good: "FROM alpine\nEXPOSE 80\n",
    url: "https://docs.docker.com/go/dockerfile/rule/expose-invalid-format/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for d in dispatch(cx) {
        let Command::Expose(e) = &d.command.value else {
            continue;
        };
        for port in expose_ports(cx, &d.before.env, &e.ports) {
            if port.contains(':') {
                out.push(
                    cx.first_line_span(d.command.span),
                    format!("EXPOSE instruction should not define an IP address or host-port mapping, found '{port}'"),
                );
            }
        }
    }
}
