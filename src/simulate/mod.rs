//! Build simulation: what `docker build` (BuildKit) would build, layer by layer, without
//! executing anything.
//!
//! [`build`] takes the parsed Dockerfile, its typed [`Instructions`](crate::instructions),
//! the build [`Context`](crate::context::Context), [`BuildOptions`] (target, build args,
//! platform, `SOURCE_DATE_EPOCH`), the [`Catalogs`] of real data and optionally the previous
//! [`Build`], and returns a [`Build`]: every stage (built or skipped), every step with its
//! BuildKit cache key and cache state (CACHED, or rebuilt with the first reason), every layer
//! of the final image (base layers with real digests from the catalog, built layers with
//! their changes as a tree and Go-exact tar digests), the final config and history exactly
//! as BuildKit writes them, and the image artifacts when every layer is known.
//!
//! What is simulated exactly: stages and `--target`, ARG/ENV scoping and expansion, COPY and
//! ADD from the context or another stage (wildcards, directory contents, trailing slashes,
//! `--chown`, `--chmod`, `--parents`, `--exclude` with `!` re-inclusion, heredocs, local
//! archives: tar plain or compressed with gzip, bzip2, xz or zstd),
//! WORKDIR, and every config instruction. RUN goes through [`run::simulate_run`] (file
//! commands exact, package installs estimated from the Debian catalog, the rest unknown).
//! URL/Git sources (their URL, ref, subdir and checksum parsed and checked as BuildKit
//! does, their bytes not fetched) and the files of registry base images (only their layer digests and sizes
//! are known) are marked [`Certainty::Unknown`] or `Estimated`, never invented.

mod archive;
pub mod catalogs;
pub mod certainty;
pub mod chmod;
mod copy;
mod dispatch;
pub mod git_ref;
pub mod history;
pub mod model;
pub mod options;
pub mod owner;
pub mod paths;
pub mod preview;
pub mod report;
pub mod run;
mod source;

pub use catalogs::Catalogs;
pub use certainty::Certainty;
pub use dispatch::build;
pub use model::*;
pub use options::{BuildOptions, DEFAULT_PLATFORM};
pub use preview::{ContentPreview, PREVIEW_BUILD_BYTES, PREVIEW_FILE_BYTES};
