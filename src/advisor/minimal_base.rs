//! `minimal-base`: a smaller base image from the catalog that gives the same thing.
//!
//! Two cases:
//! - the same image line in a smaller variant (`python:3.12` → `python:3.12-slim`), from
//!   [`BaseImageCatalog::smaller_alternatives`]; the fix swaps the reference when the variant
//!   has the same distro (an `alpine` variant is only mentioned when the stage uses no
//!   package manager, since `apt-get` does not exist there);
//! - a general-purpose OS image that installs a language runtime with `apt-get`
//!   (`ubuntu:22.04` + `apt-get install python3 python3-pip`) → the official runtime image
//!   (`python:3.12-slim`). The saving is the base size plus what those packages add
//!   (Installed-Size from the package catalog) minus the runtime image's size, an estimate.
//!   The fix swaps the base and removes the RUNs that only served to install the runtime
//!   (it is offered only when every apt command of the stage is about the runtime).

use super::stage::StageFacts;
use super::{format_bytes, new_advice, with_sizes, Advice, AdviceDoc, Fix, TextEdit};
use crate::catalog::base_images::{BaseImage, BaseImageCatalog};
use crate::simulate::{Catalogs, Certainty};

pub const DOC: AdviceDoc = AdviceDoc {
    id: "minimal-base",
    title: "Use a minimal base image",
    what: "The base image has a smaller variant that serves the same purpose, or a general OS \
           image is used to install a language runtime that an official slim image already \
           provides.",
    why: "The base image is usually most of an image's size: every pull, push and container \
          start pays for it, and every package in it is attack surface. Official `-slim` and \
          `-alpine` variants carry the runtime without compilers, docs and tools.",
    bad: "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y python3 python3-pip\n",
    good: "FROM python:3.12-slim\n",
};

/// A runtime that an official image provides, recognised by the apt packages installing it.
struct Runtime {
    name: &'static str,
    /// Package names (exact) or prefixes ending with `*`.
    packages: &'static [&'static str],
    repository: &'static str,
    /// The tag suffix of the variant to suggest.
    variant: &'static str,
    /// The Debian package whose version tells the runtime version apt would install.
    version_package: &'static str,
}

const RUNTIMES: [Runtime; 3] = [
    Runtime {
        name: "Python",
        packages: &[
            "python3",
            "python3-pip",
            "python3-venv",
            "python3-setuptools",
            "python3-wheel",
            "python3-minimal",
            "python3-full",
            "python-is-python3",
        ],
        repository: "python",
        variant: "-slim",
        version_package: "python3",
    },
    Runtime {
        name: "Node.js",
        packages: &["nodejs", "npm"],
        repository: "node",
        variant: "-slim",
        version_package: "nodejs",
    },
    Runtime {
        name: "Java",
        packages: &[
            "default-jre",
            "default-jre-headless",
            "openjdk-*-jre",
            "openjdk-*-jre-headless",
        ],
        repository: "eclipse-temurin",
        variant: "-jre",
        version_package: "default-jre-headless",
    },
];

/// Repositories that are general-purpose OS images.
const OS_REPOSITORIES: [&str; 2] = ["ubuntu", "debian"];

impl Runtime {
    fn provides(&self, package: &str) -> bool {
        self.packages.iter().any(|p| match p.split_once('*') {
            Some((prefix, suffix)) => {
                package.starts_with(prefix)
                    && package.ends_with(suffix)
                    && package.len() > prefix.len() + suffix.len()
            }
            None => *p == package,
        })
    }
}

pub fn check(facts: &StageFacts, catalogs: &Catalogs) -> Vec<Advice> {
    let (Some(base), Some(catalog)) = (facts.base, catalogs.base_images.as_ref()) else {
        return Vec::new();
    };
    if OS_REPOSITORIES.contains(&base.repository.as_str()) {
        if let Some(advice) = runtime_image(facts, base, catalog) {
            return vec![advice];
        }
    }
    same_line_variant(facts, base, catalog)
        .into_iter()
        .collect()
}

/// `ubuntu` + `apt-get install python3` → `python:3.12-slim`.
fn runtime_image(
    facts: &StageFacts,
    base: &BaseImage,
    catalog: &BaseImageCatalog,
) -> Option<Advice> {
    let requested: Vec<&str> = facts
        .apt_installs
        .iter()
        .flat_map(|a| a.packages.iter().map(|w| w.text.as_str()))
        .collect();
    let runtime = RUNTIMES
        .iter()
        .find(|r| requested.iter().any(|p| r.provides(p)))?;
    let alternative = catalog.images().iter().find(|i| {
        i.repository == runtime.repository
            && i.tag.ends_with(runtime.variant)
            && i.platform == base.platform
    })?;
    let runtime_packages: Vec<&str> = requested
        .iter()
        .copied()
        .filter(|p| runtime.provides(p))
        .collect();
    let with_recommends = facts
        .apt_installs
        .iter()
        .filter(|a| a.packages.iter().any(|w| runtime.provides(&w.text)))
        .any(|a| a.with_recommends);
    let resolution = facts
        .packages
        .map(|p| p.resolve_install(&runtime_packages, with_recommends, &facts.base_packages));
    let package_bytes = resolution.as_ref().map(|r| r.total_installed_bytes);
    let before = package_bytes.map(|b| base.total_size + b);
    let after = Some(alternative.total_size);
    let version = facts
        .packages
        .and_then(|p| p.get(runtime.version_package))
        .map(|p| {
            let data = if facts.packages_exact {
                "apt's"
            } else {
                "the package data's"
            };
            format!(" ({data} {} is {})", runtime.version_package, p.version)
        })
        .unwrap_or_default();
    let lines = apt_lines(facts, runtime);
    let saving_text = match (before, after) {
        (Some(b), Some(a)) if b > a => format!(": −{} (estimated)", format_bytes(b - a)),
        _ => String::new(),
    };
    let title = format!(
        "{} instead of {} + apt {}{saving_text}",
        alternative.reference,
        base.reference,
        runtime_packages.join(" ")
    );
    let mut detail = format!(
        "{} installs {} with apt-get on {}{version}. The official image {} already has {} \
         ({} compressed).",
        line_list(&lines),
        runtime.name,
        base.reference,
        alternative.reference,
        runtime.name,
        format_bytes(alternative.total_size)
    );
    match (&resolution, package_bytes) {
        (Some(r), Some(bytes)) => detail.push_str(&format!(
            " Now: {} ({} compressed) + {} packages for {} ({} installed; {}) ≈ {}.",
            base.reference,
            format_bytes(base.total_size),
            r.packages.len(),
            runtime_packages.join(" "),
            format_bytes(bytes),
            facts.package_source(),
            format_bytes(base.total_size + bytes)
        )),
        _ => detail.push_str(" The packages' size is unknown (no package data for this base)."),
    }
    detail.push_str(&format!(
        " Base sizes are the registry's compressed sizes, package sizes are installed sizes: \
         the saving is an estimate. {} may be a different {} version from apt's: check that \
         the application runs on it.",
        alternative.reference, runtime.name
    ));
    let mut advice = with_sizes(
        new_advice("minimal-base", title, detail, facts.from.span),
        before,
        after,
    );
    advice.lines = std::iter::once(facts.from.start_line)
        .chain(lines)
        .collect();
    crate::sort::sort(&mut advice.lines);
    advice.lines.dedup();
    advice.certainty = Certainty::Estimated;
    advice.fix = runtime_fix(facts, runtime, &alternative.reference);
    Some(advice)
}

/// Lines of the RUNs that install the runtime.
fn apt_lines(facts: &StageFacts, runtime: &Runtime) -> Vec<usize> {
    let mut lines: Vec<usize> = facts
        .apt_installs
        .iter()
        .filter(|a| a.packages.iter().any(|w| runtime.provides(&w.text)))
        .map(|a| facts.line(a.instruction))
        .collect();
    lines.dedup();
    lines
}

fn line_list(lines: &[usize]) -> String {
    match lines {
        [one] => format!("Line {one}"),
        _ => format!(
            "Lines {}",
            lines
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Swap the base and delete the RUNs that only run apt for the runtime; `None` unless every
/// apt command of the stage is one of those.
fn runtime_fix(facts: &StageFacts, runtime: &Runtime, reference: &str) -> Option<Fix> {
    let mut edits = vec![from_edit(facts, reference)?];
    let mut removed = Vec::new();
    for (i, si) in facts.instructions.iter().enumerate() {
        let uses_apt = si
            .commands
            .iter()
            .any(|c| matches!(c.program(), Some("apt-get" | "apt")));
        if !si.is_run() || !uses_apt {
            continue;
        }
        if !si.is_plain_run() {
            return None;
        }
        let only_runtime_apt =
            si.commands
                .iter()
                .all(|c| match (c.program(), c.verb().map(|v| v.text.as_str())) {
                    (Some("apt-get" | "apt"), Some("install")) => {
                        super::stage::apt_install_words(c).is_some_and(|(_, packages, _)| {
                            packages.iter().all(|p| runtime.provides(&p.text))
                        }) && c.args().iter().all(|w| {
                            w.text.starts_with('-')
                                || runtime.provides(&w.text)
                                || w.text == "install"
                        })
                    }
                    (
                        Some("apt-get" | "apt"),
                        Some("update" | "upgrade" | "dist-upgrade" | "clean" | "autoremove"),
                    ) => true,
                    (Some("rm"), _) => c.args().iter().all(|w| {
                        w.text.starts_with('-') || w.text.starts_with("/var/lib/apt/lists")
                    }),
                    _ => false,
                });
        let chained = si
            .commands
            .iter()
            .all(|c| matches!(c.terminator.as_str(), "&&" | ";" | ""));
        if !only_runtime_apt || !chained {
            return None;
        }
        edits.push(TextEdit {
            span: facts.removal_span(i)?,
            new_text: String::new(),
        });
        removed.push(si.ins.start_line);
    }
    let mut description = format!("FROM {reference}");
    if !removed.is_empty() {
        description.push_str(&format!(
            "; remove the RUN{} on line{} {} (apt-get is no longer needed: the image has the \
             runtime, and Docker rebuilds official images when Debian publishes security \
             updates — rebuild with --pull instead of apt-get upgrade)",
            if removed.len() > 1 { "s" } else { "" },
            if removed.len() > 1 { "s" } else { "" },
            removed
                .iter()
                .map(|l| l.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Some(Fix { description, edits })
}

/// Replace the FROM's image word (only a literal reference, without variables).
fn from_edit(facts: &StageFacts, reference: &str) -> Option<TextEdit> {
    let word = facts.from.args.first()?;
    if word.value.contains('$') || word.span.is_empty() {
        return None;
    }
    if facts.text(word.span) != word.value {
        return None;
    }
    Some(TextEdit {
        span: word.span,
        new_text: reference.to_string(),
    })
}

/// `python:3.12` → `python:3.12-slim`.
fn same_line_variant(
    facts: &StageFacts,
    base: &BaseImage,
    catalog: &BaseImageCatalog,
) -> Option<Advice> {
    let alternatives = catalog.smaller_alternatives(base);
    if alternatives.is_empty() {
        return None;
    }
    let base_family = base.distro.as_ref().map(|d| d.family.clone());
    let uses_package_manager = facts.instructions.iter().any(|si| {
        si.commands.iter().any(|c| {
            matches!(
                c.program(),
                Some("apt-get" | "apt" | "apk" | "dpkg" | "yum" | "dnf" | "microdnf")
            )
        })
    });
    // A `-slim` image is already the minimal variant of its distro: another libc (alpine's
    // musl) is a different trade-off, not a best-practice fix.
    let already_minimal = base.tag.contains("slim");
    let compatible = |family: &Option<String>| {
        *family == base_family || (!uses_package_manager && !already_minimal)
    };
    // The suggestion: the smallest compatible variant, preferring one of the same distro.
    let chosen = alternatives
        .iter()
        .filter(|a| compatible(&a.distro_family))
        .find(|a| a.distro_family == base_family)
        .or_else(|| alternatives.iter().find(|a| compatible(&a.distro_family)))?;
    let smallest = &alternatives[0];
    let title = format!(
        "{} instead of {}: −{}",
        chosen.reference,
        base.reference,
        format_bytes(chosen.saving)
    );
    let mut detail = format!(
        "{} is {} (compressed, from the registry); {} is {}. The smaller variant is the same \
         distribution and version with fewer files (documentation, locales, and for language \
         images compilers and headers): install explicitly what the application needs.",
        base.reference,
        format_bytes(base.total_size),
        chosen.reference,
        format_bytes(chosen.total_size)
    );
    if smallest.reference != chosen.reference {
        let why_not = if compatible(&smallest.distro_family) {
            "it is musl-based: check that native dependencies work"
        } else {
            "it has no apt-get, which this stage uses"
        };
        detail.push_str(&format!(
            " {} is smaller still ({}), but {why_not}.",
            smallest.reference,
            format_bytes(smallest.total_size)
        ));
    }
    let mut advice = with_sizes(
        new_advice("minimal-base", title, detail, facts.from.span),
        Some(base.total_size),
        Some(chosen.total_size),
    );
    advice.lines = vec![facts.from.start_line];
    advice.certainty = Certainty::Exact;
    advice.fix = from_edit(facts, &chosen.reference).map(|edit| Fix {
        description: format!("FROM {}", chosen.reference),
        edits: vec![edit],
    });
    Some(advice)
}
