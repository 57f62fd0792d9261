//! What `docker build` is asked to do, beyond the Dockerfile and the context.

use serde::Serialize;

/// The platform BuildKit builds for when none is given.
pub const DEFAULT_PLATFORM: &str = "linux/amd64";

/// Options of one simulated `docker build`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BuildOptions {
    /// `--target`: the stage to build (name or index); `None` builds the last stage.
    pub target: Option<String>,
    /// `--build-arg K=V`, in order (a later value for the same key wins).
    pub build_args: Vec<(String, String)>,
    /// `--platform` (`None`: [`DEFAULT_PLATFORM`]).
    pub platform: Option<String>,
    /// `SOURCE_DATE_EPOCH`: the time of every history entry and created file, and the time
    /// every layer entry is clamped to (BuildKit's `rewrite-timestamp`). Default 0.
    pub epoch: i64,
    /// The Dockerfile's path inside the context (`-f`), which picks
    /// `<Dockerfile>.dockerignore` over `.dockerignore`; `None` = `Dockerfile`.
    pub dockerfile_path: Option<String>,
}

impl BuildOptions {
    /// The target platform string.
    pub fn platform(&self) -> &str {
        self.platform.as_deref().unwrap_or(DEFAULT_PLATFORM)
    }

    /// The Dockerfile's path inside the context.
    pub fn dockerfile_path(&self) -> &str {
        self.dockerfile_path.as_deref().unwrap_or("Dockerfile")
    }

    /// The value given with `--build-arg` for `key` (the last one wins).
    pub fn build_arg(&self, key: &str) -> Option<&str> {
        self.build_args
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}
