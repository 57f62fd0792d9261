//! Lab checks: the small JSON list a tutorial author writes ("at most 5 layers", "the base
//! image matches `python:*-slim`", "no DL3008") and their evaluation against the learner's
//! Dockerfile, its analysis and its simulated build.
//!
//! ```json
//! [{"type":"max_layers","value":5},
//!  {"type":"base_image","pattern":"python:*-slim"},
//!  {"type":"rule_absent","code":"DL3008"},
//!  {"type":"file_exists","path":"/app/app.py"},
//!  {"type":"exposes","port":"8000/tcp"},
//!  {"type":"cmd","value":["python3","app.py"]},
//!  {"type":"max_size","bytes":150000000}]
//! ```
//!
//! Every check may carry a `"label"` that replaces the default text shown in the checklist.
//! [`parse_checks`] reports the first problem with the check's position and the field;
//! [`evaluate`] gives one [`CheckResult`] per check. Where the simulation cannot decide (a
//! size that depends on a RUN, a file that may come from the base image), the result is
//! `unknown`, which does not count as passed.

mod parse;

pub use parse::{parse_checks, parse_checks_value, ChecksError, MAX_CHECKS};

use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::context::Context;
use crate::image::views::human_size;
use crate::simulate::Catalogs;
use crate::terminal::build::{build, BuildOutcome, BuildRequest, Workspace};
use crate::terminal::{ImageStore, SizeKnowledge, StoredImage};

/// One check as the author wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Check {
    /// The Dockerfile adds at most `value` filesystem layers to the final image.
    MaxLayers { value: u64 },
    /// The final stage's base image matches `pattern` (`*` any text, `?` one character).
    BaseImage { pattern: String },
    /// No diagnostic with this code (`DL3008`, `JSONArgsRecommended`).
    RuleAbsent { code: String },
    /// No error diagnostic at all.
    NoErrors,
    /// The path exists in the final image.
    FileExists { path: String },
    /// The image exposes the port (`8000` means `8000/tcp`).
    Exposes { port: String },
    /// The image's CMD is exactly this list.
    Cmd { value: Vec<String> },
    /// The image's ENTRYPOINT is exactly this list.
    Entrypoint { value: Vec<String> },
    /// The image runs as this user.
    User { value: String },
    /// The final image is smaller than this many bytes.
    MaxSize { bytes: u64 },
}

/// A check with its optional label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckSpec {
    #[serde(flatten)]
    pub check: Check,
    pub label: Option<String>,
}

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    Failed,
    /// The simulation cannot decide (shown as not passed).
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub passed: bool,
    pub status: Status,
    pub label: String,
    /// What was found, in a sentence.
    pub detail: String,
}

/// What the checks look at: the analysis and, when the build succeeded, the image.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    pub analysis: &'a Analysis,
    /// The built image, or the build's error message.
    pub image: Result<&'a StoredImage, &'a str>,
}

/// Analyses the Dockerfile with its simulated build (so the build's own errors, like a COPY
/// source that is not in the context, are diagnostics too) and builds it the way the
/// terminal does, with an empty image store (nothing cached). `now` dates the build.
pub fn analyze_and_build(
    dockerfile: &str,
    context: &Context,
    catalogs: &Catalogs,
    now: i64,
) -> (Analysis, BuildOutcome) {
    let options = crate::simulate::BuildOptions {
        epoch: now,
        ..Default::default()
    };
    let analysis = crate::analysis::analyze_with_context(
        dockerfile.as_bytes(),
        context,
        &options,
        catalogs,
        None,
    );
    let outcome = build(
        &BuildRequest::default(),
        Workspace {
            dockerfile,
            context,
        },
        catalogs,
        &ImageStore::default(),
        now,
    );
    (analysis, outcome)
}

/// The checks' subject for an analysis and a build outcome.
pub fn subject<'a>(analysis: &'a Analysis, outcome: &'a BuildOutcome) -> Subject<'a> {
    Subject {
        analysis,
        image: outcome
            .image
            .as_ref()
            .ok_or(outcome.error.as_deref().unwrap_or("the build failed")),
    }
}

/// Analyses and builds the Dockerfile ([`analyze_and_build`]) and evaluates the checks.
pub fn evaluate_dockerfile(
    checks: &[CheckSpec],
    dockerfile: &str,
    context: &Context,
    catalogs: &Catalogs,
    now: i64,
) -> (Analysis, Vec<CheckResult>) {
    let (analysis, outcome) = analyze_and_build(dockerfile, context, catalogs, now);
    let results = evaluate(checks, subject(&analysis, &outcome));
    (analysis, results)
}

/// Go's `path.Match`-like glob on whole strings: `*` any run of characters, `?` one.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn normalize_port(port: &str) -> String {
    if port.contains('/') {
        port.to_ascii_lowercase()
    } else {
        format!("{port}/tcp")
    }
}

fn default_label(check: &Check) -> String {
    match check {
        Check::MaxLayers { value } => format!("At most {value} layers"),
        Check::BaseImage { pattern } => format!("Base image matches {pattern}"),
        Check::RuleAbsent { code } => format!("No {code} finding"),
        Check::NoErrors => "No errors".to_string(),
        Check::FileExists { path } => format!("{path} exists in the image"),
        Check::Exposes { port } => format!("Exposes {}", normalize_port(port)),
        Check::Cmd { value } => format!("CMD is {}", json_list(value)),
        Check::Entrypoint { value } => format!("ENTRYPOINT is {}", json_list(value)),
        Check::User { value } => format!("Runs as user {value}"),
        Check::MaxSize { bytes } => format!("Image smaller than {}", human_size(*bytes)),
    }
}

fn json_list(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Evaluates each check.
pub fn evaluate(checks: &[CheckSpec], subject: Subject<'_>) -> Vec<CheckResult> {
    checks
        .iter()
        .map(|spec| {
            let (status, detail) = evaluate_one(&spec.check, subject);
            CheckResult {
                passed: status == Status::Passed,
                status,
                label: spec
                    .label
                    .clone()
                    .unwrap_or_else(|| default_label(&spec.check)),
                detail,
            }
        })
        .collect()
}

fn verdict(ok: bool, detail: String) -> (Status, String) {
    (if ok { Status::Passed } else { Status::Failed }, detail)
}

fn evaluate_one(check: &Check, subject: Subject<'_>) -> (Status, String) {
    let image = subject.image;
    let need_image = |f: &dyn Fn(&StoredImage) -> (Status, String)| match image {
        Ok(i) => f(i),
        Err(e) => (Status::Failed, format!("the image does not build: {e}")),
    };
    match check {
        Check::RuleAbsent { code } => {
            let found: Vec<String> = subject
                .analysis
                .diagnostics
                .iter()
                .filter(|d| d.code.eq_ignore_ascii_case(code))
                .map(|d| format!("line {}: {}", d.line, d.message))
                .collect();
            match found.first() {
                None => verdict(true, format!("no {code} finding")),
                Some(first) => verdict(
                    false,
                    format!("{} {code} finding(s); first at {first}", found.len()),
                ),
            }
        }
        Check::NoErrors => {
            let errors: Vec<String> = subject
                .analysis
                .diagnostics
                .iter()
                .filter(|d| d.severity == crate::diagnostic::Severity::Error)
                .map(|d| format!("line {}: {}", d.line, d.message))
                .collect();
            match errors.first() {
                None => verdict(true, "no errors".into()),
                Some(first) => verdict(
                    false,
                    format!("{} error(s); first at {first}", errors.len()),
                ),
            }
        }
        Check::MaxLayers { value } => need_image(&|i| {
            let own = i.layers.iter().filter(|l| l.from_base.is_none()).count() as u64;
            verdict(
                own <= *value,
                format!("the Dockerfile adds {own} layer(s) to the final image (at most {value})"),
            )
        }),
        Check::BaseImage { pattern } => need_image(&|i| match &i.base {
            Some(base) => {
                let with_tag = if base.contains(':') || base.contains('@') || base == "scratch" {
                    base.clone()
                } else {
                    format!("{base}:latest")
                };
                verdict(
                    glob_match(pattern, base) || glob_match(pattern, &with_tag),
                    format!("the final stage starts from {base}"),
                )
            }
            None => verdict(false, "the base image is not known".into()),
        }),
        Check::FileExists { path } => need_image(&|i| {
            let wanted = path.trim_end_matches('/');
            let wanted = if wanted.is_empty() { "/" } else { wanted };
            if wanted == "/" || i.added_paths.iter().any(|p| p == wanted) {
                verdict(true, format!("{wanted} is added by the Dockerfile"))
            } else if i.base.as_deref() == Some("scratch") {
                verdict(false, format!("{wanted} is not in the image"))
            } else {
                (
                    Status::Unknown,
                    format!(
                        "{wanted} is not added by the Dockerfile's COPY/ADD/WORKDIR; it may come from the base image or a RUN, which the simulation does not list"
                    ),
                )
            }
        }),
        Check::Exposes { port } => need_image(&|i| {
            let want = normalize_port(port);
            let ports: Vec<&str> = i.config.exposed_ports.iter().map(String::as_str).collect();
            verdict(
                ports.contains(&want.as_str()),
                if ports.is_empty() {
                    "the image exposes no port".into()
                } else {
                    format!("the image exposes {}", ports.join(", "))
                },
            )
        }),
        Check::Cmd { value } => need_image(&|i| match &i.config.cmd {
            Some(cmd) => verdict(cmd == value, format!("CMD is {}", json_list(cmd))),
            None => verdict(false, "the image has no CMD".into()),
        }),
        Check::Entrypoint { value } => need_image(&|i| match &i.config.entrypoint {
            Some(e) => verdict(e == value, format!("ENTRYPOINT is {}", json_list(e))),
            None => verdict(false, "the image has no ENTRYPOINT".into()),
        }),
        Check::User { value } => need_image(&|i| {
            let user = if i.config.user.is_empty() {
                "root"
            } else {
                i.config.user.as_str()
            };
            verdict(user == value, format!("the image runs as {user}"))
        }),
        Check::MaxSize { bytes } => need_image(&|i| {
            let total = i.size();
            let count =
                |k: SizeKnowledge| i.layers.iter().filter(|l| l.size_knowledge == k).count();
            let (estimated, unknown) = (
                count(SizeKnowledge::Estimated),
                count(SizeKnowledge::Unknown),
            );
            let limit = human_size(*bytes);
            let size = human_size(total);
            let caveat = match (estimated, unknown) {
                (0, 0) => String::new(),
                (e, 0) => format!("; {e} RUN layer(s) estimated"),
                (0, u) => format!("; {u} RUN layer(s) of unknown size not counted"),
                (e, u) => format!("; {e} RUN layer(s) estimated, {u} of unknown size not counted"),
            };
            if total >= *bytes {
                // Over the limit on what is known or estimated: the lab's goal is not met.
                let about = if estimated > 0 {
                    "about "
                } else if unknown > 0 {
                    "at least "
                } else {
                    ""
                };
                verdict(false, format!("{about}{size} (limit {limit}){caveat}"))
            } else if estimated > 0 || unknown > 0 {
                (
                    Status::Unknown,
                    format!("about {size} (limit {limit}){caveat}"),
                )
            } else {
                verdict(true, format!("{size} (limit {limit})"))
            }
        }),
    }
}
