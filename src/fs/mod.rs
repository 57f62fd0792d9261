//! A layered virtual filesystem: trees, layer diffs, whiteouts.
//!
//! [`Tree`] is a persistent (copy-on-write) directory tree: cloning it is O(1) because every
//! directory is an `Arc`'d `BTreeMap`, and a mutation copies only the directories on the path
//! it touches. A build takes one snapshot per layer (`tree.clone()`), mutates the tree, and asks
//! [`LayerDiff::between`] for the changes, which skips every shared (`Arc::ptr_eq`) subtree.
//!
//! File contents are either known bytes ([`Content::Known`], a shared
//! [`crate::context::FileContent`], the same buffer as the build context's file) or unknown
//! with an estimated size ([`Content::Unknown`]); a layer is *certain* when every file it adds
//! or modifies is known ([`LayerDiff::is_fully_known`]).

mod diff;
mod error;
mod node;
pub mod path;
mod tree;

pub use diff::{Change, ChangeKind, LayerDiff, SizeEstimate};
pub use error::FsError;
pub use node::{Content, Meta, Node, NodeKind};
pub use tree::Tree;
