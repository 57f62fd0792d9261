//! The build context the user works on, as the engine's [`Context`] (the same tree the
//! simulator reads), and the operations of the Context panel on it. Every operation builds a
//! new context and returns it only when everything succeeded, so a bad upload or an invalid
//! name leaves the workspace as it was.

use layerlab::context::{Context, ContextError, Entry, EntryKind, Metadata, DEFAULT_FILE_MODE};

/// The Dockerfile's path inside the context (what `docker build .` uses).
pub const DOCKERFILE_PATH: &str = "Dockerfile";
/// Files bigger than this are not edited in place.
pub const MAX_EDITABLE_BYTES: usize = 256 * 1024;

/// What a row of the tree shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowKind {
    File,
    Dir,
    Symlink(String),
}

/// One row of the context tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeRow {
    pub path: String,
    pub name: String,
    /// 0 for the top level.
    pub depth: usize,
    pub kind: RowKind,
    /// File length; for a directory, the bytes of every file below it.
    pub size: u64,
    /// Whether `.dockerignore` keeps it out of the build.
    pub excluded: bool,
    /// The pattern and line that excluded it.
    pub excluded_by: Option<(String, usize)>,
}

/// The tree rows, depth first in name order, with `.dockerignore` verdicts, and the ignore
/// file's own problem when it cannot be read.
pub fn rows(context: &Context) -> (Vec<TreeRow>, Option<String>) {
    let (ignore, problem) = match context.dockerignore_for(DOCKERFILE_PATH) {
        Ok(ignore) => (ignore, None),
        Err(e) => (None, Some(e.to_string())),
    };
    let walked = match context.walk_included(ignore.as_ref()) {
        Ok(walked) => walked,
        Err(e) => {
            let plain = context.walk_included(None).unwrap_or_default();
            return (
                plain
                    .iter()
                    .map(|w| row(&w.path, w.entry, false, None))
                    .collect(),
                Some(format!(".dockerignore: {e}")),
            );
        }
    };
    let rows = walked
        .iter()
        .map(|w| {
            let by = w
                .excluded_by
                .as_ref()
                .map(|e| (e.pattern.to_string(), e.line));
            row(&w.path, w.entry, w.excluded, by)
        })
        .collect();
    (rows, problem)
}

fn row(path: &str, entry: &Entry, excluded: bool, by: Option<(String, usize)>) -> TreeRow {
    let name = path.rsplit('/').next().unwrap_or(path).to_string();
    let kind = match entry.kind() {
        EntryKind::Dir(_) => RowKind::Dir,
        EntryKind::Symlink { target } => RowKind::Symlink(target.clone()),
        _ => RowKind::File,
    };
    let size = match kind {
        RowKind::Dir => dir_bytes(entry),
        _ => entry.size(),
    };
    TreeRow {
        path: path.to_string(),
        name,
        depth: path.matches('/').count(),
        kind,
        size,
        excluded,
        excluded_by: by,
    }
}

fn dir_bytes(entry: &Entry) -> u64 {
    let mut total = 0;
    let mut stack = vec![entry];
    while let Some(e) = stack.pop() {
        match e.dir() {
            Some(d) => stack.extend(d.iter().map(|(_, child)| child)),
            None if e.is_file() => total += e.size(),
            None => {}
        }
    }
    total
}

/// The seed example's context.
pub fn seed(files: &[(&str, &str)]) -> Context {
    let mut context = Context::new();
    for (path, text) in files {
        // The seed paths are constants known to be valid.
        let _ = context.insert_file(path, *text, Metadata::with_mode(DEFAULT_FILE_MODE));
    }
    context
}

/// The context `docker build .` sends: the Dockerfile is in it (unless the context has its
/// own file at that path).
pub fn with_dockerfile(context: &Context, text: &str) -> Context {
    let mut context = context.clone();
    if context.get(DOCKERFILE_PATH).is_none() {
        // A valid constant path: cannot fail.
        let _ = context.insert_file(
            DOCKERFILE_PATH,
            text.as_bytes(),
            Metadata::with_mode(DEFAULT_FILE_MODE),
        );
    }
    context
}

/// Adds files (path, bytes) to a copy of `base`; all or nothing.
pub fn with_files(base: &Context, files: Vec<(String, Vec<u8>)>) -> Result<Context, String> {
    let mut next = base.clone();
    for (path, bytes) in files {
        next.insert_file(&path, bytes, Metadata::with_mode(DEFAULT_FILE_MODE))
            .map_err(|e| describe(&e))?;
    }
    Ok(next)
}

/// Unpacks a tar archive (plain, gzip, bzip2, xz or zstd) into a copy of `base` (entries replace same-named ones).
pub fn with_archive(base: &Context, bytes: Vec<u8>) -> Result<(Context, usize), String> {
    let archive = Context::from_archive(bytes).map_err(|e| describe(&e))?;
    let mut next = base.clone();
    let mut count = 0;
    for (path, entry) in archive.walk() {
        let result = match entry.kind() {
            EntryKind::Dir(_) => next.insert_dir(&path, *entry.metadata()),
            EntryKind::Symlink { target } => next.insert_symlink(&path, target, *entry.metadata()),
            _ => match entry.content() {
                Some(content) => next.insert_file(&path, content.clone(), *entry.metadata()),
                None => Ok(()),
            },
        };
        result.map_err(|e| describe(&e))?;
        if !entry.is_dir() {
            count += 1;
        }
    }
    Ok((next, count))
}

/// Creates or replaces a text file.
pub fn with_text(base: &Context, path: &str, text: &str) -> Result<Context, String> {
    let path = path.trim();
    if path.is_empty() || path.ends_with('/') {
        return Err("give the file a name".to_string());
    }
    if let Some(existing) = base.get(path) {
        if existing.is_dir() {
            return Err(format!("{path} is a folder"));
        }
    }
    with_files(base, vec![(path.to_string(), text.as_bytes().to_vec())])
}

/// Renames (moves) an entry.
pub fn renamed(base: &Context, from: &str, to: &str) -> Result<Context, String> {
    let to = to.trim();
    if to.is_empty() {
        return Err("give the new name".to_string());
    }
    if from == to {
        return Ok(base.clone());
    }
    if base.get(to).is_some() {
        return Err(format!("{to} already exists"));
    }
    if to.starts_with(&format!("{from}/")) {
        return Err(format!("cannot move {from} into itself"));
    }
    let mut next = base.clone();
    let moved: Vec<(String, Entry)> = base
        .walk()
        .into_iter()
        .filter(|(p, _)| p == from || p.starts_with(&format!("{from}/")))
        .map(|(p, e)| (format!("{to}{}", &p[from.len()..]), e.clone()))
        .collect();
    if moved.is_empty() {
        return Err(format!("{from} does not exist"));
    }
    next.remove(from).map_err(|e| describe(&e))?;
    for (path, entry) in moved {
        let result = match entry.kind() {
            EntryKind::Dir(_) => next.insert_dir(&path, *entry.metadata()),
            EntryKind::Symlink { target } => next.insert_symlink(&path, target, *entry.metadata()),
            _ => match entry.content() {
                Some(content) => next.insert_file(&path, content.clone(), *entry.metadata()),
                None => Ok(()),
            },
        };
        result.map_err(|e| describe(&e))?;
    }
    Ok(next)
}

/// Deletes an entry and everything below it.
pub fn without(base: &Context, path: &str) -> Result<Context, String> {
    let mut next = base.clone();
    next.remove(path).map_err(|e| describe(&e))?;
    Ok(next)
}

/// Files as (path, bytes), in walk order: what share links and persistence carry.
pub fn files(context: &Context) -> Vec<(String, Vec<u8>)> {
    context
        .walk()
        .into_iter()
        .filter_map(|(p, e)| e.content().map(|c| (p, c.bytes().to_vec())))
        .collect()
}

/// The text of a file when it is small UTF-8 (editable in place).
pub fn editable_text(context: &Context, path: &str) -> Option<String> {
    let content = context.file(path)?;
    if content.len() > MAX_EDITABLE_BYTES {
        return None;
    }
    std::str::from_utf8(content.bytes())
        .ok()
        .map(str::to_string)
}

fn describe(e: &ContextError) -> String {
    e.to_string()
}

/// Human size: `512 B`, `1.2 KB`, `3.4 MB` (decimal units, as Docker prints).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Context {
        seed(&[
            ("app.py", "print(1)\n"),
            ("requirements.txt", "flask\n"),
            ("docs/a.md", "# a\n"),
            (".dockerignore", "docs\n*.md\n!README.md\n"),
        ])
    }

    #[test]
    fn rows_show_sizes_and_what_dockerignore_excludes() {
        let (rows, problem) = rows(&ctx());
        assert_eq!(problem, None);
        let names: Vec<_> = rows.iter().map(|r| (r.path.as_str(), r.depth)).collect();
        assert_eq!(
            names,
            [
                (".dockerignore", 0),
                ("app.py", 0),
                ("docs", 0),
                ("docs/a.md", 1),
                ("requirements.txt", 0)
            ]
        );
        let docs = &rows[2];
        assert_eq!(
            (docs.kind.clone(), docs.size, docs.excluded),
            (RowKind::Dir, 4, true)
        );
        assert_eq!(docs.excluded_by, Some(("docs".to_string(), 1)));
        assert!(rows[3].excluded);
        assert!(!rows[1].excluded);
    }

    #[test]
    fn operations_are_all_or_nothing() {
        let base = ctx();
        assert!(with_files(
            &base,
            vec![("ok.txt".into(), b"1".to_vec()), ("../evil".into(), vec![])]
        )
        .is_err());
        let moved = renamed(&base, "docs", "notes").unwrap();
        assert!(moved.get("notes/a.md").is_some() && moved.get("docs").is_none());
        assert!(renamed(&base, "app.py", "requirements.txt").is_err());
        assert!(renamed(&base, "docs", "docs/inner").is_err());
        let gone = without(&base, "docs").unwrap();
        assert!(gone.get("docs/a.md").is_none());
        assert!(with_archive(&base, b"not a tar at all, just text".to_vec()).is_err());
        assert!(with_text(&base, "docs", "x").is_err());
        assert_eq!(
            editable_text(&base, "app.py").as_deref(),
            Some("print(1)\n")
        );
        assert_eq!(human_size(1234), "1.2 KB");
        assert_eq!(human_size(999), "999 B");
    }
}
