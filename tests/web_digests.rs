//! Image digests inside a real browser (headless Chromium via wasm-bindgen-test): a
//! FROM-scratch + COPY build from an in-memory context must give, in wasm, the layer
//! diff_ids, config digest and manifest digest computed natively. The input and the expected
//! values live in `tests/artifacts_support/scratch_case.rs`, which
//! `tests/artifacts_buildah_diffids.rs` also includes and checks natively.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!("artifacts_support/scratch_case.rs");

#[wasm_bindgen_test]
fn scratch_copy_build_gives_the_native_digests_in_the_browser() {
    let first = simulate_scratch_case().expect("simulate in wasm");
    let (diff_ids, config, manifest) = first.clone();
    assert_eq!(diff_ids, SCRATCH_DIFF_IDS);
    assert_eq!(config, SCRATCH_CONFIG_DIGEST);
    assert_eq!(manifest, SCRATCH_MANIFEST_DIGEST);
    // Deterministic within the page too.
    assert_eq!(simulate_scratch_case().expect("simulate again"), first);
}
