//! The build context: an in-memory tree of files loaded from files, folders or tar archives, and '.dockerignore'.
