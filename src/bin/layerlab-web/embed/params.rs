//! The widget's URL parameters (`embed.html?dockerfile=…&view=layers&readonly=1-3&checks=…`).

use std::collections::BTreeMap;

use layerlab::labcheck::{parse_checks, CheckSpec};

/// The one result view the widget shows beside the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Layers,
    Problems,
    Image,
    Instructions,
}

impl View {
    pub fn parse(s: &str) -> Option<View> {
        match s {
            "layers" => Some(View::Layers),
            "problems" => Some(View::Problems),
            "image" => Some(View::Image),
            "instructions" => Some(View::Instructions),
            _ => None,
        }
    }
}

/// Everything the URL configures.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedParams {
    pub dockerfile: String,
    pub files: BTreeMap<String, String>,
    pub view: View,
    /// 1-based inclusive line range the learner may not edit.
    pub readonly: Option<(usize, usize)>,
    pub checks: Result<Vec<CheckSpec>, String>,
    /// Origins whose `layerlab:set` messages are obeyed and that receive results.
    pub allow: Vec<String>,
    /// The widget's id, echoed in every message (a host page with several widgets).
    pub id: String,
    /// Problems with the parameters themselves, shown in the widget.
    pub warnings: Vec<String>,
}

/// `1-3` or `2` → (1, 3) / (2, 2).
pub fn parse_range(s: &str) -> Option<(usize, usize)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let (a, b): (usize, usize) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (a >= 1 && a <= b).then_some((a, b))
}

/// Reads the parameters from `(name, value)` pairs (already URL-decoded).
pub fn parse_params(
    pairs: &[(String, String)],
    example: impl Fn(&str) -> Option<(String, BTreeMap<String, String>)>,
) -> EmbedParams {
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut warnings = Vec::new();
    let (mut dockerfile, mut files) = (String::new(), BTreeMap::new());
    if let Some(name) = get("example") {
        match example(&name) {
            Some((d, f)) => {
                dockerfile = d;
                files = f;
            }
            None => warnings.push(format!("unknown example \"{name}\"")),
        }
    }
    if let Some(d) = get("dockerfile") {
        dockerfile = d;
    }
    if let Some(f) = get("files") {
        match serde_json::from_str::<BTreeMap<String, String>>(&f) {
            Ok(map) => files.extend(map),
            Err(e) => warnings.push(format!("files: expected a JSON object of path → text: {e}")),
        }
    }
    let view = match get("view") {
        None => View::Layers,
        Some(v) => View::parse(&v).unwrap_or_else(|| {
            warnings.push(format!(
                "view \"{v}\" is not one of layers, problems, image, instructions"
            ));
            View::Layers
        }),
    };
    let readonly = get("readonly").and_then(|r| {
        let range = parse_range(&r);
        if range.is_none() {
            warnings.push(format!("readonly \"{r}\" is not a line range like 1-3"));
        }
        range
    });
    let checks = match get("checks") {
        None => Ok(Vec::new()),
        Some(c) => parse_checks(&c).map_err(|e| e.to_string()),
    };
    let allow = get("allow")
        .map(|a| {
            a.split(',')
                .map(|o| o.trim().trim_end_matches('/').to_string())
                .filter(|o| !o.is_empty())
                .collect()
        })
        .unwrap_or_default();
    EmbedParams {
        dockerfile,
        files,
        view,
        readonly,
        checks,
        allow,
        id: get("id").unwrap_or_default(),
        warnings,
    }
}
