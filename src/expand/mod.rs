//! Variable expansion exactly like BuildKit's shell lexer ('frontend/dockerfile/shell').
