// One FROM-scratch + COPY build from an in-memory context, and the digests it must give.
// Included (`include!`) by `tests/web_digests.rs` (wasm, headless Chromium) and by
// `tests/artifacts_buildah_diffids.rs` (native), so both targets check the same constants.
// The expected values were computed natively by layerlab (SOURCE_DATE_EPOCH 0, gzip layers
// for the manifest) and are asserted on both sides: a change on either target fails a test.

/// The Dockerfile of the shared case.
pub const SCRATCH_DOCKERFILE: &str = "FROM scratch\nCOPY app/ /srv/app/\nCOPY --chmod=0755 --chown=1000:1000 run.sh /usr/local/bin/run\n";

/// The in-memory context (path, bytes); files get `Context::from_files`' default mode and mtime 0.
pub const SCRATCH_FILES: &[(&str, &[u8])] = &[
    ("app/index.html", b"<h1>hello</h1>\n"),
    ("app/static/site.css", b"body { margin: 0 }\n"),
    ("run.sh", b"#!/bin/sh\nexec httpd -f -p 8080\n"),
];

/// The two layers' diff_ids (sha256 of the uncompressed tars).
pub const SCRATCH_DIFF_IDS: [&str; 2] = [EXPECTED_DIFF_ID_0, EXPECTED_DIFF_ID_1];
const EXPECTED_DIFF_ID_0: &str =
    "sha256:f301e7c49332feb3696c601e19a9c098501c25e8901c723a4c77094676e004e7";
const EXPECTED_DIFF_ID_1: &str =
    "sha256:4ac0c2ce6b99f630326e77df8be5b2a2ee60e9e0775f23b51f88a14dc28500ac";
/// The image config's digest.
pub const SCRATCH_CONFIG_DIGEST: &str =
    "sha256:c7cc5bd9fe17f7c123b173285b670e6a010f10e79f305aeb391e2a0ac916e5ca";
/// The manifest's digest (gzip layers, what `docker build` pushes).
pub const SCRATCH_MANIFEST_DIGEST: &str =
    "sha256:844e7a2bc5b69c951d8a33c08177e99424a76420ef3df40c5e9449ee3d003939";

/// The digests layerlab computes for the case: (diff_ids, config digest, manifest digest).
pub fn simulate_scratch_case() -> Result<(Vec<String>, String, String), String> {
    use layerlab::context::Context;
    use layerlab::simulate::{build, BuildOptions, Catalogs};
    let context = Context::from_files(SCRATCH_FILES.iter().map(|(p, b)| (*p, b.to_vec())))
        .map_err(|e| e.to_string())?;
    let parsed = layerlab::syntax::parse(SCRATCH_DOCKERFILE);
    let instructions = layerlab::instructions::parse(&parsed.dockerfile);
    let mut b = build(
        &parsed,
        &instructions,
        &context,
        &BuildOptions::default(),
        &Catalogs::new(None),
        None,
    );
    if b.has_errors() {
        return Err(format!("{:?}", b.diagnostics));
    }
    b.compute_digests();
    let diff_ids = b
        .layers
        .iter()
        .map(|l| {
            l.diff_id
                .clone()
                .ok_or_else(|| format!("no diff_id: {:?}", l.unknown_reason))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let config = b
        .artifacts
        .config_digest
        .clone()
        .ok_or_else(|| format!("{:?}", b.artifacts.missing))?;
    let manifest = b
        .artifacts
        .manifest_digest
        .clone()
        .ok_or_else(|| format!("{:?}", b.artifacts.missing))?;
    Ok((diff_ids, config, manifest))
}
