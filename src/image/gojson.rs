//! JSON bytes exactly as Go's `encoding/json` writes them: fields in the order the caller
//! gives (Go's struct declaration order), map keys sorted, compact or `MarshalIndent`ed, no
//! trailing newline, strings escaped like Go (HTML characters `<` `>` `&` as `\u003c` …,
//! U+2028/U+2029 escaped, `\b` `\f` `\n` `\r` `\t` short forms, other controls `\u00XX`).

use std::collections::BTreeMap;

/// A JSON value whose objects keep the order they were built in.
#[derive(Clone, Debug, PartialEq)]
pub enum GoJson {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Array(Vec<GoJson>),
    /// Fields in output order.
    Object(Vec<(String, GoJson)>),
}

/// Builds an object field by field, applying Go's `omitempty` where asked.
#[derive(Default)]
pub struct ObjectBuilder(Vec<(String, GoJson)>);

impl ObjectBuilder {
    pub fn new() -> Self {
        ObjectBuilder(Vec::new())
    }
    /// A field always written.
    pub fn field(mut self, key: &str, value: GoJson) -> Self {
        self.0.push((key.to_string(), value));
        self
    }
    /// A field with `omitempty`: skipped when false, 0, "", null, or an empty array/map.
    pub fn omitempty(self, key: &str, value: GoJson) -> Self {
        let empty = match &value {
            GoJson::Null => true,
            GoJson::Bool(b) => !b,
            GoJson::Int(i) => *i == 0,
            GoJson::Str(s) => s.is_empty(),
            GoJson::Array(a) => a.is_empty(),
            // An empty map is omitted; a struct is never "empty" for omitempty, so callers
            // pass structs through `field`.
            GoJson::Object(o) => o.is_empty(),
        };
        if empty {
            self
        } else {
            self.field(key, value)
        }
    }
    pub fn build(self) -> GoJson {
        GoJson::Object(self.0)
    }
}

impl GoJson {
    pub fn str(s: &str) -> GoJson {
        GoJson::Str(s.to_string())
    }

    /// A Go `[]string`: `null` when absent (nil), else an array.
    pub fn strings(v: Option<&[String]>) -> GoJson {
        match v {
            None => GoJson::Null,
            Some(v) => GoJson::Array(v.iter().map(|s| GoJson::str(s)).collect()),
        }
    }

    /// A Go `map[string]string` (keys sorted).
    pub fn string_map(m: &BTreeMap<String, String>) -> GoJson {
        GoJson::Object(m.iter().map(|(k, v)| (k.clone(), GoJson::str(v))).collect())
    }

    /// A Go `map[string]struct{}` (keys sorted, values `{}`).
    pub fn set(m: &std::collections::BTreeSet<String>) -> GoJson {
        GoJson::Object(
            m.iter()
                .map(|k| (k.clone(), GoJson::Object(Vec::new())))
                .collect(),
        )
    }

    /// `json.Marshal`.
    pub fn to_compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, None, 0);
        out
    }

    /// `json.MarshalIndent(v, "", indent)`.
    pub fn to_indented(&self, indent: &str) -> String {
        let mut out = String::new();
        self.write(&mut out, Some(indent), 0);
        out
    }

    fn write(&self, out: &mut String, indent: Option<&str>, depth: usize) {
        let newline = |out: &mut String, depth: usize| {
            if let Some(ind) = indent {
                out.push('\n');
                for _ in 0..depth {
                    out.push_str(ind);
                }
            }
        };
        match self {
            GoJson::Null => out.push_str("null"),
            GoJson::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            GoJson::Int(i) => out.push_str(&i.to_string()),
            GoJson::Str(s) => write_string(out, s),
            GoJson::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    item.write(out, indent, depth + 1);
                }
                if !items.is_empty() {
                    newline(out, depth);
                }
                out.push(']');
            }
            GoJson::Object(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    write_string(out, k);
                    out.push(':');
                    if indent.is_some() {
                        out.push(' ');
                    }
                    v.write(out, indent, depth + 1);
                }
                if !fields.is_empty() {
                    newline(out, depth);
                }
                out.push('}');
            }
        }
    }
}

/// A Go-escaped JSON string literal.
pub fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{0}'..='\u{1f}' => {
                let b = c as u32;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_go() {
        let mut s = String::new();
        write_string(&mut s, "a<b>&\"\\\n\u{1}\u{2028}é");
        assert_eq!(s, r#""a\u003cb\u003e\u0026\"\\\n\u0001\u2028é""#);
    }

    #[test]
    fn indents_like_marshal_indent() {
        let v = ObjectBuilder::new()
            .field("a", GoJson::Int(1))
            .field("b", GoJson::Array(vec![]))
            .field("c", GoJson::Array(vec![GoJson::str("x")]))
            .field("d", GoJson::Object(vec![]))
            .build();
        assert_eq!(v.to_compact(), r#"{"a":1,"b":[],"c":["x"],"d":{}}"#);
        assert_eq!(
            v.to_indented("  "),
            "{\n  \"a\": 1,\n  \"b\": [],\n  \"c\": [\n    \"x\"\n  ],\n  \"d\": {}\n}"
        );
    }
}
