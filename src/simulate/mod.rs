//! Build simulation: what `docker build` (BuildKit) would build, layer by layer, without
//! executing anything.

pub mod certainty;

pub use certainty::Certainty;
