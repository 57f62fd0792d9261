//! Real image artifacts: layer tarballs, digests, OCI config, manifest, index, exports.
