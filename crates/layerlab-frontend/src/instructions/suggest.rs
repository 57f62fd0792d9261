//! BuildKit's `util/suggest`: "did you mean X?" for misspelled names (Levenshtein < 3).

/// Levenshtein distance over characters.
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// `suggest.Search`: the closest option with distance < 3, or `None` (also when `value`
/// equals an option). Case-insensitive search returns the option in the case of `value`
/// when that is all-lower or all-upper (`matchCase`).
pub fn search(value: &str, options: &[&str], case_sensitive: bool) -> Option<String> {
    let val = if case_sensitive {
        value.to_string()
    } else {
        value.to_lowercase()
    };
    let mut best: Option<String> = None;
    let mut min = 3;
    for opt in options {
        let o = if case_sensitive {
            (*opt).to_string()
        } else {
            opt.to_lowercase()
        };
        if o == val {
            return None;
        }
        let d = levenshtein(&val, &o);
        if d < min {
            min = d;
            best = Some(if case_sensitive {
                o
            } else {
                match_case(&o, value)
            });
        }
    }
    best
}

fn match_case(option: &str, original: &str) -> String {
    if original == original.to_lowercase() {
        option.to_lowercase()
    } else if original == original.to_uppercase() {
        option.to_uppercase()
    } else {
        option.to_string()
    }
}

/// `suggest.WrapError`: `message` plus ` (did you mean X?)` when a close option exists.
pub fn wrap(message: String, value: &str, options: &[&str], case_sensitive: bool) -> String {
    match search(value, options, case_sensitive) {
        Some(m) => format!("{message} (did you mean {m}?)"),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(
            search("FORM", &["FROM", "RUN"], false).as_deref(),
            Some("FROM")
        );
        assert_eq!(
            search("form", &["FROM", "RUN"], false).as_deref(),
            Some("from")
        );
        assert_eq!(search("xyzzy", &["FROM", "RUN"], false), None);
        assert_eq!(
            search("chmo", &["chmod", "chown"], true).as_deref(),
            Some("chmod")
        );
    }
}
