//! `RUN --mount=…` and `RUN --device=…` values, split as BuildKit does at parse time.
//!
//! BuildKit parses mounts twice: at parse time without a variable expander (only CSV syntax
//! and a variable in `from=` are checked; every other key is deferred), and again at
//! dispatch with expansion. This module does the parse-time part and keeps every field, so
//! the later stage (after `crate::expand`) can type them.

use serde::Serialize;

use super::bflags::FlagValue;

/// One `key[=value]` field of a mount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountField {
    /// Lower-cased key.
    pub key: String,
    pub value: Option<String>,
}

/// A `--mount` flag value split into its CSV fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MountSpec {
    pub raw: FlagValue,
    pub fields: Vec<MountField>,
}

impl MountSpec {
    /// The last value given for `key` (or one of its aliases, e.g. `target`/`dst`).
    pub fn get(&self, keys: &[&str]) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|f| keys.contains(&f.key.as_str()))
            .and_then(|f| f.value.as_deref())
    }

    /// `type=` (default `bind`), lower-cased.
    pub fn mount_type(&self) -> String {
        self.get(&["type"]).unwrap_or("bind").to_lowercase()
    }
}

/// Go's `encoding/csv` reading one record (the subset BuildKit mount values use).
pub fn split_csv(value: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let chars: Vec<char> = value.chars().collect();
    let mut i = 0;
    let column = |i: usize| i + 1;
    loop {
        let mut field = String::new();
        if chars.get(i) == Some(&'"') {
            i += 1;
            loop {
                match chars.get(i) {
                    None => {
                        return Err(format!(
                            "parse error on line 1, column {}: extraneous or missing \" in quoted-field",
                            column(i)
                        ))
                    }
                    Some('"') if chars.get(i + 1) == Some(&'"') => {
                        field.push('"');
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(&c) => {
                        field.push(c);
                        i += 1;
                    }
                }
            }
            match chars.get(i) {
                None | Some(',') => {}
                Some(_) => {
                    return Err(format!(
                    "parse error on line 1, column {}: extraneous or missing \" in quoted-field",
                    column(i)
                ))
                }
            }
        } else {
            while let Some(&c) = chars.get(i) {
                if c == ',' {
                    break;
                }
                if c == '"' {
                    return Err(format!(
                        "parse error on line 1, column {}: bare \" in non-quoted-field",
                        column(i)
                    ));
                }
                field.push(c);
                i += 1;
            }
        }
        fields.push(field);
        if chars.get(i) == Some(&',') {
            i += 1;
            continue;
        }
        break;
    }
    Ok(fields)
}

/// Parse-time check of one `--mount` value (BuildKit `parseMount` with no expander).
pub fn parse_mount(raw: FlagValue) -> Result<MountSpec, String> {
    let fields = split_csv(&raw.value).map_err(|e| format!("failed to parse csv mounts: {e}"))?;
    let mut out = Vec::new();
    for field in fields {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k.to_lowercase(), Some(v.to_string())),
            None => (field.to_lowercase(), None),
        };
        if key == "from" {
            if let Some(v) = &value {
                if let Some(idx) = v.find('$') {
                    if idx != v.len() - 1 {
                        return Err(
                            "'from' doesn't support variable expansion, define alias stage instead"
                                .to_string(),
                        );
                    }
                }
            }
        }
        out.push(MountField { key, value });
    }
    Ok(MountSpec { raw, fields: out })
}

/// A `--device` value (BuildKit `ParseDevice`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Device {
    pub name: String,
    pub required: bool,
    pub raw: FlagValue,
}

/// BuildKit's `ParseDevice`: `name[,required[=bool]]`, `name=` may be explicit.
pub fn parse_device(raw: FlagValue) -> Result<Device, String> {
    let fields = split_csv(&raw.value).map_err(|e| format!("failed to parse csv devices: {e}"))?;
    let mut name = String::new();
    let mut required = false;
    for field in fields {
        let (key, value) = match field.split_once('=') {
            Some((k, v)) => (k.to_lowercase(), Some(v)),
            None => (field.to_lowercase(), None),
        };
        match (key.as_str(), value) {
            ("required", None) => required = true,
            ("required", Some(v)) => {
                required =
                    parse_go_bool(v).ok_or_else(|| format!("invalid value for {key}: {v}"))?;
            }
            ("name", Some(v)) => {
                if !name.is_empty() {
                    return Err(format!("device name already set to {name}"));
                }
                name = v.to_string();
            }
            _ => {
                if !name.is_empty() {
                    return Err(format!("device name already set to {name}"));
                }
                name = field.clone();
            }
        }
    }
    Ok(Device {
        name,
        required,
        raw,
    })
}

/// Go's `strconv.ParseBool`.
pub fn parse_go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn fv(s: &str) -> FlagValue {
        FlagValue {
            value: s.to_string(),
            span: Span::default(),
        }
    }

    #[test]
    fn mounts_and_devices() {
        let m = parse_mount(fv("type=cache,target=/root/.cache,\"id=a,b\"")).unwrap();
        assert_eq!(m.mount_type(), "cache");
        assert_eq!(m.get(&["target", "dst"]), Some("/root/.cache"));
        assert_eq!(m.get(&["id"]), Some("a,b"));
        assert!(parse_mount(fv("type=bind,from=$X/y")).is_err());
        assert!(parse_mount(fv("type=bind,a\"b")).is_err());
        let d = parse_device(fv("vendor1.com/device=foo,required")).unwrap();
        assert_eq!(
            (d.name.as_str(), d.required),
            ("vendor1.com/device=foo", true)
        );
        let d = parse_device(fv("name=vendor1.com/device=foo")).unwrap();
        assert_eq!(d.name, "vendor1.com/device=foo");
        assert_eq!(
            parse_device(fv("vendor1.com/device=foo,name=vendor2.com/device=bar")).unwrap_err(),
            "device name already set to vendor1.com/device=foo"
        );
    }
}
