//! InvalidBaseImagePlatform: the base image does not exist for the platform being built.
//!
//! BuildKit reports this after pulling the image, from the platform the registry returned.
//! layerlab pulls nothing: it reports it when the bundled base-image catalog knows the
//! image and tag but has no manifest for the wanted platform (the "actual" platform is then
//! the first one the catalog has). Images not in the catalog are not checked.

use crate::catalog::base_images::{LookupError, DEFAULT_PLATFORM};
use crate::diagnostic::Severity;
use crate::expand::Env;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::lint::semantic::catalog;

pub const DOC: RuleDoc = RuleDoc {
    code: "InvalidBaseImagePlatform",
    name: "invalid-base-image-platform",
    set: RuleSet::BuildKit,
    summary: "Base image platform does not match expected target platform",
    rationale: "A base image without a manifest for the target platform is pulled for another one (or not at all): binaries then run under emulation or fail with `exec format error`.",
    bad: "FROM --platform=linux/s390x eclipse-temurin:21-jre\n",
    good: "FROM --platform=linux/amd64 eclipse-temurin:21-jre\n",
    url: "",
    default_severity: Severity::Warning,
    off_by_default: false,
};

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    let Some(catalog) = catalog() else { return };
    let target = cx
        .options
        .platform
        .clone()
        .unwrap_or_else(|| DEFAULT_PLATFORM.to_string());
    let mut env = Env::new();
    for (k, v) in cx.semantics.global_args.iter() {
        env.set(k, v);
    }
    env.set("TARGETPLATFORM", target.clone());
    env.set("BUILDPLATFORM", DEFAULT_PLATFORM);
    for (i, stage) in cx.typed.stages.iter().enumerate() {
        let facts = &cx.semantics.stages[i];
        if !facts.reachable || facts.parent.is_some() {
            continue;
        }
        let Some(base) = facts.base_name.as_deref() else {
            continue;
        };
        if base == "scratch" {
            continue;
        }
        let wanted = match &stage.platform {
            Some(p) => match cx.lex.process_word(&p.value, &env) {
                Ok(e) if !e.value.is_empty() => e.value,
                _ => continue,
            },
            None => target.clone(),
        };
        if let Err(LookupError::PlatformNotAvailable {
            reference,
            requested,
            available,
        }) = catalog.lookup(base, Some(&wanted))
        {
            let actual = available.first().cloned().unwrap_or_default();
            out.push(
                cx.first_line_span(stage.span),
                format!(
                    "Base image {reference} was pulled with platform {}, expected {} for current build",
                    crate::gostr::go_quote(&actual),
                    crate::gostr::go_quote(&requested)
                ),
            );
        }
    }
}
