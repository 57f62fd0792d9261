//! BuildKit's check configuration: the `# check=skip=…;error=…;experimental=…` parser
//! directive, replaced entirely by the `BUILDKIT_DOCKERFILE_CHECK` build arg, and the
//! instruction-level `# check=skip=Rule` comment (`linter.ParseLintOptions`).

use std::collections::BTreeSet;

use crate::syntax::Text;

/// The parsed check options.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckConfig {
    pub skip_all: bool,
    pub skip: BTreeSet<String>,
    pub experimental_all: bool,
    pub experimental: BTreeSet<String>,
    /// `error=true`: violations fail the build.
    pub error: bool,
}

impl CheckConfig {
    /// Whether a finding of `rule` is reported (BuildKit `Linter.Run`): experimental rules
    /// only when enabled (and `skip` does not affect them); others unless skipped.
    pub fn allows(&self, rule: &str, experimental: bool) -> bool {
        if experimental {
            self.experimental_all || self.experimental.contains(rule)
        } else {
            !(self.skip_all || self.skip.contains(rule))
        }
    }
}

/// `ParseLintOptions`: up to three `;`-separated `key=value` options. The error texts are
/// BuildKit's.
pub fn parse_check_options(text: &str) -> Result<CheckConfig, String> {
    let text = text.trim();
    let mut config = CheckConfig::default();
    if text.is_empty() {
        return Ok(config);
    }
    for part in text.splitn(3, ';') {
        let Some((key, value)) = part.split_once('=') else {
            return Err(format!(
                "invalid check option {}",
                crate::gostr::go_quote(part)
            ));
        };
        match key.trim() {
            "skip" => {
                let value = value.trim();
                if value == "all" {
                    config.skip_all = true;
                } else {
                    config.skip = value.split(',').map(|r| r.trim().to_string()).collect();
                }
            }
            "experimental" => {
                let value = value.trim();
                if value == "all" {
                    config.experimental_all = true;
                } else {
                    config.experimental =
                        value.split(',').map(|r| r.trim().to_string()).collect();
                }
            }
            "error" => match parse_go_bool(value.trim()) {
                Some(b) => config.error = b,
                None => {
                    return Err(format!(
                        "failed to parse check option {}: strconv.ParseBool: parsing {}: invalid syntax",
                        crate::gostr::go_quote(part),
                        crate::gostr::go_quote(value.trim())
                    ))
                }
            },
            other => {
                return Err(format!(
                    "invalid check option {}",
                    crate::gostr::go_quote(other)
                ))
            }
        }
    }
    Ok(config)
}

/// Go's `strconv.ParseBool`.
fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// The rules a `# check=skip=A,B // reason` comment directly above an instruction skips for
/// that instruction only (`all` skips every rule). Text after a rule name (a `//` reason) is
/// ignored.
pub fn instruction_skips(prev_comments: &[Text]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for comment in prev_comments {
        let Some(rest) = comment.trim().strip_prefix("check") else {
            continue;
        };
        let Some(value) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        for option in value.split(';') {
            let Some((key, rules)) = option.split_once('=') else {
                continue;
            };
            if key.trim() != "skip" {
                continue;
            }
            for rule in rules.split(',') {
                if let Some(name) = rule.split_whitespace().next() {
                    out.insert(name.to_string());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_as_buildkit_parses_them() {
        let c = parse_check_options("skip=A, B;error=true").unwrap();
        assert!(c.error && c.skip.contains("A") && c.skip.contains("B"));
        assert!(!c.allows("A", false) && c.allows("C", false) && !c.allows("C", true));
        let c = parse_check_options("skip=all;experimental=X").unwrap();
        assert!(!c.allows("A", false) && c.allows("X", true));
        assert_eq!(
            parse_check_options("bogus=1").unwrap_err(),
            "invalid check option \"bogus\""
        );
        assert_eq!(
            parse_check_options("skip").unwrap_err(),
            "invalid check option \"skip\""
        );
        assert!(parse_check_options("error=maybe").is_err());
    }

    #[test]
    fn instruction_level_skip_ignores_reasons() {
        let skips = instruction_skips(&[Text::from("check=skip=SecretsUsedInArgOrEnv // why")]);
        assert!(skips.contains("SecretsUsedInArgOrEnv"));
        assert!(instruction_skips(&["check=skip=all // x".into()]).contains("all"));
        assert!(instruction_skips(&["a comment".into()]).is_empty());
    }
}
