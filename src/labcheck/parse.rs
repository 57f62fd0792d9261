//! Reads the author's JSON list of checks, with errors that name the check and the field.

use serde_json::{Map, Value};

use super::{Check, CheckSpec};

/// Why the checks JSON was rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecksError(pub String);

impl std::fmt::Display for ChecksError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "lab checks: {}", self.0)
    }
}

impl std::error::Error for ChecksError {}

const TYPES: &str = "max_layers, base_image, rule_absent, no_errors, file_exists, exposes, cmd, entrypoint, user, max_size";

/// The most checks one list may hold (a widget URL is not a place for thousands).
pub const MAX_CHECKS: usize = 100;

/// Parses the JSON text of a check list.
pub fn parse_checks(json: &str) -> Result<Vec<CheckSpec>, ChecksError> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| ChecksError(format!("not valid JSON: {e}")))?;
    parse_checks_value(&value)
}

/// Parses an already-decoded JSON value (the postMessage API hands objects, not text).
pub fn parse_checks_value(value: &Value) -> Result<Vec<CheckSpec>, ChecksError> {
    let Value::Array(items) = value else {
        return Err(ChecksError(
            "expected a JSON array of checks, like [{\"type\":\"max_layers\",\"value\":5}]".into(),
        ));
    };
    if items.len() > MAX_CHECKS {
        return Err(ChecksError(format!(
            "{} checks; at most {MAX_CHECKS} are allowed",
            items.len()
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_one(i + 1, item))
        .collect()
}

fn parse_one(n: usize, item: &Value) -> Result<CheckSpec, ChecksError> {
    let Value::Object(obj) = item else {
        return Err(ChecksError(format!(
            "check {n}: expected an object with a \"type\""
        )));
    };
    let Some(kind) = obj.get("type").and_then(Value::as_str) else {
        return Err(ChecksError(format!(
            "check {n}: missing \"type\" (one of {TYPES})"
        )));
    };
    let field = Field { n, kind, obj };
    let check = match kind {
        "max_layers" => Check::MaxLayers {
            value: field.uint("value")?,
        },
        "base_image" => Check::BaseImage {
            pattern: field.string("pattern")?,
        },
        "rule_absent" => Check::RuleAbsent {
            code: field.string("code")?,
        },
        "no_errors" => Check::NoErrors,
        "file_exists" => {
            let path = field.string("path")?;
            if !path.starts_with('/') {
                return Err(field.error("path", "must be an absolute path like \"/app/app.py\""));
            }
            Check::FileExists { path }
        }
        "exposes" => {
            let port = match obj.get("port") {
                Some(Value::Number(p)) if p.as_u64().is_some_and(|p| p <= 65_535) => p.to_string(),
                _ => field.string("port")?,
            };
            let (number, proto) = port.split_once('/').unwrap_or((port.as_str(), "tcp"));
            if number.parse::<u16>().is_err() || !matches!(proto, "tcp" | "udp" | "sctp") {
                return Err(field.error("port", "must look like 8000 or \"8000/tcp\""));
            }
            Check::Exposes { port }
        }
        "cmd" => Check::Cmd {
            value: field.strings("value")?,
        },
        "entrypoint" => Check::Entrypoint {
            value: field.strings("value")?,
        },
        "user" => Check::User {
            value: field.string("value")?,
        },
        "max_size" => Check::MaxSize {
            bytes: field.uint("bytes")?,
        },
        other => {
            return Err(ChecksError(format!(
                "check {n}: unknown type \"{other}\" (one of {TYPES})"
            )))
        }
    };
    let label = match obj.get("label") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(field.error("label", "must be a string")),
    };
    Ok(CheckSpec { check, label })
}

struct Field<'a> {
    n: usize,
    kind: &'a str,
    obj: &'a Map<String, Value>,
}

impl Field<'_> {
    fn error(&self, name: &str, what: &str) -> ChecksError {
        ChecksError(format!(
            "check {} ({}): \"{name}\" {what}",
            self.n, self.kind
        ))
    }

    fn string(&self, name: &str) -> Result<String, ChecksError> {
        match self.obj.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            Some(_) => Err(self.error(name, "must be a non-empty string")),
            None => Err(self.error(name, "is missing")),
        }
    }

    fn uint(&self, name: &str) -> Result<u64, ChecksError> {
        match self.obj.get(name) {
            Some(v) => v
                .as_u64()
                .ok_or_else(|| self.error(name, "must be a non-negative integer")),
            None => Err(self.error(name, "is missing")),
        }
    }

    fn strings(&self, name: &str) -> Result<Vec<String>, ChecksError> {
        match self.obj.get(name) {
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| self.error(name, "must be a list of strings")),
            Some(_) => Err(self.error(
                name,
                "must be a list of strings, like [\"python3\",\"app.py\"]",
            )),
            None => Err(self.error(name, "is missing")),
        }
    }
}
