//! The examples gallery: the folders under `gallery/` listed in `gallery/index.json`. They are
//! a few kilobytes of text, compiled in so the gallery works offline; a test checks this table
//! against the index file.

/// One example: a Dockerfile and its build context.
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub dockerfile: &'static str,
    /// Context files (path, text); the Dockerfile is not among them.
    pub files: &'static [(&'static str, &'static str)],
}

macro_rules! file {
    ($dir:literal, $name:literal) => {
        (
            $name,
            include_str!(concat!("../../../gallery/", $dir, "/", $name)),
        )
    };
}

pub const EXAMPLES: &[Example] = &[
    Example {
        id: "seed",
        title: "Python app on Ubuntu (the tutorial's seed)",
        description: "The starting point: ubuntu:22.04, apt python3, pip, COPY . /app.",
        dockerfile: include_str!("../../../gallery/seed/Dockerfile"),
        files: &[file!("seed", "app.py"), file!("seed", "requirements.txt")],
    },
    Example {
        id: "seed-optimised",
        title: "The seed, optimised",
        description: "python:3.12-slim, requirements first for caching, no pip cache, non-root user, .dockerignore.",
        dockerfile: include_str!("../../../gallery/seed-optimised/Dockerfile"),
        files: &[
            file!("seed-optimised", ".dockerignore"),
            file!("seed-optimised", "app.py"),
            file!("seed-optimised", "requirements.txt"),
        ],
    },
    Example {
        id: "multistage-go",
        title: "Multi-stage Go build",
        description: "Compile in golang, ship only the binary on scratch; a test stage the default target skips.",
        dockerfile: include_str!("../../../gallery/multistage-go/Dockerfile"),
        files: &[
            file!("multistage-go", ".dockerignore"),
            file!("multistage-go", "README.md"),
            file!("multistage-go", "cmd/server/main.go"),
            file!("multistage-go", "config.yaml"),
            file!("multistage-go", "go.mod"),
        ],
    },
    Example {
        id: "node-alpine",
        title: "Node.js on Alpine",
        description: "npm ci with dependencies cached before the code, HEALTHCHECK, non-root user.",
        dockerfile: include_str!("../../../gallery/node-alpine/Dockerfile"),
        files: &[
            file!("node-alpine", ".dockerignore"),
            file!("node-alpine", "package.json"),
            file!("node-alpine", "package-lock.json"),
            file!("node-alpine", "server.js"),
        ],
    },
    Example {
        id: "broken",
        title: "A broken one to fix",
        description: "Syntax and instruction errors to find in the Problems tab.",
        dockerfile: include_str!("../../../gallery/broken/Dockerfile"),
        files: &[file!("broken", "app.py"), file!("broken", "requirements.txt")],
    },
    Example {
        id: "heredocs",
        title: "Heredocs",
        description: "RUN and COPY with heredocs: scripts and inline files.",
        dockerfile: include_str!("../../../gallery/heredocs/Dockerfile"),
        files: &[],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_the_index_file() {
        let index: serde_json::Value =
            serde_json::from_str(include_str!("../../../gallery/index.json")).unwrap();
        let listed = index["examples"].as_array().unwrap();
        assert_eq!(listed.len(), EXAMPLES.len());
        for (entry, example) in listed.iter().zip(EXAMPLES) {
            assert_eq!(entry["id"], example.id);
            assert_eq!(entry["title"], example.title);
            assert_eq!(entry["description"], example.description);
            let mut files: Vec<&str> = vec!["Dockerfile"];
            files.extend(example.files.iter().map(|(p, _)| *p));
            let want: Vec<&str> = entry["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f.as_str().unwrap())
                .collect();
            assert_eq!(files, want, "{}", example.id);
        }
    }

    #[test]
    fn every_example_parses_and_only_the_broken_one_has_errors() {
        for example in EXAMPLES {
            let analysis = layerlab::analysis::analyze(example.dockerfile);
            assert_eq!(
                analysis.has_errors(),
                example.id == "broken",
                "{}: {:?}",
                example.id,
                analysis.diagnostics
            );
        }
    }
}
