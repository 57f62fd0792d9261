//! Pathname expansion (`rm -rf /var/lib/apt/lists/*`) against the simulated tree, as `sh`
//! does it: `*`, `?` and `[...]` (with `!`/`^` negation and ranges) match within one path
//! component, a leading `.` must be matched literally, matches are sorted, and a pattern that
//! matches nothing stays as written.

use crate::fs::Tree;

/// One character of a pattern: `active` when it was unquoted (so `*`, `?`, `[` are special).
pub(crate) type PatternChar = (char, bool);

/// True when the pattern has an unquoted `*`, `?` or `[`.
pub(crate) fn is_pattern(pattern: &[PatternChar]) -> bool {
    pattern
        .iter()
        .any(|&(c, active)| active && matches!(c, '*' | '?' | '['))
}

/// The paths `pattern` matches in `tree` (relative patterns from `cwd`), written as the
/// pattern was (relative stays relative), sorted; empty when nothing matches.
pub(crate) fn expand(tree: &Tree, cwd: &str, pattern: &[PatternChar]) -> Vec<String> {
    let absolute = pattern.first().is_some_and(|&(c, _)| c == '/');
    let mut components: Vec<Vec<PatternChar>> = vec![Vec::new()];
    for &pc in pattern {
        if pc.0 == '/' {
            components.push(Vec::new());
        } else if let Some(last) = components.last_mut() {
            last.push(pc);
        }
    }
    // (written prefix, absolute real path)
    let start_written = if absolute {
        "/".to_string()
    } else {
        String::new()
    };
    let start_real = if absolute {
        "/".to_string()
    } else {
        cwd.to_string()
    };
    let mut current: Vec<(String, String)> = vec![(start_written, start_real)];
    let count = components.len();
    for (index, component) in components.iter().enumerate() {
        let is_last = index + 1 == count;
        if component.is_empty() {
            // `a//b` or a leading/trailing slash.
            if index > 0 && is_last {
                current = current
                    .into_iter()
                    .filter(|(_, real)| tree.lookup(real).is_ok_and(|n| n.is_dir()))
                    .map(|(w, r)| (format!("{}/", w.trim_end_matches('/')), r))
                    .collect();
            }
            continue;
        }
        let mut next = Vec::new();
        for (written, real) in &current {
            let join_written = |name: &str| {
                if written.is_empty() {
                    name.to_string()
                } else if written.ends_with('/') {
                    format!("{written}{name}")
                } else {
                    format!("{written}/{name}")
                }
            };
            let join_real = |name: &str| {
                if real.ends_with('/') {
                    format!("{real}{name}")
                } else {
                    format!("{real}/{name}")
                }
            };
            if is_pattern(component) {
                let Ok(dir) = tree.lookup(real) else { continue };
                let Some(children) = dir.children() else {
                    continue;
                };
                for name in children.keys() {
                    if name.starts_with('.') && component.first().map(|c| c.0) != Some('.') {
                        continue;
                    }
                    if matches(component, name) {
                        next.push((join_written(name), join_real(name)));
                    }
                }
            } else {
                let name: String = component.iter().map(|&(c, _)| c).collect();
                if name == "." || name == ".." {
                    next.push((
                        join_written(&name),
                        crate::fs::path::clean(&join_real(&name)),
                    ));
                    continue;
                }
                let real_path = join_real(&name);
                if tree.lookup_nofollow(&real_path).is_ok() {
                    next.push((join_written(&name), real_path));
                }
            }
        }
        current = next;
        if current.is_empty() {
            break;
        }
    }
    let mut out: Vec<String> = current.into_iter().map(|(w, _)| w).collect();
    crate::sort::sort(&mut out);
    out.dedup();
    out
}

/// fnmatch of one component (no `/` inside).
pub(crate) fn matches(pattern: &[PatternChar], name: &str) -> bool {
    let name: Vec<char> = name.chars().collect();
    let (mut p, mut n) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() {
            let (c, active) = pattern[p];
            if active && c == '*' {
                star = Some((p, n));
                p += 1;
                continue;
            }
            if active && c == '?' {
                p += 1;
                n += 1;
                continue;
            }
            if active && c == '[' {
                if let Some((matched, next)) = class(pattern, p, name[n]) {
                    if matched {
                        p = next;
                        n += 1;
                        continue;
                    }
                } else if name[n] == '[' {
                    p += 1;
                    n += 1;
                    continue;
                }
            } else if c == name[n] {
                p += 1;
                n += 1;
                continue;
            }
        }
        match star {
            Some((sp, sn)) => {
                p = sp + 1;
                n = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    while p < pattern.len() && pattern[p] == ('*', true) {
        p += 1;
    }
    p == pattern.len()
}

/// A bracket expression at `start` against `c`: `Some((matched, index after ']'))`, or
/// `None` when the bracket is not closed (then `[` is literal).
fn class(pattern: &[PatternChar], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(pattern.get(i), Some(('!', _)) | Some(('^', _)));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < pattern.len() {
        let (ch, _) = pattern[i];
        if ch == ']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if pattern.get(i + 1).map(|p| p.0) == Some('-')
            && pattern.get(i + 2).is_some_and(|p| p.0 != ']')
        {
            let high = pattern[i + 2].0;
            if ch <= c && c <= high {
                matched = true;
            }
            i += 3;
        } else {
            if ch == c {
                matched = true;
            }
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(s: &str) -> Vec<PatternChar> {
        s.chars().map(|c| (c, true)).collect()
    }

    #[test]
    fn fnmatch_basics() {
        assert!(matches(&pat("*.txt"), "a.txt"));
        assert!(!matches(&pat("*.txt"), "a.txt.gz"));
        assert!(matches(&pat("a?c"), "abc"));
        assert!(matches(&pat("[a-c]x"), "bx"));
        assert!(!matches(&pat("[!a-c]x"), "bx"));
        assert!(matches(&pat("*"), ""));
        let quoted: Vec<PatternChar> = "*".chars().map(|c| (c, false)).collect();
        assert!(!matches(&quoted, "a"));
        assert!(matches(&quoted, "*"));
    }
}
