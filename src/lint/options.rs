//! What a lint run is asked to do: build args, target, `.dockerignore`, platform, severity
//! overrides, which rule sets run, and hadolint's configuration.

use crate::context::Dockerignore;
use crate::diagnostic::Severity;

/// Options of [`super::check`]. `LintOptions::default()` runs every rule set on every stage
/// (what `docker build --check` does), with no build args and no `.dockerignore`.
#[derive(Clone, Debug)]
pub struct LintOptions {
    /// `--build-arg NAME=value` pairs, in order. `BUILDKIT_DOCKERFILE_CHECK` among them
    /// replaces the `# check=` directive, as in BuildKit.
    pub build_args: Vec<(String, String)>,
    /// The stage to build. Checks that BuildKit runs while dispatching (UndefinedVar,
    /// LegacyKeyValueFormat, WorkdirRelativePath, CopyIgnoredFile, …) then only see the
    /// stages this target depends on, like a `docker build --target` progress stream.
    pub target: Option<String>,
    /// Check every stage (BuildKit's lint subrequest, `docker build --check`). When false,
    /// only the stages reachable from [`Self::target`] (default: the last stage) are
    /// dispatched.
    pub all_stages: bool,
    /// The build context's `.dockerignore`, for CopyIgnoredFile.
    pub dockerignore: Option<Dockerignore>,
    /// The target platform (`linux/amd64` when `None`), for InvalidBaseImagePlatform.
    pub platform: Option<String>,
    /// Per-code severity overrides: `Some(level)` changes the level (and enables a rule that
    /// is off by default), `None` turns the rule off.
    pub severity_overrides: Vec<(String, Option<Severity>)>,
    pub rule_sets: RuleSets,
    pub hadolint: HadolintConfig,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            build_args: Vec::new(),
            target: None,
            all_stages: true,
            dockerignore: None,
            platform: None,
            severity_overrides: Vec::new(),
            rule_sets: RuleSets::default(),
            hadolint: HadolintConfig::default(),
        }
    }
}

impl LintOptions {
    /// The value of build arg `name`, the last one given winning.
    pub fn build_arg(&self, name: &str) -> Option<&str> {
        self.build_args
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The override for `code`: `None` = no override, `Some(None)` = off.
    pub fn severity_override(&self, code: &str) -> Option<Option<Severity>> {
        self.severity_overrides
            .iter()
            .rev()
            .find(|(c, _)| c == code)
            .map(|(_, s)| *s)
    }
}

/// Which rule families run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleSets {
    pub buildkit: bool,
    pub hadolint: bool,
    pub layerlab: bool,
}

impl Default for RuleSets {
    fn default() -> Self {
        RuleSets {
            buildkit: true,
            hadolint: true,
            layerlab: true,
        }
    }
}

/// The type a hadolint label schema requires of a label (`label-schema` in `.hadolint.yaml`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelType {
    RawText,
    Url,
    Rfc3339,
    Spdx,
    GitHash,
    SemVer,
    Email,
}

/// hadolint's configuration file options that change rule results.
#[derive(Clone, Debug, Default)]
pub struct HadolintConfig {
    /// `trustedRegistries`: when non-empty, DL3026 allows only these (`*` wildcards).
    pub allowed_registries: Vec<String>,
    /// `label-schema`: required labels and their types (DL3049–DL3058).
    pub label_schema: Vec<(String, LabelType)>,
    /// `strict-labels`: labels outside the schema are superfluous (DL3050).
    pub strict_labels: bool,
}
