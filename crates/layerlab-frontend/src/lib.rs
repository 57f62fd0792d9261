//! layerlab's Dockerfile front end: everything between the text of a Dockerfile and the
//! build stages the simulator runs.
//!
//! * [`syntax`]: BuildKit's parser (directives, instructions, heredocs), with byte spans
//!   ([`span`]) and recovery: every problem becomes a [`diagnostic::Diagnostic`];
//! * [`instructions`]: the typed, validated instructions and stages (BuildKit's
//!   `instructions` package);
//! * [`expand`]: variable expansion exactly like BuildKit's shell lexer;
//! * [`gostr`] (Go's string quoting) and [`sort`] (one shared copy of the sort) support them.
//!
//! It depends on nothing else in layerlab, and the `layerlab` package re-exports each module
//! under its old path (`layerlab::syntax`, `layerlab::expand`, …). It is a crate of its own so
//! that the playground can build it at opt-level 3 while the rest of the wasm is optimised for
//! size: the editor runs this code on every edit (see docs/ARCHITECTURE.md).

pub mod diagnostic;
pub mod expand;
pub mod gostr;
pub mod instructions;
pub mod sort;
pub mod span;
pub mod syntax;
