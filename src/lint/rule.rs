//! What a rule is: its documentation ([`RuleDoc`], shown by the UI and written into SARIF)
//! and its check function. Every rule lives in its own file next to its doc.

use serde::Serialize;

use super::context::{LintContext, Report};
use crate::diagnostic::Severity;

/// The family a rule belongs to (selectable in [`super::LintOptions::rule_sets`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSet {
    /// Docker BuildKit's build checks (`docker build --check`), with BuildKit's names,
    /// messages and URLs, controlled by the `# check=` directive.
    BuildKit,
    /// hadolint's `DL` rules with hadolint's codes and messages, controlled by
    /// `# hadolint ignore=` pragmas.
    Hadolint,
    /// layerlab's own rules (`LL…`), about layers and image size.
    Layerlab,
}

impl RuleSet {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSet::BuildKit => "buildkit",
            RuleSet::Hadolint => "hadolint",
            RuleSet::Layerlab => "layerlab",
        }
    }
}

/// A rule's documentation: what the UI shows beside a finding, what SARIF carries as rule
/// metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RuleDoc {
    /// The diagnostic code: the BuildKit check name (`StageNameCasing`), the hadolint code
    /// (`DL3008`) or layerlab's (`LL001`).
    pub code: &'static str,
    /// A short human name (`stage-name-casing`, `apt-get-pin-versions`).
    pub name: &'static str,
    pub set: RuleSet,
    /// One sentence: what is checked (BuildKit's/hadolint's description where they have one).
    pub summary: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// A Dockerfile that triggers the rule.
    pub bad: &'static str,
    /// The same Dockerfile fixed.
    pub good: &'static str,
    /// The upstream documentation page (empty when there is none).
    pub url: &'static str,
    /// Severity when no override applies.
    pub default_severity: Severity,
    /// Off unless switched on: BuildKit's experimental checks (`# check=experimental=`),
    /// hadolint's `ignore`-severity rules (DL1001, DL3057).
    pub off_by_default: bool,
}

/// A rule: its doc and the function that finds violations.
#[derive(Clone, Copy)]
pub struct Rule {
    pub doc: RuleDoc,
    pub check: fn(&LintContext<'_>, &mut Report),
}
