//! The seed example (the first of the gallery), for the embeddable widget.

use crate::gallery::EXAMPLES;

pub const DOCKERFILE: &str = EXAMPLES[0].dockerfile;

/// The build context shipped with the seed example: (path, contents).
pub const CONTEXT: &[(&str, &str)] = EXAMPLES[0].files;
