//! The variables an expansion can see: BuildKit's `EnvGetter` (`shell/lex.go`).
//!
//! The simulator hands the lexer the build args and `ENV` values in force at an instruction, in
//! declaration order. Lookups are case-sensitive, as BuildKit's are on every non-Windows
//! platform (`NormalizeEnvKey` is the identity there).

use std::collections::{BTreeMap, HashMap};

/// Something the lexer can ask for the value of a variable.
pub trait EnvLookup {
    /// The value of `key`, or `None` when the variable is not defined. A variable defined as
    /// the empty string is `Some("")`: `${X-a}` and `${X:-a}` tell the two apart.
    fn get(&self, key: &str) -> Option<&str>;

    /// The defined names, in declaration order without duplicates where the source has an
    /// order. Used for "did you mean" suggestions, never by expansion itself.
    fn keys(&self) -> Vec<&str>;
}

/// An ordered list of `NAME=value` definitions where a later definition of a name replaces an
/// earlier one (BuildKit's `EnvsFromSlice`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    entries: Vec<(String, String)>,
}

impl Env {
    /// An environment with no variables.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `NAME=value` strings like Docker's env lists: the name ends at the first `=`; an
    /// entry without `=` defines the name with an empty value; the last duplicate wins.
    pub fn from_slice<S: AsRef<str>>(list: &[S]) -> Self {
        let mut env = Env::new();
        for item in list {
            let item = item.as_ref();
            match item.split_once('=') {
                Some((k, v)) => env.set(k, v),
                None => env.set(item, ""),
            }
        }
        env
    }

    /// Defines `key` (replacing an earlier value but keeping its original position).
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Removes `key` if it is defined.
    pub fn remove(&mut self, key: &str) {
        self.entries.retain(|(k, _)| k != key);
    }

    /// The definitions in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of distinct names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no variable is defined.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Env {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        let mut env = Env::new();
        for (k, v) in iter {
            env.set(k, v);
        }
        env
    }
}

impl EnvLookup for Env {
    fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn keys(&self) -> Vec<&str> {
        self.entries.iter().map(|(k, _)| k.as_str()).collect()
    }
}

/// A slice of pairs; the last pair with a given name wins.
impl EnvLookup for [(String, String)] {
    fn get(&self, key: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn keys(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (k, _) in self {
            if !out.contains(&k.as_str()) {
                out.push(k);
            }
        }
        out
    }
}

impl EnvLookup for BTreeMap<String, String> {
    fn get(&self, key: &str) -> Option<&str> {
        BTreeMap::get(self, key).map(String::as_str)
    }

    fn keys(&self) -> Vec<&str> {
        BTreeMap::keys(self).map(String::as_str).collect()
    }
}

impl<S: std::hash::BuildHasher> EnvLookup for HashMap<String, String, S> {
    fn get(&self, key: &str) -> Option<&str> {
        HashMap::get(self, key).map(String::as_str)
    }

    fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = HashMap::keys(self).map(String::as_str).collect();
        crate::sort::sort(&mut keys);
        keys
    }
}

impl<T: EnvLookup + ?Sized> EnvLookup for &T {
    fn get(&self, key: &str) -> Option<&str> {
        (**self).get(key)
    }

    fn keys(&self) -> Vec<&str> {
        (**self).keys()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_duplicate_wins_and_missing_equals_means_empty() {
        let env = Env::from_slice(&["foo=bar", "car=hat", "car=bike", "bare"]);
        assert_eq!(env.get("car"), Some("bike"));
        assert_eq!(env.get("bare"), Some(""));
        assert_eq!(env.get("Car"), None);
        assert_eq!(env.keys(), vec!["foo", "car", "bare"]);
    }

    #[test]
    fn pair_slice_lookup() {
        let pairs = vec![
            ("A".to_string(), "1".to_string()),
            ("A".to_string(), "2".to_string()),
        ];
        assert_eq!(EnvLookup::get(pairs.as_slice(), "A"), Some("2"));
        assert_eq!(EnvLookup::keys(pairs.as_slice()), vec!["A"]);
    }
}
