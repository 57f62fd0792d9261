//! Typed, validated instructions built from the syntax tree, as BuildKit's 'instructions' package.
