//! hadolint's `DL` rules, one file per rule, with hadolint's codes, messages and
//! severities (style → info; `ignore` rules are off by default).
