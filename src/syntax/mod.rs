//! Dockerfile syntax: lines, directives, continuations, heredocs and the raw instruction tree, as BuildKit's 'parser' package.
