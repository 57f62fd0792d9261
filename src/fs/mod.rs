//! A layered virtual filesystem: trees, layer diffs, whiteouts.
