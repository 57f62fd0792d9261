//! hadolint's comment pragmas (`Hadolint.Pragma`):
//!
//! * `# hadolint ignore=DL3008,DL3009` — ignores the codes on the line right after the
//!   comment (the next instruction must start there);
//! * `# hadolint stage ignore=DL3011` — ignores them in the stage whose FROM follows;
//! * `# hadolint global ignore=DL3003` — ignores them in the whole file;
//! * `# hadolint shell=powershell` — the shell RUN commands are written for.
//!
//! Spaces are allowed around `=` and `,`, and a `# trailing comment` ends the list. They
//! apply to every rule set here (so `# hadolint ignore=LL001` works too).

use std::collections::BTreeSet;

/// The pragmas of a file.
#[derive(Clone, Debug, Default)]
pub struct Pragmas {
    /// (1-based line the codes apply to, codes).
    pub line_ignores: Vec<(usize, BTreeSet<String>)>,
    /// (1-based line of the pragma, codes): applies to the next stage.
    pub stage_ignores: Vec<(usize, BTreeSet<String>)>,
    pub global_ignores: BTreeSet<String>,
    /// `shell=` value, if any.
    pub shell: Option<String>,
    /// Lines holding an `ignore=` pragma (DL1001 reports them).
    pub ignore_pragma_lines: Vec<usize>,
}

enum Kind {
    Line,
    Stage,
    Global,
}

impl Pragmas {
    /// Reads every comment line of `source`.
    pub fn read(source: &str) -> Pragmas {
        let mut out = Pragmas::default();
        for (i, line) in source.split('\n').enumerate() {
            let line_no = i + 1;
            let Some(body) = line.trim_start().strip_prefix('#') else {
                continue;
            };
            let Some(rest) = body.trim_start().strip_prefix("hadolint") else {
                continue;
            };
            if !rest.starts_with(char::is_whitespace) {
                continue;
            }
            let rest = rest.trim_start();
            if let Some(value) = rest.strip_prefix("shell") {
                if let Some(v) = value.trim_start().strip_prefix('=') {
                    let v = v.split('#').next().unwrap_or("").trim();
                    if !v.is_empty() {
                        out.shell = Some(v.to_string());
                    }
                }
                continue;
            }
            let (kind, rest) = if let Some(r) = rest.strip_prefix("global") {
                (Kind::Global, r.trim_start())
            } else if let Some(r) = rest.strip_prefix("stage") {
                (Kind::Stage, r.trim_start())
            } else {
                (Kind::Line, rest)
            };
            let Some(rest) = rest.strip_prefix("ignore") else {
                continue;
            };
            let Some(list) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            let list = list.split('#').next().unwrap_or("");
            let items: Vec<&str> = list.split(',').map(str::trim).collect();
            // hadolint's pragma parser wants every item to be a code (letters then digits,
            // `DL3008`, `SC2086`, `LL001`); one bad item makes the whole comment no pragma.
            if !items.iter().all(|c| is_rule_code(c)) {
                continue;
            }
            let codes: BTreeSet<String> = items.into_iter().map(str::to_string).collect();
            out.ignore_pragma_lines.push(line_no);
            match kind {
                Kind::Line => out.line_ignores.push((line_no + 1, codes)),
                Kind::Stage => out.stage_ignores.push((line_no, codes)),
                Kind::Global => out.global_ignores.extend(codes),
            }
        }
        out
    }

    /// Whether `code` is ignored for an instruction starting at `line` in the stage whose
    /// FROM is at `stage_line` (`None` before the first FROM).
    pub fn ignores(
        &self,
        code: &str,
        line: usize,
        stage_line: Option<usize>,
        previous_stage_line: Option<usize>,
    ) -> bool {
        if self.global_ignores.contains(code) {
            return true;
        }
        if self
            .line_ignores
            .iter()
            .any(|(l, codes)| *l == line && codes.contains(code))
        {
            return true;
        }
        // A stage pragma sits before the stage's FROM and after the previous stage's FROM.
        if let Some(from) = stage_line {
            let after = previous_stage_line.unwrap_or(0);
            return self
                .stage_ignores
                .iter()
                .any(|(l, codes)| *l < from && *l > after && codes.contains(code));
        }
        false
    }
}

/// Letters followed by digits.
fn is_rule_code(code: &str) -> bool {
    let digits = code.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    digits.len() < code.len() && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pragma_forms() {
        let p = Pragmas::read(
            "# hadolint global ignore = DL3023 , DL3021\nFROM a\n# hadolint ignore=DL3002 # why\nUSER root\n# hadolint shell=powershell\n",
        );
        assert!(p.global_ignores.contains("DL3023") && p.global_ignores.contains("DL3021"));
        assert!(p.ignores("DL3002", 4, Some(2), None));
        assert!(!p.ignores("DL3002", 5, Some(2), None));
        assert_eq!(p.shell.as_deref(), Some("powershell"));
    }
}
