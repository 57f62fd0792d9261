//! What the simulator asks of a context: walking it, resolving paths through symbolic
//! links the way BuildKit does (scoped to the root), expanding COPY source wildcards, and
//! applying `.dockerignore`.

use std::collections::VecDeque;

use super::content::ContentDigest;
use super::dockerignore::{ignore_file_candidates, Dockerignore, Exclusion};
use super::error::ContextError;
use super::glob::{contains_wildcards, go_match};
use super::limits::MAX_SYMLINK_HOPS;
use super::path::{join, normalize_scoped};
use super::patternmatcher::PatternError;
use super::tree::{Context, Entry};

/// One entry met by [`Context::walk`].
#[derive(Debug, Clone, Copy)]
pub struct WalkEntry<'a> {
    /// Canonical context path (`a/b/c`).
    pub path: &'a str,
    pub entry: &'a Entry,
}

/// One entry of [`Context::walk_included`], with its `.dockerignore` verdict.
#[derive(Debug, Clone)]
pub struct WalkedEntry<'a> {
    pub path: String,
    pub entry: &'a Entry,
    /// Whether `.dockerignore` excludes this path (`MatchesOrParentMatches`).
    pub excluded: bool,
    /// The pattern and line that excluded it, when excluded.
    pub excluded_by: Option<Exclusion<'a>>,
}

type Children<'a> = Box<dyn Iterator<Item = (&'a str, &'a Entry)> + 'a>;

impl Context {
    /// Calls `visit` for every entry below `start` (the root for `""`), depth first, in name
    /// order, parents before children — the order of Go's `filepath.Walk`. `visit` returns
    /// whether to descend into a directory.
    pub fn walk_from<'a>(&'a self, start: &str, mut visit: impl FnMut(WalkEntry<'_>) -> bool) {
        let start = normalize_scoped(start);
        let Some(dir) = self.get_canonical(&start).and_then(Entry::dir) else {
            return;
        };
        let mut stack: Vec<(String, Children<'a>)> = vec![(start, Box::new(dir.iter()))];
        while let Some((prefix, children)) = stack.last_mut() {
            let Some((name, entry)) = children.next() else {
                stack.pop();
                continue;
            };
            let path = join(prefix, name);
            let descend = visit(WalkEntry { path: &path, entry });
            if descend {
                if let Some(sub) = entry.dir() {
                    stack.push((path, Box::new(sub.iter())));
                }
            }
        }
    }

    /// Every entry of the context as (path, entry), depth first in name order.
    pub fn walk(&self) -> Vec<(String, &Entry)> {
        let mut out = Vec::with_capacity(self.entry_count());
        self.walk_from("", |item| {
            // The entry reference outlives the callback: look it up again by path.
            out.push(item.path.to_string());
            true
        });
        out.into_iter()
            .filter_map(|path| self.get_canonical(&path).map(|entry| (path, entry)))
            .collect()
    }

    /// Every entry with its `.dockerignore` verdict (all entries, excluded ones included, so
    /// the UI can grey them out with the pattern responsible).
    pub fn walk_included<'a>(
        &'a self,
        ignore: Option<&'a Dockerignore>,
    ) -> Result<Vec<WalkedEntry<'a>>, PatternError> {
        let mut out = Vec::with_capacity(self.entry_count());
        for (path, entry) in self.walk() {
            // A matched path always has a deciding pattern, so "excluded" is "has a reason".
            let excluded_by = match ignore {
                Some(ignore) => ignore.excluded_by(&path)?,
                None => None,
            };
            let excluded = excluded_by.is_some();
            out.push(WalkedEntry {
                path,
                entry,
                excluded,
                excluded_by,
            });
        }
        Ok(out)
    }

    /// Paths of the regular files `.dockerignore` lets through, in walk order.
    pub fn included_files(
        &self,
        ignore: Option<&Dockerignore>,
    ) -> Result<Vec<String>, PatternError> {
        let mut out = Vec::new();
        for (path, entry) in self.walk() {
            if !entry.is_file() {
                continue;
            }
            if let Some(ignore) = ignore {
                if ignore.is_excluded(&path)? {
                    continue;
                }
            }
            out.push(path);
        }
        Ok(out)
    }

    /// Resolves `path` to a canonical context path, following symbolic links with the root
    /// as `/` (an absolute target restarts at the context root, `..` stops at the root), as
    /// containerd's `fs.RootPath` does for BuildKit. Missing components are kept as they are.
    /// With `follow_last = false` a link in the last component is not followed.
    pub fn resolve(&self, path: &str, follow_last: bool) -> Result<String, ContextError> {
        let mut pending: VecDeque<String> = normalize_scoped(path)
            .split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(component) = pending.pop_front() {
            match component.as_str() {
                "" | "." => continue,
                ".." => {
                    resolved.pop();
                    continue;
                }
                _ => {}
            }
            let candidate = if resolved.is_empty() {
                component.clone()
            } else {
                format!("{}/{}", resolved.join("/"), component)
            };
            let is_last = pending.is_empty();
            match self
                .get_canonical(&candidate)
                .and_then(Entry::symlink_target)
            {
                Some(target) if !is_last || follow_last => {
                    hops += 1;
                    if hops > MAX_SYMLINK_HOPS {
                        return Err(ContextError::TooManySymlinks {
                            path: path.to_string(),
                        });
                    }
                    if target.starts_with('/') {
                        resolved.clear();
                    }
                    let mut next: VecDeque<String> = target
                        .split('/')
                        .filter(|c| !c.is_empty())
                        .map(str::to_string)
                        .collect();
                    next.extend(pending.drain(..));
                    pending = next;
                }
                _ => resolved.push(component),
            }
        }
        Ok(resolved.join("/"))
    }

    /// Expands a COPY/ADD source the way BuildKit's `fsutil/copy.ResolveWildcards` does:
    /// the path is split at the first component containing a wildcard; the part before it
    /// is resolved (following links when `follow_links`), then every path below it is matched
    /// with Go's `filepath.Match` against the rest (a matching directory is not descended).
    /// Returns canonical context paths in walk order; a source without wildcards is returned
    /// as is (normalized). A malformed pattern matches nothing, as in Go.
    pub fn resolve_wildcards(
        &self,
        src: &str,
        follow_links: bool,
    ) -> Result<Vec<String>, ContextError> {
        let normalized = normalize_scoped(src);
        let components: Vec<&str> = if normalized.is_empty() {
            Vec::new()
        } else {
            normalized.split('/').collect()
        };
        let Some(first_wild) = components.iter().position(|c| contains_wildcards(c)) else {
            return Ok(vec![normalized]);
        };
        let base_path = components[..first_wild].join("/");
        let pattern = components[first_wild..].join("/");
        let base = if base_path.is_empty() {
            String::new()
        } else if follow_links {
            self.resolve(&base_path, true)?
        } else {
            let (parent, name) = super::path::split_parent(&base_path);
            join(&self.resolve(parent, true)?, name)
        };
        let Some(base_entry) = self.get_canonical(&base) else {
            return Err(ContextError::NotFound { path: base_path });
        };
        let mut out = Vec::new();
        if !base_entry.is_dir() {
            return Ok(out);
        }
        let prefix_len = if base.is_empty() { 0 } else { base.len() + 1 };
        self.walk_from(&base, |item| {
            let rel = &item.path[prefix_len..];
            if go_match(&pattern, rel).unwrap_or(false) {
                out.push(item.path.to_string());
                return false;
            }
            true
        });
        Ok(out)
    }

    /// The content digest of the regular file at `path`, following symbolic links (scoped to
    /// the root). Computed once per stored content and cached, so a second analysis of an
    /// unchanged context hashes nothing.
    pub fn file_digest(&self, path: &str) -> Result<ContentDigest, ContextError> {
        let resolved = self.resolve(path, true)?;
        match self.get_canonical(&resolved) {
            Some(entry) => match entry.content() {
                Some(content) => Ok(content.digest()),
                None => Err(ContextError::NotAFile {
                    path: path.to_string(),
                }),
            },
            None => Err(ContextError::NotFound {
                path: path.to_string(),
            }),
        }
    }

    /// The `.dockerignore` BuildKit applies for a Dockerfile at `dockerfile_path` inside the
    /// context: `<Dockerfile>.dockerignore` if present, else `.dockerignore`, else none.
    pub fn dockerignore_for(
        &self,
        dockerfile_path: &str,
    ) -> Result<Option<Dockerignore>, ContextError> {
        for candidate in ignore_file_candidates(dockerfile_path) {
            let resolved = self.resolve(&candidate, true)?;
            if let Some(content) = self.get_canonical(&resolved).and_then(Entry::content) {
                return Dockerignore::parse_bytes(&candidate, content.bytes())
                    .map(Some)
                    .map_err(|error| ContextError::Dockerignore {
                        file: candidate.clone(),
                        error,
                    });
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tree::{Metadata, SYMLINK_MODE};
    use super::*;

    fn sample() -> Context {
        let mut ctx = Context::from_files([
            ("a/b/c.txt", "c"),
            ("a/d.go", "d"),
            ("e.txt", "e"),
            ("real/inner.txt", "i"),
        ])
        .expect("context");
        ctx.insert_symlink("link", "real", Metadata::with_mode(SYMLINK_MODE))
            .expect("link");
        ctx.insert_symlink("real/loop", "loop2", Metadata::with_mode(SYMLINK_MODE))
            .expect("link");
        ctx.insert_symlink("real/loop2", "loop", Metadata::with_mode(SYMLINK_MODE))
            .expect("link");
        ctx
    }

    #[test]
    fn walk_is_lexical_depth_first() {
        let paths: Vec<String> = sample().walk().into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            paths,
            [
                "a",
                "a/b",
                "a/b/c.txt",
                "a/d.go",
                "e.txt",
                "link",
                "real",
                "real/inner.txt",
                "real/loop",
                "real/loop2"
            ]
        );
    }

    #[test]
    fn resolve_follows_links_inside_the_root() {
        let ctx = sample();
        assert_eq!(
            ctx.resolve("link/inner.txt", true),
            Ok("real/inner.txt".to_string())
        );
        assert_eq!(ctx.resolve("/link", false), Ok("link".to_string()));
        assert_eq!(ctx.resolve("link", true), Ok("real".to_string()));
        assert_eq!(
            ctx.resolve("../../a/../e.txt", true),
            Ok("e.txt".to_string())
        );
        assert!(matches!(
            ctx.resolve("real/loop", true),
            Err(ContextError::TooManySymlinks { .. })
        ));
    }

    #[test]
    fn wildcards_expand_like_buildkit() {
        let ctx = sample();
        assert_eq!(
            ctx.resolve_wildcards("*.txt", true),
            Ok(vec!["e.txt".to_string()])
        );
        assert_eq!(
            ctx.resolve_wildcards("a/*", true),
            Ok(vec!["a/b".to_string(), "a/d.go".to_string()])
        );
        assert_eq!(
            ctx.resolve_wildcards("*/b/*.txt", true),
            Ok(vec!["a/b/c.txt".to_string()])
        );
        assert_eq!(
            ctx.resolve_wildcards("link/*.txt", true),
            Ok(vec!["real/inner.txt".to_string()])
        );
        assert_eq!(
            ctx.resolve_wildcards("no-such/*", true),
            Err(ContextError::NotFound {
                path: "no-such".into()
            })
        );
        assert_eq!(
            ctx.resolve_wildcards("plain/path", true),
            Ok(vec!["plain/path".to_string()])
        );
        assert_eq!(ctx.resolve_wildcards("[", true), Ok(vec![]));
    }

    #[test]
    fn ignore_file_precedence() {
        let ctx = Context::from_files([
            (".dockerignore", "*.txt\n"),
            ("build/Dockerfile", "FROM scratch\n"),
            ("build/Dockerfile.dockerignore", "a\n"),
            ("e.txt", "e"),
        ])
        .expect("context");
        let specific = ctx
            .dockerignore_for("build/Dockerfile")
            .expect("ok")
            .expect("found");
        assert_eq!(specific.source(), "build/Dockerfile.dockerignore");
        let default = ctx
            .dockerignore_for("Dockerfile")
            .expect("ok")
            .expect("found");
        assert_eq!(default.source(), ".dockerignore");
        let files = ctx.included_files(Some(&default)).expect("ok");
        assert_eq!(
            files,
            [
                ".dockerignore",
                "build/Dockerfile",
                "build/Dockerfile.dockerignore"
            ]
        );
    }
}
