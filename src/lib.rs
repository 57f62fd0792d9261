//! layerlab's engine: everything `docker build` would do to a Dockerfile and its context,
//! computed without a daemon. No web dependency: it builds and tests natively and for wasm32.
//! See `docs/ARCHITECTURE.md` for the path of the data through these modules.

pub mod advisor;
pub mod analysis;
pub mod catalog;
pub mod context;
pub mod fs;
pub mod image;
pub mod labcheck;
pub mod lint;
pub mod shell;
pub mod simulate;
pub mod terminal;

// The Dockerfile front end (parse, validate, expand) is the `layerlab-frontend` crate; its
// modules keep their paths here (`layerlab::syntax`, `crate::span`, …).
pub use layerlab_frontend::{diagnostic, expand, gostr, instructions, sort, span, syntax};
