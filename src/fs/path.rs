//! In-image path handling: lexical cleaning and splitting, like Go's `path.Clean` on an
//! absolute path (the container's view: `..` at the root stays at the root).

/// How many symlinks one resolution may follow before it fails (Linux's `MAXSYMLINKS` is 40;
/// BuildKit's scoped resolver allows 255).
pub const MAX_SYMLINKS: usize = 255;

/// The components of `path` after lexical cleaning, relative to `/`: `"/a/./b//c/../d"` →
/// `["a", "b", "d"]`. A relative path is taken relative to `/`.
pub fn components(path: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            name => out.push(name.to_string()),
        }
    }
    out
}

/// The absolute, cleaned form of `path`: `"a//b/../c/"` → `"/a/c"`, `""` → `"/"`.
pub fn clean(path: &str) -> String {
    join_components(&components(path))
}

/// `["a", "b"]` → `"/a/b"`; `[]` → `"/"`.
pub fn join_components(comps: &[String]) -> String {
    if comps.is_empty() {
        return "/".to_string();
    }
    let mut s = String::new();
    for c in comps {
        s.push('/');
        s.push_str(c);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_like_go_path_clean() {
        assert_eq!(clean("/a/./b//c/../d"), "/a/b/d");
        assert_eq!(clean("../../x"), "/x");
        assert_eq!(clean(""), "/");
        assert_eq!(clean("a/b/"), "/a/b");
    }
}
