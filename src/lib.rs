//! layerlab's engine: everything `docker build` would do to a Dockerfile and its context,
//! computed without a daemon. No web dependency: it builds and tests natively and for wasm32.
//! See `docs/ARCHITECTURE.md` for the path of the data through these modules.

pub mod advisor;
pub mod analysis;
pub mod catalog;
pub mod context;
pub mod diagnostic;
pub mod expand;
pub mod fs;
pub mod gostr;
pub mod image;
pub mod instructions;
pub mod labcheck;
pub mod lint;
pub mod shell;
pub mod simulate;
pub mod sort;
pub mod span;
pub mod syntax;
pub mod terminal;
