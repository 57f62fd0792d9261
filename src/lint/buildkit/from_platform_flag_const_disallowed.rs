//! FromPlatformFlagConstDisallowed: `FROM --platform` should not be a constant.

use crate::catalog::base_images::Platform;
use crate::diagnostic::Severity;
use crate::expand::Env;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};

pub const DOC: RuleDoc = RuleDoc {
    code: "FromPlatformFlagConstDisallowed",
    name: "from-platform-flag-const-disallowed",
    set: RuleSet::BuildKit,
    summary: "FROM --platform flag should not use a constant value",
    rationale: "A hard-coded platform makes the stage ignore `--platform` and multi-platform builds (emulated, slow, or wrong-arch output). Use $BUILDPLATFORM or name the stage after the platform when it is intended.",
    bad: "FROM --platform=linux/amd64 golang AS builder\n",
    good: "FROM --platform=$BUILDPLATFORM golang AS builder\n",
    url: "https://docs.docker.com/go/dockerfile/rule/from-platform-flag-const-disallowed/",
    default_severity: Severity::Warning,
    off_by_default: false,
};

/// A constant that parses as a platform, unless the stage name contains its OS or
/// architecture (an intended per-platform stage).
pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    for stage in &cx.typed.stages {
        let Some(platform) = &stage.platform else {
            continue;
        };
        if !cx
            .lex
            .variable_references(&platform.value, &Env::new())
            .is_empty()
        {
            continue;
        }
        let Ok(p) = Platform::parse(&platform.value) else {
            continue;
        };
        if let Some(name) = &stage.name {
            if name.contains(&p.os) || name.contains(&p.architecture) {
                continue;
            }
        }
        out.push(
            cx.first_line_span(stage.span),
            format!(
                "FROM --platform flag should not use constant value {}",
                crate::gostr::go_quote(&platform.value)
            ),
        );
    }
}
