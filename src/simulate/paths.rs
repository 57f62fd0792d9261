//! Path rules of BuildKit's dispatcher: destinations relative to WORKDIR (trailing slash
//! kept), WORKDIR normalisation, Go's `path.Clean`.

use crate::context::go_clean;

/// `system.NormalizeWorkdir`: `path` relative to `current` unless absolute, cleaned.
pub fn normalize_workdir(current: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        let base = if current.is_empty() { "/" } else { current };
        format!("{base}/{path}")
    };
    let cleaned = go_clean(&joined);
    if cleaned.starts_with('/') {
        cleaned
    } else {
        format!("/{cleaned}")
    }
}

/// `pathRelativeToWorkingDir` + `system.NormalizePath(…, keepSlash=true)`: the absolute
/// destination of a COPY/ADD, keeping a trailing `/` (or `/.`) as a trailing `/`.
pub fn copy_destination(workdir: &str, dest: &str) -> String {
    let dest = if dest.is_empty() || dest == "." {
        "./"
    } else {
        dest
    };
    let keep_slash = dest.ends_with('/') || dest.ends_with("/.") || dest == ".";
    let joined = if dest.starts_with('/') {
        dest.to_string()
    } else {
        let base = if workdir.is_empty() { "/" } else { workdir };
        format!("{base}/{dest}")
    };
    let mut cleaned = go_clean(&joined);
    if !cleaned.starts_with('/') {
        cleaned.insert(0, '/');
    }
    if keep_slash && !cleaned.ends_with('/') {
        cleaned.push('/');
    }
    cleaned
}

/// The last component of a slash path (`a/b` → `b`, `/` → ``).
pub fn base_name(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

/// `dir` + `/` + `name` for absolute tree paths.
pub fn join_abs(dir: &str, name: &str) -> String {
    let dir = dir.trim_end_matches('/');
    let name = name.trim_start_matches('/');
    if name.is_empty() {
        if dir.is_empty() {
            "/".to_string()
        } else {
            dir.to_string()
        }
    } else {
        format!("{dir}/{name}")
    }
}

/// Whether a source is a URL ADD downloads (`isHTTPSource`).
pub fn is_url(src: &str) -> bool {
    super::git_ref::is_http_source(src)
}

/// Whether a source is a Git repository ADD clones: a valid `dfgitutil.ParseGitRef` result
/// that is not `github.com/…` without a scheme (which `ADD` reads as a local path).
pub fn is_git(src: &str) -> bool {
    matches!(
        super::git_ref::parse_git_ref(src),
        super::git_ref::GitParse::Git(g) if !g.indistinguishable_from_local
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_follow_buildkit() {
        assert_eq!(copy_destination("/app", "."), "/app/");
        assert_eq!(copy_destination("/app", ""), "/app/");
        assert_eq!(copy_destination("/", "/abs"), "/abs");
        assert_eq!(copy_destination("/", "/abs/"), "/abs/");
        assert_eq!(copy_destination("/test5/test6", "../"), "/test5/");
        assert_eq!(copy_destination("/a", "b/."), "/a/b/");
        assert_eq!(normalize_workdir("/a", "b"), "/a/b");
        assert_eq!(normalize_workdir("/a/b", "../c"), "/a/c");
        assert_eq!(normalize_workdir("", "x"), "/x");
        assert!(is_git("https://github.com/moby/buildkit.git#v0.10.1"));
        assert!(is_url("https://example.com/a.tar.gz"));
        assert!(!is_git("github.com/moby/buildkit"));
        assert!(!is_url("https://github.com/moby/buildkit.git"));
    }
}
