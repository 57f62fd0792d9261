//! Git sources of `ADD` as BuildKit recognises them: `dfgitutil.ParseGitRef` over
//! `gitutil.ParseURL` (`https://host/repo.git#ref:subdir`, `git://…`, `ssh://…`,
//! `user@host:path`, the `?ref=…&subdir=…&keep-git-dir=…` query form), with Go's `net/url`
//! parsing reproduced where it decides something (escapes, control characters, the
//! fragment and query split).
//!
//! Also here: the checks BuildKit makes of `ADD --checksum` (go-digest's `Digest.Validate`
//! for HTTP sources; a hex commit hash for Git sources, checked against a commit ref).

/// A parsed Git reference (`dfgitutil.GitRef`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct GitRef {
    /// The repository URL without the fragment and the query (what `git clone` is given).
    pub remote: String,
    /// The repository's directory name (`bar` for `https://host/foo/bar.git`).
    pub short_name: String,
    /// Branch, tag or commit (empty: the default branch).
    pub reference: String,
    /// `?checksum=` / `?commit=`: the commit the ref must resolve to.
    pub checksum: String,
    /// The directory of the repository to copy (empty: its root).
    pub subdir: String,
    /// `github.com/o/r` without a scheme: a Git ref only for build contexts; `ADD` takes it
    /// as a local path.
    pub indistinguishable_from_local: bool,
    /// `http://` and `git://`: fetched unencrypted.
    pub unencrypted_tcp: bool,
    /// `?keep-git-dir=`.
    pub keep_git_dir: Option<bool>,
    /// `?submodules=`.
    pub submodules: Option<bool>,
}

/// What [`parse_git_ref`] makes of a source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GitParse {
    /// A Git reference.
    Git(GitRef),
    /// Recognised as Git but invalid (a bad query): BuildKit's error text.
    Invalid(String),
    /// Not a Git reference (a local path or a plain URL).
    NotGit,
}

/// `dfgitutil.ParseGitRef`.
pub fn parse_git_ref(reference: &str) -> GitParse {
    if reference.starts_with("./") || reference.starts_with("../") {
        return GitParse::NotGit;
    }
    let (url, indistinguishable) = if reference.starts_with("github.com/") {
        match parse_url(reference) {
            Ok(mut url) => {
                url.scheme = "https".to_string();
                (url, true)
            }
            Err(_) => return GitParse::NotGit,
        }
    } else {
        match parse_remote(reference) {
            Some(url) => (url, false),
            None => return GitParse::NotGit,
        }
    };
    let scheme = url.scheme.as_str();
    let unencrypted_tcp = !indistinguishable && matches!(scheme, "http" | "git");
    if !indistinguishable && matches!(scheme, "http" | "https") && !url.path.ends_with(".git") {
        return GitParse::NotGit;
    }
    let mut remote = url.remote.clone();
    if indistinguishable {
        remote = match remote.split_once("://") {
            Some((_, rest)) => rest.to_string(),
            None => remote,
        };
    }
    let (reference, subdir) = match &url.fragment {
        Some(fragment) if !fragment.is_empty() => match fragment.split_once(':') {
            Some((r, s)) => (r.to_string(), s.to_string()),
            None => (fragment.clone(), String::new()),
        },
        _ => (String::new(), String::new()),
    };
    let last = remote.rsplit('/').next().unwrap_or("");
    let short_name = last.strip_suffix(".git").unwrap_or(last).to_string();
    let mut git = GitRef {
        remote,
        short_name,
        reference,
        subdir,
        indistinguishable_from_local: indistinguishable,
        unencrypted_tcp,
        ..GitRef::default()
    };
    match load_query(&mut git, &url.query) {
        Ok(()) => GitParse::Git(git),
        Err(message) => GitParse::Invalid(message),
    }
}

/// `isGitSource` of dockerfile2llb: any Git reference, even one `ADD` then reads as a path.
pub fn is_git_source(src: &str) -> bool {
    matches!(parse_git_ref(src), GitParse::Git(_))
}

/// `isHTTPSource` of dockerfile2llb: `http(s)://` and not Git.
pub fn is_http_source(src: &str) -> bool {
    (src.starts_with("http://") || src.starts_with("https://")) && !is_git_source(src)
}

/// A URL split the way `net/url` and `sshutil.ParseSCPStyleURL` do, as far as Git refs need.
#[derive(Clone, Debug, Default)]
struct Url {
    scheme: String,
    path: String,
    /// Decoded query pairs in order (`url.Values`, malformed pairs dropped as `Query()` does).
    query: Vec<(String, String)>,
    fragment: Option<String>,
    /// The URL without its query and fragment.
    remote: String,
}

/// `gitutil.ParseURL`: a `scheme://` URL with a supported scheme, or an SCP-style one.
fn parse_remote(text: &str) -> Option<Url> {
    if let Some(scheme) = proto_prefix(text) {
        let scheme = scheme.to_ascii_lowercase();
        if !matches!(scheme.as_str(), "http" | "https" | "ssh" | "git") {
            return None;
        }
        let mut url = parse_url(text).ok()?;
        url.scheme = scheme;
        return Some(url);
    }
    parse_scp(text)
}

/// `^[a-zA-Z0-9]+://`: the scheme, when the text starts with one.
fn proto_prefix(text: &str) -> Option<&str> {
    let end = text.find("://")?;
    let scheme = &text[..end];
    (!scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(scheme)
}

/// `sshutil.ParseSCPStyleURL`:
/// `^([a-zA-Z0-9-_]+)@([a-zA-Z0-9-.]+):(.*?)(?:\?(.*?))?(?:#(.*))?$`.
fn parse_scp(text: &str) -> Option<Url> {
    let (user, rest) = text.split_once('@')?;
    if user.is_empty()
        || !user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let (host, rest) = rest.split_once(':')?;
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return None;
    }
    // `.` does not match a newline in Go's regexp without the `s` flag.
    if rest.contains('\n') {
        return None;
    }
    let (before_fragment, fragment) = match rest.split_once('#') {
        Some((a, f)) => (a, Some(f.to_string())),
        None => (rest, None),
    };
    let (path, raw_query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_fragment, None),
    };
    let query = match raw_query {
        Some(q) if !q.is_empty() => parse_query(q, true).ok()?,
        _ => Vec::new(),
    };
    Some(Url {
        scheme: "ssh".to_string(),
        path: path.to_string(),
        query,
        fragment,
        remote: format!("{user}@{host}:{path}"),
    })
}

/// Go's `url.Parse`, for what a Git ref needs: the fragment (unescaped), the query, the
/// path, and errors for control characters and bad escapes.
fn parse_url(text: &str) -> Result<Url, String> {
    if text.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(format!(
            "parse {}: net/url: invalid control character in URL",
            crate::gostr::go_quote(text)
        ));
    }
    let (before_fragment, fragment) = match text.split_once('#') {
        Some((a, f)) => (a, Some(unescape(f, false)?)),
        None => (text, None),
    };
    let (without_query, raw_query) = match before_fragment.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (before_fragment, None),
    };
    let (scheme, rest) = match proto_prefix(without_query) {
        Some(s) => (s.to_string(), &without_query[s.len() + 3..]),
        None => (String::new(), without_query),
    };
    let path = if scheme.is_empty() {
        rest.to_string()
    } else {
        match rest.find('/') {
            Some(i) => rest[i..].to_string(),
            None => String::new(),
        }
    };
    let path = unescape(&path, false)?;
    let query = match raw_query {
        Some(q) => parse_query(q, false).unwrap_or_default(),
        None => Vec::new(),
    };
    Ok(Url {
        scheme,
        path,
        query,
        fragment,
        remote: without_query.to_string(),
    })
}

/// `url.ParseQuery` (strict: the first bad pair is an error) or `URL.Query()` (lenient:
/// bad pairs are dropped).
fn parse_query(raw: &str, strict: bool) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for pair in raw.split('&') {
        if pair.is_empty() {
            continue;
        }
        if pair.contains(';') {
            if strict {
                return Err("invalid semicolon separator in query".to_string());
            }
            continue;
        }
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match (unescape(k, true), unescape(v, true)) {
            (Ok(k), Ok(v)) => out.push((k, v)),
            (Err(e), _) | (_, Err(e)) => {
                if strict {
                    return Err(e);
                }
            }
        }
    }
    Ok(out)
}

/// Percent-decoding as Go's `unescape` (`+` is a space in query components).
fn unescape(text: &str, query: bool) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3);
                let value = hex
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match value {
                    Some(v) if hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) => {
                        out.push(v);
                        i += 3;
                    }
                    _ => {
                        let shown: String = text[i..].chars().take(3).collect();
                        return Err(format!(
                            "invalid URL escape {}",
                            crate::gostr::go_quote(&shown)
                        ));
                    }
                }
            }
            b'+' if query => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `strconv.ParseBool`.
fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `GitRef.loadQuery`. Go walks a map (in no fixed order); the keys are taken here in
/// sorted order so that the first error is always the same one.
fn load_query(git: &mut GitRef, query: &[(String, String)]) -> Result<(), String> {
    if query.is_empty() {
        return Ok(());
    }
    let mut keys: Vec<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let (mut tag, mut branch) = (String::new(), String::new());
    for key in keys {
        let values: Vec<&str> = query
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect();
        if values.len() > 1 {
            return Err(format!(
                "query {} has multiple values",
                crate::gostr::go_quote(key)
            ));
        }
        let value = values.first().copied().unwrap_or("");
        let flag = matches!(key, "submodules" | "keep-git-dir");
        if value.is_empty() && !flag {
            return Err(format!(
                "query {} has no value",
                crate::gostr::go_quote(key)
            ));
        }
        let boolean = |name: &str| -> Result<bool, String> {
            if value.is_empty() {
                return Ok(true);
            }
            parse_bool(value)
                .ok_or_else(|| format!("invalid {name} value: {}", crate::gostr::go_quote(value)))
        };
        match key {
            "ref" => {
                if !git.reference.is_empty() && git.reference != value {
                    return Err(conflict("ref", &git.reference, value));
                }
                git.reference = value.to_string();
            }
            "tag" => tag = value.to_string(),
            "branch" => branch = value.to_string(),
            "subdir" => {
                if !git.subdir.is_empty() && git.subdir != value {
                    return Err(conflict("subdir", &git.subdir, value));
                }
                git.subdir = value.to_string();
            }
            "checksum" | "commit" => git.checksum = value.to_string(),
            "keep-git-dir" => git.keep_git_dir = Some(boolean("keep-git-dir")?),
            "submodules" => git.submodules = Some(boolean("submodules")?),
            other => {
                return Err(format!(
                    "unexpected query {}",
                    crate::gostr::go_quote(other)
                ))
            }
        }
    }
    if !tag.is_empty() {
        if !tag.starts_with("refs/tags/") {
            tag = format!("refs/tags/{tag}");
        }
        if !git.reference.is_empty() && git.reference != tag {
            return Err(conflict("ref", &git.reference, &tag));
        }
        git.reference = tag.clone();
    }
    if !branch.is_empty() {
        if !tag.is_empty() {
            return Err("branch conflicts with tag".to_string());
        }
        if !branch.starts_with("refs/heads/") {
            branch = format!("refs/heads/{branch}");
        }
        if !git.reference.is_empty() && git.reference != branch {
            return Err(conflict("ref", &git.reference, &branch));
        }
        git.reference = branch;
    }
    if !git.checksum.is_empty() && git.reference.is_empty() {
        git.reference = git.checksum.clone();
    }
    Ok(())
}

fn conflict(what: &str, a: &str, b: &str) -> String {
    format!(
        "{what} conflicts: {} vs {}",
        crate::gostr::go_quote(a),
        crate::gostr::go_quote(b)
    )
}

/// `gitutil.IsCommitSHA`: 40 (SHA-1) or 64 (SHA-256) lower-case hex digits.
pub fn is_commit_sha(text: &str) -> bool {
    (text.len() == 40 || text.len() == 64)
        && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The Git source's own check of a checksum (`resolveMetadata`): hex digits, and a prefix of
/// the ref when the ref is itself a commit hash. Errors are BuildKit's texts.
pub fn check_git_checksum(checksum: &str, reference: &str) -> Result<(), String> {
    if checksum.is_empty() {
        return Ok(());
    }
    if !checksum.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "invalid checksum {checksum} for Git URL, expected hex commit hash"
        ));
    }
    if is_commit_sha(reference) && !reference.starts_with(checksum) {
        return Err(format!(
            "expected checksum to match {checksum}, got {reference}"
        ));
    }
    Ok(())
}

/// go-digest `Digest.Validate` (v1.0.0, the version BuildKit vendors), with its errors.
pub fn validate_digest(text: &str) -> Result<(), &'static str> {
    const FORMAT: &str = "invalid checksum digest format";
    let Some(colon) = text.find(':') else {
        return Err(FORMAT);
    };
    if colon == 0 || colon + 1 == text.len() {
        return Err(FORMAT);
    }
    let (algorithm, encoded) = (&text[..colon], &text[colon + 1..]);
    let size = match algorithm {
        "sha256" => 32,
        "sha384" => 48,
        "sha512" => 64,
        _ => {
            return Err(if digest_regexp_anchored(text) {
                "unsupported digest algorithm"
            } else {
                FORMAT
            })
        }
    };
    if encoded.len() != size * 2 {
        return Err("invalid checksum digest length");
    }
    if !encoded
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(FORMAT);
    }
    Ok(())
}

/// `^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$`.
fn digest_regexp_anchored(text: &str) -> bool {
    let Some((algorithm, encoded)) = text.split_once(':') else {
        return false;
    };
    let component =
        |c: &str| !c.is_empty() && c.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9'));
    let algorithm_ok = {
        let mut ok = true;
        let mut start = 0;
        for (i, b) in algorithm.bytes().enumerate() {
            if matches!(b, b'.' | b'+' | b'_' | b'-') {
                ok &= component(&algorithm[start..i]);
                start = i + 1;
            }
        }
        ok && component(&algorithm[start..])
    };
    algorithm_ok
        && !encoded.is_empty()
        && encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'_' | b'-'))
}

/// Which part of a COPY/ADD a source error belongs to, so it is underlined there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blame {
    /// The `--checksum` flag.
    Checksum,
    /// The `--keep-git-dir` flag (or the source, when the flag was not given).
    KeepGitDir,
    /// The source at this index.
    Source(usize),
}

/// The checks `dispatchCopy` makes of remote sources before anything is built, in its
/// order, then the Git source's own checksum check (made by BuildKit when it resolves the
/// ref; knowable here without the network). `checksum` and `keep_git_dir` are the flags.
pub fn check_sources(
    is_add: bool,
    sources: &[String],
    checksum: Option<&str>,
    keep_git_dir: Option<bool>,
) -> Result<(), (String, Blame)> {
    let checksum = checksum.filter(|c| !c.is_empty());
    if checksum.is_some() {
        if !is_add {
            return Err((
                "checksum can't be specified for COPY".into(),
                Blame::Checksum,
            ));
        }
        if sources.len() != 1 {
            return Err((
                "checksum can't be specified for multiple sources".into(),
                Blame::Checksum,
            ));
        }
        if !is_http_source(&sources[0]) && !is_git_source(&sources[0]) {
            return Err((
                "checksum requires HTTP(S) or Git sources".into(),
                Blame::Checksum,
            ));
        }
    }
    for (i, src) in sources.iter().enumerate() {
        match parse_git_ref(src) {
            GitParse::Invalid(message) => return Err((message, Blame::Source(i))),
            GitParse::Git(git) if !git.indistinguishable_from_local => {
                if !is_add {
                    return Err((
                        "source can't be a git ref for COPY".into(),
                        Blame::Source(i),
                    ));
                }
                if let (Some(flag), Some(query)) = (keep_git_dir, git.keep_git_dir) {
                    if flag != query {
                        return Err((
                            "inconsistent keep-git-dir configuration".into(),
                            Blame::KeepGitDir,
                        ));
                    }
                }
                if let Some(flag) = checksum {
                    if !git.checksum.is_empty() && flag != git.checksum {
                        return Err((
                            format!(
                                "checksum mismatch {} != {}",
                                crate::gostr::go_quote(flag),
                                crate::gostr::go_quote(&git.checksum)
                            ),
                            Blame::Checksum,
                        ));
                    }
                }
                let (effective, blame) = if git.checksum.is_empty() {
                    (checksum.unwrap_or(""), Blame::Checksum)
                } else {
                    (git.checksum.as_str(), Blame::Source(i))
                };
                check_git_checksum(effective, &git.reference).map_err(|e| (e, blame))?;
            }
            _ if is_http_source(src) => {
                if !is_add {
                    return Err(("source can't be a URL for COPY".into(), Blame::Source(i)));
                }
                if let Some(flag) = checksum {
                    validate_digest(flag).map_err(|e| (e.to_string(), Blame::Checksum))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A one-line description of what a Git source brings, for the step's effects.
pub fn describe(git: &GitRef, keep_git_dir: bool, checksum: Option<&str>) -> String {
    let mut text = format!("Git repository {}", git.remote);
    if git.reference.is_empty() {
        text.push_str(" at its default branch");
    } else {
        text.push_str(&format!(" at {}", git.reference));
    }
    if !git.subdir.is_empty() {
        text.push_str(&format!(", directory {}", git.subdir));
    }
    let pinned = if git.checksum.is_empty() {
        checksum.unwrap_or("")
    } else {
        git.checksum.as_str()
    };
    if !pinned.is_empty() {
        text.push_str(&format!(", pinned to commit {pinned}"));
    }
    text.push_str(if keep_git_dir {
        ", with its .git directory"
    } else {
        ", without .git"
    });
    if git.submodules == Some(false) {
        text.push_str(", submodules skipped");
    }
    if git.unencrypted_tcp {
        text.push_str(" (fetched over an unencrypted connection)");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(text: &str) -> GitRef {
        match parse_git_ref(text) {
            GitParse::Git(g) => g,
            other => panic!("{text}: {other:?}"),
        }
    }

    /// BuildKit's `TestParseGitRef` table (dfgitutil/git_ref_test.go).
    #[test]
    fn buildkit_table() {
        for not_git in [
            "https://example.com/",
            "https://example.com/foo",
            "https://example.com/foo.git/",
            "https://example.com/foo.git.bar",
            "custom.xyz/moby/buildkit.git",
            "https://github.com/moby/buildkit",
            "http://github.com/docker/docker.git:#branch",
            "./.git",
            ".git",
            "github.com:moby/buildkit",
        ] {
            assert_eq!(parse_git_ref(not_git), GitParse::NotGit, "{not_git}");
        }
        let g = git("https://example.com/foo.git#release/1.2");
        assert_eq!(
            (g.remote.as_str(), g.short_name.as_str()),
            ("https://example.com/foo.git", "foo")
        );
        assert_eq!(g.reference, "release/1.2");
        let g = git("git://example.com/foo");
        assert!(g.unencrypted_tcp);
        assert_eq!(g.short_name, "foo");
        let g = git("github.com/moby/buildkit");
        assert!(g.indistinguishable_from_local);
        assert_eq!(g.remote, "github.com/moby/buildkit");
        let g = git("https://foo:bar@github.com/moby/buildkit.git");
        assert_eq!(g.remote, "https://foo:bar@github.com/moby/buildkit.git");
        let g = git("git@github.com:moby/buildkit");
        assert_eq!(
            (g.remote.as_str(), g.short_name.as_str()),
            ("git@github.com:moby/buildkit", "buildkit")
        );
        let g = git("git@bitbucket.org:atlassianlabs/atlassian-docker.git");
        assert_eq!(g.short_name, "atlassian-docker");
        let g = git("https://github.com/foo/bar.git#baz/qux:quux/quuz");
        assert_eq!(
            (g.reference.as_str(), g.subdir.as_str()),
            ("baz/qux", "quux/quuz")
        );
        let g = git("https://github.com/docker/docker.git#:myfolder");
        assert_eq!((g.reference.as_str(), g.subdir.as_str()), ("", "myfolder"));
        let g = git("https://github.com/docker/docker.git?ref=v1.0.0&subdir=/subdir");
        assert_eq!(
            (g.reference.as_str(), g.subdir.as_str()),
            ("v1.0.0", "/subdir")
        );
        assert_eq!(g.remote, "https://github.com/docker/docker.git");
    }

    #[test]
    fn query_forms_and_errors() {
        let g = git("https://h/r.git?tag=v1&keep-git-dir=true");
        assert_eq!(g.reference, "refs/tags/v1");
        assert_eq!(g.keep_git_dir, Some(true));
        let g = git("https://h/r.git?branch=main&checksum=abc123");
        assert_eq!(
            (g.reference.as_str(), g.checksum.as_str()),
            ("refs/heads/main", "abc123")
        );
        let g = git("https://h/r.git?commit=abc123");
        assert_eq!(g.reference, "abc123");
        for (text, error) in [
            (
                "https://h/r.git?ref=a&ref=b",
                "query \"ref\" has multiple values",
            ),
            ("https://h/r.git?ref=", "query \"ref\" has no value"),
            ("https://h/r.git?nope=1", "unexpected query \"nope\""),
            (
                "https://h/r.git?tag=a&branch=b",
                "branch conflicts with tag",
            ),
            ("https://h/r.git?ref=a#b", "ref conflicts: \"b\" vs \"a\""),
            (
                "https://h/r.git?keep-git-dir=maybe",
                "invalid keep-git-dir value: \"maybe\"",
            ),
        ] {
            match parse_git_ref(text) {
                GitParse::Invalid(e) => assert_eq!(e, error, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn sources_are_classified_like_dockerfile2llb() {
        assert!(is_git_source(
            "https://github.com/moby/buildkit.git#v0.10.1"
        ));
        assert!(is_git_source("github.com/moby/buildkit"));
        assert!(!is_http_source("https://github.com/moby/buildkit.git"));
        assert!(is_http_source("https://example.com/a.tar.gz"));
        assert!(!is_git_source("ftp://example.com/r.git"));
    }

    #[test]
    fn digests_validate_like_go_digest() {
        let hex64 = "a".repeat(64);
        assert_eq!(validate_digest(&format!("sha256:{hex64}")), Ok(()));
        assert_eq!(
            validate_digest("sha256:abc"),
            Err("invalid checksum digest length")
        );
        assert_eq!(
            validate_digest(&format!("sha256:{}", "A".repeat(64))),
            Err("invalid checksum digest format")
        );
        assert_eq!(
            validate_digest(&format!("md5:{hex64}")),
            Err("unsupported digest algorithm")
        );
        assert_eq!(
            validate_digest("nocolon"),
            Err("invalid checksum digest format")
        );
        assert_eq!(
            validate_digest("sha256:"),
            Err("invalid checksum digest format")
        );
        assert_eq!(
            validate_digest("Bad!:x"),
            Err("invalid checksum digest format")
        );
    }

    #[test]
    fn source_checks_follow_dispatch_copy() {
        let one = |s: &str| vec![s.to_string()];
        let sha = "0123456789abcdef0123456789abcdef01234567";
        let digest = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            check_sources(true, &one("https://h/r.git"), Some(sha), None),
            Ok(())
        );
        assert_eq!(
            check_sources(true, &one("https://h/f.tgz"), Some(&digest), None),
            Ok(())
        );
        let err = |r: Result<(), (String, Blame)>| r.unwrap_err();
        assert_eq!(
            err(check_sources(true, &one("local.txt"), Some(&digest), None)),
            (
                "checksum requires HTTP(S) or Git sources".to_string(),
                Blame::Checksum
            )
        );
        assert_eq!(
            err(check_sources(
                true,
                &["a".into(), "b".into()],
                Some(&digest),
                None
            ))
            .0,
            "checksum can't be specified for multiple sources"
        );
        assert_eq!(
            err(check_sources(
                true,
                &one("https://h/f.tgz"),
                Some("sha256:abc"),
                None
            ))
            .0,
            "invalid checksum digest length"
        );
        assert_eq!(
            err(check_sources(
                false,
                &["x".into(), "https://h/r.git".into()],
                None,
                None
            )),
            (
                "source can't be a git ref for COPY".to_string(),
                Blame::Source(1)
            )
        );
        assert_eq!(
            err(check_sources(false, &one("https://h/f.tgz"), None, None)).0,
            "source can't be a URL for COPY"
        );
        assert_eq!(
            err(check_sources(
                true,
                &one("https://h/r.git?keep-git-dir=false"),
                None,
                Some(true)
            ))
            .1,
            Blame::KeepGitDir
        );
        assert_eq!(
            err(check_sources(
                true,
                &one("https://h/r.git?checksum=abc"),
                Some("def"),
                None
            ))
            .0,
            "checksum mismatch \"def\" != \"abc\""
        );
        assert_eq!(
            err(check_sources(
                true,
                &one("https://h/r.git#v1"),
                Some("foobar"),
                None
            ))
            .0,
            "invalid checksum foobar for Git URL, expected hex commit hash"
        );
        assert_eq!(
            err(check_sources(
                true,
                &one(&format!("https://h/r.git#{sha}")),
                Some("fff"),
                None
            ))
            .0,
            format!("expected checksum to match fff, got {sha}")
        );
        // `github.com/…` is a Git ref for the checksum check but a local path for ADD.
        assert_eq!(
            check_sources(true, &one("github.com/o/r"), Some("abc"), None),
            Ok(())
        );
    }

    #[test]
    fn git_checksums_are_hex_prefixes_of_commit_refs() {
        let sha = "0123456789abcdef0123456789abcdef01234567";
        assert_eq!(check_git_checksum("0123", sha), Ok(()));
        assert_eq!(
            check_git_checksum("foobar", "main").unwrap_err(),
            "invalid checksum foobar for Git URL, expected hex commit hash"
        );
        assert_eq!(
            check_git_checksum("fff", sha).unwrap_err(),
            format!("expected checksum to match fff, got {sha}")
        );
        assert_eq!(check_git_checksum("fff", "v1.0"), Ok(()));
    }
}
