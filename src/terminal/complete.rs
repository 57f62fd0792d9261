//! Tab completion: the words that can follow what was typed.

use super::store::ImageStore;

const PROGRAMS: [&str; 3] = ["clear", "docker", "help"];
const DOCKER: [&str; 11] = [
    "build", "help", "history", "image", "images", "inspect", "pull", "push", "rmi", "tag",
    "buildx",
];
const IMAGE: [&str; 9] = [
    "build", "history", "inspect", "ls", "prune", "pull", "push", "rm", "tag",
];

/// The completions of the last (partial) word of `line`: full words that start with it,
/// sorted. An empty result means nothing fits.
pub fn complete(line: &str, store: &ImageStore) -> Vec<String> {
    let ends_with_space = line.ends_with(char::is_whitespace);
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let partial = if ends_with_space {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    let candidates: Vec<String> = match words.as_slice() {
        [] => PROGRAMS.iter().map(|s| s.to_string()).collect(),
        ["docker"] => DOCKER.iter().map(|s| s.to_string()).collect(),
        ["docker", "image"] => IMAGE.iter().map(|s| s.to_string()).collect(),
        ["docker", "history" | "inspect" | "rmi" | "tag" | "push", ..]
        | ["docker", "image", "history" | "inspect" | "rm" | "tag" | "push", ..] => {
            store.all_tags()
        }
        ["docker", "build", ..] | ["docker", "image", "build", ..] => {
            ["-t", "-f", "--target", "--build-arg", "--no-cache", "."]
                .iter()
                .map(|s| s.to_string())
                .collect()
        }
        _ => Vec::new(),
    };
    let mut out: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.starts_with(partial))
        .collect();
    crate::sort::sort(&mut out);
    out.dedup();
    out
}

/// The longest common prefix of the candidates (what Tab inserts when several fit).
pub fn common_prefix(candidates: &[String]) -> String {
    let Some(first) = candidates.first() else {
        return String::new();
    };
    let mut len = first.len();
    for c in candidates {
        len = len.min(
            first
                .char_indices()
                .zip(c.chars())
                .take_while(|((_, a), b)| a == b)
                .map(|((i, a), _)| i + a.len_utf8())
                .last()
                .unwrap_or(0),
        );
    }
    first[..len].to_string()
}
