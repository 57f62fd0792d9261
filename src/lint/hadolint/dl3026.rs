//! DL3026: Use only an allowed registry in the FROM image

use crate::diagnostic::Severity;
use crate::lint::context::{LintContext, Report};
use crate::lint::rule::{RuleDoc, RuleSet};
use crate::syntax::Keyword;

pub const DOC: RuleDoc = RuleDoc {
    code: "DL3026",
    name: "allowed-registries",
    set: RuleSet::Hadolint,
    summary: "Use only an allowed registry in the FROM image",
    rationale: "Images from registries your organisation has not vetted are a supply-chain risk; the allow list (`trustedRegistries`) makes the policy checkable.",
    bad: "# trustedRegistries: [docker.io]\nFROM random.com/debian\n",
    good: "# trustedRegistries: [docker.io]\nFROM debian:12\n",
    url: "https://github.com/hadolint/hadolint/wiki/DL3026",
    default_severity: Severity::Error,
    off_by_default: false,
};

use super::model::{base_image, plain};

fn allowed(cx: &LintContext<'_>, registry: &str) -> bool {
    cx.options.hadolint.allowed_registries.iter().any(|a| {
        a == "*"
            || a == registry
            || a.strip_prefix('*')
                .is_some_and(|suffix| registry.ends_with(suffix))
    })
}

fn registry_of(image: &str) -> Option<&str> {
    match image.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            Some(first)
        }
        _ => None,
    }
}

fn image_allowed(cx: &LintContext<'_>, image: &str) -> bool {
    let list = &cx.options.hadolint.allowed_registries;
    match registry_of(image) {
        Some(r) => allowed(cx, r),
        None => {
            image == "scratch"
                || list
                    .iter()
                    .any(|a| a == "docker.io" || a == "hub.docker.com" || a == "*")
        }
    }
}

pub fn check(cx: &LintContext<'_>, out: &mut Report) {
    if cx.options.hadolint.allowed_registries.is_empty() {
        return;
    }
    let mut aliases: Vec<&str> = Vec::new();
    for h in plain(cx) {
        match h.kind() {
            Keyword::From => {
                let b = base_image(h.inst);
                let image = h.inst.args.first().map_or("", |w| w.value.as_str());
                let name_only = image.split(['@']).next().unwrap_or("");
                let name_only = name_only
                    .rsplit_once(':')
                    .filter(|(_, t)| !t.contains('/'))
                    .map_or(name_only, |(n, _)| n);
                if !aliases.contains(&name_only) && !image_allowed(cx, image) {
                    out.push_summary(h.span(cx));
                }
                if let Some(a) = b.alias {
                    aliases.push(a);
                }
            }
            Keyword::Copy => {
                if let Some(from) = h.flag("from") {
                    if registry_of(from).is_some() && !image_allowed(cx, from) {
                        out.push_summary(h.span(cx));
                    }
                }
            }
            Keyword::Run => {
                let bad = h.inst.flags.iter().filter(|f| f.name == "mount").any(|f| {
                    f.value.as_deref().unwrap_or("").split(',').any(|kv| {
                        kv.strip_prefix("from=").is_some_and(|from| {
                            registry_of(from).is_some() && !image_allowed(cx, from)
                        })
                    })
                });
                if bad {
                    out.push_summary(h.span(cx));
                }
            }
            _ => {}
        }
    }
}
