//! SARIF 2.1.0 output: findings with rule metadata from [`super::rule_docs`], for code
//! scanning UIs (GitHub, GitLab, VS Code SARIF viewer).

use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, Severity};
use crate::span::LineIndex;

use super::{rule_doc, rule_docs};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A SARIF log with one run of layerlab over the file at `uri` (its text `source`).
pub fn to_sarif(uri: &str, source: &str, diagnostics: &[Diagnostic]) -> Value {
    let index = LineIndex::new(source);
    let rules: Vec<Value> = rule_docs()
        .iter()
        .map(|d| {
            let mut rule = json!({
                "id": d.code,
                "name": d.name,
                "shortDescription": { "text": d.summary },
                "fullDescription": { "text": d.rationale },
                "help": {
                    "text": format!("{}\n\nBad:\n{}\nGood:\n{}", d.rationale, d.bad, d.good),
                    "markdown": format!(
                        "{}\n\n**Bad**\n```dockerfile\n{}```\n**Good**\n```dockerfile\n{}```",
                        d.rationale, d.bad, d.good
                    ),
                },
                "defaultConfiguration": {
                    "level": level(d.default_severity),
                    "enabled": !d.off_by_default,
                },
                "properties": { "ruleSet": d.set.as_str() },
            });
            if !d.url.is_empty() {
                rule["helpUri"] = json!(d.url);
            }
            rule
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let start = index.line_col(source, d.span.start);
            let end = index.line_col(source, d.span.end);
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                        }
                    }
                }],
            });
            if let Some(i) = rule_docs().iter().position(|r| r.code == d.code) {
                result["ruleIndex"] = json!(i);
            }
            if rule_doc(&d.code).is_none() {
                result["properties"] = json!({ "origin": "parser" });
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "layerlab",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "results": results,
        }]
    })
}
