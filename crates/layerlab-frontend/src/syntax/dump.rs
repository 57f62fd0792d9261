//! BuildKit's `Node.Dump()` S-expression format, byte for byte.

use super::ast::{Dockerfile, Instruction};
use crate::gostr::go_quote;

impl Dockerfile {
    /// The AST as BuildKit's `result.AST.Dump()` prints it: one `(instruction …)` per line,
    /// no trailing newline (BuildKit's testfiles `result` = this + `"\n"`).
    pub fn dump(&self) -> String {
        let mut out = String::new();
        for inst in &self.instructions {
            out.push('(');
            out.push_str(&inst.dump());
            out.push_str(")\n");
        }
        go_trim_space(&out).to_string()
    }
}

impl Instruction {
    /// `Node.Dump()` of this instruction node (without the surrounding parentheses).
    pub fn dump(&self) -> String {
        let mut out = self.keyword.to_lowercase();
        if !self.flags.is_empty() {
            out.push_str(" [");
            let quoted: Vec<String> = self.flags.iter().map(|f| go_quote(&f.processed)).collect();
            out.push_str(&quoted.join(" "));
            out.push(']');
        }
        if let Some(sub) = &self.onbuild {
            // The Next node has the trigger as its only child: " " + Dump() of a node whose
            // Value is empty = "(" + child + ")\n", trimmed.
            out.push_str(" (");
            out.push_str(&sub.dump());
            out.push(')');
        }
        for word in &self.args {
            out.push(' ');
            out.push_str(&go_quote(&word.value));
        }
        go_trim_space(&out).to_string()
    }
}

/// Go's `strings.TrimSpace`.
fn go_trim_space(s: &str) -> &str {
    s.trim_matches(char::is_whitespace)
}
