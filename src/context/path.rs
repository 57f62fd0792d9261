//! Path arithmetic of the build context, ported from Go's `path.Clean` (which is what
//! `filepath.Clean` does on Linux, BuildKit's reference platform).
//!
//! Context paths are slash-separated, relative to the context root, without `.` or `..`
//! components and without a leading or trailing `/`; the root itself is the empty string.

/// Go's `path.Clean`: the shortest lexically equivalent path.
///
/// Repeated slashes collapse, `.` components vanish, `..` removes the previous component
/// (or stays at the start of a relative path, or vanishes at the root of a rooted one).
/// The empty path becomes `"."`; a trailing slash is removed except for `"/"`.
pub fn go_clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Why a user-supplied path cannot name something inside the context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathProblem {
    /// The path starts with `/`.
    Absolute,
    /// After cleaning, the path climbs above the context root with `..`.
    EscapesRoot,
}

/// Normalizes a path relative to the context root into the canonical context form
/// (`"a/b"`, root = `""`). Backslashes are ordinary characters (as on Linux). Absolute paths
/// and paths whose `..` components climb above the root are refused.
pub fn normalize_relative(path: &str) -> Result<String, PathProblem> {
    if path.starts_with('/') {
        return Err(PathProblem::Absolute);
    }
    let cleaned = go_clean(path);
    if cleaned == "." {
        return Ok(String::new());
    }
    if cleaned == ".." || cleaned.starts_with("../") {
        return Err(PathProblem::EscapesRoot);
    }
    Ok(cleaned)
}

/// Normalizes a path as BuildKit does for a COPY source or a lookup inside the context:
/// `filepath.Join("/", p)` — a leading `/` means the context root, and `..` stops at the root.
pub fn normalize_scoped(path: &str) -> String {
    let cleaned = go_clean(&format!("/{path}"));
    cleaned.trim_start_matches('/').to_string()
}

/// Joins a context directory (canonical form) and a child name.
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Splits a canonical context path into its parent directory and its last component
/// (`"a/b/c"` -> `("a/b", "c")`, `"c"` -> `("", "c")`).
pub fn split_parent(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

/// Go's `filepath.Dir` for slash paths: everything but the last element, cleaned.
pub fn go_dir(path: &str) -> String {
    let cut = path.rfind('/').map_or(0, |i| i + 1);
    go_clean(&path[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_matches_go_examples() {
        let cases = [
            ("", "."),
            ("a/c", "a/c"),
            ("a//c", "a/c"),
            ("a/c/.", "a/c"),
            ("a/c/b/..", "a/c"),
            ("/../a/c", "/a/c"),
            ("/../a/b/../././/c", "/a/c"),
            ("../../a", "../../a"),
            ("a/../..", ".."),
            ("docs/", "docs"),
            ("/", "/"),
            ("//", "/"),
            ("./a", "a"),
            ("!docs/", "!docs"),
        ];
        for (input, want) in cases {
            assert_eq!(go_clean(input), want, "clean({input:?})");
        }
    }

    #[test]
    fn relative_paths_cannot_escape() {
        assert_eq!(normalize_relative("./a/b/"), Ok("a/b".to_string()));
        assert_eq!(normalize_relative("a/../b"), Ok("b".to_string()));
        assert_eq!(normalize_relative("."), Ok(String::new()));
        assert_eq!(normalize_relative("../evil"), Err(PathProblem::EscapesRoot));
        assert_eq!(
            normalize_relative("a/../../evil"),
            Err(PathProblem::EscapesRoot)
        );
        assert_eq!(
            normalize_relative("/etc/passwd"),
            Err(PathProblem::Absolute)
        );
        assert_eq!(normalize_scoped("/../../etc"), "etc");
        assert_eq!(go_dir("a/b/c"), "a/b");
        assert_eq!(go_dir("c"), ".");
        assert_eq!(split_parent("a/b/c"), ("a/b", "c"));
    }
}
